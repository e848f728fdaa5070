// Reads of watching: a member's level on one target, and the "N new" of a thread list in one query.
import { sql } from 'kysely'
import type { Db } from '../db/connect.js'
import type { WatchLevel, WatchTarget } from '../db/database.js'

export async function watchLevelOf(
  db: Db,
  userId: number,
  targetType: WatchTarget,
  targetId: number,
): Promise<WatchLevel | null> {
  const row = await db
    .selectFrom('watches')
    .select('level')
    .where('user_id', '=', userId)
    .where('target_type', '=', targetType)
    .where('target_id', '=', targetId)
    .executeTakeFirst()
  return row?.level ?? null
}

export interface NewPosts {
  count: number
  /** The first reply the member has not seen: its permalink leads to its place in the thread. */
  firstPostId: number
}

/**
 * For the threads of a list that the member watches or tracks, the visible replies by others since they last read
 * it, in one statement for the whole list. Threads without new replies are absent from the map.
 */
export async function newPostsFor(db: Db, userId: number, threadIds: number[]): Promise<Map<number, NewPosts>> {
  if (threadIds.length === 0) return new Map()
  const rows = await db
    .selectFrom('watches as w')
    .leftJoin('thread_reads as r', (join) => join.onRef('r.thread_id', '=', 'w.target_id').on('r.user_id', '=', userId))
    .innerJoin('posts as p', (join) =>
      join
        .onRef('p.thread_id', '=', 'w.target_id')
        .on('p.status', '=', 'visible')
        .on('p.author_id', '!=', userId)
        .on('p.id', '>', sql<number>`coalesce(r.last_read_post_id, 0)`),
    )
    .select(['w.target_id as thread_id', sql<number>`count(*)::int`.as('count'), sql<number>`min(p.id)`.as('first')])
    .where('w.user_id', '=', userId)
    .where('w.target_type', '=', 'thread')
    .where('w.target_id', 'in', threadIds)
    .where('w.level', 'in', ['watching', 'tracking'])
    .groupBy('w.target_id')
    .execute()
  return new Map(rows.map((row) => [row.thread_id, { count: Number(row.count), firstPostId: Number(row.first) }]))
}
