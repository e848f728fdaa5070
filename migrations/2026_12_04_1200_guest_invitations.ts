// Guests for one thread or one meeting: an emailed invitation (its token kept hashed) that ends on a calendar day, and
// the flag on the account it made. A member who accepts keeps a full account: `users.guest` stays false for them.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('guest_invitations')
    .addColumn('id', 'serial', (col) => col.primaryKey())
    .addColumn('email', 'text', (col) => col.notNull())
    .addColumn('invited_by', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('community_id', 'integer', (col) => col.notNull().references('communities.id').onDelete('cascade'))
    .addColumn('thread_id', 'integer', (col) => col.references('threads.id').onDelete('cascade'))
    .addColumn('meeting_id', 'integer', (col) => col.references('meetings.id').onDelete('cascade'))
    .addColumn('ends_on', 'date', (col) => col.notNull())
    .addColumn('note', 'text')
    .addColumn('token_hash', 'text', (col) => col.notNull().unique())
    .addColumn('accepted_user_id', 'integer', (col) => col.references('users.id').onDelete('cascade'))
    .addColumn('accepted_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('guest_invitations_one_subject', sql`(thread_id is null) <> (meeting_id is null)`)
    .execute()
  await db.schema.createIndex('guest_invitations_user').on('guest_invitations').column('accepted_user_id').execute()
  await db.schema.createIndex('guest_invitations_thread').on('guest_invitations').column('thread_id').execute()
  await db.schema.createIndex('guest_invitations_meeting').on('guest_invitations').column('meeting_id').execute()
  await db.schema
    .alterTable('users')
    .addColumn('guest', 'boolean', (col) => col.notNull().defaultTo(false))
    .execute()
}
