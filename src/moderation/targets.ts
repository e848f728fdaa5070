// The pieces of content moderation acts on (thread, reply, comment, article), read and changed in one way.
import { sql, type Transaction } from 'kysely'
import type { Db } from '../db/connect.js'
import type { Database, FlagTarget } from '../db/database.js'
import { withdrawPendingEmails } from '../mail/outbox.js'
import { enqueueSearch, enqueueThreadOfAnswer } from '../search/outbox.js'
import { findMessageTarget } from './message-target.js'

type Trx = Transaction<Database>
export type TargetStatus = 'visible' | 'pending' | 'hidden' | 'deleted'
export const targetTypes: FlagTarget[] = ['thread', 'post', 'comment', 'article', 'message']

export interface Target {
  type: FlagTarget
  id: number
  communityId: number | null
  authorId: number
  threadId: number | null
  status: TargetStatus
  hiddenBy: number | null
  title: string | null
  bodyHtml: string
  url: string
}

export async function findTarget(db: Db | Trx, type: FlagTarget, id: number): Promise<Target | null> {
  if (type === 'thread') {
    const row = await db
      .selectFrom('threads')
      .select(['id', 'community_id', 'author_id', 'status', 'hidden_by', 'title', 'body_html'])
      .where('id', '=', id)
      .executeTakeFirst()
    return row
      ? {
          type,
          id,
          communityId: row.community_id,
          authorId: row.author_id,
          threadId: row.id,
          status: row.status,
          hiddenBy: row.hidden_by,
          title: row.title,
          bodyHtml: row.body_html,
          url: `/t/${row.id}`,
        }
      : null
  }
  if (type === 'post') {
    const row = await db
      .selectFrom('posts as p')
      .innerJoin('threads as t', 't.id', 'p.thread_id')
      .select([
        'p.id',
        't.community_id',
        'p.author_id',
        'p.thread_id',
        'p.status',
        'p.hidden_by',
        't.title',
        'p.body_html',
      ])
      .where('p.id', '=', id)
      .executeTakeFirst()
    return row
      ? {
          type,
          id,
          communityId: row.community_id,
          authorId: row.author_id,
          threadId: row.thread_id,
          status: row.status,
          hiddenBy: row.hidden_by,
          title: row.title,
          bodyHtml: row.body_html,
          url: `/posts/${row.id}`,
        }
      : null
  }
  if (type === 'comment') {
    const row = await db
      .selectFrom('comments as m')
      .innerJoin('articles as a', 'a.id', 'm.article_id')
      .select(['m.id', 'a.community_id', 'm.author_id', 'm.status', 'm.hidden_by', 'a.title', 'a.slug', 'm.body_html'])
      .where('m.id', '=', id)
      .executeTakeFirst()
    return row
      ? {
          type,
          id,
          communityId: row.community_id,
          authorId: row.author_id,
          threadId: null,
          status: row.status,
          hiddenBy: row.hidden_by,
          title: row.title,
          bodyHtml: row.body_html,
          url: `/library/${row.slug}#comment-${row.id}`,
        }
      : null
  }
  if (type === 'message') return findMessageTarget(db, id)
  const row = await db
    .selectFrom('articles')
    .select(['id', 'community_id', 'author_id', 'status', 'hidden_at', 'title', 'slug', 'summary'])
    .where('id', '=', id)
    .executeTakeFirst()
  if (!row) return null
  const status: TargetStatus = row.hidden_at ? 'hidden' : row.status === 'published' ? 'visible' : 'deleted'
  return {
    type,
    id,
    communityId: row.community_id,
    authorId: row.author_id,
    threadId: null,
    status,
    hiddenBy: null,
    title: row.title,
    bodyHtml: row.summary,
    url: `/library/${row.slug}`,
  }
}

/** Locks the content's own row (only that row), so acts on one piece of content queue one after another. */
export async function lockTargetRow(trx: Trx, type: FlagTarget, id: number): Promise<void> {
  const table =
    type === 'thread'
      ? 'threads'
      : type === 'post'
        ? 'posts'
        : type === 'comment'
          ? 'comments'
          : type === 'message'
            ? 'messages'
            : 'articles'
  await trx.selectFrom(table).select('id').where('id', '=', id).forNoKeyUpdate().execute()
}

/**
 * Moves content between visible, pending, hidden and deleted, keeping counters and the search index in step.
 * `by` null means Kring itself did it (flags reached the threshold).
 */
export async function setTargetStatus(
  trx: Trx,
  target: Target,
  status: TargetStatus,
  options: { reason: string | null; by: number | null },
) {
  const wasVisible = target.status === 'visible'
  const isVisible = status === 'visible'
  const hidden =
    status === 'hidden' || status === 'deleted'
      ? { hidden_reason: options.reason, hidden_by: options.by }
      : { hidden_reason: null, hidden_by: null }
  // Deleted as the discussions' own delete does it, so the placeholder says a moderator deleted it, not its author.
  const deleted = status === 'deleted' && options.by !== null ? { deleted_at: new Date(), edited_by: options.by } : {}
  if (target.type === 'thread') {
    await trx
      .updateTable('threads')
      .set({ status, ...hidden, ...deleted })
      .where('id', '=', target.id)
      .execute()
    if (wasVisible !== isVisible) {
      await trx
        .updateTable('communities')
        .set({ thread_count: sql`thread_count + ${isVisible ? 1 : -1}` })
        .where('id', '=', target.communityId!)
        .execute()
    }
    await enqueueSearch(trx, 'thread', target.id)
  } else if (target.type === 'post') {
    await trx
      .updateTable('posts')
      .set({ status, ...hidden, ...deleted })
      .where('id', '=', target.id)
      .execute()
    if (wasVisible !== isVisible) {
      await trx
        .updateTable('threads')
        .set({ reply_count: sql`reply_count + ${isVisible ? 1 : -1}` })
        .where('id', '=', target.threadId!)
        .execute()
    }
    await enqueueSearch(trx, 'post', target.id)
    if (wasVisible !== isVisible) await enqueueThreadOfAnswer(trx, target.id)
  } else if (target.type === 'comment') {
    await trx
      .updateTable('comments')
      .set({ status, ...hidden })
      .where('id', '=', target.id)
      .execute()
  } else if (target.type === 'message') {
    // A private message has no pending state: hidden by flags or a moderator, or back to visible.
    await trx
      .updateTable('messages')
      .set({ status: status === 'pending' ? 'hidden' : status, ...hidden })
      .where('id', '=', target.id)
      .execute()
  } else {
    await trx
      .updateTable('articles')
      .set({ hidden_at: isVisible ? null : new Date(), hidden_reason: isVisible ? null : options.reason })
      .where('id', '=', target.id)
      .execute()
    await enqueueSearch(trx, 'article', target.id)
  }
  // Emails about it still waiting in the outbox (an SMTP outage, a slow relay) must not carry it out now.
  if (!isVisible) await withdrawPendingEmails(trx, { type: target.type, id: target.id })
}
