// Guest invitations: a moderator invites and revokes, the invitee accepts; each in one transaction, logged for moderators.
import type { Transaction } from 'kysely'
import type { Config } from '../config.js'
import type { Db } from '../db/connect.js'
import type { Database } from '../db/database.js'
import { isUniqueViolation } from '../accounts/commands.js'
import { hashPassword } from '../accounts/password.js'
import { enqueueEmail } from '../mail/compose.js'
import { isSendableAddress } from '../mail/header-text.js'
import { renderEmail } from '../mail/layout.js'
import { lockActiveActor } from '../moderation/actor-guard.js'
import { writeLog } from '../moderation/log.js'
import { notFound } from '../web/errors.js'
import { translate, type Locale } from '../web/i18n.js'
import { hashLinkToken, newLinkToken } from '../web/link-tokens.js'
import { formatCalendarDate } from '../web/time.js'
import { dayIn, type GuestSubject } from './policy.js'

type Trx = Transaction<Database>

/** The thread or meeting an invitation is for, with its community; undefined when it does not exist. */
export async function subjectOf(db: Db | Trx, subject: GuestSubject) {
  if ('threadId' in subject)
    return db
      .selectFrom('threads')
      .select(['id', 'community_id', 'title'])
      .where('id', '=', subject.threadId)
      .where('status', '!=', 'deleted')
      .executeTakeFirst()
  return db
    .selectFrom('meetings')
    .select(['id', 'community_id', 'title'])
    .where('id', '=', subject.meetingId)
    .executeTakeFirst()
}

export const subjectPath = (subject: GuestSubject) =>
  'threadId' in subject ? `/t/${subject.threadId}` : `/meetings/${subject.meetingId}`

