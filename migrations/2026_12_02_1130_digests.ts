// Member digests: up to when each member's daily and weekly digest has covered what is new, so that the next one
// (or the one caught up after downtime) starts exactly where the previous one stopped. The slot itself runs once
// through scheduled_runs; this row moves forward in the same transaction.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('digest_marks')
    .addColumn('user_id', 'integer', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('frequency', 'text', (col) => col.notNull().check(sql`frequency in ('daily', 'weekly')`))
    .addColumn('covered_until', 'timestamptz', (col) => col.notNull())
    .addPrimaryKeyConstraint('digest_marks_pkey', ['user_id', 'frequency'])
    .execute()
}
