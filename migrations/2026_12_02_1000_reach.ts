// Reaching people: in-app notifications, watching, the events that fan out to watchers after commit, the email outbox
// that SMTP outages cannot empty, the claims that make scheduled work run once across instances, and the account
// columns that email needs (verification, preferences, digest times, watching defaults).
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // Accounts made before verification existed, and accounts made by scripts and the demo, count as verified;
  // registration inserts null and the link in the email sets it.
  await db.schema
    .alterTable('users')
    .addColumn('email_verified_at', 'timestamptz', (col) => col.defaultTo(sql`now()`))
    .addColumn('mail_paused', 'boolean', (col) => col.notNull().defaultTo(false))
    // kind of email → 'immediately' | 'daily' | 'weekly' | 'never'; a missing kind takes its default (src/mail/preferences.ts).
    .addColumn('email_preferences', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    // Digests go out at this hour of the member's own time zone; weekly ones on this ISO weekday (1 = Monday).
    .addColumn('digest_hour', 'integer', (col) => col.notNull().defaultTo(8))
    .addColumn('digest_weekday', 'integer', (col) => col.notNull().defaultTo(1))
    .addColumn('watch_on_start', 'text', (col) => col.notNull().defaultTo('watching'))
    .addColumn('watch_on_reply', 'text', (col) => col.notNull().defaultTo('tracking'))
    .execute()

  await db.schema
    .createTable('watches')
    .addColumn('user_id', 'integer', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('target_type', 'text', (col) =>
      col.notNull().check(sql`target_type in ('thread', 'community', 'theme')`),
    )
    .addColumn('target_id', 'integer', (col) => col.notNull())
    .addColumn('level', 'text', (col) => col.notNull().check(sql`level in ('watching', 'tracking', 'normal', 'muted')`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('watches_pkey', ['user_id', 'target_type', 'target_id'])
    .execute()
  // Fan-out reads "who watches this thread/community/theme".
  await db.schema
    .createIndex('watches_by_target')
    .on('watches')
    .columns(['target_type', 'target_id', 'level'])
    .execute()

  await db.schema
    .createTable('notifications')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('user_id', 'integer', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (col) => col.notNull())
    // Unread notifications with the same key collapse into one ("3 new replies in …").
    .addColumn('group_key', 'text', (col) => col.notNull())
    // A local path: the exact reply, article or meeting it is about.
    .addColumn('url', 'text', (col) => col.notNull())
    .addColumn('actor_id', 'integer', (col) => col.references('users.id').onDelete('set null'))
    // What the item shows (titles, reason, note) as it was when it happened; rendered escaped.
    .addColumn('data', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    // Where the item points, so that one hidden later can be left out (src/notifications).
    .addColumn('subject_type', 'text')
    .addColumn('subject_id', 'integer')
    .addColumn('count', 'integer', (col) => col.notNull().defaultTo(1))
    .addColumn('read_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()
  await sql`create index notifications_by_user on notifications (user_id, updated_at desc, id desc)`.execute(db)
  await sql`create index notifications_unread on notifications (user_id) where read_at is null`.execute(db)
  await sql`create unique index notifications_collapse on notifications (user_id, group_key) where read_at is null`.execute(
    db,
  )

  // Events that fan out to watchers: written in the transaction of the change, expanded by a worker after commit.
  await db.schema
    .createTable('reach_events')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('payload', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('next_attempt_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('claimed_until', 'timestamptz')
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('done_at', 'timestamptz')
    .execute()
  await sql`create index reach_events_due on reach_events (next_attempt_at, id) where done_at is null`.execute(db)

  await db.schema
    .createTable('email_outbox')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('to_address', 'text', (col) => col.notNull())
    .addColumn('user_id', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('locale', 'text', (col) => col.notNull())
    .addColumn('subject', 'text', (col) => col.notNull())
    .addColumn('text_body', 'text', (col) => col.notNull())
    .addColumn('html_body', 'text', (col) => col.notNull())
    .addColumn('message_id', 'text', (col) => col.notNull().unique())
    // In-Reply-To, References, List-Unsubscribe and friends: built by src/mail/compose.ts, never from raw user text.
    .addColumn('headers', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    // [{filename, contentType, content (text), method?}]: the .ics of a meeting invitation.
    .addColumn('attachments', 'jsonb', (col) => col.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('status', 'text', (col) =>
      col
        .notNull()
        .defaultTo('pending')
        .check(sql`status in ('pending', 'sent', 'failed')`),
    )
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('claimed_until', 'timestamptz')
    .addColumn('last_error', 'text')
    // The message as it was sent, for /dev/mail when no SMTP_URL is set (development only).
    .addColumn('raw', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('sent_at', 'timestamptz')
    .execute()
  await sql`create index email_outbox_due on email_outbox (next_attempt_at, id) where status = 'pending'`.execute(db)
  await sql`create index email_outbox_failed on email_outbox (id) where status = 'failed'`.execute(db)
  await sql`create index email_outbox_sent on email_outbox (sent_at) where status = 'sent'`.execute(db)
  await sql`create index email_outbox_by_user on email_outbox (user_id, created_at desc)`.execute(db)

  // A scheduled job's slot ("weekly digest for member 7, week 2026-W49") runs once: its row commits with its emails.
  await db.schema
    .createTable('scheduled_runs')
    .addColumn('job', 'text', (col) => col.notNull())
    .addColumn('slot', 'text', (col) => col.notNull())
    .addColumn('ran_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('scheduled_runs_pkey', ['job', 'slot'])
    .execute()
}
