// Sends the email outbox: when nudged after a commit in this process, and on an interval for retries and other
// instances' writes. A failed send waits with backoff; nothing is lost while SMTP is away, and a request never waits
// for SMTP.
import type { FastifyBaseLogger } from 'fastify'
import type { Kysely } from 'kysely'
import type { Config } from '../config.js'
import type { Database } from '../db/database.js'
import { DrainLoop, type DrainLoopOptions } from '../db/drain-loop.js'
import { mailSignal } from './compose.js'
import {
  claimEmails,
  defaultMailBackoff,
  deleteOldSentEmails,
  markFailed,
  markSentMany,
  type Backoff,
  type ClaimedEmail,
} from './outbox.js'
import type { MailTransport, SendableMessage } from './transport.js'

export interface MailWorkerOptions extends DrainLoopOptions {
  batchSize?: number
  backoff?: Backoff
}

export interface DrainResult {
  sent: number
  failed: number
}

export class MailWorker extends DrainLoop<DrainResult> {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly transport: MailTransport,
    private readonly config: Pick<Config, 'mail'>,
    log: FastifyBaseLogger,
    private readonly options: MailWorkerOptions = {},
  ) {
    super(
      log,
      {
        signal: mailSignal,
        event: 'enqueued',
        defaultNudgeDelayMs: 50,
        failureMessage: 'the mail worker could not read the outbox',
      },
      options,
    )
  }

  protected emptyResult(): DrainResult {
    return { sent: 0, failed: 0 }
  }

  protected async drainBatch(total: DrainResult): Promise<boolean> {
    const batch = await claimEmails(this.db, this.options.batchSize ?? 100)
    if (batch.length === 0) return false
    const result = await this.sendBatch(batch)
    total.sent += result.sent
    total.failed += result.failed
    return true
  }

  protected cleanup(): Promise<void> {
    return deleteOldSentEmails(this.db).then(() => undefined)
  }

  private async sendBatch(batch: ClaimedEmail[]): Promise<DrainResult> {
    const result: DrainResult = { sent: 0, failed: 0 }
    // Marks go out in small groups as messages complete (every 10, or after a second), not once the whole batch is
    // through: with a slow relay a batch can outlast its lease, and another instance would send its messages again.
    let sent: { id: string; raw: string | null }[] = []
    let lastFlush = Date.now()
    let flushing: Promise<void> = Promise.resolve()
    const flush = () => {
      const group = sent
      sent = []
      lastFlush = Date.now()
      if (group.length) flushing = flushing.then(() => markSentMany(this.db, group))
      return flushing
    }
    let next = 0
    const lanes = Array.from({ length: Math.min(this.config.mail.concurrency, batch.length) }, async () => {
      while (next < batch.length) {
        const email = batch[next++]
        const outcome = await this.sendOne(email)
        if (outcome) {
          sent.push({ id: email.id, raw: outcome.raw })
          result.sent++
          if (sent.length >= 10 || Date.now() - lastFlush >= 1_000) await flush()
        } else result.failed++
      }
    })
    try {
      await Promise.all(lanes)
    } finally {
      await flush()
    }
    return result
  }

  private async sendOne(email: ClaimedEmail): Promise<{ raw: string | null } | null> {
    try {
      const raw = await this.transport.send(toMessage(this.config.mail.from, email))
      if (this.transport.keepsMessages)
        this.log.info({ email: email.id, path: `/dev/mail/${email.id}` }, 'email kept at /dev/mail')
      return { raw }
    } catch (err) {
      const responseCode = (err as { responseCode?: number }).responseCode
      const permanent = typeof responseCode === 'number' && responseCode >= 500
      this.log.warn({ err, email: email.id, responseCode }, 'email not sent; it stays in the outbox and is retried')
      await markFailed(
        this.db,
        email,
        String((err as Error).message ?? err),
        permanent,
        this.options.backoff ?? defaultMailBackoff,
      )
      return null
    }
  }
}

function toMessage(from: string, email: ClaimedEmail): SendableMessage {
  const calendar = email.attachments.find((attachment) => attachment.method)
  return {
    from,
    to: email.to_address,
    subject: email.subject,
    text: email.text_body,
    html: email.html_body,
    messageId: email.message_id,
    headers: email.headers,
    attachments: email.attachments.map(({ filename, content, contentType, method }) => ({
      filename,
      content,
      contentType: method ? `${contentType}; method=${method}` : contentType,
    })),
    // Calendar apps act on the text/calendar alternative (Outlook, Gmail); the attachment is for everyone else.
    ...(calendar
      ? { icalEvent: { filename: calendar.filename, method: calendar.method!, content: calendar.content } }
      : {}),
  }
}
