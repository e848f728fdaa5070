// Reach events: "this became visible, tell whoever watches it", written in the transaction of the change and expanded
// into notifications by the reach worker after commit, so a reply in a thread with a thousand watchers costs the
// request one row.
import { EventEmitter } from 'node:events'
import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/database.js'

type Db = Kysely<Database>

/** Tells this process's reach worker that an event waits (it sees it once the writing transaction has committed). */
export const reachSignal = new EventEmitter()
reachSignal.setMaxListeners(0)

export interface ReachPayloads {
  /** A reply became visible (posted, or approved). `notified`: members told directly (reply, mention) already. */
  post_published: { postId: number; notified: number[] }
  /** A thread became visible. */
  thread_published: { threadId: number; notified: number[] }
  /** A library article was published. */
  article_published: { articleId: number; notified: number[] }
}
export type ReachKind = keyof ReachPayloads

export async function recordReachEvent<K extends ReachKind>(
  trx: Db,
  kind: K,
  payload: ReachPayloads[K],
): Promise<void> {
  await trx
    .insertInto('reach_events')
    .values({ kind, payload: JSON.stringify(payload) })
    .execute()
  reachSignal.emit('recorded')
}

export interface ClaimedReachEvent {
  id: string
  kind: string
  payload: Record<string, unknown>
  attempts: number
}

/** Leases due events; SKIP LOCKED lets several instances expand events at once without expanding one twice. */
export async function claimReachEvents(db: Db, limit: number, leaseSeconds = 120): Promise<ClaimedReachEvent[]> {
  const result = await sql<ClaimedReachEvent>`
    update reach_events set claimed_until = now() + make_interval(secs => ${leaseSeconds})
    where id in (
      select id from reach_events
      where done_at is null and next_attempt_at <= now() and (claimed_until is null or claimed_until < now())
      order by next_attempt_at, id
      limit ${limit}
      for update skip locked
    )
    returning id, kind, payload, attempts`.execute(db)
  return result.rows
}

export interface ReachBackoff {
  baseMs: number
  maxMs: number
}

export const defaultReachBackoff: ReachBackoff = { baseMs: 5_000, maxMs: 600_000 }

export async function markReachFailed(db: Db, event: ClaimedReachEvent, error: string, backoff: ReachBackoff) {
  const attempts = event.attempts + 1
  const delayMs = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.min(attempts - 1, 20))
  await db
    .updateTable('reach_events')
    .set({
      attempts,
      claimed_until: null,
      last_error: error.slice(0, 1000),
      next_attempt_at: sql`now() + make_interval(secs => ${delayMs / 1000})`,
    })
    .where('id', '=', event.id)
    .execute()
}

export interface ReachBacklog {
  pending: number
  failing: number
  oldestAgeSeconds: number | null
}

export async function reachBacklog(db: Db): Promise<ReachBacklog> {
  const row = await db
    .selectFrom('reach_events')
    .where('done_at', 'is', null)
    .select([
      sql<string>`count(*)`.as('pending'),
      sql<string>`count(*) filter (where attempts > 0)`.as('failing'),
      sql<number | null>`extract(epoch from now() - min(created_at))`.as('oldest'),
    ])
    .executeTakeFirstOrThrow()
  return {
    pending: Number(row.pending),
    failing: Number(row.failing),
    oldestAgeSeconds: row.oldest === null ? null : Math.round(Number(row.oldest)),
  }
}

/** Expanded events are kept a day for questions ("why did I get this?"), then deleted. */
export async function deleteOldReachEvents(db: Db, olderThanHours = 24): Promise<void> {
  await db
    .deleteFrom('reach_events')
    .where('done_at', '<', sql<Date>`now() - make_interval(hours => ${olderThanHours})`)
    .execute()
}
