// Moderation commands: flags, review items, content tools, people. Each in one transaction, each logged.
import { sql } from 'kysely'
import type { Db } from '../db/connect.js'
import type { FlagReason, FlagTarget } from '../db/database.js'
import { writeLog } from './log.js'
import { findTarget, lockTargetRow, setTargetStatus, type Target } from './targets.js'
import { lockActiveActor, lockModerator } from './actor-guard.js'
import { notFound } from '../web/errors.js'
import { announceApproved, announceHidden } from '../notifications/producers.js'
import type { NotifyConfig } from '../notifications/notify.js'

export const defaultFlagThreshold = 3

export type FlagResult = 'flagged' | 'hidden' | 'already_flagged' | 'own_content' | 'not_found'

export async function flagContent(
  db: Db,
  input: {
    type: FlagTarget
    id: number
    reporterId: number
    reason: FlagReason
    note: string | null
    threshold?: number
    /** Tell the author when the flags hide their content; without it nobody is told. */
    reach?: NotifyConfig
  },
): Promise<FlagResult> {
  return db.transaction().execute(async (trx) => {
    const unlocked = await findTarget(trx, input.type, input.id)
    if (!unlocked) return 'not_found'
    const reporter = await lockActiveActor(trx, input.reporterId, { communityId: unlocked.communityId })
    // Members-only discussions are flagged by their members only (a removed member no longer can).
    if ((input.type === 'thread' || input.type === 'post') && unlocked.communityId !== null && !reporter.isMember) {
      const community = await trx
        .selectFrom('communities')
        .select('visibility')
        .where('id', '=', unlocked.communityId)
        .executeTakeFirst()
      if (community?.visibility !== 'public') throw notFound()
    }
    // Flags on one item queue here: the first opens the review item, the count of reporters is exact, and the same
    // member flagging twice at once is told they already did, as when they do it twice in a row.
    await lockTargetRow(trx, input.type, input.id)
    const target = await findTarget(trx, input.type, input.id)
    if (!target || target.status === 'deleted') return 'not_found'
    if (target.authorId === input.reporterId) return 'own_content'
    const earlier = await trx
      .selectFrom('flags')
      .select('id')
      .where('target_type', '=', input.type)
      .where('target_id', '=', input.id)
      .where('reporter_id', '=', input.reporterId)
      .executeTakeFirst()
    if (earlier) return 'already_flagged'
    const item = await openReviewItem(trx, target, 'flagged')
    const inserted = await trx
      .insertInto('flags')
      .values({
        target_type: input.type,
        target_id: input.id,
        reporter_id: input.reporterId,
        reason: input.reason,
        note: input.note,
        review_item_id: item,
      })
      .onConflict((oc) => oc.constraint('flags_one_per_member').doNothing())
      .returning('id')
      .executeTakeFirst()
    if (!inserted) return 'already_flagged'
    const { reporters } = await trx
      .selectFrom('flags')
      .select((eb) => eb.fn.count<number>('reporter_id').distinct().as('reporters'))
      .where('review_item_id', '=', item)
      .executeTakeFirstOrThrow()
    if (Number(reporters) >= (input.threshold ?? defaultFlagThreshold) && target.status === 'visible') {
      await setTargetStatus(trx, target, 'hidden', { reason: null, by: null })
      await writeLog(trx, {
        actorId: null,
        action: 'auto_hide',
        targetType: target.type,
        targetId: target.id,
        communityId: target.communityId,
        subjectUserId: target.authorId,
        reason: `${reporters} flags`,
      })
      if (input.reach) await announceHidden(trx, input.reach, target, null, null, 'notifications.reason.flagged')
      return 'hidden'
    }
    return 'flagged'
  })
}

