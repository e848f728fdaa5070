// A question's accepted answer (one reply, chosen by the starter or a moderator) and the reason a moderator gave for
// locking or pinning, shown on the thread. Shared by the topic lists, the thread page and moderation.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('threads')
    .addColumn('answer_post_id', 'integer', (col) => col.references('posts.id').onDelete('set null'))
    .addColumn('answered_by', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('answered_at', 'timestamptz')
    .addColumn('lock_reason', 'text')
    .addColumn('pin_reason', 'text')
    .execute()
  // The "unanswered" filter of a community: visible threads without an answer, newest activity first.
  await sql`create index threads_unanswered on threads (community_id, last_post_at desc, id desc) where answer_post_id is null and status = 'visible'`.execute(
    db,
  )
}
