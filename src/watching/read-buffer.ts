// How far members have read threads, and when they visited a community, written in batches off the request path.
// A page view only notes the position in this instance's buffer; the buffer is flushed every second, at 200 entries,
// and when the app closes (one flush in flight at a time; a failed one puts its entries back), with one multi-row upsert per kind that only ever
// moves a position forward. Several instances behind a load balancer each keep their own buffer: the upserts are
// idempotent and monotonic, so the order in which instances flush does not matter.
import { sql } from 'kysely'
import type { FastifyBaseLogger } from 'fastify'
import type { Db } from '../db/connect.js'

/** A new visit to a community begins when the member's latest view is older than this. */
export const visitGapMs = 30 * 60_000
/** A member's latest view of a community is written at most this often (it only has to be exact to the visit gap). */
export const lastSeenEveryMs = 5 * 60_000
export const flushIntervalMs = 1000
export const flushAtEntries = 200

interface ReadEntry {
  userId: number
  threadId: number
  lastPostId: number
}

interface VisitEntry {
  userId: number
  communityId: number
  /** The first view buffered (a new visit starts here). */
  at: Date
  /** The latest view buffered. */
  lastAt?: Date
}

export interface FlushResult {
  /** Statements sent to the database: at most one per kind. */
  statements: number
  rows: number
}

const readKey = (e: ReadEntry) => `${e.userId}:${e.threadId}`
const visitKey = (e: VisitEntry) => `${e.userId}:${e.communityId}`

function mergeRead(map: Map<string, ReadEntry>, entry: ReadEntry) {
  const kept = map.get(readKey(entry))
  if (!kept || kept.lastPostId < entry.lastPostId) map.set(readKey(entry), entry)
}

function mergeVisit(map: Map<string, VisitEntry>, entry: VisitEntry) {
  const kept = map.get(visitKey(entry))
  const lastAt = entry.lastAt ?? entry.at
  if (!kept) {
    map.set(visitKey(entry), { ...entry, lastAt })
    return
  }
  map.set(visitKey(entry), {
    ...kept,
    at: kept.at <= entry.at ? kept.at : entry.at,
    lastAt: (kept.lastAt ?? kept.at) >= lastAt ? (kept.lastAt ?? kept.at) : lastAt,
  })
}

class ReadBuffer {
  reads = new Map<string, ReadEntry>()
  visits = new Map<string, VisitEntry>()
  /** What the flush under way is writing: still read by the lists until it is in the database. */
  writingReads: ReadEntry[] = []
  timer: NodeJS.Timeout | null = null
  intervalMs: number | null = flushIntervalMs
  log: FastifyBaseLogger | null = null
  /** The flush under way (or the last one): the next one starts after it, so one is in flight at a time. */
  private chain: Promise<unknown> = Promise.resolve()

  constructor(private readonly db: Db) {}

  get size() {
    return this.reads.size + this.visits.size
  }

  addRead(entry: ReadEntry) {
    mergeRead(this.reads, entry)
    this.added()
  }

  addVisit(entry: VisitEntry) {
    mergeVisit(this.visits, entry)
    this.added()
  }

  /** A member's positions not in the database yet (buffered, or being written). */
  pendingReadsOf(userId: number) {
    const found: ReadEntry[] = []
    for (const entry of this.reads.values()) if (entry.userId === userId) found.push(entry)
    for (const entry of this.writingReads) if (entry.userId === userId) found.push(entry)
    return found
  }

  private added() {
    if (this.size >= flushAtEntries) {
      this.flushInBackground()
      return
    }
    if (this.timer === null && this.intervalMs !== null) {
      this.timer = setTimeout(() => {
        this.timer = null
        this.flushInBackground()
      }, this.intervalMs)
      this.timer.unref()
    }
  }

  private flushInBackground() {
    this.flush().catch((err) => this.log?.warn({ err }, 'read positions could not be written'))
  }

  /** Writes what is buffered, after any flush under way. A failed write puts its entries back for the next one. */
  flush(): Promise<FlushResult> {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    const run = this.chain.then(
      () => this.write(),
      () => this.write(),
    )
    this.chain = run.catch(() => undefined)
    return run
  }