/** The one pending item for this content (flags and queued posts gather there), created when needed. */
async function openReviewItem(
  trx: Parameters<typeof setTargetStatus>[0],
  target: Target,
  kind: 'flagged' | 'queued',
): Promise<number> {
  const open = await trx
    .selectFrom('review_items')
    .select('id')
    .where('target_type', '=', target.type)
    .where('target_id', '=', target.id)
    .where('status', '=', 'pending')
    .forUpdate()
    .executeTakeFirst()
  if (open) return open.id
  const row = await trx
    .insertInto('review_items')
    .values({ target_type: target.type, target_id: target.id, community_id: target.communityId, kind })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

/** Puts new content that waits for approval in the queue (called by the write commands in their transaction). */
export async function queueForReview(trx: Parameters<typeof setTargetStatus>[0], type: FlagTarget, id: number) {
  const target = await findTarget(trx, type, id)
  if (target) await openReviewItem(trx, target, 'queued')
}

export type ReviewAction = 'keep' | 'hide' | 'delete' | 'approve' | 'reject'
export type ResolveResult = 'resolved' | 'already_resolved' | 'not_found' | 'wrong_action'

export async function resolveReviewItem(
  db: Db,
  input: {
    itemId: number
    moderatorId: number
    action: ReviewAction
    reason: string | null
    /** Tell the author (approved, hidden) and, once approved, everyone the content is for. */
    reach?: NotifyConfig
  },
): Promise<ResolveResult> {
  return db.transaction().execute(async (trx) => {
    const unlocked = await trx
      .selectFrom('review_items')
      .select('community_id')
      .where('id', '=', input.itemId)
      .executeTakeFirst()
    if (!unlocked) return 'not_found'
    await lockModerator(trx, input.moderatorId, unlocked.community_id)
    const item = await trx
      .selectFrom('review_items')
      .selectAll()
      .where('id', '=', input.itemId)
      .forUpdate()
      .executeTakeFirst()
    if (!item) return 'not_found'
    if (item.status !== 'pending') return 'already_resolved'
    const target = await findTarget(trx, item.target_type, item.target_id)
    if (!target) return 'not_found'
    const queued = item.kind === 'queued'
    if (
      queued !== (input.action === 'approve' || input.action === 'reject') &&
      !(queued && (input.action === 'hide' || input.action === 'delete'))
    )
      return 'wrong_action'

    let status: 'approved' | 'rejected' | 'ignored' = 'approved'
    if (input.action === 'keep') {
      status = 'ignored'
      // Flags dismissed: content that was hidden automatically by them comes back.
      if (target.status === 'hidden' && target.hiddenBy === null)
        await setTargetStatus(trx, target, 'visible', { reason: null, by: input.moderatorId })
    } else if (input.action === 'approve') {
      // The author's membership row before the thread's: the order the author's own replies lock them in.
      if (target.communityId !== null) {
        await trx
          .updateTable('community_members')
          .set({ approved_posts: sql`approved_posts + 1` })
          .where('community_id', '=', target.communityId)
          .where('user_id', '=', target.authorId)
          .execute()
      }
      await setTargetStatus(trx, target, 'visible', { reason: null, by: input.moderatorId })
      if (input.reach && target.status === 'pending')
        await announceApproved(trx, input.reach, target, input.moderatorId)
    } else if (input.action === 'reject') {
      status = 'rejected'
      await setTargetStatus(trx, target, 'deleted', { reason: input.reason, by: input.moderatorId })
      if (input.reach) await announceHidden(trx, input.reach, target, input.reason, input.moderatorId)
    } else {
      await setTargetStatus(trx, target, input.action === 'hide' ? 'hidden' : 'deleted', {
        reason: input.reason,
        by: input.moderatorId,
      })
      if (input.reach) await announceHidden(trx, input.reach, target, input.reason, input.moderatorId)
    }
    await trx
      .updateTable('review_items')
      .set({
        status,
        resolution: input.action,
        resolution_reason: input.reason,
        resolved_by: input.moderatorId,
        resolved_at: new Date(),
      })
      .where('id', '=', item.id)
      .execute()
    await writeLog(trx, {
      actorId: input.moderatorId,
      action: input.action,
      targetType: target.type,
      targetId: target.id,
      communityId: target.communityId,
      subjectUserId: target.authorId,
      reason: input.reason,
    })
    return 'resolved'
  })
}

/** Hide or restore directly from the content (not from the queue); open items on it are resolved with it. */
export async function setVisibility(
  db: Db,
  input: { target: Target; moderatorId: number; hide: boolean; reason: string | null; reach?: NotifyConfig },
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await lockModerator(trx, input.moderatorId, input.target.communityId)
    await lockTargetRow(trx, input.target.type, input.target.id)
    const target = await findTarget(trx, input.target.type, input.target.id)
    if (!target) return false
    if (target.communityId !== input.target.communityId) throw notFound()
    if (input.hide ? target.status !== 'visible' : target.status !== 'hidden') return false
    await setTargetStatus(trx, target, input.hide ? 'hidden' : 'visible', {
      reason: input.reason,
      by: input.moderatorId,
    })
    if (input.hide && input.reach) await announceHidden(trx, input.reach, target, input.reason, input.moderatorId)
    await trx
      .updateTable('review_items')
      .set({
        status: input.hide ? 'approved' : 'ignored',
        resolution: input.hide ? 'hide' : 'restore',
        resolution_reason: input.reason,
        resolved_by: input.moderatorId,
        resolved_at: new Date(),
      })
      .where('target_type', '=', target.type)
      .where('target_id', '=', target.id)
      .where('status', '=', 'pending')
      .execute()
    await writeLog(trx, {
      actorId: input.moderatorId,
      action: input.hide ? 'hide' : 'restore',
      targetType: target.type,
      targetId: target.id,
      communityId: target.communityId,
      subjectUserId: target.authorId,
      reason: input.reason,
    })
    return true
  })
}

