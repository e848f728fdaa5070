// An author's edit to a published article waits here for a reviewer: the published text stays in `articles` (the
// page, search, feeds and digests read only that) until a reviewer accepts it. One waiting edit per article; a second
// edit by its author replaces it (the form opens on the waiting text, so it is extended rather than lost).
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('article_pending_edits')
    .addColumn('article_id', 'integer', (col) => col.primaryKey().references('articles.id').onDelete('cascade'))
    .addColumn('editor_id', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('base_revision', 'integer', (col) => col.notNull())
    .addColumn('slug', 'text', (col) => col.notNull())
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('summary', 'text', (col) => col.notNull())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('language', 'text', (col) => col.notNull())
    .addColumn('community_id', 'integer', (col) => col.references('communities.id').onDelete('set null'))
    .addColumn('body_md', 'text', (col) => col.notNull())
    .addColumn('body_html', 'text', (col) => col.notNull())
    .addColumn('body_text', 'text', (col) => col.notNull())
    .addColumn('practice', 'jsonb', (col) => col.notNull())
    .addColumn('theme_ids', 'jsonb', (col) => col.notNull())
    .addColumn('mentioned', 'jsonb', (col) => col.notNull())
    // An old revision restored by the author: accepted, the new revision says which it restored.
    .addColumn('restored_from', 'integer')
    .addColumn('mark_translation_current', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('status', 'text', (col) =>
      col
        .notNull()
        .defaultTo('pending')
        .check(sql`status in ('pending', 'returned')`),
    )
    .addColumn('review_comment', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()
  // The review queue lists the waiting ones, oldest first.
  await sql`create index article_pending_edits_waiting on article_pending_edits (updated_at) where status = 'pending'`.execute(
    db,
  )
}
