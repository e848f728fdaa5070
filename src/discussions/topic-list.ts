// A community's topic list: one keyset query per filter, with each thread's replies, last activity and badges, and
// for a member the "new" and "unread" markers, read in the same statement (no query per thread).
import { sql } from 'kysely'
import type { Db } from '../db/connect.js'
import { authorIdSql, authorNameSql } from '../people/author-sql.js'

export const threadsPerPage = 30

export const topicFilters = ['latest', 'unanswered', 'mine'] as const
export type TopicFilter = (typeof topicFilters)[number]

export const isTopicFilter = (value: unknown): value is TopicFilter =>
  typeof value === 'string' && (topicFilters as readonly string[]).includes(value)

export interface TopicReader {
  userId: number
  /** Threads that appeared after this (the start of the member's previous visit) and that they never opened are new. */
  newSince: Date | null
  /** Read positions still in this instance's write buffer (not written yet): they count as read, and as opened. */
  buffered?: readonly { threadId: number; lastPostId: number }[]
}

export interface TopicListInput {
  communityId: number
  filter: TopicFilter
  /** The last thread id of the previous page. */
  after: number | null
  /** A member, for the markers and "mine"; null for everyone else. */
  reader: TopicReader | null
  /** What threads and replies posted without a name show instead of it (src/anonymous), in the reader's language. */
  anonymousLabel?: string
  /** What a deleted account shows instead of its name, in the reader's language. */
  formerMember?: string
}

/**
 * Visible threads of a community. "latest": pinned first, then by last activity; "unanswered": no visible reply marked
 * as the answer; "mine": started or replied to by the reader. Every filter pages by its own sort key
 * (threads_community_list_idx, threads_unanswered, threads_author_activity_idx with posts_author_thread_idx).
 *
 * Last activity shown (time and author) is the newest visible post's, else the thread's own: a hidden or deleted last
 * reply never shows who wrote it or when. The order stays on threads.last_post_at (kept by every post write, indexed).
 *
 * For a reader: `is_new` when the thread appeared (was created, or approved by a moderator when it was held) since
 * `newSince`, by someone else, and they never opened it (no thread_reads row, nothing buffered); `unread` the visible
 * replies by others after their read position (0 for a thread they muted), `first_unread_id` the first of them (a
 * thread never opened has no unread count: it is new, or old news).
 */
export async function listTopics(db: Db, input: TopicListInput) {
  const { communityId, filter, after, reader } = input
  const label = input.anonymousLabel ?? ''
  const former = input.formerMember ?? ''
  const readerId = reader?.userId ?? 0
  const latest = filter === 'latest'
  // The accepted answer counts only while its post is visible.
  const answerVisible = sql<boolean>`exists (select 1 from posts ap where ap.id = t.answer_post_id and ap.thread_id = t.id and ap.status = 'visible')`
  let query = db
    .selectFrom('threads as t')
    .innerJoin('users as a', 'a.id', 't.author_id')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('posts as lv')
          .select(['lv.created_at', 'lv.author_id', 'lv.anonymous'])
          .whereRef('lv.thread_id', '=', 't.id')
          .where('lv.status', '=', 'visible')
          .orderBy('lv.id', 'desc')
          .limit(1)
          .as('lv'),
      (join) => join.onTrue(),
    )
    .leftJoin('users as lp', (join) => join.on(sql<boolean>`lp.id = coalesce(lv.author_id, t.author_id)`))
    .select([
      't.id',
      't.title',
      't.pinned',
      't.locked',
      't.reply_count',
      sql<Date>`coalesce(lv.created_at, t.created_at)`.as('last_post_at'),
      't.created_at',
      // Posted without a name: the label, and no id to link to; a deleted account: "Former member".
      authorIdSql('a', sql`t.anonymous`).as('author_id'),
      authorNameSql('a', sql`t.anonymous`, label, former).as('author_name'),
      authorIdSql('lp', sql`coalesce(lv.anonymous, t.anonymous)`).as('last_poster_id'),
      authorNameSql('lp', sql`coalesce(lv.anonymous, t.anonymous)`, label, former).as('last_poster_name'),
      answerVisible.as('answered'),
    ])
    .where('t.community_id', '=', communityId)
    .where('t.status', '=', 'visible')
    .limit(threadsPerPage + 1)

  if (reader) {
    const buffered = reader.buffered ?? []
    // A position still in the write buffer: greatest() skips the null of a thread with none.
    const bufferedPos = buffered.length
      ? sql<number | null>`(select max(b.pos) from (values ${sql.join(
          buffered.map((b) => sql`(${b.threadId}::int, ${b.lastPostId}::int)`),
        )}) as b (thread_id, pos) where b.thread_id = t.id)`
      : sql<number | null>`null::int`
    const position = sql<number | null>`greatest(r.last_read_post_id, ${bufferedPos})`
    // Held threads: the moderator's approval is when it appeared for the members.
    const appearedAt = sql<Date>`coalesce((select max(ri.resolved_at) from review_items ri where ri.target_type = 'thread' and ri.target_id = t.id and ri.kind = 'queued' and ri.resolution = 'approve'), t.created_at)`
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
            .where(sql<boolean>`p.id > ${position}`)
            // A muted thread counts nothing.
            .where(
              sql<boolean>`not exists (select 1 from watches w where w.user_id = ${readerId} and w.target_type = 'thread' and w.target_id = t.id and w.level = 'muted')`,
            )
            .as('u'),
        (join) => join.onTrue(),
      )
      .select([
        sql<number>`coalesce(u.unread, 0)`.as('unread'),
        'u.first_unread_id',
        (reader.newSince
          ? sql<boolean>`${position} is null and t.author_id <> ${readerId} and ${appearedAt} > ${reader.newSince}`
          : sql<boolean>`false`
        ).as('is_new'),
      ])
  }

  if (filter === 'unanswered') query = query.where(sql<boolean>`not ${answerVisible}`)
  if (filter === 'mine') {
    // The threads I started and the ones I replied to, as one set; the keyset order and the limit apply to it.
    query = query.where('t.id', 'in', (eb) =>
      eb
        .selectFrom('threads as mt')
        .select('mt.id')
        .where('mt.author_id', '=', readerId)
        .where('mt.community_id', '=', communityId)
        .where('mt.status', '=', 'visible')
        .union(
          eb
            .selectFrom('posts as mp')
            .select('mp.thread_id as id')
            .where('mp.author_id', '=', readerId)
            .where('mp.status', '!=', 'deleted'),
        ),
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
      answered: row.answered === true,
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
    .select(['m.joined_at', 'v.seen_at', 'v.last_seen_at', 'v.previous_seen_at'])
    .where('m.community_id', '=', communityId)
    .where('m.user_id', '=', userId)
    .where('m.status', '=', 'active')
    .executeTakeFirst()
}
