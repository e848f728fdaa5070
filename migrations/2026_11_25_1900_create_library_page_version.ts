import { sql, type Kysely } from 'kysely'

// One version number for every library page a visitor sees (the index in all its filters, article pages), bumped by
// the database itself in the transaction of every change that shows there, so instances may keep rendered pages and
// ask one indexed question per request: "still current?" (as thread_page_versions does for thread pages).
// One number rather than one per page: the library is read far more than it is written, an edit shows on many index
// pages at once, and a single scope cannot miss a page.
//
// Deferred to commit, so the row is locked last and briefly.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('page_versions')
    .addColumn('scope', 'text', (col) => col.primaryKey())
    .addColumn('version', 'bigint', (col) => col.notNull())
    .execute()
  await sql`insert into page_versions (scope, version) values ('library', 1)`.execute(db)

  await sql`
    create function library_page_changed() returns trigger language plpgsql as $$
    begin
      insert into page_versions (scope, version) values ('library', 1)
      on conflict (scope) do update set version = page_versions.version + 1;
      return null;
    end
    $$`.execute(db)

  const trigger = (name: string, events: string, table: string, when = '') =>
    sql
      .raw(
        `create constraint trigger ${name} after ${events} on ${table} deferrable initially deferred for each row ${when ? `when (${when}) ` : ''}execute function library_page_changed()`,
      )
      .execute(db)

  await trigger('articles_library_version', 'insert or update or delete', 'articles')
  await trigger('article_tags_library_version', 'insert or update or delete', 'article_tags')
  await trigger('article_sources_library_version', 'insert or update or delete', 'article_sources')
  await trigger('comments_library_version', 'insert or update or delete', 'comments')
  await trigger('tags_library_version', 'insert or update or delete', 'tags')
  await trigger('tag_labels_library_version', 'insert or update or delete', 'tag_labels')
  // Authors' and commenters' names; the community an article came from; the threads it links back to.
  await trigger(
    'users_library_version',
    'update',
    'users',
    'old.display_name is distinct from new.display_name or old.organisation is distinct from new.organisation',
  )
  await trigger('users_gone_library_version', 'delete', 'users')
  await trigger(
    'communities_library_version',
    'update',
    'communities',
    'old.name is distinct from new.name or old.slug is distinct from new.slug or old.visibility is distinct from new.visibility',
  )
  await trigger('communities_gone_library_version', 'delete', 'communities')
  await trigger(
    'threads_library_version',
    'update',
    'threads',
    'old.title is distinct from new.title or old.status is distinct from new.status or old.community_id is distinct from new.community_id',
  )
}
