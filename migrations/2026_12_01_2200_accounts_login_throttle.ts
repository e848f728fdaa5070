import { sql, type Kysely } from 'kysely'

// Failed logins per account, in the database so that every instance sees the same count: an attacker spreading
// guesses over instances or addresses still meets a growing delay. Keyed by the normalised email, known or not, so
// the delay itself does not tell who has an account. A successful login deletes the row.
// users.role_changed_at lets the session hook give a member a new session id after a role change.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('login_throttles')
    .addColumn('email_key', 'text', (col) => col.primaryKey())
    .addColumn('failures', 'integer', (col) => col.notNull())
    .addColumn('last_failed_at', 'timestamptz', (col) => col.notNull())
    .addColumn('locked_until', 'timestamptz')
    .execute()
  await sql`create index login_throttles_last_failed_idx on login_throttles (last_failed_at)`.execute(db)
  await db.schema.alterTable('users').addColumn('role_changed_at', 'timestamptz').execute()
}
