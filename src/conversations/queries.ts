// Reading private conversations: a member's inbox (keyset pages), one conversation's messages, unread counts, the
// members one may write to, blocks. Only participants ever read a conversation; callers check that first.
import { sql, type Kysely } from 'kysely'
import type { Database, MessageStatus } from '../db/database.js'

type Db = Kysely<Database>

export const inboxPageSize = 30
export const messagePageSize = 50

/** Visible messages of others after the member's read position: what "unread" counts. */
const unreadOf = (userId: number) =>
  sql<number>`(select count(*)::int from messages m
    where m.conversation_id = p.conversation_id and m.status = 'visible'
      and m.id > coalesce(p.last_read_message_id, 0) and m.author_id is distinct from ${userId})`

export interface InboxRow {
  id: number
  subject: string
  last_message_at: Date
  unread: number
  participants: string[]
}

/** Newest activity first; `before` is the last conversation of the previous page (keyset on the inbox index). */
export async function listInbox(
  db: Db,
  userId: number,
  before: number | null,
  limit = inboxPageSize,
): Promise<{ items: InboxRow[]; next: number | null }> {
  let query = db
    .selectFrom('conversation_participants as p')
    .innerJoin('conversations as c', 'c.id', 'p.conversation_id')
    .select(['c.id', 'c.subject', 'p.last_message_at', unreadOf(userId).as('unread')])
    .select(
      sql<string[]>`array(select u.display_name from conversation_participants o join users u on u.id = o.user_id
        where o.conversation_id = c.id and o.user_id <> ${userId} and o.left_at is null order by u.display_name)`.as(
        'participants',
      ),
    )
    .where('p.user_id', '=', userId)
    .where('p.left_at', 'is', null)
  if (before !== null)
    query = query.where(
      sql<boolean>`(p.last_message_at, p.conversation_id) < (select q.last_message_at, q.conversation_id
        from conversation_participants q where q.user_id = ${userId} and q.conversation_id = ${before})`,
    )
  const rows = await query
    .orderBy('p.last_message_at', 'desc')
    .orderBy('p.conversation_id', 'desc')
    .limit(limit + 1)
    .execute()
  const items = rows.slice(0, limit)
  return { items, next: rows.length > limit ? items[items.length - 1]!.id : null }
}

/** Conversations with messages the member has not read yet: the count beside "Messages" in the account menu. */
export async function countUnreadConversations(db: Db, userId: number): Promise<number> {
  const row = await db
    .selectFrom('conversation_participants as p')
    .select(sql<number>`count(*)::int`.as('count'))
    .where('p.user_id', '=', userId)
    .where('p.left_at', 'is', null)
    .where(sql<boolean>`${unreadOf(userId)} > 0`)
    .executeTakeFirstOrThrow()
  return row.count
}

export interface ConversationForMember {
  id: number
  subject: string
  created_by: number | null
  last_read_message_id: number | null
}

/** The conversation, if this member takes part in it now (left or never in: null, which routes answer with 404). */
export async function conversationFor(db: Db, id: number, userId: number): Promise<ConversationForMember | null> {
  return (
    (await db
      .selectFrom('conversations as c')
      .innerJoin('conversation_participants as p', 'p.conversation_id', 'c.id')
      .select(['c.id', 'c.subject', 'c.created_by', 'p.last_read_message_id'])
      .where('c.id', '=', id)
      .where('p.user_id', '=', userId)
      .where('p.left_at', 'is', null)
      .executeTakeFirst()) ?? null
  )
}

export interface ParticipantRow {
  id: number
  display_name: string
  left_at: Date | null
}

export async function participantsOf(db: Db, conversationId: number): Promise<ParticipantRow[]> {
  return db
    .selectFrom('conversation_participants as p')
    .innerJoin('users as u', 'u.id', 'p.user_id')
    .select(['u.id', 'u.display_name', 'p.left_at'])
    .where('p.conversation_id', '=', conversationId)
    .orderBy('u.display_name')
    .execute()
}

export interface MessageRow {
  id: number
  author_id: number | null
  author_name: string | null
  /** The author deleted their account (src/data-rights): the page says "Former member" in the reader's language. */
  author_deleted_at: Date | null
  body_html: string
  status: MessageStatus
  hidden_reason: string | null
  created_at: Date
}

export type MessageCursor = { kind: 'last' } | { kind: 'before'; id: number } | { kind: 'after'; id: number }

/**
 * One page of messages in order. The default is the latest page; hidden and deleted messages only to their author.
 * `earlier`/`later` are the ids to page on from, null at either end.
 */
