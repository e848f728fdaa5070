// What each change tells whom, called by the domains' commands in the transaction of the change: the direct
// notifications (a reply to you, your post approved or hidden, your article returned, published or commented on, your
// join request answered) and the reach event that tells watchers after commit.
import { actorData } from '../anonymous/label.js'
import type { Kysely } from 'kysely'
import type { Database } from '../db/database.js'
import { mayReadCommunity } from '../watching/readers.js'
import { recordReachEvent } from './events.js'
import { excerptOf } from './fan-out.js'
import { notify, type NotifyConfig } from './notify.js'

type Db = Kysely<Database>

/** Whether `userId` is active and may read content of this community now (the pages' rule, src/watching/readers.ts). */
async function mayRead(trx: Db, userId: number, community: { id: number } | null) {
  const user = await trx.selectFrom('users').select('status').where('id', '=', userId).executeTakeFirst()
  if (user?.status !== 'active') return false
  return community === null || (await mayReadCommunity(trx, userId, community.id))
}

async function hasMuted(trx: Db, userId: number, type: 'thread' | 'community', id: number) {
  const row = await trx
    .selectFrom('watches')
    .select('level')
    .where('user_id', '=', userId)
    .where('target_type', '=', type)
    .where('target_id', '=', id)
    .executeTakeFirst()
  return row?.level === 'muted'
}

/** Members already told of this text by its @mention: one event, one notification (and one email) per person. */
async function toldByMention(trx: Db, type: 'thread' | 'post' | 'comment', id: number): Promise<number[]> {
  const rows = await trx
    .selectFrom('mentions')
    .select('user_id')
    .where('content_type', '=', type)
    .where('content_id', '=', id)
    .where('notified_at', 'is not', null)
    .execute()
  return rows.map((row) => row.user_id)
}

/**
 * A reply became visible (written by an established member, or approved): its parent's author (or the thread's,
 * for a reply to the thread) hears of it unless they muted the thread; watchers hear after commit.
 */
export async function announceReply(trx: Db, config: NotifyConfig, postId: number): Promise<void> {
  const post = await trx
    .selectFrom('posts as p')
    .innerJoin('threads as t', 't.id', 'p.thread_id')
    .innerJoin('communities as c', 'c.id', 't.community_id')
    .innerJoin('users as a', 'a.id', 'p.author_id')
    .leftJoin('posts as parent', 'parent.id', 'p.parent_id')
    .select([
      'p.id',
      'p.author_id',
      'p.body_html',
      'p.status',
      't.id as thread_id',
      't.title',
      't.author_id as thread_author_id',
      't.status as thread_status',
      'c.id as community_id',
      'c.name as community',
      'c.anonymous_label',
      'p.anonymous',
      'a.display_name as actor',
      'parent.author_id as parent_author_id',
    ])
    .where('p.id', '=', postId)
    .executeTakeFirst()
  if (!post || post.status !== 'visible' || post.thread_status !== 'visible') return
  const notified = await toldByMention(trx, 'post', post.id)
  const recipient = post.parent_author_id ?? post.thread_author_id
  if (
    recipient !== post.author_id &&
    !notified.includes(recipient) &&
    !(await hasMuted(trx, recipient, 'thread', post.thread_id)) &&
    (await mayRead(trx, recipient, { id: post.community_id }))
  ) {
    await notify(trx, config, {
      userId: recipient,
      kind: 'reply',
      groupKey: `reply:thread:${post.thread_id}`,
      url: `/posts/${post.id}`,
      actorId: post.author_id,
      subject: { type: 'post', id: post.id },
      data: {
        ...actorData(post.anonymous, post.actor, post.anonymous_label),
        title: post.title,
        community: post.community,
        excerpt: excerptOf(post.body_html),
      },
      conversation: `thread-${post.thread_id}`,
    })
    notified.push(recipient)
  }
  await recordReachEvent(trx, 'post_published', { postId: post.id, notified })
}

/** A thread became visible: watchers of its community and themes hear after commit. */
export async function announceThread(trx: Db, threadId: number): Promise<void> {
  await recordReachEvent(trx, 'thread_published', { threadId, notified: await toldByMention(trx, 'thread', threadId) })
}

export interface ModeratedContent {
  type: 'thread' | 'post' | 'comment' | 'article' | 'message'
  id: number
  authorId: number
  title: string | null
  url: string
  threadId: number | null
}

/** Waiting content approved: its author hears, then everyone it is for (a reply's addressee, watchers). */
export async function announceApproved(
  trx: Db,
  config: NotifyConfig,
  content: ModeratedContent,
  moderatorId: number | null,
): Promise<void> {
  if (content.type !== 'thread' && content.type !== 'post') return
  await notify(trx, config, {
    userId: content.authorId,
    kind: 'post_approved',
    groupKey: `approved:${content.type}:${content.id}`,
    url: content.url,
    actorId: moderatorId,
    subject: { type: content.type, id: content.id },
    data: { title: content.title ?? '' },
    conversation: content.threadId === null ? undefined : `thread-${content.threadId}`,
  })
  if (content.type === 'post') await announceReply(trx, config, content.id)
  else await announceThread(trx, content.id)
}

/** Content hidden by a moderator (or by flags): its author hears why. */
export async function announceHidden(
  trx: Db,
  config: NotifyConfig,
  content: ModeratedContent,
  reason: string | null,
  moderatorId: number | null,
  /** Said when no reason was given (auto-hidden by flags). */
  reasonKey = 'notifications.no_reason',
): Promise<void> {
  if (content.type === 'article') return
  await notify(trx, config, {
    userId: content.authorId,
    kind: 'post_hidden',
    groupKey: `hidden:${content.type}:${content.id}`,
    url: content.url,
    actorId: moderatorId,
    subject: { type: content.type, id: content.id },
    data: reason ? { title: content.title ?? '', reason } : { title: content.title ?? '', reason_key: reasonKey },
    conversation: content.threadId === null ? undefined : `thread-${content.threadId}`,
  })
}

