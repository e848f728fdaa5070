// Reads for the review queue: open items with their content, context, flags and the author's history, batched.
import { sql } from 'kysely'
import type { Db } from '../db/connect.js'
import type { FlagTarget } from '../db/database.js'

export async function openItems(db: Db, scope: { isAdmin: boolean; communities: Set<number> }) {
  let query = db
    .selectFrom('review_items as r')
    .leftJoin('communities as c', 'c.id', 'r.community_id')
    .select([
      'r.id',
      'r.target_type',
      'r.target_id',
      'r.kind',
      'r.created_at',
      'r.community_id',
      'c.name as community_name',
    ])
    .where('r.status', '=', 'pending')
    .orderBy('r.created_at')
    .limit(100)
  if (!scope.isAdmin) {
    const ids = [...scope.communities]
    if (ids.length === 0) return []
    query = query.where('r.community_id', 'in', ids)
  }
  return query.execute()
}

interface ContentRow {
  id: number
  author_id: number
  author_name: string
  status: string
  hidden_reason: string | null
  body_html: string
  title: string
  url: string
}

/** The content behind review items, four queries at most whatever the number of items. */
export async function contentOf(
  db: Db,
  refs: { target_type: FlagTarget; target_id: number }[],
): Promise<Map<string, ContentRow>> {
  const byType = (type: FlagTarget) => refs.filter((r) => r.target_type === type).map((r) => r.target_id)
  const result = new Map<string, ContentRow>()
  const threads = byType('thread')
  if (threads.length) {
    for (const r of await db
      .selectFrom('threads as t')
      .innerJoin('users as u', 'u.id', 't.author_id')
      .select([
        't.id',
        't.author_id',
        'u.display_name as author_name',
        't.status',
        't.hidden_reason',
        't.body_html',
        't.title',
      ])
      .where('t.id', 'in', threads)
      .execute()) {
      result.set(`thread:${r.id}`, { ...r, url: `/t/${r.id}` })
    }
  }
  const posts = byType('post')
  if (posts.length) {
    for (const r of await db
      .selectFrom('posts as p')
      .innerJoin('threads as t', 't.id', 'p.thread_id')
      .innerJoin('users as u', 'u.id', 'p.author_id')
      .select([
        'p.id',
        'p.author_id',
        'u.display_name as author_name',
        'p.status',
        'p.hidden_reason',
        'p.body_html',
        't.title',
        'p.thread_id',
      ])
      .where('p.id', 'in', posts)
      .execute()) {
      result.set(`post:${r.id}`, { ...r, url: `/t/${r.thread_id}?at=${r.id}#p${r.id}` })
    }
  }
  const comments = byType('comment')
  if (comments.length) {
    for (const r of await db
      .selectFrom('comments as m')
      .innerJoin('articles as a', 'a.id', 'm.article_id')
      .innerJoin('users as u', 'u.id', 'm.author_id')
      .select([
        'm.id',
        'm.author_id',
        'u.display_name as author_name',
        'm.status',
        'm.hidden_reason',
        'm.body_html',
        'a.title',
        'a.slug',
      ])
      .where('m.id', 'in', comments)
      .execute()) {
      result.set(`comment:${r.id}`, { ...r, url: `/library/${r.slug}#comment-${r.id}` })
    }
  }
  const messages = byType('message')
  if (messages.length) {
    // The flagged message only, with the conversation's subject: never the rest of the conversation, nor a link to it.
    for (const r of await db
      .selectFrom('messages as m')
      .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
      .leftJoin('users as u', 'u.id', 'm.author_id')
      .select(['m.id', 'm.author_id', 'u.display_name as author_name', 'm.status', 'm.hidden_reason', 'm.body_html'])
      .select('c.subject as title')
      .where('m.id', 'in', messages)
      .execute()) {
      result.set(`message:${r.id}`, { ...r, author_id: r.author_id ?? 0, author_name: r.author_name ?? '', url: '' })
    }
  }
  const articles = byType('article')
  if (articles.length) {
    for (const r of await db
      .selectFrom('articles as a')
      .innerJoin('users as u', 'u.id', 'a.author_id')
      .select([
        'a.id',
        'a.author_id',
        'u.display_name as author_name',
        'a.status',
        'a.hidden_reason',
        'a.hidden_at',
        'a.summary as body_html',
        'a.title',
        'a.slug',
      ])
      .where('a.id', 'in', articles)
      .execute()) {
      result.set(`article:${r.id}`, { ...r, status: r.hidden_at ? 'hidden' : r.status, url: `/library/${r.slug}` })
    }
  }
  return result
}

export async function flagsOf(db: Db, itemIds: number[]) {
  if (itemIds.length === 0) return []
  return db
    .selectFrom('flags as f')
    .innerJoin('users as u', 'u.id', 'f.reporter_id')
    .select(['f.review_item_id', 'f.reason', 'f.note', 'f.created_at', 'u.display_name as reporter_name'])
    .where('f.review_item_id', 'in', itemIds)
    .orderBy('f.created_at')
    .execute()
}

/** What a moderator wants to know about an author: since when, how much, and how often moderated. */
export async function authorHistories(db: Db, authorIds: number[]) {
  if (authorIds.length === 0)
    return new Map<number, { created_at: Date; posts: number; hidden: number; flags: number }>()
  const rows = await db
    .selectFrom('users as u')
    .select([
      'u.id',
      'u.created_at',
      sql<number>`(select count(*) from posts p where p.author_id = u.id) + (select count(*) from threads t where t.author_id = u.id)`.as(
        'posts',
      ),
      sql<number>`(select count(*) from posts p where p.author_id = u.id and p.status in ('hidden', 'deleted') and p.hidden_by is distinct from u.id and p.hidden_reason is not null)`.as(
        'hidden',
      ),
      sql<number>`(select count(*) from moderation_log l where l.subject_user_id = u.id and l.action in ('hide', 'auto_hide', 'delete', 'reject'))`.as(
        'flags',
      ),
    ])
    .where('u.id', 'in', [...new Set(authorIds)])
    .execute()
  return new Map(
    rows.map((r) => [
      r.id,
      { created_at: r.created_at, posts: Number(r.posts), hidden: Number(r.hidden), flags: Number(r.flags) },
    ]),
  )
}

/** The communities a moderator may move a thread of `fromId` to: those they moderate, every one for admins. */
export async function moveTargets(db: Db, viewer: { id: number; siteRole: string }, fromId: number) {
  let query = db
    .selectFrom('communities as c')
    .select(['c.slug', 'c.name'])
    .where('c.id', '!=', fromId)
    .orderBy('c.name')
  if (viewer.siteRole !== 'admin')
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('community_members as m')
          .select('m.community_id')
          .whereRef('m.community_id', '=', 'c.id')
          .where('m.user_id', '=', viewer.id)
          .where('m.status', '=', 'active')
          .where('m.role', '=', 'moderator'),
      ),
    )
  return query.execute()
}