  private async write(): Promise<FlushResult> {
    // Sorted by their keys: two instances upserting overlapping rows take the row locks in one order (no deadlock).
    const reads = [...this.reads.values()].sort((x, y) => x.userId - y.userId || x.threadId - y.threadId)
    const visits = [...this.visits.values()].sort((x, y) => x.userId - y.userId || x.communityId - y.communityId)
    this.reads.clear()
    this.visits.clear()
    let statements = 0
    try {
      if (reads.length) {
        this.writingReads = reads
        statements++
        await writeReads(this.db, reads)
        this.writingReads = []
      }
      if (visits.length) {
        statements++
        await writeVisits(this.db, visits)
      }
    } catch (err) {
      // Back into the buffer, merged with what came in meanwhile (the furthest position, the earliest visit start).
      for (const entry of this.writingReads) mergeRead(this.reads, entry)
      this.writingReads = []
      for (const entry of visits) mergeVisit(this.visits, entry)
      this.added()
      throw err
    }
    return { statements, rows: reads.length + visits.length }
  }
}

async function writeReads(db: Db, entries: ReadEntry[]) {
  const values = sql.join(entries.map((e) => sql`(${e.userId}::int, ${e.threadId}::int, ${e.lastPostId}::int)`))
  // Rows whose thread or member went away in the meantime are skipped, not allowed to fail the whole batch.
  await sql`
    insert into thread_reads (user_id, thread_id, last_read_post_id, read_at)
    select v.user_id, v.thread_id, v.last_read_post_id, now()
    from (values ${values}) as v (user_id, thread_id, last_read_post_id)
    where exists (select 1 from threads t where t.id = v.thread_id)
      and exists (select 1 from users u where u.id = v.user_id)
    order by v.user_id, v.thread_id
    on conflict (user_id, thread_id) do update
      set last_read_post_id = excluded.last_read_post_id, read_at = excluded.read_at
      where thread_reads.last_read_post_id < excluded.last_read_post_id`.execute(db)
}

async function writeVisits(db: Db, entries: VisitEntry[]) {
  const values = sql.join(
    entries.map(
      (e) => sql`(${e.userId}::int, ${e.communityId}::int, ${e.at}::timestamptz, ${e.lastAt ?? e.at}::timestamptz)`,
    ),
  )
  const gap = sql.lit(`${visitGapMs / 1000} seconds`)
  // `last_seen_at` only moves forward. A view more than the visit gap after the latest one kept begins a new visit:
  // the kept start becomes `previous_seen_at`. Two instances noting the same visit write it once.
  await sql`
    insert into community_visits (user_id, community_id, seen_at, last_seen_at, previous_seen_at)
    select v.user_id, v.community_id, v.seen_at, v.last_seen_at, null
    from (values ${values}) as v (user_id, community_id, seen_at, last_seen_at)
    where exists (select 1 from communities c where c.id = v.community_id)
      and exists (select 1 from users u where u.id = v.user_id)
    order by v.user_id, v.community_id
    on conflict (user_id, community_id) do update
      set previous_seen_at = case when community_visits.last_seen_at < excluded.seen_at - ${gap}::interval
            then community_visits.seen_at else community_visits.previous_seen_at end,
          seen_at = case when community_visits.last_seen_at < excluded.seen_at - ${gap}::interval
            then excluded.seen_at else community_visits.seen_at end,
          last_seen_at = excluded.last_seen_at
      where community_visits.last_seen_at < excluded.last_seen_at`.execute(db)
}

const buffers = new WeakMap<Db, ReadBuffer>()

function bufferOf(db: Db): ReadBuffer {
  let buffer = buffers.get(db)
  if (!buffer) {
    buffer = new ReadBuffer(db)
    buffers.set(db, buffer)
  }
  return buffer
}

export function bufferThreadRead(db: Db, entry: ReadEntry) {
  bufferOf(db).addRead(entry)
}

export function bufferCommunityVisit(db: Db, entry: VisitEntry) {
  bufferOf(db).addVisit(entry)
}

/** Writes the buffered positions and visit marks now (after a flush under way). */
export async function flushReads(db: Db): Promise<FlushResult> {
  const buffer = buffers.get(db)
  if (!buffer) return { statements: 0, rows: 0 }
  return buffer.flush()
}

/** A member's read positions not written yet, for their own list (read together with the ones in the database). */
export function bufferedReadsOf(db: Db, userId: number): { threadId: number; lastPostId: number }[] {
  return buffers.get(db)?.pendingReadsOf(userId) ?? []
}

/** The flush interval, or null for none (tests that flush themselves); where a failed background flush is logged. */
export function configureReadBuffer(db: Db, options: { intervalMs?: number | null; log?: FastifyBaseLogger }) {
  const buffer = bufferOf(db)
  if (options.intervalMs !== undefined) buffer.intervalMs = options.intervalMs
  if (options.log) buffer.log = options.log
}
