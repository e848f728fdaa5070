// Community writes, each in one transaction; member counts move with the membership rows.
import { sql, type Transaction } from 'kysely'
import type { Db } from '../db/connect.js'
import { announceJoinAnswer } from '../notifications/producers.js'
import type { NotifyConfig } from '../notifications/notify.js'
import type { Database } from '../db/database.js'
import { renderMarkdown } from '../markdown/render.js'
import { enqueueSearch } from '../search/outbox.js'
import { lockActiveActor, lockModerator } from '../moderation/actor-guard.js'
import { writeLog } from '../moderation/log.js'
import { hashLinkToken, newLinkToken } from '../web/link-tokens.js'

type Trx = Transaction<Database>

export interface CommunityInput {
  slug: string
  name: string
  description_md: string
  visibility: 'public' | 'members'
  join_policy: 'open' | 'request' | 'invite'
  /** Members-only and still findable: outsiders see its name, description and moderators (false when left out). */
  listed?: boolean
}

export type CommunityWriteResult = { ok: true; id: number; slug: string } | { ok: false; reason: 'slug_taken' }

/** With `adminId` (every request passes it), the admin is checked inside the transaction with their row locked. */
export async function createCommunity(
  db: Db,
  input: CommunityInput,
  options: { creatorId?: number; isDemo?: boolean; adminId?: number } = {},
): Promise<CommunityWriteResult> {
  // Rendered before the transaction, so no row lock is held while the Markdown is read.
  const descriptionHtml = renderMarkdown(input.description_md).html
  return db.transaction().execute(async (trx) => {
    if (options.adminId !== undefined) await lockActiveActor(trx, options.adminId, { admin: true })
    const taken = await trx.selectFrom('communities').select('id').where('slug', '=', input.slug).executeTakeFirst()
    if (taken) return { ok: false, reason: 'slug_taken' } as const
    const row = await trx
      .insertInto('communities')
      .values({
        ...input,
        description_html: descriptionHtml,
        is_demo: options.isDemo ?? false,
      })
      .returning(['id', 'slug'])
      .executeTakeFirstOrThrow()
    if (options.creatorId) await activateMember(trx, row.id, options.creatorId, 'moderator')
    return { ok: true, id: row.id, slug: row.slug } as const
  })
}

export async function updateCommunity(
  db: Db,
  id: number,
  input: CommunityInput,
  adminId?: number,
): Promise<CommunityWriteResult> {
  // Rendered before the transaction, so no row lock is held while the Markdown is read.
  const descriptionHtml = renderMarkdown(input.description_md).html
  return db.transaction().execute(async (trx) => {
    if (adminId !== undefined) await lockActiveActor(trx, adminId, { admin: true })
    const taken = await trx
      .selectFrom('communities')
      .select('id')
      .where('slug', '=', input.slug)
      .where('id', '!=', id)
      .executeTakeFirst()
    if (taken) return { ok: false, reason: 'slug_taken' } as const
    await trx
      .updateTable('communities')
      .set({ ...input, description_html: descriptionHtml, updated_at: new Date() })
      .where('id', '=', id)
      .execute()
    // Its name and visibility are in every search document of its threads.
    await enqueueSearch(trx, 'community', id)
    return { ok: true, id, slug: input.slug } as const
  })
}

/** Makes someone an active member (or changes their role), keeping member_count exact. */
async function activateMember(
  trx: Trx,
  communityId: number,
  userId: number,
  role: 'member' | 'moderator',
  extra: { inviteId?: number; decidedBy?: number } = {},
) {
  const existing = await trx
    .selectFrom('community_members')
    .select(['status'])
    .where('community_id', '=', communityId)
    .where('user_id', '=', userId)
    .forUpdate()
    .executeTakeFirst()
  if (existing?.status === 'active') return false
  // No row to lock yet when two joins of one person race: the second waits on the first's insert and then, seeing it
  // active, changes nothing, so the count goes up once.
  const changed = await trx
    .insertInto('community_members')
    .values({
      community_id: communityId,
      user_id: userId,
      role,
      status: 'active',
      joined_at: new Date(),
      invite_id: extra.inviteId ?? null,
      decided_by: extra.decidedBy ?? null,
    })
    .onConflict((oc) =>
      oc
        .columns(['community_id', 'user_id'])
        .doUpdateSet({
          status: 'active',
          role,
          joined_at: new Date(),
          decline_reason: null,
          decided_by: extra.decidedBy ?? null,
        })
        .where('community_members.status', '!=', 'active'),
    )
    .returning('user_id')
    .executeTakeFirst()
  if (!changed) return false
  await trx
    .updateTable('communities')
    .set({ member_count: sql`member_count + 1` })
    .where('id', '=', communityId)
    .execute()
  return true
}

export type JoinResult = 'joined' | 'requested' | 'already_member' | 'already_requested' | 'invite_only' | 'not_found'