export type ThreadToggle = 'lock' | 'unlock' | 'pin' | 'unpin'

export async function toggleThread(
  db: Db,
  input: { threadId: number; communityId: number; moderatorId: number; action: ThreadToggle; reason: string | null },
) {
  await db.transaction().execute(async (trx) => {
    await lockModerator(trx, input.moderatorId, input.communityId)
    // The reason is shown on the thread while the lock or pin holds, and goes with it.
    const set =
      input.action === 'lock' || input.action === 'unlock'
        ? { locked: input.action === 'lock', lock_reason: input.action === 'lock' ? input.reason : null }
        : { pinned: input.action === 'pin', pin_reason: input.action === 'pin' ? input.reason : null }
    await trx
      .updateTable('threads')
      .set(set)
      .where('id', '=', input.threadId)
      .where('community_id', '=', input.communityId)
      .execute()
    await writeLog(trx, {
      actorId: input.moderatorId,
      action: input.action,
      targetType: 'thread',
      targetId: input.threadId,
      communityId: input.communityId,
      reason: input.reason,
    })
  })
}

export async function moveThread(
  db: Db,
  input: {
    threadId: number
    fromCommunityId: number
    toCommunityId: number
    moderatorId: number
    reason: string | null
  },
) {
  await db.transaction().execute(async (trx) => {
    // Moving is acting in both communities: the moderator must still look after both.
    await lockModerator(trx, input.moderatorId, input.fromCommunityId)
    await lockModerator(trx, input.moderatorId, input.toCommunityId)
    const thread = await trx
      .selectFrom('threads')
      .select(['status'])
      .where('id', '=', input.threadId)
      .where('community_id', '=', input.fromCommunityId)
      .forUpdate()
      .executeTakeFirst()
    if (!thread) throw notFound()
    await trx
      .updateTable('threads')
      .set({ community_id: input.toCommunityId })
      .where('id', '=', input.threadId)
      .execute()
    if (thread.status === 'visible') {
      await trx
        .updateTable('communities')
        .set({ thread_count: sql`thread_count - 1` })
        .where('id', '=', input.fromCommunityId)
        .execute()
      await trx
        .updateTable('communities')
        .set({
          thread_count: sql`thread_count + 1`,
          last_activity_at: sql`greatest(coalesce(last_activity_at, now()), now())`,
        })
        .where('id', '=', input.toCommunityId)
        .execute()
    }
    await trx
      .updateTable('review_items')
      .set({ community_id: input.toCommunityId })
      .where('target_type', '=', 'thread')
      .where('target_id', '=', input.threadId)
      .execute()
    const { enqueueSearch } = await import('../search/outbox.js')
    await enqueueSearch(trx, 'thread', input.threadId)
    await writeLog(trx, {
      actorId: input.moderatorId,
      action: 'move',
      targetType: 'thread',
      targetId: input.threadId,
      communityId: input.toCommunityId,
      reason: input.reason ?? `from community ${input.fromCommunityId}`,
    })
  })
}

