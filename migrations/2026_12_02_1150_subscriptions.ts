// The wider circle: people without an account who follow a theme's, a community's or the whole library's new articles
// by email. Addresses are personal data: one row per address, deleted for real with everything that names it.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('subscribers')
    .addColumn('id', 'serial', (col) => col.primaryKey())
    // Stored as normalised at the form (NFKC, case-folded): one row per mailbox.
    .addColumn('email', 'text', (col) => col.notNull().unique())
    // The language of the page they subscribed from: their emails are written in it.
    .addColumn('locale', 'text', (col) => col.notNull())
    // The per-address limit on confirmation emails: how many were asked for since requests_since (a sliding day).
    .addColumn('requests', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('requests_since', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()

  await db.schema
    .createTable('subscriptions')
    .addColumn('id', 'serial', (col) => col.primaryKey())
    .addColumn('subscriber_id', 'integer', (col) => col.notNull().references('subscribers.id').onDelete('cascade'))
    .addColumn('target_type', 'text', (col) =>
      col.notNull().check(sql`target_type in ('theme', 'community', 'library')`),
    )
    // The theme's tag id or the community's id; null for the whole library.
    .addColumn('target_id', 'integer')
    .addColumn('status', 'text', (col) =>
      col
        .notNull()
        .defaultTo('pending')
        .check(sql`status in ('pending', 'confirmed')`),
    )
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('confirmed_at', 'timestamptz')
    // The weekly digest lists what was published after this moment; each digest moves it to when it was built.
    .addColumn('digest_after', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    // The ISO week ("2026-W49") of the last digest slot claimed: lets each tick find the due ones without a scan of
    // scheduled_runs; the slot's row there is what makes it run once.
    .addColumn('digest_week', 'text')
    .execute()
  await sql`create unique index subscriptions_one_per_target on subscriptions (subscriber_id, target_type, coalesce(target_id, 0))`.execute(
    db,
  )
  // The digest walks confirmed subscriptions in id order, a batch at a time.
  await sql`create index subscriptions_confirmed on subscriptions (id, digest_week) where status = 'confirmed'`.execute(
    db,
  )

  // Links sent by email: random tokens, only their SHA-256 kept. A confirmation link is single-use and short-lived;
  // a management link (in every digest) lets its holder manage that address's subscriptions until it expires.
  await db.schema
    .createTable('subscription_tokens')
    .addColumn('token_hash', 'text', (col) => col.primaryKey())
    .addColumn('subscriber_id', 'integer', (col) => col.notNull().references('subscribers.id').onDelete('cascade'))
    // The subscription a confirmation confirms, or the one a digest's one-click unsubscribe stops. Set null when that
    // one is stopped: the link still opens the page that manages the address's other subscriptions.
    .addColumn('subscription_id', 'integer', (col) => col.references('subscriptions.id').onDelete('set null'))
    .addColumn('purpose', 'text', (col) => col.notNull().check(sql`purpose in ('confirm', 'manage')`))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
    .addColumn('used_at', 'timestamptz')
    .execute()
  // Confirmation emails per address per day are counted here (the per-address rate limit).
  await db.schema
    .createIndex('subscription_tokens_by_subscriber')
    .on('subscription_tokens')
    .columns(['subscriber_id', 'purpose', 'created_at'])
    .execute()
  await db.schema.createIndex('subscription_tokens_expiry').on('subscription_tokens').column('expires_at').execute()
}
