// What is new for a batch of members, read with a fixed handful of queries for the whole batch (never per member), and
// only what each member may read: visible threads and replies in communities they may read, published articles that
// are not hidden, meetings of communities they are an active member of. Checked again here, at build time, so content
// hidden since it was posted (or since its notification) never leaves in a digest.
import { defaultLabelKey } from '../anonymous/label.js'
import { translate } from '../web/i18n.js'
import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/database.js'
import { notificationKinds } from '../notifications/notify.js'
import type { EmailCategory } from '../mail/preferences.js'

export interface DigestMember {
  id: number
  siteRole: 'member' | 'admin'
  /** Reports what happened after this instant (the previous digest's end)… */
  since: Date
  /** …up to this one (this digest's slot): what comes later is for the next digest. */
  until: Date
  /** Whether the watched-content sections are wanted in this digest (the digest category is at this frequency). */
  content: boolean
  /** Notification categories the member gathers in this digest. */
  categories: Set<EmailCategory>
}

export interface DigestReply {
  threadId: number
  threadTitle: string
  postId: number
  communityName: string
  createdAt: Date
}
export interface DigestThread {
  id: number
  title: string
  communityName: string
  authorName: string
  createdAt: Date
}
export interface DigestArticle {
  slug: string
  title: string
  summary: string
  publishedAt: Date
}
export interface DigestMeeting {
  id: number
  title: string
  communityName: string
  startsAt: Date
  timeZone: string
}
export interface DigestActionItem {
  text: string
  meetingId: number
  meetingTitle: string
  dueOn: string | null
  isNew: boolean
}
export interface DigestNotification {
  kind: string
  url: string
  count: number
  data: Record<string, unknown>
}

export interface DigestContent {
  replies: DigestReply[]
  threads: DigestThread[]
  articles: DigestArticle[]
  meetings: DigestMeeting[]
  actionItems: DigestActionItem[]
  notifications: DigestNotification[]
}

/** Anything new since the previous digest? Open action items alone are a reminder, not news. */
export function hasNews(content: DigestContent): boolean {
  return (
    content.replies.length > 0 ||
    content.threads.length > 0 ||
    content.articles.length > 0 ||
    content.meetings.length > 0 ||
    content.notifications.length > 0 ||
    content.actionItems.some((item) => item.isNew)
  )
}

const empty = (): DigestContent => ({
  replies: [],
  threads: [],
  articles: [],
  meetings: [],
  actionItems: [],
  notifications: [],
})

