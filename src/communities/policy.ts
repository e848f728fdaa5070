// Who may do what in a community: the one place that answers, so routes and templates agree.
import type { MemberRole, MemberStatus } from '../db/database.js'
import type { Viewer } from '../web/viewer.js'

export interface CommunityRef {
  id: number
  visibility: 'public' | 'members'
  join_policy: 'open' | 'request' | 'invite'
}

export interface Membership {
  role: MemberRole
  status: MemberStatus
  decline_reason?: string | null
}

export interface Access {
  viewer: Viewer | null
  community: CommunityRef
  membership: Membership | null
}

export const isAdmin = (viewer: Viewer | null) => viewer?.siteRole === 'admin'
export const isActiveMember = (access: Access) => access.membership?.status === 'active'

export function isSuspended(viewer: Viewer | null): boolean {
  if (!viewer || viewer.status !== 'suspended') return false
  return viewer.suspendedUntil === null || viewer.suspendedUntil.getTime() > Date.now()
}

/** Members-only communities do not exist for outsiders: callers answer 404, never 403. */
export function canRead(access: Access): boolean {
  return access.community.visibility === 'public' || isActiveMember(access) || isAdmin(access.viewer)
}

export function canModerate(access: Access): boolean {
  return isAdmin(access.viewer) || (isActiveMember(access) && access.membership?.role === 'moderator')
}

export function canPost(access: Access): boolean {
  if (!access.viewer || isSuspended(access.viewer)) return false
  return isActiveMember(access) || isAdmin(access.viewer)
}

export function canReplyTo(access: Access, thread: { status: string; locked: boolean }): boolean {
  if (!canPost(access) || thread.status !== 'visible') return false
  return !thread.locked || canModerate(access)
}

export function canEditPost(access: Access, post: { author_id: number; status: string }): boolean {
  if (!access.viewer || post.status === 'deleted' || isSuspended(access.viewer)) return false
  if (canModerate(access)) return true
  return post.author_id === access.viewer.id && isActiveMember(access)
}

export function canDeletePost(access: Access, post: { author_id: number; status: string }): boolean {
  return canEditPost(access, post)
}

export type JoinOption = 'join' | 'request' | 'pending' | 'declined' | 'invite_only' | 'member' | 'login'

/** What the join area of a community page offers this viewer. */
export function joinOption(access: Access): JoinOption {
  if (!access.viewer) return 'login'
  const status = access.membership?.status
  if (status === 'active') return 'member'
  if (status === 'pending') return 'pending'
  if (access.community.join_policy === 'open') return 'join'
  if (access.community.join_policy === 'request') return status === 'declined' ? 'declined' : 'request'
  return 'invite_only'
}
