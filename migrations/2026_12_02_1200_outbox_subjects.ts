// What an outbox email is about (a post, thread, article, comment…), so that one still waiting when a moderator hides
// or deletes its content is withdrawn with the change instead of carrying the excerpt out after the fact.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('email_outbox')
    .addColumn('subject_type', 'text')
    .addColumn('subject_id', 'integer')
    .execute()
  // Hiding reads "pending emails about this content".
  await sql`create index email_outbox_pending_subject on email_outbox (subject_type, subject_id) where status = 'pending'`.execute(
    db,
  )
}
