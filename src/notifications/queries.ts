// Reading a member's notifications: the bell's unread count and the keyset pages of /notifications. An item whose
// subject was since hidden, deleted or sent back to pending is left out of both, unless the member wrote it (their
// post hidden "with the reason" is about that very post); filtered when read, so no hiding path can forget it.
import { sql, type Kysely, type SqlBool } from 'kysely'
import type { Database } from '../db/database.js'

type Db = Kysely<Database>

/**
 * Whether the notification `n` still points at something its member may read: visible (hidden or waiting content
 * only to its own author; deleted content only to its author, in the notice that says why it was removed), in a
 * community they may read now (a member who left a members-only community no longer reads its threads there).
 */
const subjectReadable = sql<SqlBool>`(
  n.subject_type is null
  or (n.subject_type = 'post' and exists (
    select 1 from posts p join threads t on t.id = p.thread_id join communities c on c.id = t.community_id
    where p.id = n.subject_id
      and (p.status = 'visible' or ((p.status in ('hidden', 'pending') or (p.status = 'deleted' and n.kind = 'post_hidden')) and p.author_id = n.user_id))
      and (t.status = 'visible' or ((t.status in ('hidden', 'pending') or (t.status = 'deleted' and n.kind = 'post_hidden')) and t.author_id = n.user_id))
      and (c.visibility = 'public' or exists (select 1 from community_members cm
        where cm.community_id = c.id and cm.user_id = n.user_id and cm.status = 'active'))))
  or (n.subject_type = 'thread' and exists (
    select 1 from threads t join communities c on c.id = t.community_id
    where t.id = n.subject_id
      and (t.status = 'visible' or ((t.status in ('hidden', 'pending') or (t.status = 'deleted' and n.kind = 'post_hidden')) and t.author_id = n.user_id))
      and (c.visibility = 'public' or exists (select 1 from community_members cm
        where cm.community_id = c.id and cm.user_id = n.user_id and cm.status = 'active'))))
  or (n.subject_type = 'article' and exists (
    select 1 from articles a
    where a.id = n.subject_id and ((a.status = 'published' and a.hidden_at is null) or a.author_id = n.user_id)))
  or (n.subject_type = 'comment' and exists (
    select 1 from comments m join articles a on a.id = m.article_id
    where m.id = n.subject_id
      and (m.status = 'visible' or ((m.status in ('hidden', 'pending') or (m.status = 'deleted' and n.kind = 'post_hidden')) and m.author_id = n.user_id))
      and ((a.status = 'published' and a.hidden_at is null) or a.author_id = n.user_id)))
  or (n.subject_type = 'message' and exists (
    select 1 from messages m join conversation_participants cp on cp.conversation_id = m.conversation_id
    where m.id = n.subject_id and (m.status = 'visible' or m.author_id = n.user_id) and cp.user_id = n.user_id and cp.left_at is null))
  or n.subject_type not in ('post', 'thread', 'article', 'comment', 'message')
)`

/** One indexed count (notifications_unread), checked per unread row only. */
export async function countUnread(db: Db, userId: number): Promise<number> {
  const row = await db
    .selectFrom('notifications as n')
    .select(sql<string>`count(*)`.as('count'))
    .where('n.user_id', '=', userId)
    .where('n.read_at', 'is', null)
    .where(subjectReadable)
    .executeTakeFirstOrThrow()
  return Number(row.count)
}

export interface NotificationRow {
  id: string
  kind: string
  url: string
  data: Record<string, unknown>
  count: number
  read_at: Date | null
  updated_at: Date
  actor_name: string | null
}

/** The last item of the previous page; the page goes on from where that item stands now (exact to the microsecond). */
export type Cursor = string

export const pageSize = 30

/** Newest first; `before` continues after the last item of the previous page (keyset: page 50 costs what page 1 does). */
export async function listNotifications(
  db: Db,
  userId: number,
  before: Cursor | null,
  limit = pageSize,
): Promise<{ items: NotificationRow[]; next: Cursor | null }> {
  let query = db
    .selectFrom('notifications as n')
    .leftJoin('users as a', 'a.id', 'n.actor_id')
    .select([
      'n.id',
      'n.kind',
      'n.url',
      'n.data',
      'n.count',
      'n.read_at',
      'n.updated_at',
      'a.display_name as actor_name',
    ])
    .where('n.user_id', '=', userId)
    .where(subjectReadable)
  if (before)
    query = query.where(
      sql<SqlBool>`(n.updated_at, n.id) < (
        select b.updated_at, b.id from notifications b where b.id = ${before}::bigint and b.user_id = ${userId})`,
    )
  const rows = await query
    .orderBy('n.updated_at', 'desc')
    .orderBy('n.id', 'desc')
    .limit(limit + 1)
    .execute()
  const items = rows.slice(0, limit)
  const last = items.at(-1)
  return {
    items,
    next: rows.length > limit && last ? last.id : null,
  }
}

/** The notification of this member, if it may still be shown: for opening it. */
export async function findOwnNotification(db: Db, userId: number, id: string) {
  return db
    .selectFrom('notifications as n')
    .select(['n.id', 'n.url', 'n.read_at'])
    .where('n.id', '=', id)
    .where('n.user_id', '=', userId)
    .where(subjectReadable)
    .executeTakeFirst()
}
