// Posting without a name inside a community: the community's label (null: not allowed; '' : the default label in the
// reader's language; any other text: the community's own label), and on each thread and reply whether it was posted so.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('communities').addColumn('anonymous_label', 'text').execute()
  await db.schema
    .alterTable('threads')
    .addColumn('anonymous', 'boolean', (col) => col.notNull().defaultTo(false))
    .execute()
  await db.schema
    .alterTable('posts')
    .addColumn('anonymous', 'boolean', (col) => col.notNull().defaultTo(false))
    .execute()
  // Kept visitor pages print the label: a new label must bump every thread page's version.
  await sql`
    create constraint trigger communities_anonymous_page_version after update on communities
    deferrable initially deferred for each row
    when (old.anonymous_label is distinct from new.anonymous_label)
    execute function thread_page_changed('all')`.execute(db)
}
