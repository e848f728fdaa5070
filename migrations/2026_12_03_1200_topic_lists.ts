// Topic lists like a mature forum: a member's visit mark per community (for "new"), a members-only community that is
// listed (closed but findable), and the indexes the list filters and markers read through.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // Outsiders see a listed members-only community's name, description and moderators, and may ask to join.
  await db.schema
    .alterTable('communities')
    .addColumn('listed', 'boolean', (col) => col.notNull().defaultTo(false))
    .execute()
  // One row per member and community: `seen_at` is when the current visit began (moved at most once per visit gap,
  // by a batched write), `previous_seen_at` the start of the visit before it: threads that appeared after it are new.
  await db.schema
    .createTable('community_visits')
    .addColumn('user_id', 'integer', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('community_id', 'integer', (col) => col.notNull().references('communities.id').onDelete('cascade'))
    .addColumn('seen_at', 'timestamptz', (col) => col.notNull())
    .addColumn('previous_seen_at', 'timestamptz')
    .addPrimaryKeyConstraint('community_visits_pkey', ['user_id', 'community_id'])
    .execute()
  // "Mine": the threads a member replied to, found from their replies.
  await db.schema.createIndex('posts_author_thread_idx').on('posts').columns(['author_id', 'thread_id']).execute()
  // Unread counts: a thread's visible replies after a position.
  await sql`create index posts_thread_visible_id_idx on posts (thread_id, id) where status = 'visible'`.execute(db)
  // "Mine": the threads a member started, newest activity first.
  await sql`create index threads_author_activity_idx on threads (author_id, community_id, last_post_at desc, id desc) where status = 'visible'`.execute(
    db,
  )
  // The community page: its newest published articles, and its next meeting.
  await sql`create index articles_community_published_idx on articles (community_id, published_at desc, id desc) where status = 'published' and hidden_at is null`.execute(
    db,
  )
}
