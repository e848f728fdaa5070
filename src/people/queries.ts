// Reads for profiles: the member, what the viewer may know of them (communities, recent posts), their expertise.
import { sql } from 'kysely'
import type { Db } from '../db/connect.js'
import { labelExpression } from '../themes/queries.js'
import type { Locale } from '../web/i18n.js'
import type { Viewer } from '../web/viewer.js'
import type { ViewerReach } from './policy.js'

/** Endorsements from this many members mark an expert on a theme. */
export const expertThreshold = 3
/** How many of each kind of recent post a profile lists. */
export const recentLimit = 10

/** Endorsements of one declared theme (`user_expertise as x`): the count beside it, and the expert mark at three. */
export const endorsementCount = sql<number>`(select count(*)::int from expertise_endorsements e
  where e.user_id = x.user_id and e.tag_id = x.tag_id)`

export async function memberForProfile(db: Db, id: number) {
  return (
    db
      .selectFrom('users as u')
      .leftJoin('profile_pictures as p', 'p.user_id', 'u.id')
      .select([
        'u.id',
        'u.display_name',
        'u.organisation',
        'u.country',
        'u.languages',
        'u.bio_html',
        'u.profile_visibility',
        'u.show_organisation',
        'u.show_country',
        'u.status',
        'u.created_at',
        'p.etag as picture_etag',
      ])
      .where('u.id', '=', id)
      // A deleted account has no profile (src/data-rights).
      .where('u.deleted_at', 'is', null)
      .executeTakeFirst()
  )
}

export async function viewerReach(db: Db, viewer: Viewer | null, memberId: number): Promise<ViewerReach> {
  if (!viewer) return { isModerator: false, sharesCommunity: false }
  const row = await sql<{ moderator: boolean; shares: boolean }>`select
      exists (select 1 from community_members where user_id = ${viewer.id} and status = 'active' and role = 'moderator')
        as moderator,
      exists (select 1 from community_members mine join community_members theirs on theirs.community_id = mine.community_id
        where mine.user_id = ${viewer.id} and mine.status = 'active' and theirs.user_id = ${memberId}
          and theirs.status = 'active') as shares`.execute(db)
  const first = row.rows[0]
  return { isModerator: first?.moderator ?? false, sharesCommunity: first?.shares ?? false }
}

/** Whether the viewer sees every profile (admins, community moderators): lists skip the visibility rule for them. */
export async function seesAllProfiles(db: Db, viewer: Viewer | null): Promise<boolean> {
  if (!viewer) return false
  if (viewer.siteRole === 'admin') return true
  return (await viewerReach(db, viewer, 0)).isModerator
}

export interface ExpertiseView {
  tagId: number
  slug: string
  label: string
  endorsements: number
  expert: boolean
  endorsedByViewer: boolean
}

export async function expertiseOf(
  db: Db,
  memberId: number,
  viewerId: number | null,
  locale: Locale,
): Promise<ExpertiseView[]> {
  const rows = await db
    .selectFrom('user_expertise as x')
    .innerJoin('tags as t', 't.id', 'x.tag_id')
    .select([
      't.id',
      't.slug',
      labelExpression(locale).as('label'),
      endorsementCount.as('endorsements'),
      sql<boolean>`exists (select 1 from expertise_endorsements e where e.user_id = x.user_id and e.tag_id = x.tag_id
        and e.endorser_id = ${viewerId ?? 0})`.as('endorsed'),
    ])
    .where('x.user_id', '=', memberId)
    .where('t.merged_into_id', 'is', null)
    .execute()
  return rows
    .map((r) => ({
      tagId: r.id,
      slug: r.slug,
      label: r.label,
      endorsements: r.endorsements,
      expert: r.endorsements >= expertThreshold,
      endorsedByViewer: r.endorsed,
    }))
    .sort((a, b) => b.endorsements - a.endorsements || a.label.localeCompare(b.label, locale))
}

/** Communities a viewer may know of: public and listed ones, members-only ones they belong to (admins: all). */
export function knownCommunitySql(viewer: Viewer | null) {
  if (viewer?.siteRole === 'admin') return sql<boolean>`true`
  return sql<boolean>`(c.visibility = 'public' or c.listed or exists (select 1 from community_members vm
    where vm.community_id = c.id and vm.user_id = ${viewer?.id ?? 0} and vm.status = 'active'))`
}

