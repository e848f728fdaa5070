import { sql, type Kysely } from 'kysely'

// Single-use tokens for account mail: verifying the address, resetting the password, confirming a new address. Only a
// SHA-256 of the token is kept, so a copy of the database opens no account; used_at makes each link work once.
// new_email holds the address an email change waits to confirm (the users row keeps the old one until then).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('account_tokens')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('purpose', 'text', (col) => col.notNull().check(sql`purpose in ('verify', 'reset', 'email_change')`))
    .addColumn('user_id', 'integer', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (col) => col.notNull().unique())
    .addColumn('new_email', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
    .addColumn('used_at', 'timestamptz')
    .execute()
  // Rate limits count a member's recent tokens of one purpose.
  await sql`create index account_tokens_user_purpose_idx on account_tokens (user_id, purpose, created_at)`.execute(db)
}
