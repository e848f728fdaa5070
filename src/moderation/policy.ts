// Who may moderate what: admins everywhere, community moderators in their own communities only.
import type { Db } from '../db/connect.js'
import type { Viewer } from '../web/viewer.js'

export interface ModeratorScope {
  viewer: Viewer
  isAdmin: boolean
  communities: Set<number>
}

export async function moderatorScope(db: Db, viewer: Viewer): Promise<ModeratorScope> {
  const rows = await db
    .selectFrom('community_members')
    .select('community_id')
    .where('user_id', '=', viewer.id)
    .where('status', '=', 'active')
    .where('role', '=', 'moderator')
    .execute()
  return { viewer, isAdmin: viewer.siteRole === 'admin', communities: new Set(rows.map((r) => r.community_id)) }
}

export function isStaff(scope: ModeratorScope): boolean {
  return scope.isAdmin || scope.communities.size > 0
}

/** Content without a community (library articles written alone) is moderated by admins. */
export function mayModerate(scope: ModeratorScope, communityId: number | null): boolean {
  return scope.isAdmin || (communityId !== null && scope.communities.has(communityId))
}

/** Accounts younger than a week get stricter rate limits on posting and flagging. */
export const isNewAccount = (createdAt: Date | undefined) =>
  !createdAt || Date.now() - createdAt.getTime() < 7 * 24 * 3600 * 1000
