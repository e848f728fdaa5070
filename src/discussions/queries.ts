// Reads for community thread lists, thread pages and revision history; every list is one keyset query.
import { sql } from 'kysely'
import { jsonArrayFrom } from 'kysely/helpers/postgres'
import type { Membership } from '../communities/policy.js'
import type { Db } from '../db/connect.js'
import { precompiled } from '../db/precompiled.js'
import { labelExpression } from '../themes/queries.js'
import { translate, type Locale } from '../web/i18n.js'
import { defaultLabelKey } from '../anonymous/label.js'
import { authorIdSql, authorNameSql } from '../people/author-sql.js'

export const repliesPerPage = 50

/** The thread, its community, and as asked the viewer's membership and the themes: one precompiled query per shape. */
function threadQuery(withMembership: boolean, withThemes: boolean) {
  return precompiled((db, v: { threadId: number; viewerId: number; locale: Locale }) =>
    db
      .selectFrom('threads as th')
      .innerJoin('communities as c', 'c.id', 'th.community_id')
      .innerJoin('users as a', 'a.id', 'th.author_id')
      .leftJoin('users as e', 'e.id', 'th.edited_by')
      // The accepted answer only while it is visible: a hidden or deleted answer is no answer.
      .leftJoin('posts as ap', (join) => join.onRef('ap.id', '=', 'th.answer_post_id').on('ap.status', '=', 'visible'))
      .leftJoin('users as aa', 'aa.id', 'ap.author_id')
      .select([
        'th.id',
        'th.community_id',
        'th.author_id',
        'th.title',
        'th.body_md',
        'th.body_html',
        'th.status',
        'th.locked',
        'th.pinned',
        'th.reply_count',
        'th.last_post_at',
        'th.created_at',
        'th.edited_at',
        'th.edited_by',
        'th.version',
        'th.deleted_at',
        'th.hidden_reason',
        'th.hidden_by',
        'th.lock_reason',
        'th.pin_reason',
        'th.answered_by',
        'th.anonymous',
        'c.anonymous_label as community_anonymous_label',
        'ap.anonymous as answer_anonymous',
        'ap.id as answer_id',
        'ap.created_at as answer_created_at',
        // Enough of the answer's HTML for a short plain-text excerpt, not the whole text.
        sql<string | null>`left(ap.body_html, 1500)`.as('answer_html'),
        'aa.id as answer_author_id',
        'aa.display_name as answer_author_name',
        'aa.deleted_at as answer_author_deleted_at',
        'a.display_name as author_name',
        'a.deleted_at as author_deleted_at',
        'a.guest as author_guest',
        sql<string | null>`case when a.show_organisation then a.organisation end`.as('author_organisation'),
        sql<string | null>`case when a.show_country then a.country end`.as('author_country'),
        'e.display_name as editor_name',
        'c.slug as community_slug',
        'c.name as community_name',
        'c.visibility as community_visibility',
        'c.join_policy as community_join_policy',
      ])
      .$if(withMembership, (qb) =>
        qb
          .leftJoin('community_members as m', (join) =>
            join.onRef('m.community_id', '=', 'th.community_id').on('m.user_id', '=', v.viewerId),
          )
          .select([
            'm.role as membership_role',
            'm.status as membership_status',
            'm.decline_reason as membership_decline_reason',
          ]),
      )
      .$if(withThemes, (qb) =>
        qb.select((eb) =>
          jsonArrayFrom(
            eb
              .selectFrom('thread_tags as tt')
              .innerJoin('tags as t', 't.id', 'tt.tag_id')
              .select(['t.id', 't.slug', labelExpression(v.locale).as('label')])
              .whereRef('tt.thread_id', '=', 'th.id'),
          ).as('themes'),
        ),
      )
      .where('th.id', '=', v.threadId),
  )
}

const threadQueries = [
  [threadQuery(false, false), threadQuery(false, true)],
  [threadQuery(true, false), threadQuery(true, true)],
]

/**
 * A thread with its community, in one statement: with `viewerId`, that person's membership of the community too, and
 * with `themesIn`, the thread's themes labelled in that language (sorted by the caller, as themesOfThreads does).
 */
