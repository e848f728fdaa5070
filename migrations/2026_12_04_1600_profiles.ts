// Profiles (issue 14): languages spoken, who may see the profile, whether organisation and country show; declared
// expertise (themes) and other members' endorsements of it; an uploaded picture; the indexes the directory reads.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('languages', sql`text[]`, (col) => col.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('profile_visibility', 'text', (col) =>
      col
        .notNull()
        .defaultTo('members')
        .check(sql`profile_visibility in ('communities', 'members', 'public')`),
    )
    .addColumn('show_organisation', 'boolean', (col) => col.notNull().defaultTo(true))
    .addColumn('show_country', 'boolean', (col) => col.notNull().defaultTo(true))
    .addColumn('bio_html', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('last_posted_at', 'timestamptz')
    .execute()
  // Activity for the directory's sort: the newest visible thread or reply of each member, kept by the commands' writes.
  await sql`update users u set last_posted_at = greatest(
      (select max(created_at) from threads where author_id = u.id and status = 'visible'),
      (select max(created_at) from posts where author_id = u.id and status = 'visible'))`.execute(db)
  await sql`create function users_last_posted() returns trigger language plpgsql as $$
    begin
      update users set last_posted_at = new.created_at
        where id = new.author_id and (last_posted_at is null or last_posted_at < new.created_at);
      return null;
    end $$`.execute(db)
  await sql`create trigger threads_last_posted after insert on threads for each row execute function users_last_posted()`.execute(
    db,
  )
  await sql`create trigger posts_last_posted after insert on posts for each row execute function users_last_posted()`.execute(
    db,
  )

  // Thread pages show organisation and country only when the member allows it: a change of either choice must bump the
  // kept visitor pages too (see 2026_12_03_1300).
  await sql`drop trigger users_page_version on users`.execute(db)
  await sql`
    create constraint trigger users_page_version after update on users deferrable initially deferred for each row
    when (old.display_name is distinct from new.display_name or old.organisation is distinct from new.organisation
      or old.country is distinct from new.country or old.show_organisation is distinct from new.show_organisation
      or old.show_country is distinct from new.show_country)
    execute function thread_page_changed('all')`.execute(db)
  // Article pages show the author's organisation on the same condition (see 2026_11_25_1900).
  await sql`drop trigger users_library_version on users`.execute(db)
  await sql`
    create constraint trigger users_library_version after update on users deferrable initially deferred for each row
    when (old.display_name is distinct from new.display_name or old.organisation is distinct from new.organisation
      or old.show_organisation is distinct from new.show_organisation)
    execute function library_page_changed()`.execute(db)

  await db.schema
    .createTable('user_expertise')
    .addColumn('user_id', 'integer', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('tag_id', 'integer', (col) => col.notNull().references('tags.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('user_expertise_pkey', ['user_id', 'tag_id'])
    .execute()
  await db.schema.createIndex('user_expertise_tag_idx').on('user_expertise').columns(['tag_id', 'user_id']).execute()
  // An endorsement needs the declared theme: withdrawing the theme takes its endorsements with it.
  await db.schema
    .createTable('expertise_endorsements')
    .addColumn('user_id', 'integer', (col) => col.notNull())
    .addColumn('tag_id', 'integer', (col) => col.notNull())
    .addColumn('endorser_id', 'integer', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('expertise_endorsements_pkey', ['user_id', 'tag_id', 'endorser_id'])
    .addForeignKeyConstraint(
      'expertise_endorsements_expertise_fkey',
      ['user_id', 'tag_id'],
      'user_expertise',
      ['user_id', 'tag_id'],
      (fk) => fk.onDelete('cascade'),
    )
    .addCheckConstraint('expertise_endorsements_not_self', sql`endorser_id <> user_id`)
    .execute()
  await db.schema
    .createIndex('expertise_endorsements_tag_idx')
    .on('expertise_endorsements')
    .columns(['tag_id', 'user_id'])
    .execute()

  await db.schema
    .createTable('profile_pictures')
    .addColumn('user_id', 'integer', (col) => col.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('bytes', 'bytea', (col) => col.notNull())
    .addColumn('content_type', 'text', (col) => col.notNull())
    .addColumn('etag', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()

  // The directory: active members by name or by activity (keyset), and its filters.
  await sql`create index users_directory_name_idx on users (lower(display_name), id) where status = 'active'`.execute(
    db,
  )
  await sql`create index users_directory_activity_idx on users (last_posted_at desc nulls last, id desc) where status = 'active'`.execute(
    db,
  )
  await sql`create index users_country_idx on users (country) where status = 'active'`.execute(db)
  await sql`create index users_languages_idx on users using gin (languages)`.execute(db)
  await sql`create index community_members_user_active_idx on community_members (user_id, community_id) where status = 'active'`.execute(
    db,
  )
}
