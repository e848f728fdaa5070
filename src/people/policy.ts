// Who may see a member's profile, and who may endorse their expertise: the one place that answers.
import { sql, type Expression, type SqlBool } from 'kysely'
import type { ProfileVisibility } from '../db/database.js'
import { isSuspended } from '../communities/policy.js'
import type { Viewer } from '../web/viewer.js'

export interface ProfileSubject {
  id: number
  profile_visibility: ProfileVisibility
}

/** Facts about the viewer that the rule needs beyond the session: looked up once per request (queries.ts). */
export interface ViewerReach {
  /** Moderates at least one community: sees every profile, as admins do. */
  isModerator: boolean
  /** Shares an active community with the member. */
  sharesCommunity: boolean
}

export function canSeeProfile(viewer: Viewer | null, member: ProfileSubject, reach: ViewerReach): boolean {
  if (member.profile_visibility === 'public') return true
  if (!viewer) return false
  // A guest (src/guests) is not a member: they see public profiles, as a visitor does, and their own.
  if (viewer.isGuest) return viewer.id === member.id
  if (viewer.id === member.id || viewer.siteRole === 'admin' || reach.isModerator) return true
  if (member.profile_visibility === 'members') return true
  return reach.sharesCommunity
}

export function canEndorse(viewer: Viewer | null, memberId: number): viewer is Viewer {
  return viewer !== null && !viewer.isGuest && viewer.id !== memberId && !isSuspended(viewer)
}

/**
 * The same rule as SQL over a `users as u` row, for lists (directory, experts): `seesAll` is an admin or moderator.
 */
export function visibleProfileSql(viewer: Viewer | null, seesAll: boolean): Expression<SqlBool> {
  if (!viewer || viewer.isGuest) return sql<SqlBool>`u.profile_visibility = 'public'`
  if (seesAll) return sql<SqlBool>`true`
  return sql<SqlBool>`(u.profile_visibility <> 'communities' or u.id = ${viewer.id} or exists (
    select 1 from community_members mine join community_members theirs on theirs.community_id = mine.community_id
    where mine.user_id = ${viewer.id} and mine.status = 'active' and theirs.user_id = u.id and theirs.status = 'active'))`
}
