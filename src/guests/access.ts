// The membership an invitation gives its holder on one thread or meeting, for the loaders of those pages.
import type { FastifyRequest } from 'fastify'
import type { Membership } from '../communities/policy.js'
import type { Db } from '../db/connect.js'
import { guestMembershipFor, guestScopeOf, type GuestSubject } from './policy.js'

/**
 * A guest's comes from the scope the gate read; a member invited to a thread outside their communities has it read
 * here (only when their own membership does not already let them in).
 */
export async function invitedMembership(
  db: Db,
  request: FastifyRequest,
  subject: GuestSubject,
): Promise<Membership | null> {
  if (request.guestScope) return guestMembershipFor(request.guestScope, subject)
  if (!request.viewer || request.viewer.isGuest) return null
  return guestMembershipFor(await guestScopeOf(db, request.viewer.id, { timeZone: request.timeZone }), subject)
}