/** Per member, what their digest holds; `ahead` is how far upcoming meetings reach. */
export async function gatherDigests(
  db: Kysely<Database>,
  members: DigestMember[],
  ahead: number,
): Promise<Map<number, DigestContent>> {
  const result = new Map<number, DigestContent>(members.map((m) => [m.id, empty()]))
  if (members.length === 0) return result
  const ids = members.map((m) => m.id)
  const byId = new Map(members.map((m) => [m.id, m]))
  // One window for the batch's queries, narrowed to each member's own window in memory.
  const since = new Date(Math.min(...members.map((m) => m.since.getTime())))
  const until = new Date(Math.max(...members.map((m) => m.until.getTime())))
  const earliestUntil = new Date(Math.min(...members.map((m) => m.until.getTime())))
  const within = (member: DigestMember, at: Date) => at > member.since && at <= member.until
  const wantContent = members.some((m) => m.content)

  const memberships = await db
    .selectFrom('community_members')
    .select(['user_id', 'community_id'])
    .where('user_id', 'in', ids)
    .where('status', '=', 'active')
    .execute()
  const communitiesOf = new Map<number, Set<number>>()
  for (const row of memberships) {
    if (!communitiesOf.has(row.user_id)) communitiesOf.set(row.user_id, new Set())
    communitiesOf.get(row.user_id)!.add(row.community_id)
  }
  const mayRead = (member: DigestMember, community: { id: number; visibility: string }) =>
    community.visibility === 'public' ||
    member.siteRole === 'admin' ||
    !!communitiesOf.get(member.id)?.has(community.id)

  if (wantContent) {
    const watches = await db
      .selectFrom('watches')
      .select(['user_id', 'target_type', 'target_id'])
      .where(
        'user_id',
        'in',
        members.filter((m) => m.content).map((m) => m.id),
      )
      .where('level', 'in', ['watching', 'tracking'])
      .execute()
    const watched = (type: string) => [
      ...new Set(watches.filter((w) => w.target_type === type).map((w) => w.target_id)),
    ]
    const watchersOf = (type: string) => {
      const map = new Map<number, number[]>()
      for (const w of watches)
        if (w.target_type === type) map.set(w.target_id, [...(map.get(w.target_id) ?? []), w.user_id])
      return map
    }
    const threadWatchers = watchersOf('thread')
    const communityWatchers = watchersOf('community')
    const themeWatchers = watchersOf('theme')

    const threadIds = watched('thread')
    if (threadIds.length > 0) {
      const replies = await db
        .selectFrom('posts as p')
        .innerJoin('threads as th', 'th.id', 'p.thread_id')
        .innerJoin('communities as c', 'c.id', 'th.community_id')
        .select([
          'p.id as postId',
          'p.author_id',
          'p.created_at',
          'th.id as threadId',
          'th.title',
          'c.id as communityId',
          'c.name as communityName',
          'c.visibility',
        ])
        .where('p.thread_id', 'in', threadIds)
        .where('p.status', '=', 'visible')
        .where('th.status', '=', 'visible')
        .where('p.created_at', '>', since)
        .where('p.created_at', '<=', until)
        .orderBy('p.created_at')
        .execute()
      for (const row of replies)
        for (const userId of threadWatchers.get(row.threadId) ?? []) {
          const member = byId.get(userId)!
          if (row.author_id === userId || !within(member, row.created_at)) continue
          if (!mayRead(member, { id: row.communityId, visibility: row.visibility })) continue
          result.get(userId)!.replies.push({
            threadId: row.threadId,
            threadTitle: row.title,
            postId: row.postId,
            communityName: row.communityName,
            createdAt: row.created_at,
          })
        }
    }

    const communityIds = watched('community')
    const themeIds = watched('theme')
    if (communityIds.length > 0 || themeIds.length > 0) {
      const threads = await db
        .selectFrom('threads as th')
        .innerJoin('communities as c', 'c.id', 'th.community_id')
        .innerJoin('users as u', 'u.id', 'th.author_id')
        .select([
          'th.id',
          'th.title',
          'th.author_id',
          'th.created_at',
          'c.id as communityId',
          'c.name as communityName',
          'c.visibility',
          // Posted without a name: the community's label (src/anonymous), never the name.
          sql<string>`case when th.anonymous then coalesce(nullif(c.anonymous_label, ''), ${translate('en', defaultLabelKey)}) else u.display_name end`.as(
            'authorName',
          ),
          sql<number[] | null>`(select array_agg(tt.tag_id) from thread_tags tt where tt.thread_id = th.id)`.as('tags'),
        ])
        .where('th.status', '=', 'visible')
        .where('th.created_at', '>', since)
        .where('th.created_at', '<=', until)
        .where((eb) =>
          eb.or([
            ...(communityIds.length > 0 ? [eb('th.community_id', 'in', communityIds)] : []),
            ...(themeIds.length > 0
              ? [eb('th.id', 'in', eb.selectFrom('thread_tags').select('thread_id').where('tag_id', 'in', themeIds))]
              : []),
          ]),
        )
        .orderBy('th.created_at')
        .execute()
      for (const row of threads) {
        const audience = new Set([
          ...(communityWatchers.get(row.communityId) ?? []),
          ...(row.tags ?? []).flatMap((tag) => themeWatchers.get(tag) ?? []),
        ])
        for (const userId of audience) {
          const member = byId.get(userId)!
          if (row.author_id === userId || !within(member, row.created_at)) continue
          if (!mayRead(member, { id: row.communityId, visibility: row.visibility })) continue
          result.get(userId)!.threads.push({
            id: row.id,
            title: row.title,
            communityName: row.communityName,
            authorName: row.authorName,
            createdAt: row.created_at,
          })
        }
      }
    }

    if (themeIds.length > 0) {
      // Published library articles are public: whoever watches the theme may read them.
      const articles = await db
        .selectFrom('articles as a')
        .select([
          'a.slug',
          'a.title',
          'a.summary',
          'a.author_id',
          'a.published_at',
          sql<number[]>`(select array_agg(at.tag_id) from article_tags at where at.article_id = a.id)`.as('tags'),
        ])
        .where('a.status', '=', 'published')
        .where('a.hidden_at', 'is', null)
        .where('a.published_at', '>', since)
        .where('a.published_at', '<=', until)
        .where('a.id', 'in', (eb) => eb.selectFrom('article_tags').select('article_id').where('tag_id', 'in', themeIds))
        .orderBy('a.published_at')
        .execute()
      for (const row of articles) {
        const audience = new Set((row.tags ?? []).flatMap((tag) => themeWatchers.get(tag) ?? []))
        for (const userId of audience) {
          const member = byId.get(userId)!
          if (row.author_id === userId || !row.published_at || !within(member, row.published_at)) continue
          result.get(userId)!.articles.push({
            slug: row.slug,
            title: row.title,
            summary: row.summary,
            publishedAt: row.published_at,
          })
        }
      }
    }

    const memberCommunities = [...new Set(memberships.map((m) => m.community_id))]
    if (memberCommunities.length > 0) {
      // Upcoming meetings planned or changed since the previous digest, and those that start before the next one.
      const meetings = await db
        .selectFrom('meetings as m')
        .innerJoin('communities as c', 'c.id', 'm.community_id')
        .select(['m.id', 'm.title', 'm.starts_at', 'm.time_zone', 'm.updated_at', 'm.community_id', 'c.name'])
        .where('m.community_id', 'in', memberCommunities)
        .where('m.cancelled_at', 'is', null)
        .where('m.starts_at', '>', earliestUntil)
        .where((eb) =>
          eb.or([eb('m.updated_at', '>', since), eb('m.starts_at', '<=', new Date(until.getTime() + ahead))]),
        )
        .orderBy('m.starts_at')
        .execute()
      for (const row of meetings)
        for (const member of members) {
          if (!member.content || !communitiesOf.get(member.id)?.has(row.community_id)) continue
          if (row.starts_at <= member.until) continue
          const soon = row.starts_at.getTime() <= member.until.getTime() + ahead
          if (!soon && !within(member, row.updated_at)) continue
          result.get(member.id)!.meetings.push({
            id: row.id,
            title: row.title,
            communityName: row.name,
            startsAt: row.starts_at,
            timeZone: row.time_zone,
          })
        }

      const items = await db
        .selectFrom('meeting_action_items as i')
        .innerJoin('meetings as m', 'm.id', 'i.meeting_id')
        .select(['i.text', 'i.owner_id', 'i.due_on', 'i.updated_at', 'm.id as meetingId', 'm.title', 'm.community_id'])
        .where(
          'i.owner_id',
          'in',
          members.filter((m) => m.content).map((m) => m.id),
        )
        .where('i.status', '=', 'open')
        .orderBy('i.due_on')
        .orderBy('i.id')
        .execute()
      for (const row of items) {
        const member = byId.get(row.owner_id!)!
        if (!communitiesOf.get(member.id)?.has(row.community_id) && member.siteRole !== 'admin') continue
        result.get(member.id)!.actionItems.push({
          text: row.text,
          meetingId: row.meetingId,
          meetingTitle: row.title,
          dueOn: calendarDate(row.due_on),
          isNew: within(member, row.updated_at),
        })
      }
    }
  }

  await gatherNotifications(db, members, since, until, within, mayRead, result)
  return result
}

