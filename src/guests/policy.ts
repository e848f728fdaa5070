// What a guest may do: the one place that answers, for the request gate, the access loaders and the write transactions.
// A guest reads and takes part in the threads and meetings their accepted invitations name, until the last day of
// access has passed in their own time zone (that whole day included) or a moderator revoked it; nothing else.
import type { Kysely } from 'kysely'
import type { Database } from '../db/database.js'
import { isTimeZone } from '../web/time.js'

export interface GuestGrant {
  invitationId: number
  communityId: number
  threadId: number | null
  meetingId: number | null
  /** The thread's or the meeting's title, for the pages that say what the guest may reach. */
  title: string
  /** The last day of access, '2026-12-31'. */
  endsOn: string
  revoked: boolean
}

export interface GuestScope {
  userId: number
  /** The day it is now where the guest is ('2026-12-04'). */
  today: string
  grants: GuestGrant[]
}

export type GuestAction = 'read_thread' | 'reply' | 'read_meeting' | 'attend' | 'ask' | 'upvote'
export type GuestSubject = { threadId: number } | { meetingId: number }

const threadActions: ReadonlySet<GuestAction> = new Set(['read_thread', 'reply'])
const meetingActions: ReadonlySet<GuestAction> = new Set(['read_meeting', 'attend', 'ask', 'upvote'])

/** The calendar day at `now` in `zone` (UTC for an unknown zone). */
export function dayIn(zone: string | null | undefined, now = new Date()): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: isTimeZone(zone) ? zone : 'UTC',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(now)
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? ''
  return `${part('year')}-${part('month')}-${part('day')}`
}

export const grantActive = (grant: GuestGrant, today: string) => !grant.revoked && grant.endsOn >= today

/** The accepted invitations of a user, whether still running or not; empty for anyone who never accepted one. */
export async function guestScopeOf(
  db: Kysely<Database>,
  userId: number,
  options: { timeZone?: string | null; now?: Date; lock?: boolean } = {},
): Promise<GuestScope> {
  let query = db
    .selectFrom('guest_invitations as g')
    .leftJoin('threads as t', 't.id', 'g.thread_id')
    .leftJoin('meetings as m', 'm.id', 'g.meeting_id')
    .select([
      'g.id',
      'g.community_id',
      'g.thread_id',
      'g.meeting_id',
      'g.revoked_at',
      't.title as thread_title',
      'm.title as meeting_title',
    ])
    .select((eb) => eb.fn<string>('to_char', ['g.ends_on', eb.val('YYYY-MM-DD')]).as('ends_on'))
    .where('g.accepted_user_id', '=', userId)
    .orderBy('g.id')
  // In a write's transaction the invitations are locked FOR SHARE, so a revoke committing meanwhile holds for it.
  if (options.lock) query = query.forShare(['g'])
  const rows = await query.execute()
  return {
    userId,
    today: dayIn(options.timeZone, options.now),
    grants: rows.map((row) => ({
      invitationId: row.id,
      communityId: row.community_id,
      threadId: row.thread_id,
      meetingId: row.meeting_id,
      title: row.thread_title ?? row.meeting_title ?? '',
      endsOn: row.ends_on,
      revoked: row.revoked_at !== null,
    })),
  }
}

/** The running grant that covers `subject`, if any. */
export function grantFor(scope: GuestScope, subject: GuestSubject): GuestGrant | undefined {
  return scope.grants.find(
    (grant) =>
      grantActive(grant, scope.today) &&
      ('threadId' in subject ? grant.threadId === subject.threadId : grant.meetingId === subject.meetingId),
  )
}

/** May this guest do `action` on `subject`? Only the actions of a thread on a thread, of a meeting on a meeting. */
export function mayGuest(scope: GuestScope, action: GuestAction, subject: GuestSubject): boolean {
  const fits = 'threadId' in subject ? threadActions.has(action) : meetingActions.has(action)
  return fits && grantFor(scope, subject) !== undefined
}

/** The grants still running, for the guest's own page and the refusal that points to them. */
export const activeGrants = (scope: GuestScope) => scope.grants.filter((grant) => grantActive(grant, scope.today))

export const grantPath = (grant: GuestGrant) =>
  grant.threadId !== null ? `/t/${grant.threadId}` : `/meetings/${grant.meetingId}`

/** A guest reads and takes part where their invitation runs as an active member would, without any role. */
export const guestMembership = { role: 'member', status: 'active' } as const

/** The membership a loader gives this request for `subject`: the guest's, where a running invitation names it. */
export function guestMembershipFor(scope: GuestScope | null, subject: GuestSubject) {
  if (!scope || !grantFor(scope, subject)) return null
  return { ...guestMembership }
}