export async function findThread(
  db: Db,
  threadId: number,
  options: { viewerId?: number | null; themesIn?: Locale | null } = {},
) {
  const { viewerId = null, themesIn = null } = options
  const [row] = await threadQueries[viewerId === null ? 0 : 1][themesIn === null ? 0 : 1](db, {
    threadId,
    viewerId: viewerId ?? 0,
    locale: themesIn ?? 'en',
  })
  if (!row) return undefined
  const { membership_role, membership_status, membership_decline_reason, themes, ...thread } = row
  const membership: Membership | null =
    membership_role && membership_status
      ? { role: membership_role, status: membership_status, decline_reason: membership_decline_reason ?? null }
      : null
  return { thread, membership, themes: themes ?? null }
}

export type ReplyCursor = { kind: 'first' } | { kind: 'after' | 'before' | 'at'; postId: number }

/** One page of replies (and one more, to know whether there are more) from where the cursor says, in depth-first order. */
function replyPageQuery(kind: ReplyCursor['kind']) {
  return precompiled((db, v: { threadId: number; postId: number }) => {
    const cursorPath = sql`(select cp.path from posts cp where cp.id = ${v.postId} and cp.thread_id = ${v.threadId})`
    const query = db
      .selectFrom('posts as p')
      .innerJoin('users as a', 'a.id', 'p.author_id')
      .leftJoin('posts as pp', 'pp.id', 'p.parent_id')
      .leftJoin('users as pa', 'pa.id', 'pp.author_id')
      .leftJoin('users as e', 'e.id', 'p.edited_by')
      .select([
        // Only what the page shows: the Markdown source is read by the edit form alone.
        'p.id',
        'p.parent_id',
        'p.author_id',
        'p.body_html',
        'p.status',
        'p.depth',
        'p.created_at',
        'p.edited_at',
        'p.edited_by',
        'p.hidden_reason',
        'p.hidden_by',
        'a.display_name as author_name',
        'a.deleted_at as author_deleted_at',
        'a.guest as author_guest',
        sql<string | null>`case when a.show_organisation then a.organisation end`.as('author_organisation'),
        sql<string | null>`case when a.show_country then a.country end`.as('author_country'),
        'pa.display_name as parent_author_name',
        'pp.author_id as parent_author_id',
        'pp.anonymous as parent_anonymous',
        'p.anonymous',
        'pp.depth as parent_depth',
        // The start of the parent's text, quoted above the reply; none when the parent is not visible to everyone.
        sql<string | null>`case when pp.status = 'visible' then left(pp.body_html, 1500) end`.as('parent_html'),
        'e.display_name as editor_name',
      ])
      .where('p.thread_id', '=', v.threadId)
      // A literal, not a parameter: with an unknown LIMIT the planner never settles on a generic plan for this
      // prepared statement, and planning this join costs more than running it.
      .limit(sql.lit(repliesPerPage + 1))
    if (kind === 'before')
      return query.where(sql<boolean>`p.path collate "C" < ${cursorPath}`).orderBy(sql`p.path collate "C"`, 'desc')
    if (kind === 'after')
      return query.where(sql<boolean>`p.path collate "C" > ${cursorPath}`).orderBy(sql`p.path collate "C"`, 'asc')
    if (kind === 'at')
      return query.where(sql<boolean>`p.path collate "C" >= ${cursorPath}`).orderBy(sql`p.path collate "C"`, 'asc')
    return query.orderBy(sql`p.path collate "C"`, 'asc')
  })
}

const replyPageQueries = {
  first: replyPageQuery('first'),
  after: replyPageQuery('after'),
  before: replyPageQuery('before'),
  at: replyPageQuery('at'),
}

/** One page of replies in depth-first order, with each reply's parent author for "in reply to". */
export async function listReplies(db: Db, threadId: number, cursor: ReplyCursor) {
  const rows = await replyPageQueries[cursor.kind](db, {
    threadId,
    postId: cursor.kind === 'first' ? 0 : cursor.postId,
  })
  const more = rows.length > repliesPerPage
  const page = rows.slice(0, repliesPerPage)
  if (cursor.kind === 'before') page.reverse()
  return {
    replies: page,
    hasNext: cursor.kind === 'before' ? true : more,
    hasPrevious: cursor.kind === 'before' ? more : cursor.kind !== 'first',
  }
}

