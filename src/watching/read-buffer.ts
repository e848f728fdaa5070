// How far members have read threads, and when they visited a community, written in batches off the request path.
// A page view only notes the position in this instance's buffer; the buffer is flushed every second, at 200 entries,
// before a member's own list is read, and when the app closes, with one multi-row upsert per kind that only ever
// moves a position forward. Several instances behind a load balancer each keep their own buffer: the upserts are
// idempotent and monotonic, so the order in which instances flush does not matter.
import { sql } from 'kysely'
import type { FastifyBaseLogger } from 'fastify'
import type { Db } from '../db/connect.js'

/** A new visit to a community begins when the member's last mark is older than this. */
export const visitGapMs = 30 * 60_000
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
  at: Date
}

export interface FlushResult {
  /** Statements sent to the database: at most one per kind. */
  statements: number
  rows: number
}

class ReadBuffer {
  reads = new Map<string, ReadEntry>()
  visits = new Map<string, VisitEntry>()
  timer: NodeJS.Timeout | null = null
  intervalMs: number | null = flushIntervalMs
  log: FastifyBaseLogger | null = null

  constructor(private readonly db: Db) {}

  get size() {
    return this.reads.size + this.visits.size
  }

  addRead(entry: ReadEntry) {
    const key = `${entry.userId}:${entry.threadId}`
    const kept = this.reads.get(key)
    if (!kept || kept.lastPostId < entry.lastPostId) this.reads.set(key, entry)
    this.added()
  }

  addVisit(entry: VisitEntry) {
    const key = `${entry.userId}:${entry.communityId}`
    // The first mark of a visit is the one that counts: later ones within the gap change nothing in the database.
    if (!this.visits.has(key)) this.visits.set(key, entry)
    this.added()
  }

  private added() {
    if (this.size >= flushAtEntries) {
      this.flushInBackground()
      return
    }
    if (this.timer === null && this.intervalMs !== null) {
      this.timer = setTimeout(() => this.flushInBackground(), this.intervalMs)
      this.timer.unref()
    }
  }

  private flushInBackground() {
    this.flush().catch((err) => this.log?.warn({ err }, 'read positions could not be written'))
  }

  /**
   * Writes what is buffered and empties that part of the buffer; with `userId`, only that member's read positions (their
   * visit marks wait for the next flush: a list read before it still sees the visit as beginning, the same answer).
   */
  async flush(userId?: number): Promise<FlushResult> {
    const reads = take(this.reads, userId)
    const visits = userId === undefined ? take(this.visits, undefined) : []
    if (userId === undefined || this.size === 0) {
      if (this.timer) clearTimeout(this.timer)
      this.timer = null
    }
    let statements = 0
    if (reads.length) {
      statements++
      await writeReads(this.db, reads)
    }
    if (visits.length) {
      statements++
      await writeVisits(this.db, visits)
    }
    return { statements, rows: reads.length + visits.length }
  }
}

function take<T extends { userId: number }>(map: Map<string, T>, userId: number | undefined): T[] {
  const taken: T[] = []
  for (const [key, entry] of map) {
    if (userId !== undefined && entry.userId !== userId) continue
    taken.push(entry)
    map.delete(key)
  }
  return taken
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
    on conflict (user_id, thread_id) do update
      set last_read_post_id = excluded.last_read_post_id, read_at = excluded.read_at
      where thread_reads.last_read_post_id < excluded.last_read_post_id`.execute(db)
}

async function writeVisits(db: Db, entries: VisitEntry[]) {
  const values = sql.join(entries.map((e) => sql`(${e.userId}::int, ${e.communityId}::int, ${e.at}::timestamptz)`))
  // A mark moves only when the one kept is older than the visit gap: the previous visit's start becomes
  // `previous_seen_at`. Two instances noting the same visit write it once.
  await sql`
    insert into community_visits (user_id, community_id, seen_at, previous_seen_at)
    select v.user_id, v.community_id, v.seen_at, null
    from (values ${values}) as v (user_id, community_id, seen_at)
    where exists (select 1 from communities c where c.id = v.community_id)
      and exists (select 1 from users u where u.id = v.user_id)
    on conflict (user_id, community_id) do update
      set previous_seen_at = community_visits.seen_at, seen_at = excluded.seen_at
      where community_visits.seen_at < excluded.seen_at - ${sql.lit(`${visitGapMs / 1000} seconds`)}::interval`.execute(
    db,
  )
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

/** Writes the buffered positions now: all of them, or one member's read positions (before their own list is read). */
export async function flushReads(db: Db, options: { userId?: number } = {}): Promise<FlushResult> {
  const buffer = buffers.get(db)
  if (!buffer || buffer.size === 0) return { statements: 0, rows: 0 }
  return buffer.flush(options.userId)
}

/** The flush interval, or null for none (tests that flush themselves); where a failed background flush is logged. */
export function configureReadBuffer(db: Db, options: { intervalMs?: number | null; log?: FastifyBaseLogger }) {
  const buffer = bufferOf(db)
  if (options.intervalMs !== undefined) buffer.intervalMs = options.intervalMs
  if (options.log) buffer.log = options.log
}
