// Data rights: the exports a member asks for (kept in the database, so any instance can serve them) and the account
// deletion marks (requested with a mode and a grace period; deleted_at once the account has been anonymised).
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('data_exports')
    .addColumn('id', 'serial', (col) => col.primaryKey())
    .addColumn('user_id', 'integer', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('status', 'text', (col) =>
      col
        .notNull()
        .defaultTo('requested')
        .check(sql`status in ('requested', 'building', 'ready', 'failed', 'expired')`),
    )
    .addColumn('bytes', 'bytea')
    .addColumn('size', 'integer')
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('claimed_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('ready_at', 'timestamptz')
    .addColumn('expires_at', 'timestamptz')
    .addColumn('downloaded_at', 'timestamptz')
    .execute()
  await db.schema.createIndex('data_exports_user_idx').on('data_exports').columns(['user_id', 'id']).execute()
  // At most one export per member waiting or offered: a second request cannot start a second job, even in a race.
  await sql`create unique index data_exports_one_open_idx on data_exports (user_id)
    where status in ('requested', 'building', 'ready')`.execute(db)
  await sql`create index data_exports_due_idx on data_exports (status, id) where status in ('requested', 'building')`.execute(
    db,
  )
  await db.schema
    .alterTable('users')
    .addColumn('deletion_requested_at', 'timestamptz')
    .addColumn('deletion_mode', 'text', (col) => col.check(sql`deletion_mode in ('remove', 'keep')`))
    .addColumn('deleted_at', 'timestamptz')
    .execute()
  await sql`create index users_deletion_due_idx on users (deletion_requested_at)
    where deletion_requested_at is not null and deleted_at is null`.execute(db)
}
