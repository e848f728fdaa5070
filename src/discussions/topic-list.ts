// A community's topic list: one keyset query per filter, with each thread's replies, last activity and badges, and
// for a member the "new" and "unread" markers, read in the same statement (no query per thread).
import { sql } from 'kysely'
import type { Db } from '../db/connect.js'

export const threadsPerPage = 30

export const topicFilters = ['latest', 'unanswered', 'mine'] as const
export type TopicFilter = (typeof topicFilters)[number]

export const isTopicFilter = (value: unknown): value is TopicFilter =>
  typeof value === 'string' && (topicFilters as readonly string[]).includes(value)

export interface TopicReader {
  userId: number
  /** Threads that appeared after this (the start of the member's previous visit) and that they never opened are new. */
  newSince: Date | null
}

export interface TopicListInput {
  communityId: number
  filter: TopicFilter
  /** The last thread id of the previous page. */
  after: number | null
  /** A member, for the markers and "mine"; null for everyone else. */
  reader: TopicReader | null
}

/**
 * Visible threads of a community. "latest": pinned first, then by last activity; "unanswered": no reply marked as the
 * answer; "mine": started or replied to by the reader. Every filter pages by its own sort key (threads_community_list_idx,
 * threads_unanswered, threads_author_activity_idx with posts_author_thread_idx).
 *
 * For a reader: `is_new` when the thread appeared since `newSince`, by someone else, and they never opened it (no
 * thread_reads row); `unread` the visible replies by others after their read position, `first_unread_id` the first
 * of them (a thread never opened has no unread count: it is new, or old news).
 */
export async function listTopics(db: Db, input: TopicListInput) {
  const { communityId, filter, after, reader } = input
  const readerId = reader?.userId ?? 0
  const latest = filter === 'latest'
  let query = db
    .selectFrom('threads as t')
    .innerJoin('users as a', 'a.id', 't.author_id')
    .leftJoin('users as lp', 'lp.id', 't.last_poster_id')
    .select([
      't.id',
      't.title',
      't.pinned',
      't.locked',
      't.reply_count',
      't.last_post_at',
      't.created_at',
      'a.id as author_id',
      'a.display_name as author_name',
      'lp.display_name as last_poster_name',
      sql<boolean>`t.answer_post_id is not null`.as('answered'),
    ])
    .where('t.community_id', '=', communityId)
    .where('t.status', '=', 'visible')
    .limit(threadsPerPage + 1)

  if (reader) {
    query = query
      .leftJoin('thread_reads as r', (join) => join.onRef('r.thread_id', '=', 't.id').on('r.user_id', '=', readerId))
      .leftJoinLateral(
        (eb) =>
          eb
            .selectFrom('posts as p')
            .select([sql<number>`count(*)::int`.as('unread'), sql<number | null>`min(p.id)`.as('first_unread_id')])
            .whereRef('p.thread_id', '=', 't.id')
            .where('p.status', '=', 'visible')
            .where('p.author_id', '!=', readerId)
            .whereRef('p.id', '>', 'r.last_read_post_id')
            .as('u'),
        (join) => join.onTrue(),
      )
      .select([
        sql<number>`coalesce(u.unread, 0)`.as('unread'),
        'u.first_unread_id',
        (reader.newSince
          ? sql<boolean>`r.user_id is null and t.author_id <> ${readerId} and t.created_at > ${reader.newSince}`
          : sql<boolean>`false`
        ).as('is_new'),
      ])
  }

  if (filter === 'unanswered') query = query.where('t.answer_post_id', 'is', null)
  if (filter === 'mine') {
    query = query.where((eb) =>
      eb.or([
        eb('t.author_id', '=', readerId),
        eb.exists(
          eb
            .selectFrom('posts as mp')
            .select('mp.id')
            .whereRef('mp.thread_id', '=', 't.id')
            .where('mp.author_id', '=', readerId)
            .where('mp.status', '!=', 'deleted'),
        ),
      ]),
    )
  }

  if (latest) query = query.orderBy('t.pinned', 'desc')
  query = query.orderBy('t.last_post_at', 'desc').orderBy('t.id', 'desc')
  if (after !== null) {
    // Row comparison in the filter's order: everything that sorts after the cursor thread.
    const cursor = latest
      ? sql<boolean>`(t.pinned, t.last_post_at, t.id) < (select c.pinned, c.last_post_at, c.id from threads c where c.id = ${after} and c.community_id = ${communityId})`
      : sql<boolean>`(t.last_post_at, t.id) < (select c.last_post_at, c.id from threads c where c.id = ${after} and c.community_id = ${communityId})`
    query = query.where(cursor)
  }
  const rows = await query.execute()
  const threads = rows.slice(0, threadsPerPage).map((row) => {
    const marked = row as typeof row & { unread?: number; first_unread_id?: number | null; is_new?: boolean }
    return {
      ...row,
      unread: Number(marked.unread ?? 0),
      first_unread_id: marked.first_unread_id ?? null,
      is_new: marked.is_new === true,
    }
  })
  return { threads, hasMore: rows.length > threadsPerPage }
}

/** A member's visit mark in a community, with when they joined (the mark of a first visit). */
export async function visitOf(db: Db, userId: number, communityId: number) {
  return db
    .selectFrom('community_members as m')
    .leftJoin('community_visits as v', (join) =>
      join.onRef('v.community_id', '=', 'm.community_id').onRef('v.user_id', '=', 'm.user_id'),
    )
    .select(['m.joined_at', 'v.seen_at', 'v.previous_seen_at'])
    .where('m.community_id', '=', communityId)
    .where('m.user_id', '=', userId)
    .where('m.status', '=', 'active')
    .executeTakeFirst()
}
