// Who may do what with a meeting: built on the community policy so pages and routes agree.
import { canModerate, canPost, isSuspended, type Access } from '../communities/policy.js'

export const mayPlan = (access: Access) => canModerate(access) && !isSuspended(access.viewer)

/** Attending, asking, voting and proposing topics: active members who may post. */
export const mayTakePart = (access: Access) => canPost(access)

/** The online link is for members (and staff) only, on pages and in calendar files alike. */
export const maySeeLink = (access: Access) => access.membership?.status === 'active' || canModerate(access)

export function mayEditNotes(
  access: Access,
  room: { facilitator_id: number | null; note_taker_id: number | null },
): boolean {
  if (!access.viewer || isSuspended(access.viewer)) return false
  if (canModerate(access)) return true
  return canPost(access) && (room.facilitator_id === access.viewer.id || room.note_taker_id === access.viewer.id)
}

export function mayUpdateActionItem(access: Access, item: { owner_id: number | null }): boolean {
  if (!access.viewer || isSuspended(access.viewer)) return false
  return canModerate(access) || (canPost(access) && item.owner_id === access.viewer.id)
}

/** In what capacity the viewer may remove a question: planners any question, its author only their own. */
export function questionRemover(access: Access, question: { author_id: number | null }): 'planner' | 'author' | null {
  if (!access.viewer || isSuspended(access.viewer)) return null
  if (mayPlan(access)) return 'planner'
  return question.author_id === access.viewer.id ? 'author' : null
}

/** An author withdraws a question only before the meeting starts and while it is not marked discussed. */
export const mayStillWithdraw = (question: { discussed: boolean }, meeting: { starts_at: Date }, now = Date.now()) =>
  !question.discussed && meeting.starts_at.getTime() > now
