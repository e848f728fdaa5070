// The search outbox: commands record "this entity changed" in their own transaction; workers sync it to Meilisearch.
import { EventEmitter } from 'node:events'
import { sql, type Kysely } from 'kysely'
import type { Database, SearchEntityType } from '../db/database.js'

type Db = Kysely<Database>

/** Tells this process's worker that something was enqueued (it drains once the transaction has had time to commit). */
export const outboxSignal = new EventEmitter()
outboxSignal.setMaxListeners(0)

/**
 * Records that an entity's search document must be rebuilt. Call it inside the transaction that changes the entity,
 * with that transaction: the row commits or rolls back with the change, so a change is never lost and never phantom.
 * The document is rebuilt from the entity's state when the worker gets to it, so `op` is informational: a thread that
 * is hidden, an article that is unpublished or a row that is gone leaves the index whatever was asked.
 * 'community' and 'theme' fan out to everything that shows their name, visibility or labels.
 */
export async function enqueueSearch(
  trx: Db,
  entityType: SearchEntityType,
  entityId: number,
  op: 'upsert' | 'delete' = 'upsert',
): Promise<void> {
  await enqueueMany(trx, entityType, [entityId], op)
}

/** A thread's document says whether it has a visible answer: when its answer reply changes status, so does that. */
export async function enqueueThreadOfAnswer(trx: Db, postId: number): Promise<void> {
  const thread = await trx.selectFrom('threads').select('id').where('answer_post_id', '=', postId).executeTakeFirst()
  if (thread) await enqueueSearch(trx, 'thread', thread.id)
}

export async function enqueueMany(
  trx: Db,
  entityType: SearchEntityType,
  entityIds: number[],
  op: 'upsert' | 'delete' = 'upsert',
): Promise<void> {
  if (entityIds.length === 0) return
  const ids = [...new Set(entityIds)]
  // Rows are ordered so that concurrent batches lock them in the same order and cannot deadlock.
  ids.sort((a, b) => a - b)
  for (let i = 0; i < ids.length; i += 1000) {
    const chunk = ids.slice(i, i + 1000)
    await trx
      .insertInto('search_outbox')
      .values(chunk.map((entity_id) => ({ entity_type: entityType, entity_id, op })))
      .onConflict((oc) => oc.columns(['entity_type', 'entity_id']).doUpdateSet(upsertSet))
      .execute()
  }
  outboxSignal.emit('enqueued')
}

// A pending row gets a new version (a worker syncing the old one will leave it for another pass) and keeps its place
// and backoff; a row that was done becomes pending again from scratch.
const upsertSet = {
  op: sql<'upsert' | 'delete'>`excluded.op`,
  version: sql<number>`search_outbox.version + 1`,
  last_enqueued_at: sql<Date>`now()`,
  enqueued_at: sql<Date>`case when search_outbox.done_at is null then search_outbox.enqueued_at else now() end`,
  next_attempt_at: sql<Date>`case when search_outbox.done_at is null then search_outbox.next_attempt_at else now() end`,
  attempts: sql<number>`case when search_outbox.done_at is null then search_outbox.attempts else 0 end`,
  last_error: sql<string | null>`case when search_outbox.done_at is null then search_outbox.last_error else null end`,
  done_at: sql<Date | null>`null`,
}

export interface ClaimedRow {
  id: number
  entity_type: SearchEntityType
  entity_id: number
  op: 'upsert' | 'delete'
  version: number
  attempts: number
}

/**
 * Leases up to `limit` due rows. SKIP LOCKED lets several Kring processes claim at once without waiting on or taking
 * each other's rows; the lease (not a transaction held open across HTTP calls) keeps a row to one worker while it syncs.
 */
export async function claimBatch(db: Db, limit: number, leaseSeconds = 120): Promise<ClaimedRow[]> {
  const result = await sql<ClaimedRow>`
    update search_outbox set claimed_until = now() + make_interval(secs => ${leaseSeconds})
    where id in (
      select id from search_outbox
      where done_at is null and next_attempt_at <= now() and (claimed_until is null or claimed_until < now())
      order by next_attempt_at, id
      limit ${limit}
      for update skip locked
    )
    returning id, entity_type, entity_id, op, version, attempts`.execute(db)
  return result.rows
}

