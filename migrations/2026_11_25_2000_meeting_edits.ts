// Meetings can be edited and cancelled: SEQUENCE tells calendar apps which version of the event is newest.
import type { Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('meetings')
    .addColumn('sequence', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('cancelled_at', 'timestamptz')
    .addColumn('cancel_reason', 'text')
    .execute()
}