export async function inviteGuest(
  db: Db,
  config: Pick<Config, 'publicUrl'>,
  input: {
    actorId: number
    subject: GuestSubject
    email: string
    endsOn: string
    note: string | null
    /** The inviter's language: the invitee has none yet. */
    locale: Locale
  },
): Promise<number> {
  const { token, hash } = newLinkToken(32)
  return db.transaction().execute(async (trx) => {
    const found = await subjectOf(trx, input.subject)
    if (!found) throw notFound()
    const actor = await lockActiveActor(trx, input.actorId, { communityId: found.community_id, need: 'moderator' })
    const inviter = await trx
      .selectFrom('users')
      .select('display_name')
      .where('id', '=', actor.id)
      .executeTakeFirstOrThrow()
    const row = await trx
      .insertInto('guest_invitations')
      .values({
        email: input.email,
        invited_by: actor.id,
        community_id: found.community_id,
        thread_id: 'threadId' in input.subject ? input.subject.threadId : null,
        meeting_id: 'meetingId' in input.subject ? input.subject.meetingId : null,
        ends_on: input.endsOn,
        note: input.note,
        token_hash: hash,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await writeLog(trx, {
      actorId: actor.id,
      action: 'guest_invite',
      targetType: 'threadId' in input.subject ? 'thread' : 'meeting',
      targetId: found.id,
      communityId: found.community_id,
      reason: input.note,
    })
    if (isSendableAddress(input.email)) {
      const t = (key: string) =>
        translate(input.locale, `guests.mail.${key}`, {
          name: inviter.display_name,
          title: found.title,
          date: formatCalendarDate(input.endsOn, input.locale),
        })
      const body = renderEmail(input.locale, {
        heading: t('heading'),
        paragraphs: [t('body'), ...(input.note ? [input.note] : []), t('until')],
        action: { label: t('action'), url: new URL(`/guest/${token}`, config.publicUrl).toString() },
        reason: t('reason'),
      })
      await enqueueEmail(trx, config, {
        to: input.email,
        kind: 'guest.invitation',
        locale: input.locale,
        subject: t('subject'),
        ...body,
      })
    }
    return row.id
  })
}

/** Ends a guest's access at once. Returns where the moderator goes back to, or null when there is nothing to revoke. */
export async function revokeGuest(db: Db, input: { actorId: number; invitationId: number }): Promise<string | null> {
  return db.transaction().execute(async (trx) => {
    const invitation = await trx
      .selectFrom('guest_invitations')
      .select(['id', 'community_id', 'thread_id', 'meeting_id', 'accepted_user_id', 'revoked_at'])
      .where('id', '=', input.invitationId)
      .executeTakeFirst()
    if (!invitation) return null
    await lockActiveActor(trx, input.actorId, { communityId: invitation.community_id, need: 'moderator' })
    // Locked after the actor (the order every write takes); a guest's write holding it FOR SHARE finishes first.
    const locked = await trx
      .updateTable('guest_invitations')
      .set({ revoked_at: new Date() })
      .where('id', '=', invitation.id)
      .where('revoked_at', 'is', null)
      .returning('id')
      .executeTakeFirst()
    const subject: GuestSubject =
      invitation.thread_id !== null ? { threadId: invitation.thread_id } : { meetingId: invitation.meeting_id! }
    if (locked)
      await writeLog(trx, {
        actorId: input.actorId,
        action: 'guest_revoke',
        targetType: 'threadId' in subject ? 'thread' : 'meeting',
        targetId: 'threadId' in subject ? subject.threadId : subject.meetingId,
        communityId: invitation.community_id,
        subjectUserId: invitation.accepted_user_id,
      })
    return `${subjectPath(subject)}/guests`
  })
}

export type InvitationState = 'open' | 'used' | 'revoked' | 'ended'

export interface InvitationView {
  id: number
  email: string
  title: string
  path: string
  endsOn: string
  state: InvitationState
  /** The account that holds this address already, if any, and whether it is a guest account. */
  account: { id: number; guest: boolean } | null
}

/** What a link `/guest/:token` leads to, or undefined for a token nobody was sent. */
export async function findInvitation(db: Db | Trx, token: string, timeZone: string, lock = false) {
  let query = db
    .selectFrom('guest_invitations as g')
    .leftJoin('threads as t', 't.id', 'g.thread_id')
    .leftJoin('meetings as m', 'm.id', 'g.meeting_id')
    .select(['g.id', 'g.email', 'g.thread_id', 'g.meeting_id', 'g.accepted_at', 'g.revoked_at'])
    .select(['t.title as thread_title', 'm.title as meeting_title'])
    .select((eb) => eb.fn<string>('to_char', ['g.ends_on', eb.val('YYYY-MM-DD')]).as('ends_on'))
    .where('g.token_hash', '=', hashLinkToken(token))
  if (lock) query = query.forUpdate(['g'])
  const row = await query.executeTakeFirst()
  if (!row) return undefined
  const account = await db
    .selectFrom('users')
    .select(['id', 'guest'])
    .where((eb) => eb(eb.fn('lower', ['email']), '=', row.email.toLowerCase()))
    .executeTakeFirst()
  const subject: GuestSubject = row.thread_id !== null ? { threadId: row.thread_id } : { meetingId: row.meeting_id! }
  const state: InvitationState =
    row.revoked_at !== null
      ? 'revoked'
      : row.accepted_at !== null
        ? 'used'
        : row.ends_on < dayIn(timeZone)
          ? 'ended'
          : 'open'
  const view: InvitationView = {
    id: row.id,
    email: row.email,
    title: row.thread_title ?? row.meeting_title ?? '',
    path: subjectPath(subject),
    endsOn: row.ends_on,
    state,
    account: account ?? null,
  }
  return view
}

export type AcceptResult =
  | { ok: true; userId: number; path: string }
  | { ok: false; reason: InvitationState | 'unknown' | 'log_in' | 'other_account' }

/**
 * Takes up an invitation, once. Without an account for the address, it makes a guest account (confirmed by the link
 * itself); an existing account (member or guest) must be the one logged in, and a member stays a member.
 */
export async function acceptInvitation(
  db: Db,
  input: {
    token: string
    viewerId: number | null
    newAccount: { displayName: string; password: string; locale: Locale; timeZone: string } | null
  },
): Promise<AcceptResult> {
  const passwordHash = input.newAccount ? await hashPassword(input.newAccount.password) : null
  try {
    return await acceptIn(db, input, passwordHash)
  } catch (error) {
    // An account for the address was made meanwhile (registration): it logs in and opens the link again.
    if (isUniqueViolation(error)) return { ok: false, reason: 'log_in' }
    throw error
  }
}

async function acceptIn(
  db: Db,
  input: Parameters<typeof acceptInvitation>[1],
  passwordHash: string | null,
): Promise<AcceptResult> {
  return db.transaction().execute(async (trx) => {
    const zone = input.newAccount?.timeZone ?? 'UTC'
    const invitation = await findInvitation(trx, input.token, zone, true)
    if (!invitation) return { ok: false, reason: 'unknown' } as const
    if (invitation.state !== 'open') return { ok: false, reason: invitation.state } as const
    let userId: number
    if (invitation.account) {
      if (input.viewerId === null) return { ok: false, reason: 'log_in' } as const
      if (input.viewerId !== invitation.account.id) return { ok: false, reason: 'other_account' } as const
      userId = invitation.account.id
    } else {
      if (input.viewerId !== null) return { ok: false, reason: 'other_account' } as const
      if (!input.newAccount || passwordHash === null) return { ok: false, reason: 'unknown' } as const
      const row = await trx
        .insertInto('users')
        .values({
          email: invitation.email,
          display_name: input.newAccount.displayName,
          password_hash: passwordHash,
          locale: input.newAccount.locale,
          time_zone: input.newAccount.timeZone,
          guest: true,
          email_verified_at: new Date(),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      userId = row.id
    }
    await trx
      .updateTable('guest_invitations')
      .set({ accepted_user_id: userId, accepted_at: new Date() })
      .where('id', '=', invitation.id)
      .execute()
    return { ok: true, userId, path: invitation.path } as const
  })
}

/** The guests of a thread or meeting, for its moderators: who, until when, and whether they took the invitation up. */
export async function listGuests(db: Db, subject: GuestSubject) {
  let query = db
    .selectFrom('guest_invitations as g')
    .leftJoin('users as u', 'u.id', 'g.accepted_user_id')
    .select(['g.id', 'g.email', 'g.accepted_at', 'g.revoked_at', 'g.created_at', 'u.display_name'])
    .select((eb) => eb.fn<string>('to_char', ['g.ends_on', eb.val('YYYY-MM-DD')]).as('ends_on'))
    .orderBy('g.id', 'desc')
  query =
    'threadId' in subject
      ? query.where('g.thread_id', '=', subject.threadId)
      : query.where('g.meeting_id', '=', subject.meetingId)
  return query.execute()
}