/** Marks rows synced, unless they changed while we worked: those are released for another pass. */
export async function completeRows(db: Db, rows: ClaimedRow[]): Promise<void> {
  if (rows.length === 0) return
  const ids = rows.map((r) => r.id)
  const versions = rows.map((r) => r.version)
  await db.transaction().execute(async (trx) => {
    await sql`
      update search_outbox o set done_at = now(), claimed_until = null, attempts = 0, last_error = null
      from unnest(${ids}::int[], ${versions}::int[]) as c(id, version)
      where o.id = c.id and o.version = c.version`.execute(trx)
    await sql`update search_outbox set claimed_until = null where id = any(${ids}::int[]) and done_at is null`.execute(
      trx,
    )
  })
}

/** Records the failure and pushes the rows back with exponential backoff (with jitter, so instances do not march in step). */
export async function failRows(
  db: Db,
  rows: ClaimedRow[],
  error: string,
  backoff: { baseMs: number; maxMs: number },
): Promise<void> {
  if (rows.length === 0) return
  await sql`
    update search_outbox set
      attempts = attempts + 1,
      last_error = ${error.slice(0, 2000)},
      claimed_until = null,
      next_attempt_at = now() + make_interval(secs => least(${backoff.baseMs / 1000}::float8 * power(2, least(attempts, 30)), ${backoff.maxMs / 1000}::float8) * (0.75 + random() * 0.5))
    where id = any(${rows.map((r) => r.id)}::int[])`.execute(db)
}

/** Meilisearch is back: rows waiting out their backoff are due now, so the index converges without anyone acting. */
export async function releaseBackoff(db: Db): Promise<number> {
  const result = await db
    .updateTable('search_outbox')
    .set({ next_attempt_at: sql`now()` })
    .where('done_at', 'is', null)
    .where('attempts', '>', 0)
    .where('next_attempt_at', '>', sql<Date>`now()`)
    .executeTakeFirst()
  return Number(result.numUpdatedRows)
}

/** Every entity changed since `since` is synced again: a reindex replays what changed while it was reading. */
export async function replayChangesSince(db: Db, since: Date): Promise<number> {
  const result = await db
    .updateTable('search_outbox')
    .set({ ...upsertSetForReplay })
    .where('last_enqueued_at', '>=', since)
    .executeTakeFirst()
  if (Number(result.numUpdatedRows) > 0) outboxSignal.emit('enqueued')
  return Number(result.numUpdatedRows)
}

const upsertSetForReplay = {
  version: sql<number>`version + 1`,
  enqueued_at: sql<Date>`case when done_at is null then enqueued_at else now() end`,
  next_attempt_at: sql<Date>`now()`,
  done_at: sql<Date | null>`null`,
}

/** Synced rows are kept a day for replays, then go. */
export async function deleteSyncedRows(db: Db, olderThanHours = 24): Promise<number> {
  const result = await db
    .deleteFrom('search_outbox')
    .where('done_at', '<', sql<Date>`now() - make_interval(hours => ${olderThanHours})`)
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}

export interface OutboxBacklog {
  pending: number
  failing: number
  oldestAgeSeconds: number | null
}

export async function outboxBacklog(db: Db): Promise<OutboxBacklog> {
  const row = await db
    .selectFrom('search_outbox')
    .select([
      sql<number>`count(*)::int`.as('pending'),
      sql<number>`count(*) filter (where attempts > 0)::int`.as('failing'),
      sql<number | null>`extract(epoch from now() - min(enqueued_at))::float8`.as('oldest'),
    ])
    .where('done_at', 'is', null)
    .executeTakeFirstOrThrow()
  return {
    pending: row.pending,
    failing: row.failing,
    oldestAgeSeconds: row.oldest === null ? null : Math.round(row.oldest),
  }
}