export type SuspendResult = 'suspended' | 'not_found' | 'is_admin'

/** `untilDay` is the day as the admin chose it, for the log; `until` the moment it ends. */
export async function suspendUser(
  db: Db,
  input: { userId: number; adminId: number; reason: string; until: Date | null; untilDay?: string | null },
): Promise<SuspendResult> {
  return db.transaction().execute(async (trx) => {
    await lockActiveActor(trx, input.adminId, { admin: true })
    const user = await trx
      .selectFrom('users')
      .select(['site_role'])
      .where('id', '=', input.userId)
      .forUpdate()
      .executeTakeFirst()
    if (!user) return 'not_found'
    if (user.site_role === 'admin') {
      await writeLog(trx, {
        actorId: input.adminId,
        action: 'suspend',
        subjectUserId: input.userId,
        reason: input.reason,
        refused: true,
      })
      return 'is_admin'
    }
    await trx
      .updateTable('users')
      .set({ status: 'suspended', suspended_until: input.until, suspension_reason: input.reason })
      .where('id', '=', input.userId)
      .execute()
    await writeLog(trx, {
      actorId: input.adminId,
      action: 'suspend',
      subjectUserId: input.userId,
      reason: `${input.reason}${input.until ? ` (until ${input.untilDay ?? input.until.toISOString().slice(0, 10)})` : ''}`,
    })
    return 'suspended'
  })
}

export async function liftSuspension(db: Db, input: { userId: number; adminId: number }): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await lockActiveActor(trx, input.adminId, { admin: true })
    const result = await trx
      .updateTable('users')
      .set({ status: 'active', suspended_until: null, suspension_reason: null })
      .where('id', '=', input.userId)
      .where('status', '=', 'suspended')
      .executeTakeFirst()
    if (Number(result.numUpdatedRows) !== 1) return false
    await writeLog(trx, { actorId: input.adminId, action: 'unsuspend', subjectUserId: input.userId })
    return true
  })
}

export async function removeMember(
  db: Db,
  input: { communityId: number; userId: number; moderatorId: number; reason: string | null },
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await lockModerator(trx, input.moderatorId, input.communityId)
    const row = await trx
      .selectFrom('community_members')
      .select(['status', 'role'])
      .where('community_id', '=', input.communityId)
      .where('user_id', '=', input.userId)
      .forUpdate()
      .executeTakeFirst()
    if (!row || row.role === 'moderator') return false
    await trx
      .deleteFrom('community_members')
      .where('community_id', '=', input.communityId)
      .where('user_id', '=', input.userId)
      .execute()
    if (row.status === 'active')
      await trx
        .updateTable('communities')
        .set({ member_count: sql`member_count - 1` })
        .where('id', '=', input.communityId)
        .execute()
    await writeLog(trx, {
      actorId: input.moderatorId,
      action: 'remove_member',
      communityId: input.communityId,
      subjectUserId: input.userId,
      reason: input.reason,
    })
    return true
  })
}

export async function addWatchedWord(
  db: Db,
  input: { phrase: string; action: 'block' | 'queue'; adminId: number },
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await lockActiveActor(trx, input.adminId, { admin: true })
    const exists = await trx
      .selectFrom('watched_words')
      .select('id')
      .where(sql`lower(phrase)`, '=', input.phrase.toLowerCase())
      .executeTakeFirst()
    if (exists) return false
    await trx
      .insertInto('watched_words')
      .values({ phrase: input.phrase, action: input.action, created_by: input.adminId })
      .execute()
    await writeLog(trx, {
      actorId: input.adminId,
      action: 'watched_word_add',
      reason: `${input.action}: ${input.phrase}`,
    })
    return true
  })
}

export async function removeWatchedWord(db: Db, input: { id: number; adminId: number }): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await lockActiveActor(trx, input.adminId, { admin: true })
    const row = await trx
      .deleteFrom('watched_words')
      .where('id', '=', input.id)
      .returning(['phrase', 'action'])
      .executeTakeFirst()
    if (!row) return false
    await writeLog(trx, {
      actorId: input.adminId,
      action: 'watched_word_remove',
      reason: `${row.action}: ${row.phrase}`,
    })
    return true
  })
}
