// Reads about communities and their members.
import { sql } from 'kysely'
import type { Db } from '../db/connect.js'
import type { Membership } from './policy.js'

export async function listCommunities(db: Db, viewerId: number | null, isAdmin: boolean) {
  // A listed members-only community shows outsiders nothing of its activity: no thread count, no last activity, and it
  // sorts with the communities that have none.
  const insider = isAdmin
    ? sql<boolean>`true`
    : sql<boolean>`(c.visibility = 'public' or m.status is not distinct from 'active')`
  const lastActivity = sql<Date | null>`case when ${insider} then c.last_activity_at end`
  let query = db
    .selectFrom('communities as c')
    .leftJoin('community_members as m', (join) =>
      join.onRef('m.community_id', '=', 'c.id').on('m.user_id', '=', viewerId ?? -1),
    )
    .select([
      'c.id',
      'c.slug',
      'c.name',
      'c.description_html',
      'c.visibility',
      'c.join_policy',
      'c.member_count',
      sql<number | null>`case when ${insider} then c.thread_count end`.as('thread_count'),
      lastActivity.as('last_activity_at'),
      insider.as('shows_activity'),
      'c.listed',
      'm.status as membership_status',
      'm.role as membership_role',
    ])
    .orderBy(sql`${lastActivity} desc nulls last`)
    .orderBy('c.name')
  // A listed members-only community is in the directory for everyone (its page shows outsiders only what it is about).
  if (!isAdmin)
    query = query.where((eb) =>
      eb.or([eb('c.visibility', '=', 'public'), eb('c.listed', '=', true), eb('m.status', '=', 'active')]),
    )
  return query.execute()
}

export async function findCommunityBySlug(db: Db, slug: string) {
  return db.selectFrom('communities').selectAll().where('slug', '=', slug).executeTakeFirst()
}

export async function findCommunityById(db: Db, id: number) {
  return db.selectFrom('communities').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function findMembership(
  db: Db,
  communityId: number,
  userId: number | null | undefined,
): Promise<Membership | null> {
  if (!userId) return null
  const row = await db
    .selectFrom('community_members')
    .select(['role', 'status', 'decline_reason'])
    .where('community_id', '=', communityId)
    .where('user_id', '=', userId)
    .executeTakeFirst()
  return row ?? null
}

/** Community ids whose members-only content this user may see. */
export async function activeCommunityIds(db: Db, userId: number | null | undefined): Promise<number[]> {
  if (!userId) return []
  const rows = await db
    .selectFrom('community_members')
    .select('community_id')
    .where('user_id', '=', userId)
    .where('status', '=', 'active')
    .execute()
  return rows.map((r) => r.community_id)
}

export async function listMembers(db: Db, communityId: number) {
  return db
    .selectFrom('community_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select([
      'u.id',
      'u.display_name',
      // A member may hide organisation and country (src/people): hidden here as on their profile.
      sql<string | null>`case when u.show_organisation then u.organisation end`.as('organisation'),
      sql<string | null>`case when u.show_country then u.country end`.as('country'),
      'm.role',
      'm.joined_at',
    ])
    .where('m.community_id', '=', communityId)
    .where('m.status', '=', 'active')
    .orderBy(sql`m.role = 'moderator' desc`)
    .orderBy('u.display_name')
    .execute()
}

export async function listPendingRequests(db: Db, communityId: number) {
  return db
    .selectFrom('community_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select([
      'u.id',
      'u.display_name',
      // A member may hide organisation and country (src/people): hidden here as on their profile.
      sql<string | null>`case when u.show_organisation then u.organisation end`.as('organisation'),
      sql<string | null>`case when u.show_country then u.country end`.as('country'),
      'm.request_note',
      'm.requested_at',
    ])
    .where('m.community_id', '=', communityId)
    .where('m.status', '=', 'pending')
    .orderBy('m.requested_at')
    .execute()
}

export async function listInvites(db: Db, communityId: number) {
  return db
    .selectFrom('community_invites as i')
    .leftJoin('users as u', 'u.id', 'i.created_by')
    .select([
      'i.id',
      'i.expires_at',
      'i.max_uses',
      'i.uses',
      'i.revoked_at',
      'i.created_at',
      'u.display_name as created_by_name',
    ])
    .where('i.community_id', '=', communityId)
    .orderBy('i.created_at', 'desc')
    .limit(50)
    .execute()
}

/** The names of a community's moderators, for its page (also shown to outsiders of a listed community). */
export async function listModerators(db: Db, communityId: number) {
  return db
    .selectFrom('community_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.display_name'])
    .where('m.community_id', '=', communityId)
    .where('m.status', '=', 'active')
    .where('m.role', '=', 'moderator')
    .orderBy('u.display_name')
    .limit(20)
    .execute()
}

/** The community's next meeting that is not cancelled and not over yet (meetings_community_ends_idx: past ones are never read). */
export async function nextMeetingOf(db: Db, communityId: number, now = new Date()) {
  return db
    .selectFrom('meetings')
    .select(['id', 'title', 'starts_at', 'time_zone'])
    .where('community_id', '=', communityId)
    .where('cancelled_at', 'is', null)
    .where('ends_at', '>', now)
    .orderBy('starts_at')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst()
}

/** Its newest published library articles that are not hidden: readable by everyone who may read the community. */
export async function newestArticlesOf(db: Db, communityId: number, limit = 3) {
  return db
    .selectFrom('articles')
    .select(['id', 'slug', 'title', 'published_at'])
    .where('community_id', '=', communityId)
    .where('status', '=', 'published')
    .where('hidden_at', 'is', null)
    .orderBy('published_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute()
}
