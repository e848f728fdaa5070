// Who is acting, re-read inside the write's transaction with the rows locked, so a suspension, a removed membership or
// a withdrawn role that commits while a request is under way holds for the write that request makes.
//
// Lock order, the same in every write so that two of them never wait on each other: the actor's users row, their
// community_members row, then the content (thread, reply, meeting, article...), then counters (communities). A write
// that changes someone's membership row (approving their post) does so before touching that content.
import type { Transaction } from 'kysely'
import type { Database, MemberRole, MemberStatus } from '../db/database.js'
import { grantFor, guestScopeOf, type GuestSubject } from '../guests/policy.js'
import { forbidden } from '../web/errors.js'

type Trx = Transaction<Database>

export interface LockedActor {
  id: number
  isAdmin: boolean
  /** The membership in the community asked about (locked FOR SHARE), or null. */
  membership: { role: MemberRole; status: MemberStatus } | null
  /** Active member there, or an admin (who may post anywhere). */
  isMember: boolean
  /** Active moderator there, or an admin. */
  isModerator: boolean
}

export interface ActorRule {
  /** The community the write happens in; its membership row is locked and read. */
  communityId?: number | null
  /** What the actor must be there: an active member, or a moderator (admins are both). */
  need?: 'member' | 'moderator'
  /** Only an admin may do this (site settings, suspensions, roles). */
  admin?: boolean
  /**
   * Lock the users row FOR NO KEY UPDATE instead of FOR SHARE: for writes that change that very row (the profile), so
   * that two of them do not both hold a share lock and then deadlock upgrading it.
   */
  updatesUser?: boolean
  /**
   * A guest (users.guest) may do this write when a running invitation of theirs names this thread or meeting; every
   * other write refuses guests, so a route that forgets them still holds.
   */
  guest?: GuestSubject
}

const suspendedNow = (row: { status: string; suspended_until: Date | null }) =>
  row.status === 'suspended' && (row.suspended_until === null || row.suspended_until.getTime() > Date.now())

/**
 * Locks the acting user's row (and their membership row in `communityId`) and throws a 403 when the actor is
 * suspended, gone, or no longer what `rule` needs. A suspension or role change committing meanwhile waits for this
 * transaction, or this transaction waits for it and sees it: either way the write never lands after the decision.
 */
export async function lockActiveActor(trx: Trx, userId: number, rule: ActorRule = {}): Promise<LockedActor> {
  const users = trx
    .selectFrom('users')
    .select(['id', 'site_role', 'status', 'suspended_until', 'email_verified_at', 'guest', 'time_zone'])
    .where('id', '=', userId)
  const user = await (rule.updatesUser ? users.forNoKeyUpdate() : users.forShare()).executeTakeFirst()
  if (!user) throw forbidden()
  if (suspendedNow(user)) throw forbidden('discussions.reply.suspended')
  // Until the address is confirmed a new account reads but writes nothing others see (its own profile excepted):
  // an address typed by a spammer in bulk never confirms.
  if (user.email_verified_at === null && !rule.updatesUser) throw forbidden('account_mail.error.unverified')
  if (user.guest && !rule.updatesUser) return lockGuest(trx, user, rule)
  const isAdmin = user.site_role === 'admin'
  if (rule.admin && !isAdmin) throw forbidden('moderation.error.not_allowed')
  const membership =
    rule.communityId == null
      ? null
      : ((await trx
          .selectFrom('community_members')
          .select(['role', 'status'])
          .where('community_id', '=', rule.communityId)
          .where('user_id', '=', userId)
          .forShare()
          .executeTakeFirst()) ?? null)
  // A member of other communities invited to this thread or meeting takes part in it as a guest would.
  const invited = !isAdmin && membership?.status !== 'active' && rule.guest !== undefined && rule.need === 'member'
  const isMember =
    isAdmin ||
    membership?.status === 'active' ||
    (invited &&
      grantFor(await guestScopeOf(trx, userId, { timeZone: user.time_zone, lock: true }), rule.guest!) !== undefined)
  const isModerator = isAdmin || (membership?.status === 'active' && membership.role === 'moderator')
  if (rule.need === 'member' && !isMember) throw forbidden('moderation.error.no_longer_member')
  if (rule.need === 'moderator' && !isModerator) throw forbidden('moderation.error.not_allowed')
  return { id: user.id, isAdmin, membership, isMember, isModerator }
}

/** For content without a community (a library article written alone): only admins moderate it. */
export async function lockModerator(trx: Trx, userId: number, communityId: number | null): Promise<LockedActor> {
  if (communityId === null) return lockActiveActor(trx, userId, { admin: true })
  return lockActiveActor(trx, userId, { communityId, need: 'moderator' })
}

/** A guest acts as a member of the one thread or meeting their running invitation names, and nowhere else. */
async function lockGuest(trx: Trx, user: { id: number; time_zone: string | null }, rule: ActorRule) {
  const refused = forbidden('guests.refused.write')
  if (!rule.guest || rule.admin || rule.need === 'moderator') throw refused
  const scope = await guestScopeOf(trx, user.id, { timeZone: user.time_zone, lock: true })
  const grant = grantFor(scope, rule.guest)
  if (!grant || (rule.communityId != null && grant.communityId !== rule.communityId)) throw refused
  const actor: LockedActor = { id: user.id, isAdmin: false, membership: null, isMember: true, isModerator: false }
  return actor
}
