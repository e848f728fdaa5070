// One row per index being rebuilt from PostgreSQL: the instance that holds the lease rebuilds, the others wait. A lease
// (not an advisory lock) because a rebuild takes minutes and must not pin a pooled connection, nor PGlite's only one.
import type { Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('search_rebuild_claims')
    .addColumn('index_uid', 'text', (col) => col.primaryKey())
    .addColumn('owner', 'text', (col) => col.notNull())
    .addColumn('claimed_until', 'timestamptz', (col) => col.notNull())
    .addColumn('started_at', 'timestamptz', (col) => col.notNull())
    .execute()
}
