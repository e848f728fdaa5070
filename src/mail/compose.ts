// Puts a message in the email outbox, inside the caller's transaction: the email commits or rolls back with the event
// that causes it, and the worker (src/mail/worker.ts) sends it after commit, retrying through SMTP outages.
import { randomBytes } from 'node:crypto'
import { EventEmitter } from 'node:events'
import type { Kysely } from 'kysely'
import type { Config } from '../config.js'
import type { Database, EmailAttachment } from '../db/database.js'
import type { Locale } from '../web/i18n.js'
import { headerText, isSendableAddress } from './header-text.js'

/** Tells this process's mail worker that a message waits (it sends once the enqueuing transaction has committed). */
export const mailSignal = new EventEmitter()
mailSignal.setMaxListeners(0)

export interface OutgoingEmail {
  to: string
  /** The member it is for, when it is for a member (null for the wider circle's subscribers). */
  userId?: number | null
  /** What it is about, e.g. "notification.reply", "account.verify", "digest.weekly", "meeting.invitation". */
  kind: string
  locale: Locale
  /** Plain text; made header-safe here. */
  subject: string
  text: string
  /** Built by renderEmail (src/mail/layout.ts): everything a user wrote in it is escaped or sanitized. */
  html: string
  /**
   * Messages about one subject ("thread-12", "meeting-4") carry the same In-Reply-To and References, so mail clients
   * show them as one conversation.
   */
  conversation?: string
  /** The signed one-click unsubscribe link (RFC 8058); Kring's own URL, never user text. */
  unsubscribeUrl?: string
  attachments?: EmailAttachment[]
  /** The content it is about (a post, thread…; `subject` is the subject line): a pending email is withdrawn when that content is hidden or deleted. */
  about?: { type: string; id: number }
}

type MailSettings = Pick<Config, 'publicUrl'>

export class UnsendableAddress extends Error {}

/** Writes the message to the outbox with `trx`, the transaction of the change it reports. */
export async function enqueueEmail(trx: Kysely<Database>, config: MailSettings, email: OutgoingEmail): Promise<void> {
  await enqueueEmails(trx, config, [email])
}

export async function enqueueEmails(
  trx: Kysely<Database>,
  config: MailSettings,
  emails: OutgoingEmail[],
): Promise<void> {
  if (emails.length === 0) return
  const rows = emails.map((email) => outboxRow(config, email))
  for (let i = 0; i < rows.length; i += 500)
    await trx
      .insertInto('email_outbox')
      .values(rows.slice(i, i + 500))
      .execute()
  mailSignal.emit('enqueued')
}

function outboxRow(config: MailSettings, email: OutgoingEmail) {
  if (!isSendableAddress(email.to)) throw new UnsendableAddress(`not a sendable address: ${JSON.stringify(email.to)}`)
  const host = new URL(config.publicUrl).hostname
  const headers: Record<string, string> = {}
  if (email.conversation) {
    const root = `<${conversationId(email.conversation)}@${host}>`
    headers['In-Reply-To'] = root
    headers['References'] = root
  }
  if (email.unsubscribeUrl) {
    headers['List-Unsubscribe'] = `<${email.unsubscribeUrl}>`
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click'
  }
  return {
    to_address: email.to,
    user_id: email.userId ?? null,
    kind: email.kind,
    locale: email.locale,
    subject: headerText(email.subject),
    text_body: email.text,
    html_body: email.html,
    message_id: `<${conversationId(email.kind)}.${randomBytes(9).toString('base64url')}@${host}>`,
    headers: JSON.stringify(headers),
    attachments: JSON.stringify(email.attachments ?? []),
    subject_type: email.about?.type ?? null,
    subject_id: email.about?.id ?? null,
  }
}

/** Only characters a Message-ID may hold: what Kring passes is its own ("thread-12"), this keeps it so. */
function conversationId(value: string): string {
  return value.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 100)
}
