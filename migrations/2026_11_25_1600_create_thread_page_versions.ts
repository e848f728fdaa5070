import { sql, type Kysely } from 'kysely'

// A version number per thread page, bumped by the database itself in the transaction of every change to what a visitor
// sees on that page, so instances may keep rendered pages and ask one indexed question per request: "still current?"
// Triggers rather than calls in each command: the page shows rows that many domains write (people's names, communities,
// themes, moderation), and a forgotten bump would serve a stale page without anything failing.
//
// thread_id 0 is every thread page at once: what changes there (a person's name, a community's name or visibility,
// a theme's label) is rare and shows on many pages.
//
// The triggers are deferred to commit, so the version row is locked last and briefly: a command that locks a reply
// and then its thread cannot deadlock with one that holds the thread and waits for that reply.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('thread_page_versions')
    .addColumn('thread_id', 'integer', (col) => col.primaryKey())
    .addColumn('version', 'bigint', (col) => col.notNull())
    .execute()

  await sql`
    create function bump_thread_page_version(id integer) returns void language sql as $$
      insert into thread_page_versions (thread_id, version) values (id, 1)
      on conflict (thread_id) do update set version = thread_page_versions.version + 1
    $$`.execute(db)

  // TG_ARGV[0]: 'thread' (the row is a thread), 'child' (the row has a thread_id) or 'all' (every thread page).
  await sql`
    create function thread_page_changed() returns trigger language plpgsql as $$
    begin
      if TG_ARGV[0] = 'all' then
        perform bump_thread_page_version(0);
      elsif TG_ARGV[0] = 'thread' then
        if TG_OP <> 'INSERT' then perform bump_thread_page_version(OLD.id); end if;
        if TG_OP = 'INSERT' or (TG_OP = 'UPDATE' and NEW.id <> OLD.id) then perform bump_thread_page_version(NEW.id); end if;
      else
        if TG_OP <> 'INSERT' then perform bump_thread_page_version(OLD.thread_id); end if;
        if TG_OP = 'INSERT' or (TG_OP = 'UPDATE' and NEW.thread_id <> OLD.thread_id) then perform bump_thread_page_version(NEW.thread_id); end if;
      end if;
      return null;
    end
    $$`.execute(db)

  const trigger = (name: string, events: string, table: string, scope: 'thread' | 'child' | 'all', when = '') =>
    sql
      .raw(
        `create constraint trigger ${name} after ${events} on ${table} deferrable initially deferred for each row ${when ? `when (${when}) ` : ''}execute function thread_page_changed('${scope}')`,
      )
      .execute(db)

  await trigger('threads_page_version', 'insert or update or delete', 'threads', 'thread')
  await trigger('posts_page_version', 'insert or update or delete', 'posts', 'child')
  await trigger('thread_tags_page_version', 'insert or update or delete', 'thread_tags', 'child')
  // Names and organisations show beside every post; nothing else about a person does.
  await trigger(
    'users_page_version',
    'update',
    'users',
    'all',
    'old.display_name is distinct from new.display_name or old.organisation is distinct from new.organisation',
  )
  await trigger('users_gone_page_version', 'delete', 'users', 'all')
  await trigger(
    'communities_page_version',
    'update',
    'communities',
    'all',
    'old.name is distinct from new.name or old.slug is distinct from new.slug or old.visibility is distinct from new.visibility',
  )
  await trigger('communities_gone_page_version', 'delete', 'communities', 'all')
  await trigger('tags_page_version', 'update or delete', 'tags', 'all')
  await trigger('tag_labels_page_version', 'insert or update or delete', 'tag_labels', 'all')
}