/** Communities whose threads the viewer may read: public ones, and the ones they are an active member of. */
function readableCommunitySql(viewer: Viewer | null) {
  if (viewer?.siteRole === 'admin') return sql<boolean>`true`
  return sql<boolean>`(c.visibility = 'public' or exists (select 1 from community_members vm
    where vm.community_id = c.id and vm.user_id = ${viewer?.id ?? 0} and vm.status = 'active'))`
}

export async function communitiesOfMember(db: Db, memberId: number, viewer: Viewer | null) {
  return db
    .selectFrom('community_members as m')
    .innerJoin('communities as c', 'c.id', 'm.community_id')
    .select(['c.slug', 'c.name', 'm.role'])
    .where('m.user_id', '=', memberId)
    .where('m.status', '=', 'active')
    .where(knownCommunitySql(viewer))
    .orderBy('c.name')
    .limit(50)
    .execute()
}

/**
 * A member's recent threads, replies and articles that the viewer may read: visible posts in readable communities,
 * published articles. Every filter on what a profile may show of someone's writing lives here.
 */
export async function recentActivity(db: Db, memberId: number, viewer: Viewer | null, limit = recentLimit) {
  const [threads, replies, articles] = await Promise.all([
    db
      .selectFrom('threads as t')
      .innerJoin('communities as c', 'c.id', 't.community_id')
      .select(['t.id', 't.title', 't.created_at', 'c.name as community_name', 'c.slug as community_slug'])
      .where('t.author_id', '=', memberId)
      .where('t.status', '=', 'visible')
      // Written as "a member of this community": never tied to the name here (src/anonymous).
      .where('t.anonymous', '=', false)
      .where(readableCommunitySql(viewer))
      .orderBy('t.created_at', 'desc')
      .orderBy('t.id', 'desc')
      .limit(limit)
      .execute(),
    db
      .selectFrom('posts as p')
      .innerJoin('threads as t', 't.id', 'p.thread_id')
      .innerJoin('communities as c', 'c.id', 't.community_id')
      .select(['p.id', 't.id as thread_id', 't.title', 'p.created_at', 'c.name as community_name'])
      .where('p.author_id', '=', memberId)
      .where('p.status', '=', 'visible')
      .where('p.anonymous', '=', false)
      .where('t.status', '=', 'visible')
      .where(readableCommunitySql(viewer))
      .orderBy('p.created_at', 'desc')
      .orderBy('p.id', 'desc')
      .limit(limit)
      .execute(),
    db
      .selectFrom('articles as a')
      .select(['a.slug', 'a.title', 'a.published_at'])
      .where('a.author_id', '=', memberId)
      .where('a.status', '=', 'published')
      .where('a.hidden_at', 'is', null)
      .orderBy('a.published_at', 'desc')
      .orderBy('a.id', 'desc')
      .limit(limit)
      .execute(),
  ])
  return { threads, replies, articles }
}

export async function pictureOf(db: Db, memberId: number) {
  return db
    .selectFrom('profile_pictures')
    .select(['bytes', 'content_type', 'etag', 'updated_at'])
    .where('user_id', '=', memberId)
    .executeTakeFirst()
}

export async function profileForEditing(db: Db, userId: number) {
  const [user, themes] = await Promise.all([
    db
      .selectFrom('users as u')
      .leftJoin('profile_pictures as p', 'p.user_id', 'u.id')
      .select([
        'u.id',
        'u.display_name',
        'u.organisation',
        'u.country',
        'u.languages',
        'u.bio',
        'u.profile_visibility',
        'u.show_organisation',
        'u.show_country',
        'p.etag as picture_etag',
      ])
      .where('u.id', '=', userId)
      .executeTakeFirst(),
    db
      .selectFrom('user_expertise as x')
      .innerJoin('tags as t', 't.id', 'x.tag_id')
      .select('t.slug')
      .where('x.user_id', '=', userId)
      .execute(),
  ])
  return user ? { ...user, themes: themes.map((t) => t.slug) } : undefined
}
