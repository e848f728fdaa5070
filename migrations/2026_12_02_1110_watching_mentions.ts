// Watching, part two: how far each member has read a thread (the "N new" on thread lists), and the mentions resolved
// in each text, so that an edit notifies only the people it newly mentions.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('thread_reads')
    .addColumn('user_id', 'integer', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('thread_id', 'integer', (col) => col.notNull().references('threads.id').onDelete('cascade'))
    // The highest reply id the member has had on screen; 0 = only the opening post. Replies are counted by id.
    .addColumn('last_read_post_id', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('read_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('thread_reads_pkey', ['user_id', 'thread_id'])
    .execute()

  await db.schema
    .createTable('mentions')
    .addColumn('content_type', 'text', (col) =>
      col.notNull().check(sql`content_type in ('thread', 'post', 'article', 'comment')`),
    )
    .addColumn('content_id', 'integer', (col) => col.notNull())
    .addColumn('user_id', 'integer', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('author_id', 'integer', (col) => col.references('users.id').onDelete('set null'))
    // Null when the mentioned member could not read the text then (or it was not visible yet): never notified.
    .addColumn('notified_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('mentions_pkey', ['content_type', 'content_id', 'user_id'])
    .execute()
  await db.schema.createIndex('mentions_by_user').on('mentions').columns(['user_id', 'created_at']).execute()
}