async function articleOf(trx: Db, articleId: number) {
  return trx
    .selectFrom('articles')
    .select(['id', 'slug', 'title', 'author_id', 'status', 'hidden_at'])
    .where('id', '=', articleId)
    .executeTakeFirst()
}

/** An article sent back to its author by a reviewer, with the note. */
export async function announceArticleReturned(
  trx: Db,
  config: NotifyConfig,
  articleId: number,
  note: string | null,
  reviewerId: number | null,
): Promise<void> {
  const article = await articleOf(trx, articleId)
  if (!article) return
  await notify(trx, config, {
    userId: article.author_id,
    kind: 'article_returned',
    groupKey: `returned:article:${article.id}`,
    url: `/library/${article.slug}`,
    actorId: reviewerId,
    subject: { type: 'article', id: article.id },
    data: note ? { title: article.title, note } : { title: article.title, note_key: 'notifications.no_reason' },
    conversation: `article-${article.id}`,
  })
}

/** An article published: its author hears, and the watchers of its themes and community after commit. */
export async function announceArticlePublished(
  trx: Db,
  config: NotifyConfig,
  articleId: number,
  reviewerId: number | null,
): Promise<void> {
  const article = await articleOf(trx, articleId)
  if (!article || article.status !== 'published' || article.hidden_at !== null) return
  await notify(trx, config, {
    userId: article.author_id,
    kind: 'article_published',
    groupKey: `published:article:${article.id}`,
    url: `/library/${article.slug}`,
    actorId: reviewerId,
    subject: { type: 'article', id: article.id },
    data: { title: article.title },
    conversation: `article-${article.id}`,
  })
  await recordReachEvent(trx, 'article_published', { articleId: article.id, notified: [] })
}

/** A comment on an article: the article's author hears of it (collapsed per article). */
export async function announceComment(trx: Db, config: NotifyConfig, commentId: number): Promise<void> {
  const comment = await trx
    .selectFrom('comments as m')
    .innerJoin('articles as a', 'a.id', 'm.article_id')
    .innerJoin('users as u', 'u.id', 'm.author_id')
    .select([
      'm.id',
      'm.author_id',
      'm.status',
      'm.body_html',
      'a.id as article_id',
      'a.slug',
      'a.title',
      'a.author_id as article_author_id',
      'u.display_name as actor',
    ])
    .where('m.id', '=', commentId)
    .executeTakeFirst()
  if (!comment || comment.status !== 'visible') return
  if ((await toldByMention(trx, 'comment', comment.id)).includes(comment.article_author_id)) return
  if (!(await mayRead(trx, comment.article_author_id, null))) return
  await notify(trx, config, {
    userId: comment.article_author_id,
    kind: 'article_comment',
    groupKey: `comment:article:${comment.article_id}`,
    url: `/library/${comment.slug}#comment-${comment.id}`,
    actorId: comment.author_id,
    subject: { type: 'comment', id: comment.id },
    data: { actor: comment.actor, title: comment.title, excerpt: excerptOf(comment.body_html) },
    conversation: `article-${comment.article_id}`,
  })
}

/** A join request approved or declined: the member who asked hears the answer (and the reason, if one was given). */
export async function announceJoinAnswer(
  trx: Db,
  config: NotifyConfig,
  input: { communityId: number; userId: number; approved: boolean; moderatorId: number },
): Promise<void> {
  const community = await trx
    .selectFrom('communities')
    .select(['id', 'slug', 'name'])
    .where('id', '=', input.communityId)
    .executeTakeFirst()
  if (!community) return
  await notify(trx, config, {
    userId: input.userId,
    kind: 'join_answered',
    // Not collapsed with an earlier answer: each answer is news of its own.
    groupKey: `join:community:${community.id}:${Date.now()}`,
    url: `/c/${community.slug}`,
    actorId: input.moderatorId,
    subject: { type: 'community', id: community.id },
    data: {
      community: community.name,
      answer_key: input.approved ? 'notifications.answer.approved' : 'notifications.answer.declined',
    },
  })
}

/** A reply was chosen as its thread's answer (by the starter or a moderator): its author hears of it. */
export async function announceAnswer(trx: Db, config: NotifyConfig, postId: number, actorId: number): Promise<void> {
  const post = await trx
    .selectFrom('posts as p')
    .innerJoin('threads as t', 't.id', 'p.thread_id')
    .innerJoin('communities as c', 'c.id', 't.community_id')
    .select(['p.id', 'p.author_id', 't.id as thread_id', 't.title', 'c.id as community_id', 'c.name as community'])
    .where('p.id', '=', postId)
    .executeTakeFirst()
  if (!post || post.author_id === actorId || !(await mayRead(trx, post.author_id, { id: post.community_id }))) return
  const actor = await trx.selectFrom('users').select('display_name').where('id', '=', actorId).executeTakeFirst()
  await notify(trx, config, {
    userId: post.author_id,
    kind: 'answer_accepted',
    groupKey: `answer:thread:${post.thread_id}`,
    url: `/posts/${post.id}`,
    actorId,
    subject: { type: 'post', id: post.id },
    data: { actor: actor?.display_name ?? '', title: post.title, community: post.community },
    conversation: `thread-${post.thread_id}`,
  })
}
