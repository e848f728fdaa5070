// The /meetings overview lists meetings not yet over across many communities, soonest first: an index on the end
// time finds them without reading every past meeting; the per-community index serves "has past meetings".
import type { Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('meetings_ends_at_idx').on('meetings').columns(['ends_at', 'starts_at']).execute()
}
