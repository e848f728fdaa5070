// Expands one reach event into the notifications of everyone who watches what it is about: watchers of the thread,
// of its community or of its themes, never the actor, never someone who muted it, who cannot read it, who is
// suspended, or who was already told directly (a reply to them, a mention).
import { actorData } from '../anonymous/label.js'
import { sql, type Kysely, type SqlBool } from 'kysely'
import type { Database } from '../db/database.js'
import { htmlToText } from '../search/documents.js'
import type { ReachPayloads } from './events.js'
import { notify, type NotificationInput, type NotifyConfig } from './notify.js'

type Db = Kysely<Database>

const excerptLength = 280

/** A plain-text excerpt of sanitized HTML: no Markdown or tags reach an email or a notification. */
export function excerptOf(html: string): string {
  const text = htmlToText(html)
  return text.length > excerptLength ? `${text.slice(0, excerptLength - 1).trimEnd()}…` : text
}

/** Users (as `u`) who may be told about content in community `communityId` (null: the public library). */
function mayBeTold(communityId: number | null, visibility: string | null) {
  return communityId === null || visibility === 'public'
    ? sql<SqlBool>`u.status = 'active'`
    : sql<SqlBool>`u.status = 'active' and exists (
        select 1 from community_members m
        where m.community_id = ${communityId} and m.user_id = u.id and m.status = 'active')`
}

/** Distinct watchers at level 'watching' of any of `targets`, minus the muted, the excluded and the unreadable. */
async function watchersOf(
  db: Db,
  targets: { type: 'thread' | 'community' | 'theme'; ids: number[] }[],
  options: {
    muted: { type: 'thread' | 'community'; id: number }[]
    exclude: number[]
    communityId: number | null
    visibility: string | null
  },
): Promise<number[]> {
  const wanted = targets.filter((target) => target.ids.length > 0)
  if (wanted.length === 0) return []
  const exclude = options.exclude.length ? options.exclude : [0]
  const rows = await db
    .selectFrom('watches as w')
    .innerJoin('users as u', 'u.id', 'w.user_id')
    .select('w.user_id')
    .distinct()
    .where('w.level', '=', 'watching')
    .where((eb) =>
      eb.or(
        wanted.map((target) => eb.and([eb('w.target_type', '=', target.type), eb('w.target_id', 'in', target.ids)])),
      ),
    )
    .where('w.user_id', 'not in', exclude)
    .where((eb) =>
      eb.and(
        options.muted.map((mute) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('watches as m')
                .select(sql`1`.as('one'))
                .whereRef('m.user_id', '=', 'w.user_id')
                .where('m.target_type', '=', mute.type)
                .where('m.target_id', '=', mute.id)
                .where('m.level', '=', 'muted'),
            ),
          ),
        ),
      ),
    )
    .where(mayBeTold(options.communityId, options.visibility))
    .execute()
  return rows.map((row) => row.user_id)
}

export async function expandReachEvent(trx: Db, config: NotifyConfig, kind: string, payload: unknown): Promise<number> {
  if (kind === 'post_published') return expandPost(trx, config, payload as ReachPayloads['post_published'])
  if (kind === 'thread_published') return expandThread(trx, config, payload as ReachPayloads['thread_published'])
  if (kind === 'article_published') return expandArticle(trx, config, payload as ReachPayloads['article_published'])
  // A kind this version does not know (from a newer instance during a rolling deploy): settled, not retried for ever.
  return 0
}