export async function listMessages(
  db: Db,
  conversationId: number,
  viewerId: number,
  cursor: MessageCursor,
  limit = messagePageSize,
): Promise<{ items: MessageRow[]; earlier: number | null; later: number | null }> {
  let query = db
    .selectFrom('messages as m')
    .leftJoin('users as u', 'u.id', 'm.author_id')
    .select([
      'm.id',
      'm.author_id',
      'u.display_name as author_name',
      'u.deleted_at as author_deleted_at',
      'm.body_html',
      'm.status',
      'm.hidden_reason',
      'm.created_at',
    ])
    .where('m.conversation_id', '=', conversationId)
    .where((eb) => eb.or([eb('m.status', '=', 'visible'), eb('m.author_id', '=', viewerId)]))
  if (cursor.kind === 'after') query = query.where('m.id', '>', cursor.id)
  if (cursor.kind === 'before') query = query.where('m.id', '<', cursor.id)
  const forward = cursor.kind === 'after'
  const rows = await query
    .orderBy('m.id', forward ? 'asc' : 'desc')
    .limit(limit + 1)
    .execute()
  const more = rows.length > limit
  const page = rows.slice(0, limit)
  const items = forward ? page : page.reverse()
  const first = items[0]?.id ?? null
  const last = items[items.length - 1]?.id ?? null
  return {
    items,
    earlier: forward ? (cursor.id > 0 && first !== null ? first : null) : more ? first : null,
    later: forward ? (more ? last : null) : cursor.kind === 'before' ? last : null,
  }
}

export interface MemberChoice {
  id: number
  display_name: string
}

/** How many members the "to" list offers at most, by name. */
export const maxChoices = 500

/** `u` is an active member of a community where `userId` is an active member too. */
const sharesCommunityWith = (userId: number) =>
  sql<boolean>`exists (select 1 from community_members mine join community_members theirs
    on theirs.community_id = mine.community_id
    where mine.user_id = ${userId} and mine.status = 'active' and theirs.user_id = u.id and theirs.status = 'active')`

/**
 * Whom a member may start a conversation with: active members who share an active community with them (the people
 * they meet in Kring), so that a stranger who just registered cannot write to every member of the site.
 */
export async function recipientChoices(db: Db, userId: number): Promise<MemberChoice[]> {
  return db
    .selectFrom('users as u')
    .select(['u.id', 'u.display_name'])
    .where('u.id', '<>', userId)
    .where('u.status', '=', 'active')
    .where(sharesCommunityWith(userId))
    .orderBy('u.display_name')
    .orderBy('u.id')
    .limit(maxChoices)
    .execute()
}

/** Of `ids`, those this member may write to (the same rule as recipientChoices). */
export async function reachableMembers(db: Db, userId: number, ids: number[]): Promise<MemberChoice[]> {
  if (ids.length === 0) return []
  return db
    .selectFrom('users as u')
    .select(['u.id', 'u.display_name'])
    .where('u.id', 'in', ids)
    .where('u.status', '=', 'active')
    .where(sharesCommunityWith(userId))
    .execute()
}

export interface BlockRow {
  id: number
  display_name: string
  created_at: Date
}

/** Has `blockerId` blocked `blockedId`? (The profile offers block or unblock.) */
export async function hasBlocked(db: Db, blockerId: number, blockedId: number): Promise<boolean> {
  const row = await db
    .selectFrom('member_blocks')
    .select('blocker_id')
    .where('blocker_id', '=', blockerId)
    .where('blocked_id', '=', blockedId)
    .executeTakeFirst()
  return row !== undefined
}

/** Whom this member blocked, newest first. */
export async function listBlocks(db: Db, blockerId: number): Promise<BlockRow[]> {
  return db
    .selectFrom('member_blocks as b')
    .innerJoin('users as u', 'u.id', 'b.blocked_id')
    .select(['u.id', 'u.display_name', 'b.created_at'])
    .where('b.blocker_id', '=', blockerId)
    .orderBy('b.created_at', 'desc')
    .execute()
}

export interface OwnMessageRow {
  id: number
  conversation_id: number
  subject: string
  body_md: string
  status: MessageStatus
  created_at: Date
  edited_at: Date | null
}

/** Every message a member wrote, oldest first, with its conversation's subject: for the member's data export. */
export async function listMessagesOfMember(db: Db, userId: number): Promise<OwnMessageRow[]> {
  return db
    .selectFrom('messages as m')
    .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
    .select(['m.id', 'm.conversation_id', 'c.subject', 'm.body_md', 'm.status', 'm.created_at', 'm.edited_at'])
    .where('m.author_id', '=', userId)
    .orderBy('m.created_at')
    .orderBy('m.id')
    .execute()
}
