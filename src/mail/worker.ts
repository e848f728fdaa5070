// Sends the email outbox: when nudged after a commit in this process, and on an interval for retries and other
// instances' writes. A failed send waits with backoff; nothing is lost while SMTP is away, and a request never waits
// for SMTP.
import type { FastifyBaseLogger } from 'fastify'
import type { Kysely } from 'kysely'
import type { Config } from '../config.js'
import type { Database } from '../db/database.js'
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

export interface MailWorkerOptions {
  intervalMs?: number
  batchSize?: number
  backoff?: Backoff
  nudgeDelayMs?: number
}

export interface DrainResult {
  sent: number
  failed: number
}

export class MailWorker {
  private timer: NodeJS.Timeout | null = null
  private nudgeTimer: NodeJS.Timeout | null = null
  private running: Promise<DrainResult> | null = null
  private again = false
  private stopped = true
  /** Set by stop() only: a drain called while no worker runs (tests, scripts) must still send everything due. */
  private stopping = false
  private lastCleanup = 0
  private readonly onEnqueued = () => this.nudge(this.options.nudgeDelayMs ?? 50)

  constructor(
    private readonly db: Kysely<Database>,
    private readonly transport: MailTransport,
    private readonly config: Pick<Config, 'mail'>,
    private readonly log: FastifyBaseLogger,
    private readonly options: MailWorkerOptions = {},
  ) {}

  start() {
    if (!this.stopped) return
    this.stopped = false
    this.stopping = false
    mailSignal.on('enqueued', this.onEnqueued)
    this.timer = setInterval(() => this.nudge(0), this.options.intervalMs ?? 5_000)
    this.timer.unref()
    this.nudge(0)
  }

  async stop() {
    this.stopped = true
    this.stopping = true
    mailSignal.off('enqueued', this.onEnqueued)
    if (this.timer) clearInterval(this.timer)
    if (this.nudgeTimer) clearTimeout(this.nudgeTimer)
    this.timer = this.nudgeTimer = null
    await this.running?.catch(() => undefined)
  }

  private nudge(delayMs: number) {
    if (this.stopped || this.nudgeTimer) return
    this.nudgeTimer = setTimeout(() => {
      this.nudgeTimer = null
      void this.drain().catch((err) => this.log.warn({ err }, 'the mail worker could not read the outbox'))
    }, delayMs)
    this.nudgeTimer.unref()
  }

  /** Sends every due message; a second call while one runs makes the running one go round once more. */
  drain(): Promise<DrainResult> {
    if (this.running) {
      this.again = true
      return this.running
    }
    this.running = (async () => {
      const total: DrainResult = { sent: 0, failed: 0 }
      try {
        do {
          this.again = false
          for (;;) {
            const batch = await claimEmails(this.db, this.options.batchSize ?? 100)
            if (batch.length === 0) break
            const result = await this.sendBatch(batch)
            total.sent += result.sent
            total.failed += result.failed
            if (this.stopping) break
          }
        } while (this.again && !this.stopping)
        if (Date.now() - this.lastCleanup > 3_600_000) {
          this.lastCleanup = Date.now()
          await deleteOldSentEmails(this.db)
        }
      } finally {
        this.running = null
      }
      return total
    })()
    return this.running
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