/** The unread notifications of the categories gathered in this digest, whose subject is still there to read. */
async function gatherNotifications(
  db: Kysely<Database>,
  members: DigestMember[],
  since: Date,
  until: Date,
  within: (member: DigestMember, at: Date) => boolean,
  mayRead: (member: DigestMember, community: { id: number; visibility: string }) => boolean,
  result: Map<number, DigestContent>,
) {
  const gathering = members.filter((m) => m.categories.size > 0)
  if (gathering.length === 0) return
  const byId = new Map(gathering.map((m) => [m.id, m]))
  const kinds = Object.entries(notificationKinds)
    .filter(([, category]) => gathering.some((m) => m.categories.has(category)))
    .map(([kind]) => kind)
  const rows = await db
    .selectFrom('notifications')
    .select(['user_id', 'kind', 'url', 'count', 'data', 'subject_type', 'subject_id', 'updated_at'])
    .where(
      'user_id',
      'in',
      gathering.map((m) => m.id),
    )
    .where('read_at', 'is', null)
    .where('kind', 'in', kinds)
    .where('updated_at', '>', since)
    .where('updated_at', '<=', until)
    .orderBy('updated_at')
    .execute()
  const wanted = rows.filter((row) => {
    const member = byId.get(row.user_id)!
    const category = notificationKinds[row.kind as keyof typeof notificationKinds]
    return member.categories.has(category) && within(member, row.updated_at)
  })
  const idsOf = (type: string) => [
    ...new Set(wanted.filter((r) => r.subject_type === type && r.subject_id !== null).map((r) => r.subject_id!)),
  ]
  // Where each subject lives, if it can still be read: community for threads, replies and meetings; none for articles.
  // Hidden or waiting content (and an article not published) only its own author reads, as in the notification list
  // (notifications/queries.ts): "your post was hidden" is about that very post. Deleted content nobody reads.
  const readable = new Map<string, { id: number; visibility: string } | null>()
  const onlyFor = new Map<string, number>()
  const ownOnly = (status: string) => status === 'hidden' || status === 'pending'
  const threadIds = idsOf('thread')
  if (threadIds.length > 0)
    for (const row of await db
      .selectFrom('threads as th')
      .innerJoin('communities as c', 'c.id', 'th.community_id')
      .select(['th.id', 'th.status', 'th.author_id', 'c.id as cid', 'c.visibility'])
      .where('th.id', 'in', threadIds)
      .where('th.status', 'in', ['visible', 'hidden', 'pending'])
      .execute()) {
      readable.set(`thread:${row.id}`, { id: row.cid, visibility: row.visibility })
      if (ownOnly(row.status)) onlyFor.set(`thread:${row.id}`, row.author_id)
    }
  const postIds = idsOf('post')
  if (postIds.length > 0)
    for (const row of await db
      .selectFrom('posts as p')
      .innerJoin('threads as th', 'th.id', 'p.thread_id')
      .innerJoin('communities as c', 'c.id', 'th.community_id')
      .select([
        'p.id',
        'p.status',
        'p.author_id',
        'th.status as thread_status',
        'th.author_id as thread_author_id',
        'c.id as cid',
        'c.visibility',
      ])
      .where('p.id', 'in', postIds)
      .where('p.status', 'in', ['visible', 'hidden', 'pending'])
      .where('th.status', 'in', ['visible', 'hidden', 'pending'])
      .execute()) {
      // A post of someone else in one's own hidden thread, or one's own post in someone else's: nobody but an author
      // of both may read it then, so such a row is kept only when one person wrote everything that is not visible.
      const owners = new Set<number>()
      if (ownOnly(row.status)) owners.add(row.author_id)
      if (ownOnly(row.thread_status)) owners.add(row.thread_author_id)
      if (owners.size > 1) continue
      readable.set(`post:${row.id}`, { id: row.cid, visibility: row.visibility })
      if (owners.size === 1) onlyFor.set(`post:${row.id}`, [...owners][0])
    }
  const articleIds = idsOf('article')
  if (articleIds.length > 0)
    for (const row of await db
      .selectFrom('articles')
      .select(['id', 'status', 'hidden_at', 'author_id'])
      .where('id', 'in', articleIds)
      .execute()) {
      readable.set(`article:${row.id}`, null)
      if (row.status !== 'published' || row.hidden_at !== null) onlyFor.set(`article:${row.id}`, row.author_id)
    }
  const commentIds = idsOf('comment')
  if (commentIds.length > 0)
    for (const row of await db
      .selectFrom('comments as k')
      .innerJoin('articles as a', 'a.id', 'k.article_id')
      .select([
        'k.id',
        'k.status',
        'k.author_id',
        'a.status as article_status',
        'a.hidden_at',
        'a.author_id as article_author_id',
      ])
      .where('k.id', 'in', commentIds)
      .where('k.status', 'in', ['visible', 'hidden', 'pending'])
      .execute()) {
      const owners = new Set<number>()
      if (ownOnly(row.status)) owners.add(row.author_id)
      if (row.article_status !== 'published' || row.hidden_at !== null) owners.add(row.article_author_id)
      if (owners.size > 1) continue
      readable.set(`comment:${row.id}`, null)
      if (owners.size === 1) onlyFor.set(`comment:${row.id}`, [...owners][0])
    }
  const meetingIds = idsOf('meeting')
  if (meetingIds.length > 0)
    for (const row of await db
      .selectFrom('meetings as m')
      .innerJoin('communities as c', 'c.id', 'm.community_id')
      .select(['m.id', 'c.id as cid', 'c.visibility'])
      .where('m.id', 'in', meetingIds)
      .execute())
      readable.set(`meeting:${row.id}`, { id: row.cid, visibility: row.visibility })
  const communityIds = idsOf('community')
  if (communityIds.length > 0)
    for (const row of await db
      .selectFrom('communities')
      .select(['id', 'visibility'])
      .where('id', 'in', communityIds)
      .execute())
      readable.set(`community:${row.id}`, { id: row.id, visibility: row.visibility })
  const checked = new Set(['thread', 'post', 'article', 'comment', 'meeting', 'community'])

  for (const row of wanted) {
    const member = byId.get(row.user_id)!
    if (row.subject_type && row.subject_id !== null && checked.has(row.subject_type)) {
      const key = `${row.subject_type}:${row.subject_id}`
      if (!readable.has(key)) continue
      const owner = onlyFor.get(key)
      if (owner !== undefined && owner !== member.id) continue
      const place = readable.get(key)
      // Join answers and invitations speak of a community the member may not read yet: that is their point.
      if (place && row.subject_type !== 'community' && !mayRead(member, place)) continue
    }
    result.get(row.user_id)!.notifications.push({
      kind: row.kind,
      url: row.url,
      count: row.count,
      data: row.data,
    })
  }
}

/** A date column as YYYY-MM-DD, whether the driver gives it as text or as a Date at UTC midnight. */
function calendarDate(value: unknown): string | null {
  if (value instanceof Date) return value.toISOString().slice(0, 10)
  return typeof value === 'string' ? value.slice(0, 10) : null
}