export async function findPost(db: Db, postId: number) {
  return db
    .selectFrom('posts as p')
    .innerJoin('users as a', 'a.id', 'p.author_id')
    .leftJoin('users as e', 'e.id', 'p.edited_by')
    .select([
      'e.display_name as editor_name',
      'p.edited_by',
      'p.id',
      'p.thread_id',
      'p.parent_id',
      'p.author_id',
      'p.body_md',
      'p.body_html',
      'p.status',
      'p.hidden_reason',
      'p.created_at',
      'p.edited_at',
      'p.version',
      'p.anonymous',
      'a.display_name as author_name',
      'a.deleted_at as author_deleted_at',
    ])
    .where('p.id', '=', postId)
    .executeTakeFirst()
}

export async function listRevisions(db: Db, threadId: number, postId: number | null) {
  return db
    .selectFrom('post_revisions as r')
    .leftJoin('users as u', 'u.id', 'r.editor_id')
    .select(['r.id', 'r.title', 'r.body_html', 'r.created_at', 'r.editor_id', 'u.display_name as editor_name'])
    .where('r.thread_id', '=', threadId)
    .where((eb) => (postId === null ? eb('r.post_id', 'is', null) : eb('r.post_id', '=', postId)))
    .orderBy('r.created_at', 'desc')
    .orderBy('r.id', 'desc')
    .execute()
}

/** Recent activity across the communities this viewer may read, optionally within one theme. */
export async function recentThreadsWithTheme(
  db: Db,
  themeId: number | null,
  readableCommunityIds: number[] | 'all',
  limit = 10,
  locale: Locale = 'en',
) {
  // Posted without a name: the community's label (src/anonymous), also for the last reply when it was.
  const label = sql<string>`coalesce(nullif(c.anonymous_label, ''), ${translate(locale, defaultLabelKey)})`
  const former = translate(locale, 'data_rights.former_member')
  const lastAnonymous = sql<boolean>`coalesce((select p.anonymous from posts p where p.thread_id = t.id
    and p.author_id = t.last_poster_id and p.status = 'visible' order by p.id desc limit 1), t.anonymous)`
  let query = db
    .selectFrom('threads as t')
    .innerJoin('communities as c', 'c.id', 't.community_id')
    .innerJoin('users as a', 'a.id', 't.author_id')
    .leftJoin('users as lp', 'lp.id', 't.last_poster_id')
    .select([
      't.id',
      't.title',
      't.reply_count',
      't.last_post_at',
      authorIdSql('a', sql`t.anonymous`).as('author_id'),
      authorNameSql('a', sql`t.anonymous`, label, former).as('author_name'),
      authorIdSql('lp', lastAnonymous).as('last_poster_id'),
      authorNameSql('lp', lastAnonymous, label, former).as('last_poster_name'),
      'c.slug as community_slug',
      'c.name as community_name',
    ])
    .where('t.status', '=', 'visible')
    .orderBy('t.last_post_at', 'desc')
    .orderBy('t.id', 'desc')
    .limit(limit)
  if (themeId !== null) {
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('thread_tags as tt')
          .select('tt.thread_id')
          .whereRef('tt.thread_id', '=', 't.id')
          .where('tt.tag_id', '=', themeId),
      ),
    )
  }
  if (readableCommunityIds !== 'all') {
    const ids = readableCommunityIds
    query = query.where((eb) =>
      ids.length
        ? eb.or([eb('c.visibility', '=', 'public'), eb('c.id', 'in', ids)])
        : eb('c.visibility', '=', 'public'),
    )
  }
  return query.execute()
}

/**
 * Where to show a reply in its conversation: on the first page when it is there, else on a page that starts
 * at the reply it answers (so that one is just above it), or at the reply itself.
 */
export async function replyLocation(db: Db, threadId: number, postId: number): Promise<string> {
  const row = await db
    .selectFrom('posts as p')
    .select([
      'p.parent_id',
      sql<number>`(select count(*) from posts b where b.thread_id = p.thread_id and b.path collate "C" < p.path collate "C")`.as(
        'before',
      ),
    ])
    .where('p.id', '=', postId)
    .where('p.thread_id', '=', threadId)
    .executeTakeFirst()
  if (!row) return `/t/${threadId}`
  if (Number(row.before) < repliesPerPage) return `/t/${threadId}#p${postId}`
  return `/t/${threadId}?at=${row.parent_id ?? postId}#p${postId}`
}

export const recentThreads = (db: Db, readableCommunityIds: number[] | 'all', limit = 10, locale: Locale = 'en') =>
  recentThreadsWithTheme(db, null, readableCommunityIds, limit, locale)
