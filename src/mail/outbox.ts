// Reading and settling the email outbox: leases with SKIP LOCKED so several instances send at once without sending a
// message twice, backoff for failures, and the backlog /readyz reports.
import { sql, type Kysely } from 'kysely'
import type { Database, EmailAttachment } from '../db/database.js'

type Db = Kysely<Database>

export interface ClaimedEmail {
  id: string
  to_address: string
  subject: string
  text_body: string
  html_body: string
  message_id: string
  headers: Record<string, string>
  attachments: EmailAttachment[]
  attempts: number
}

/** Leases up to `limit` due messages for `leaseSeconds` (longer than a send can take with the SMTP timeouts). */
export async function claimEmails(db: Db, limit: number, leaseSeconds = 120): Promise<ClaimedEmail[]> {
  const result = await sql<ClaimedEmail>`
    update email_outbox set claimed_until = now() + make_interval(secs => ${leaseSeconds})
    where id in (
      select id from email_outbox
      where status = 'pending' and next_attempt_at <= now() and (claimed_until is null or claimed_until < now())
      order by next_attempt_at, id
      limit ${limit}
      for update skip locked
    )
    returning id, to_address, subject, text_body, html_body, message_id, headers, attachments, attempts`.execute(db)
  return result.rows
}

export async function markSent(db: Db, id: string, raw: string | null): Promise<void> {
  await db
    .updateTable('email_outbox')
    .set({ status: 'sent', sent_at: sql`now()`, claimed_until: null, last_error: null, raw })
    .where('id', '=', id)
    .execute()
}

/**
 * Marks several sent messages in one statement (messages sent over SMTP keep no copy, so one UPDATE fits them all); a
 * kept copy (no SMTP_URL) differs per message and is written one by one. A crash between sending and this mark sends
 * those few again once their lease ends: at least once, never lost.
 */
export async function markSentMany(db: Db, sent: { id: string; raw: string | null }[]): Promise<void> {
  const plain = sent.filter((entry) => entry.raw === null).map((entry) => entry.id)
  if (plain.length)
    await db
      .updateTable('email_outbox')
      .set({ status: 'sent', sent_at: sql`now()`, claimed_until: null, last_error: null })
      .where('id', 'in', plain)
      .execute()
  for (const entry of sent) if (entry.raw !== null) await markSent(db, entry.id, entry.raw)
}

/**
 * Withdraws the emails still waiting about content that is now hidden or deleted (in the transaction that hides it):
 * they carry an excerpt of it. Hiding a thread also withdraws those about its posts. Emails already sent stay sent.
 */
export async function withdrawPendingEmails(
  db: Db,
  subject: { type: 'thread' | 'post' | 'article' | 'comment' | 'message'; id: number },
): Promise<void> {
  await db
    .deleteFrom('email_outbox')
    .where('status', '=', 'pending')
    .where((eb) => {
      const same = eb.and([eb('subject_type', '=', subject.type), eb('subject_id', '=', subject.id)])
      if (subject.type !== 'thread') return same
      return eb.or([
        same,
        eb.and([
          eb('subject_type', '=', 'post'),
          eb('subject_id', 'in', eb.selectFrom('posts').select('posts.id').where('thread_id', '=', subject.id)),
        ]),
      ])
    })
    .execute()
}

export interface Backoff {
  baseMs: number
  maxMs: number
  /** After this many failed attempts a message is given up (status failed, kept for the administrator). */
  maxAttempts: number
}

export const defaultMailBackoff: Backoff = { baseMs: 30_000, maxMs: 3_600_000, maxAttempts: 30 }

/** A permanent refusal (5xx for this recipient) gives up sooner than an outage, which is retried for about a day. */
export async function markFailed(db: Db, email: ClaimedEmail, error: string, permanent: boolean, backoff: Backoff) {
  const attempts = email.attempts + 1
  const giveUp = attempts >= (permanent ? Math.min(3, backoff.maxAttempts) : backoff.maxAttempts)
  const delayMs = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.min(attempts - 1, 20))
  await db
    .updateTable('email_outbox')
    .set({
      attempts,
      status: giveUp ? 'failed' : 'pending',
      claimed_until: null,
      last_error: error.slice(0, 1000),
      next_attempt_at: sql`now() + make_interval(secs => ${delayMs / 1000})`,
    })
    .where('id', '=', email.id)
    .execute()
}

export interface MailBacklog {
  pending: number
  failed: number
  oldestAgeSeconds: number | null
}

export async function mailBacklog(db: Db): Promise<MailBacklog> {
  const [pending, failed] = await Promise.all([
    db
      .selectFrom('email_outbox')
      .where('status', '=', 'pending')
      .select([
        sql<string>`count(*)`.as('count'),
        sql<number | null>`extract(epoch from now() - min(created_at))`.as('oldest'),
      ])
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('email_outbox')
      .where('status', '=', 'failed')
      .select(sql<string>`count(*)`.as('count'))
      .executeTakeFirstOrThrow(),
  ])
  return {
    pending: Number(pending.count),
    failed: Number(failed.count),
    oldestAgeSeconds: pending.oldest === null ? null : Math.round(Number(pending.oldest)),
  }
}

/** Sent messages are kept a while (for /dev/mail and for support questions), then deleted: they hold personal data. */
export async function deleteOldSentEmails(db: Db, olderThanDays = 14): Promise<void> {
  await db
    .deleteFrom('email_outbox')
    .where('status', '=', 'sent')
    .where('sent_at', '<', sql<Date>`now() - make_interval(days => ${olderThanDays})`)
    .execute()
}
