// Topic lists like a mature forum: a member's visit mark per community (for "new"), a members-only community that is
// listed (closed but findable), and the indexes the list filters and markers read through.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // Outsiders see a listed members-only community's name, description and moderators, and may ask to join.
  await db.schema
    .alterTable('communities')
    .addColumn('listed', 'boolean', (col) => col.notNull().defaultTo(false))
    .execute()
  // One row per member and community: `seen_at` is when the current visit began, `last_seen_at` the member's latest view
  // (written in batches, at most once per few minutes): a view more than the visit gap after it begins a new visit, and
  // the start of the visit before it becomes `previous_seen_at`: threads that appeared after that are new.
  await db.schema
    .createTable('community_visits')
    .addColumn('user_id', 'integer', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('community_id', 'integer', (col) => col.notNull().references('communities.id').onDelete('cascade'))
    .addColumn('seen_at', 'timestamptz', (col) => col.notNull())
    .addColumn('last_seen_at', 'timestamptz', (col) => col.notNull())
    .addColumn('previous_seen_at', 'timestamptz')
    .addPrimaryKeyConstraint('community_visits_pkey', ['user_id', 'community_id'])
    .execute()
  // Members who were active before this: their first visit after it counts from now, not from when they joined (else
  // every thread would be "new" for them once).
  await sql`insert into community_visits (user_id, community_id, seen_at, last_seen_at, previous_seen_at)
    select user_id, community_id, now(), now(), now() from community_members where status = 'active'`.execute(db)
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
  // "New" for a held thread counts from its approval, found from its review item.
  await sql`create index review_items_approved_target_idx on review_items (target_type, target_id) where kind = 'queued' and resolution = 'approve'`.execute(
    db,
  )
  // The next meeting of a community: the ones not over yet, found by their end.
  await sql`create index meetings_community_ends_idx on meetings (community_id, ends_at) where cancelled_at is null`.execute(
    db,
  )
}