async function expandPost(trx: Db, config: NotifyConfig, payload: ReachPayloads['post_published']) {
  const post = await trx
    .selectFrom('posts as p')
    .innerJoin('threads as t', 't.id', 'p.thread_id')
    .innerJoin('communities as c', 'c.id', 't.community_id')
    .innerJoin('users as a', 'a.id', 'p.author_id')
    .select([
      'p.id',
      'p.author_id',
      'p.status',
      'p.body_html',
      't.id as thread_id',
      't.title',
      't.status as thread_status',
      't.community_id',
      'c.name as community',
      'c.visibility',
      'c.anonymous_label',
      'p.anonymous',
      'a.display_name as actor',
    ])
    .where('p.id', '=', payload.postId)
    .executeTakeFirst()
  // Hidden or deleted since it was written: nobody hears of it.
  if (!post || post.status !== 'visible' || post.thread_status !== 'visible') return 0
  const recipients = await watchersOf(
    trx,
    [
      { type: 'thread', ids: [post.thread_id] },
      { type: 'community', ids: [post.community_id] },
    ],
    {
      // A mute on the thread beats a watch on its community.
      muted: [{ type: 'thread', id: post.thread_id }],
      exclude: [post.author_id, ...payload.notified],
      communityId: post.community_id,
      visibility: post.visibility,
    },
  )
  const data = {
    ...actorData(post.anonymous, post.actor, post.anonymous_label),
    title: post.title,
    community: post.community,
    excerpt: excerptOf(post.body_html),
  }
  await notify(
    trx,
    config,
    recipients.map((userId): NotificationInput => ({
      userId,
      kind: 'watched_post',
      groupKey: `watched:thread:${post.thread_id}`,
      url: `/posts/${post.id}`,
      actorId: post.author_id,
      subject: { type: 'post', id: post.id },
      data,
      conversation: `thread-${post.thread_id}`,
    })),
  )
  return recipients.length
}

async function expandThread(trx: Db, config: NotifyConfig, payload: ReachPayloads['thread_published']) {
  const thread = await trx
    .selectFrom('threads as t')
    .innerJoin('communities as c', 'c.id', 't.community_id')
    .innerJoin('users as a', 'a.id', 't.author_id')
    .select([
      't.id',
      't.author_id',
      't.title',
      't.status',
      't.body_html',
      't.community_id',
      'c.name as community',
      'c.visibility',
      'c.anonymous_label',
      't.anonymous',
      'a.display_name as actor',
    ])
    .where('t.id', '=', payload.threadId)
    .executeTakeFirst()
  if (!thread || thread.status !== 'visible') return 0
  const themes = await trx.selectFrom('thread_tags').select('tag_id').where('thread_id', '=', thread.id).execute()
  const recipients = await watchersOf(
    trx,
    [
      { type: 'community', ids: [thread.community_id] },
      { type: 'theme', ids: themes.map((row) => row.tag_id) },
    ],
    {
      muted: [{ type: 'community', id: thread.community_id }],
      exclude: [thread.author_id, ...payload.notified],
      communityId: thread.community_id,
      visibility: thread.visibility,
    },
  )
  const data = {
    ...actorData(thread.anonymous, thread.actor, thread.anonymous_label),
    title: thread.title,
    community: thread.community,
    excerpt: excerptOf(thread.body_html),
  }
  await notify(
    trx,
    config,
    recipients.map((userId): NotificationInput => ({
      userId,
      kind: 'watched_thread',
      groupKey: `watched:community:${thread.community_id}`,
      url: `/t/${thread.id}`,
      actorId: thread.author_id,
      subject: { type: 'thread', id: thread.id },
      data,
      conversation: `thread-${thread.id}`,
    })),
  )
  return recipients.length
}

async function expandArticle(trx: Db, config: NotifyConfig, payload: ReachPayloads['article_published']) {
  const article = await trx
    .selectFrom('articles as a')
    .innerJoin('users as u', 'u.id', 'a.author_id')
    .select(['a.id', 'a.slug', 'a.title', 'a.summary', 'a.status', 'a.hidden_at', 'a.community_id', 'a.author_id'])
    .select('u.display_name as actor')
    .where('a.id', '=', payload.articleId)
    .executeTakeFirst()
  if (!article || article.status !== 'published' || article.hidden_at !== null) return 0
  const themes = await trx.selectFrom('article_tags').select('tag_id').where('article_id', '=', article.id).execute()
  // A published article is public, whichever community wrote it: every active member may read it.
  const recipients = await watchersOf(
    trx,
    [
      { type: 'theme', ids: themes.map((row) => row.tag_id) },
      { type: 'community', ids: article.community_id === null ? [] : [article.community_id] },
    ],
    { muted: [], exclude: [article.author_id, ...payload.notified], communityId: null, visibility: 'public' },
  )
  await notify(
    trx,
    config,
    recipients.map((userId): NotificationInput => ({
      userId,
      kind: 'watched_article',
      groupKey: `watched:article:${article.id}`,
      url: `/library/${article.slug}`,
      actorId: article.author_id,
      subject: { type: 'article', id: article.id },
      data: { actor: article.actor, title: article.title, excerpt: article.summary },
      conversation: `article-${article.id}`,
    })),
  )
  return recipients.length
}
