// A member's last activity (the directory's "by activity" sort) moves out of the users row into a table of its own.
// The trigger of 2026_12_04_1600 updated users on every new thread and reply; every write first takes a share lock on
// its actor's users row (lockActiveActor, so that a suspension cannot slip in), and two writes of one member then each
// waited to upgrade that lock for the other: deadlocks under concurrent replies and edits (test/discussions/
// concurrent-writes.test.ts on PostgreSQL). A row here is locked by nothing else.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('member_activity')
    .addColumn('user_id', 'integer', (col) => col.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('last_posted_at', 'timestamptz', (col) => col.notNull())
    .execute()
  await sql`insert into member_activity (user_id, last_posted_at)
    select id, last_posted_at from users where last_posted_at is not null`.execute(db)
  await sql`create index member_activity_recent_idx on member_activity (last_posted_at desc, user_id desc)`.execute(db)
  await sql`create or replace function users_last_posted() returns trigger language plpgsql as $$
    begin
      if new.author_id is not null then
        insert into member_activity (user_id, last_posted_at) values (new.author_id, new.created_at)
        on conflict (user_id) do update set last_posted_at = excluded.last_posted_at
          where member_activity.last_posted_at < excluded.last_posted_at;
      end if;
      return null;
    end $$`.execute(db)
  await sql`drop index users_directory_activity_idx`.execute(db)
  await db.schema.alterTable('users').dropColumn('last_posted_at').execute()
}