export async function joinCommunity(
  db: Db,
  community: { id: number; join_policy: string },
  userId: number,
  note: string | null,
  /** For an outsider's request (not an admin's): an unlisted members-only community, as it is now, is `not_found`. */
  options: { requireFindable?: boolean } = {},
): Promise<JoinResult> {
  return db.transaction().execute(async (trx) => {
    await lockActiveActor(trx, userId)
    const existing = await trx
      .selectFrom('community_members')
      .select('status')
      .where('community_id', '=', community.id)
      .where('user_id', '=', userId)
      .forUpdate()
      .executeTakeFirst()
    if (existing?.status === 'active') return 'already_member'
    // The policy as it is now: an admin who closed the community while this request was on its way has the last word.
    // Read without a lock: a share lock here would deadlock two joins that both go on to raise the member count.
    const {
      join_policy: joinPolicy,
      visibility,
      listed,
    } = await trx
      .selectFrom('communities')
      .select(['join_policy', 'visibility', 'listed'])
      .where('id', '=', community.id)
      .executeTakeFirstOrThrow()
    // Closed and no longer listed (an admin may have changed it while this was on its way): outsiders cannot find it.
    if (options.requireFindable && visibility === 'members' && !listed) return 'not_found'
    if (joinPolicy === 'open') {
      return (await activateMember(trx, community.id, userId, 'member')) ? 'joined' : 'already_member'
    }
    if (joinPolicy === 'invite') return 'invite_only'
    if (existing?.status === 'pending') return 'already_requested'
    // As with joining: a second request racing the first finds it and answers as a second request in a row would.
    const asked = await trx
      .insertInto('community_members')
      .values({
        community_id: community.id,
        user_id: userId,
        status: 'pending',
        request_note: note,
        requested_at: new Date(),
      })
      .onConflict((oc) =>
        oc
          .columns(['community_id', 'user_id'])
          .doUpdateSet({ status: 'pending', request_note: note, requested_at: new Date(), decline_reason: null })
          .where('community_members.status', 'not in', ['pending', 'active']),
      )
      .returning('user_id')
      .executeTakeFirst()
    if (asked) return 'requested'
    const now = await trx
      .selectFrom('community_members')
      .select('status')
      .where('community_id', '=', community.id)
      .where('user_id', '=', userId)
      .executeTakeFirst()
    return now?.status === 'active' ? 'already_member' : 'already_requested'
  })
}

export async function decideJoinRequest(
  db: Db,
  input: {
    communityId: number
    userId: number
    approve: boolean
    reason: string | null
    moderatorId: number
    /** Tell the member who asked what the answer is. */
    reach?: NotifyConfig
  },
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await lockModerator(trx, input.moderatorId, input.communityId)
    const request = await trx
      .selectFrom('community_members')
      .select('status')
      .where('community_id', '=', input.communityId)
      .where('user_id', '=', input.userId)
      .forUpdate()
      .executeTakeFirst()
    if (request?.status !== 'pending') return false
    if (input.approve) {
      await activateMember(trx, input.communityId, input.userId, 'member', { decidedBy: input.moderatorId })
    } else {
      await trx
        .updateTable('community_members')
        .set({ status: 'declined', decline_reason: input.reason, decided_by: input.moderatorId })
        .where('community_id', '=', input.communityId)
        .where('user_id', '=', input.userId)
        .execute()
    }
    if (input.reach)
      await announceJoinAnswer(trx, input.reach, {
        communityId: input.communityId,
        userId: input.userId,
        approved: input.approve,
        moderatorId: input.moderatorId,
      })
    return true
  })
}

export type LeaveResult = 'left' | 'not_member' | 'last_moderator'

export async function leaveCommunity(db: Db, communityId: number, userId: number): Promise<LeaveResult> {
  return db.transaction().execute(async (trx) => {
    await lockActiveActor(trx, userId)
    const row = await trx
      .selectFrom('community_members')
      .select(['status', 'role'])
      .where('community_id', '=', communityId)
      .where('user_id', '=', userId)
      .forUpdate()
      .executeTakeFirst()
    if (!row) return 'not_member'
    if (row.status === 'active' && row.role === 'moderator') {
      // A community must keep someone who can approve requests and handle flags.
      const { count } = await trx
        .selectFrom('community_members')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('community_id', '=', communityId)
        .where('role', '=', 'moderator')
        .where('status', '=', 'active')
        .executeTakeFirstOrThrow()
      if (Number(count) <= 1) return 'last_moderator'
    }
    await trx
      .deleteFrom('community_members')
      .where('community_id', '=', communityId)
      .where('user_id', '=', userId)
      .execute()
    if (row.status === 'active')
      await trx
        .updateTable('communities')
        .set({ member_count: sql`member_count - 1` })
        .where('id', '=', communityId)
        .execute()
    return 'left'
  })
}

