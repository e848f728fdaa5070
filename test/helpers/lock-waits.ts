// Race tests on a PostgreSQL server: hold a decision on one connection until the other side is blocked by it.
import { sql } from 'kysely'
import type { Db } from '../../src/db/connect.js'

/** Until some statement of this database waits for a row lock: the request has reached its write's transaction. */
export async function someoneWaitsForALock(db: Db) {
  for (;;) {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock'`.execute(db)
    if ((rows[0]?.n ?? 0) > 0) return
  }
}
