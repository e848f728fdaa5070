// Scheduled work that must happen exactly once across instances and restarts (a member's weekly digest, a meeting's
// reminder): the slot's row in scheduled_runs commits in the same transaction as the emails the slot writes to the
// outbox. Two instances racing for a slot: one inserts the row, the other's insert finds it and does nothing. A crash
// mid-way rolls both back, so the slot runs again on the next tick; a slot already run never runs again. Missed slots
// after downtime are caught up because each job asks "which slots are due and not yet run", not "what is due now".
//
// Written here rather than taken from a queue library: the maintained ones (pg-boss, graphile-worker) need PostgreSQL
// features or a connection of their own that PGlite does not offer, and the outbox pattern the search already uses
// gives the same guarantee in a table and a transaction.
import { sql, type Kysely, type Transaction } from 'kysely'
import type { Database } from '../db/database.js'

/**
 * Runs `work` for the slot unless it already ran; returns whether it ran now. `work` gets the transaction in which the
 * slot is marked done: whatever it writes (outbox rows) commits with the mark or not at all.
 */
export async function runOnce(
  db: Kysely<Database>,
  job: string,
  slot: string,
  work: (trx: Transaction<Database>) => Promise<void>,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const claimed = await trx
      .insertInto('scheduled_runs')
      .values({ job, slot })
      .onConflict((oc) => oc.columns(['job', 'slot']).doNothing())
      .returning('slot')
      .executeTakeFirst()
    if (!claimed) return false
    await work(trx)
    return true
  })
}

/** The slots of `job` among `candidates` that have not run yet (one query for a whole batch of members). */
export async function slotsNotRun(db: Kysely<Database>, job: string, candidates: string[]): Promise<Set<string>> {
  if (candidates.length === 0) return new Set()
  const done = await db
    .selectFrom('scheduled_runs')
    .select('slot')
    .where('job', '=', job)
    .where('slot', 'in', candidates)
    .execute()
  const ran = new Set(done.map((row) => row.slot))
  return new Set(candidates.filter((slot) => !ran.has(slot)))
}

/** Forgets runs older than `days` (their slots are in the past and will not be asked for again). */
export async function forgetOldRuns(db: Kysely<Database>, days = 90): Promise<void> {
  await db
    .deleteFrom('scheduled_runs')
    .where('ran_at', '<', sql<Date>`now() - make_interval(days => ${days})`)
    .execute()
}