/** With `adminId`, the admin is checked under lock and the change logged in the same transaction. */
export async function setMemberRole(
  db: Db,
  communityId: number,
  userId: number,
  role: 'member' | 'moderator',
  adminId?: number,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    if (adminId !== undefined) await lockActiveActor(trx, adminId, { admin: true })
    // The lock order of src/moderation/actor-guard.ts: the member's user row before their membership row, or a
    // role change meeting that member's own write (which holds the user row, then waits for the membership) deadlocks.
    await trx.selectFrom('users').select('id').where('id', '=', userId).forNoKeyUpdate().execute()
    const result = await trx
      .updateTable('community_members')
      .set({ role })
      .where('community_id', '=', communityId)
      .where('user_id', '=', userId)
      .where('status', '=', 'active')
      .executeTakeFirst()
    const changed = Number(result.numUpdatedRows) === 1
    if (changed && adminId !== undefined)
      await writeLog(trx, { actorId: adminId, action: 'role_change', communityId, subjectUserId: userId, reason: role })
    // Their sessions take a new id on their next request (src/web/viewer.ts).
    if (changed) await trx.updateTable('users').set({ role_changed_at: new Date() }).where('id', '=', userId).execute()
    return changed
  })
}

/** Adds someone as an active member directly (admins, demo seed). */
export async function addMember(db: Db, communityId: number, userId: number, role: 'member' | 'moderator' = 'member') {
  await db.transaction().execute((trx) => activateMember(trx, communityId, userId, role))
}

export async function createInvite(
  db: Db,
  input: { communityId: number; createdBy: number; expiresAt: Date; maxUses: number },
): Promise<string> {
  // Only the hash is stored: a database leak does not hand out working invite links.
  const { token, hash } = newLinkToken(18)
  await db.transaction().execute(async (trx) => {
    await lockModerator(trx, input.createdBy, input.communityId)
    await trx
      .insertInto('community_invites')
      .values({
        community_id: input.communityId,
        token_hash: hash,
        created_by: input.createdBy,
        expires_at: input.expiresAt,
        max_uses: input.maxUses,
      })
      .execute()
  })
  return token
}

export async function revokeInvite(
  db: Db,
  communityId: number,
  inviteId: number,
  moderatorId?: number,
): Promise<boolean> {
  const result = await db.transaction().execute(async (trx) => {
    if (moderatorId !== undefined) await lockModerator(trx, moderatorId, communityId)
    return trx
      .updateTable('community_invites')
      .set({ revoked_at: new Date() })
      .where('id', '=', inviteId)
      .where('community_id', '=', communityId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst()
  })
  return Number(result.numUpdatedRows) === 1
}

export async function findInvite(db: Db, token: string) {
  return db
    .selectFrom('community_invites as i')
    .innerJoin('communities as c', 'c.id', 'i.community_id')
    .select([
      'i.id',
      'i.community_id',
      'i.expires_at',
      'i.max_uses',
      'i.uses',
      'i.revoked_at',
      'c.slug',
      'c.name',
      'c.description_html',
    ])
    .where('i.token_hash', '=', hashLinkToken(token))
    .executeTakeFirst()
}

export type InviteState = 'ok' | 'expired' | 'used_up' | 'revoked'

export function inviteState(invite: {
  expires_at: Date
  max_uses: number
  uses: number
  revoked_at: Date | null
}): InviteState {
  if (invite.revoked_at) return 'revoked'
  if (invite.expires_at.getTime() <= Date.now()) return 'expired'
  if (invite.uses >= invite.max_uses) return 'used_up'
  return 'ok'
}

export type AcceptInviteResult =
  { ok: true; slug: string } | { ok: false; reason: InviteState | 'unknown' | 'already_member'; slug?: string }

export async function acceptInvite(db: Db, token: string, userId: number): Promise<AcceptInviteResult> {
  return db.transaction().execute(async (trx) => {
    await lockActiveActor(trx, userId)
    const invite = await trx
      .selectFrom('community_invites as i')
      .innerJoin('communities as c', 'c.id', 'i.community_id')
      .select(['i.id', 'i.community_id', 'i.expires_at', 'i.max_uses', 'i.uses', 'i.revoked_at', 'c.slug'])
      .where('i.token_hash', '=', hashLinkToken(token))
      .forUpdate()
      .executeTakeFirst()
    if (!invite) return { ok: false, reason: 'unknown' } as const
    const state = inviteState(invite)
    if (state !== 'ok') return { ok: false, reason: state, slug: invite.slug } as const
    const joined = await activateMember(trx, invite.community_id, userId, 'member', { inviteId: invite.id })
    if (!joined) return { ok: false, reason: 'already_member', slug: invite.slug } as const
    await trx
      .updateTable('community_invites')
      .set({ uses: sql`uses + 1` })
      .where('id', '=', invite.id)
      .execute()
    return { ok: true, slug: invite.slug } as const
  })
}
