// Meeting writes, one per user intention, each in a transaction; staff acts go to the moderation log.
import { sql, type Transaction } from 'kysely'
import type { Db } from '../db/connect.js'
import type { ActionItemStatus, Database } from '../db/database.js'
import { freeSlug, insertDraft, noPractice } from '../library/commands.js'
import type { DetectOptions } from '../redaction/detect.js'
import { renderMarkdown } from '../markdown/render.js'
import { writeLog } from '../moderation/log.js'
import { lockActiveActor, lockModerator, type LockedActor } from '../moderation/actor-guard.js'
import { conflict, forbidden, notFound } from '../web/errors.js'
import type { StaleEdit } from '../web/edit-version.js'
import { slugify } from '../web/params.js'
import type { ActionItemData, MeetingData, RoomData } from './fields.js'
import { announceMeeting, type MeetingMailConfig } from './mail.js'
import { notifyActionAssigned, notifyDelegate, notifyTopicVote } from './notices.js'

type Trx = Transaction<Database>

/** The actor of a write on a meeting, locked with their membership in the meeting's community (see actor-guard.ts). */
async function lockMeetingActor(
  trx: Trx,
  meetingId: number,
  userId: number,
  need: 'member' | 'moderator',
  options: { planned?: boolean; heldRefusal?: string; guestMay?: boolean } = {},
): Promise<LockedActor> {
  const meeting = await trx.selectFrom('meetings').select('community_id').where('id', '=', meetingId).executeTakeFirst()
  if (!meeting) throw notFound()
  // Attending, asking and upvoting are open to a guest invited to this meeting (src/guests/policy.ts).
  const actor = await lockActiveActor(trx, userId, {
    communityId: meeting.community_id,
    need,
    guest: options.guestMay ? { meetingId } : undefined,
  })
  if (options.planned) {
    // Answers and questions are for a meeting that will take place: a cancellation saved meanwhile holds for them.
    const row = await trx
      .selectFrom('meetings')
      .select(['cancelled_at', 'ends_at'])
      .where('id', '=', meetingId)
      .forShare()
      .executeTakeFirstOrThrow()
    if (row.cancelled_at !== null) throw conflict('meetings.error.cancelled_closed')
    // A held meeting (its end has passed) keeps the attendance and votes it had: `heldRefusal` says why not.
    if (options.heldRefusal && row.ends_at.getTime() <= Date.now()) throw conflict(options.heldRefusal)
  }
  return actor
}

// An agenda is rendered before its transaction begins, so no row lock is held while the Markdown is read.
const renderAgenda = (agendaMd: string) => (agendaMd.trim() ? renderMarkdown(agendaMd).html : '')

export async function createMeeting(
  db: Db,
  input: {
    communityId: number
    organiserId: number
    data: MeetingData
    themeIds: number[]
    fromTopicId?: number
    isDemo?: boolean
    /** Tells the members (notifications and invitations); without it (the demo's seed) nobody is told. */
    reach?: MeetingMailConfig
  },
): Promise<number> {
  const agendaHtml = renderAgenda(input.data.agendaMd)
  return db.transaction().execute(async (trx) => {
    await lockModerator(trx, input.organiserId, input.communityId)
    const { data } = input
    const row = await trx
      .insertInto('meetings')
      .values({
        community_id: input.communityId,
        organiser_id: input.organiserId,
        title: data.title,
        topic: data.topic,
        starts_at: data.startsAt,
        ends_at: data.endsAt,
        time_zone: data.timeZone,
        online_url: data.onlineUrl,
        agenda_md: data.agendaMd,
        agenda_html: agendaHtml,
        is_demo: input.isDemo ?? false,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    if (input.themeIds.length)
      await trx
        .insertInto('meeting_themes')
        .values(input.themeIds.map((tag_id) => ({ meeting_id: row.id, tag_id })))
        .execute()
    if (input.fromTopicId)
      await trx.updateTable('meeting_topics').set({ status: 'closed' }).where('id', '=', input.fromTopicId).execute()
    await writeLog(trx, {
      actorId: input.organiserId,
      action: 'meeting.create',
      targetType: 'meeting',
      targetId: row.id,
      communityId: input.communityId,
    })
    if (input.reach)
      await announceMeeting(trx, input.reach, {
        meetingId: row.id,
        kind: 'meeting_planned',
        actorId: input.organiserId,
      })
    return row.id
  })
}

/** Locks the meeting for a read-modify-write; a cancelled one is final, so neither edit nor cancel may touch it. */
async function lockOpenMeeting(trx: Transaction<Database>, meetingId: number): Promise<'ok' | 'missing' | 'cancelled'> {
  const state = await lockUnheldMeeting(trx, meetingId)
  return state === 'held' ? 'ok' : state
}

/** As lockOpenMeeting, and a meeting whose end has passed answers `held`: it took place, so it is not cancelled. */
async function lockUnheldMeeting(trx: Trx, meetingId: number): Promise<'ok' | 'missing' | 'cancelled' | 'held'> {
  const row = await trx
    .selectFrom('meetings')
    .select(['cancelled_at', 'ends_at'])
    .where('id', '=', meetingId)
    .forUpdate()
    .executeTakeFirst()
  if (!row) return 'missing'
  if (row.cancelled_at !== null) return 'cancelled'
  return row.ends_at.getTime() <= Date.now() ? 'held' : 'ok'
}

/** For writes that add to or change a meeting's record (rooms, notes, questions discussed, action items): a cancelled
 * meeting is closed, so a cancellation saved meanwhile holds for them (a 409, as for the corrections). */
async function refuseCancelledMeeting(trx: Trx, meetingId: number) {
  const state = await lockOpenMeeting(trx, meetingId)
  if (state === 'missing') throw notFound()
  if (state === 'cancelled') throw conflict('meetings.error.cancelled_corrections')
}

export type MeetingChange = { ok: true } | { ok: false; reason: 'missing' | 'cancelled' }

/** Cancelling or moving a meeting that has been held is refused: it took place at the time it had. */
export type HeldMeetingChange = MeetingChange | { ok: false; reason: 'held' }

/** The version an edit form of a meeting carries: its SEQUENCE, which every edit and cancellation raises, plus one
 * (SEQUENCE starts at 0, a form's version at 1). */
export const meetingFormVersion = (meeting: { sequence: number }) => meeting.sequence + 1

/** Replaces what the organiser planned; SEQUENCE goes up so calendar apps that hold the old version take the new one.
 * `version` is the one the form was opened at: a meeting edited since answers `stale` with what it holds now. */
export async function editMeeting(
  db: Db,
  input: {
    meetingId: number
    actorId: number
    communityId: number
    data: MeetingData
    themeIds: number[]
    version: number | null
    reach?: MeetingMailConfig
  },
): Promise<HeldMeetingChange | StaleEdit<{ title: string; bodyHtml: string; version: number }>> {
  const agendaHtml = renderAgenda(input.data.agendaMd)
  return db.transaction().execute(async (trx) => {
    await lockModerator(trx, input.actorId, input.communityId)
    const state = await lockOpenMeeting(trx, input.meetingId)
    if (state !== 'ok') return { ok: false, reason: state }
    const current = await trx
      .selectFrom('meetings')
      .select(['title', 'agenda_html', 'sequence', 'starts_at', 'ends_at', 'time_zone', 'online_url'])
      .where('id', '=', input.meetingId)
      .executeTakeFirstOrThrow()
    if (meetingFormVersion(current) !== input.version) {
      return {
        ok: false,
        reason: 'stale',
        current: { title: current.title, bodyHtml: current.agenda_html, version: meetingFormVersion(current) },
      }
    }
    const { data } = input
    // A held meeting keeps the time it took place at (checked under the lock: its end may pass while the form is open);
    // its title, agenda and themes may still be corrected.
    const retimed =
      current.starts_at.getTime() !== data.startsAt.getTime() ||
      current.ends_at.getTime() !== data.endsAt.getTime() ||
      current.time_zone !== data.timeZone
    if (retimed && current.ends_at.getTime() <= Date.now()) return { ok: false, reason: 'held' }
    await trx
      .updateTable('meetings')
      .set((eb) => ({
        title: data.title,
        topic: data.topic,
        starts_at: data.startsAt,
        ends_at: data.endsAt,
        time_zone: data.timeZone,
        online_url: data.onlineUrl,
        agenda_md: data.agendaMd,
        agenda_html: agendaHtml,
        sequence: eb('sequence', '+', 1),
        updated_at: sql<Date>`now()`,
      }))
      .where('id', '=', input.meetingId)
      .execute()
    await trx.deleteFrom('meeting_themes').where('meeting_id', '=', input.meetingId).execute()
    if (input.themeIds.length)
      await trx
        .insertInto('meeting_themes')
        .values(input.themeIds.map((tag_id) => ({ meeting_id: input.meetingId, tag_id })))
        .execute()
    await writeLog(trx, {
      actorId: input.actorId,
      action: 'meeting.edit',
      targetType: 'meeting',
      targetId: input.meetingId,
      communityId: input.communityId,
    })
    // Calendar apps and members need to hear of a new time, place or title; a reworded agenda is not worth an email
    // (the raised SEQUENCE still lets the next update replace the event).
    const moved =
      current.starts_at.getTime() !== data.startsAt.getTime() ||
      current.ends_at.getTime() !== data.endsAt.getTime() ||
      current.online_url !== data.onlineUrl ||
      current.title !== data.title
    if (input.reach && moved)
      await announceMeeting(trx, input.reach, {
        meetingId: input.meetingId,
        kind: 'meeting_changed',
        actorId: input.actorId,
      })
    return { ok: true }
  })
}

/** Cancels once: the meeting stays (with its reason) so members and calendar feeds learn it will not take place. */
export async function cancelMeeting(
  db: Db,
  input: {
    meetingId: number
    actorId: number
    communityId: number
    reason: string | null
    reach?: MeetingMailConfig
  },
): Promise<HeldMeetingChange> {
  return db.transaction().execute(async (trx) => {
    await lockModerator(trx, input.actorId, input.communityId)
    // A held meeting took place: it is not cancelled afterwards.
    const state = await lockUnheldMeeting(trx, input.meetingId)
    if (state !== 'ok') return { ok: false, reason: state }
    await trx
      .updateTable('meetings')
      .set((eb) => ({
        cancelled_at: sql<Date>`now()`,
        cancel_reason: input.reason,
        sequence: eb('sequence', '+', 1),
        updated_at: sql<Date>`now()`,
      }))
      .where('id', '=', input.meetingId)
      .execute()
    await writeLog(trx, {
      actorId: input.actorId,
      action: 'meeting.cancel',
      targetType: 'meeting',
      targetId: input.meetingId,
      communityId: input.communityId,
      reason: input.reason,
    })
    if (input.reach)
      await announceMeeting(trx, input.reach, {
        meetingId: input.meetingId,
        kind: 'meeting_cancelled',
        actorId: input.actorId,
      })
    return { ok: true }
  })
}

/** Says yes or no; a delegate is someone who goes on the member's behalf and then counts as attending. */
export async function setAttendance(
  db: Db,
  input: {
    meetingId: number
    userId: number
    attending: boolean
    delegateId: number | null
    reach?: MeetingMailConfig
    /** A held meeting's attendance is closed; only the demo's seed, recording a past meeting's answers, opens it. */
    allowHeld?: boolean
  },
) {
  await db.transaction().execute(async (trx) => {
    await lockMeetingActor(trx, input.meetingId, input.userId, 'member', {
      planned: true,
      guestMay: true,
      heldRefusal: input.allowHeld ? undefined : 'meeting_page.error.held_attendance',
    })
    const before = await trx
      .selectFrom('meeting_attendance')
      .select('delegate_id')
      .where('meeting_id', '=', input.meetingId)
      .where('user_id', '=', input.userId)
      // Locked when it exists, so the same delegate sent twice at once is announced once.
      .forUpdate()
      .executeTakeFirst()
    // An upsert: the same answer sent twice at once is one row, as when it is sent twice in a row.
    await trx
      .insertInto('meeting_attendance')
      .values({
        meeting_id: input.meetingId,
        user_id: input.userId,
        attending: input.attending,
        delegate_id: input.delegateId,
        updated_at: new Date(),
      })
      .onConflict((oc) =>
        oc
          .columns(['meeting_id', 'user_id'])
          .doUpdateSet({ attending: input.attending, delegate_id: input.delegateId, updated_at: new Date() }),
      )
      .execute()
    // Told once when named, not again when the member sends the same answer twice.
    if (input.reach && input.delegateId !== null && input.delegateId !== before?.delegate_id)
      await notifyDelegate(trx, input.reach, {
        meetingId: input.meetingId,
        memberId: input.userId,
        delegateId: input.delegateId,
      })
  })
}

export async function askQuestion(
  db: Db,
  input: { meetingId: number; authorId: number; body: string },
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await lockMeetingActor(trx, input.meetingId, input.authorId, 'member', { planned: true, guestMay: true })
    const row = await trx
      .insertInto('meeting_questions')
      .values({ meeting_id: input.meetingId, author_id: input.authorId, body: input.body })
      .returning('id')
      .executeTakeFirstOrThrow()
    return row.id
  })
}

/** One vote per member per question: a second one changes nothing and says so. A held meeting's votes are closed;
 * only the demo's seed (`allowHeld`) records votes of a past meeting. */
export async function upvoteQuestion(
  db: Db,
  questionId: number,
  userId: number,
  options: { allowHeld?: boolean } = {},
): Promise<{ ok: boolean }> {
  return db.transaction().execute(async (trx) => {
    const question = await trx
      .selectFrom('meeting_questions')
      .select('meeting_id')
      .where('id', '=', questionId)
      .executeTakeFirst()
    if (!question) throw notFound()
    await lockMeetingActor(trx, question.meeting_id, userId, 'member', {
      planned: true,
      guestMay: true,
      heldRefusal: options.allowHeld ? undefined : 'meeting_page.error.held_upvote',
    })
    const rows = await trx
      .insertInto('meeting_question_votes')
      .values({ question_id: questionId, user_id: userId })
      .onConflict((oc) => oc.doNothing())
      .returning('question_id')
      .execute()
    return { ok: rows.length === 1 }
  })
}

export async function markDiscussed(
  db: Db,
  input: { questionId: number; discussed: boolean; actorId: number; communityId: number },
) {
  await db.transaction().execute(async (trx) => {
    await lockModerator(trx, input.actorId, input.communityId)
    const question = await trx
      .selectFrom('meeting_questions')
      .select('meeting_id')
      .where('id', '=', input.questionId)
      .executeTakeFirst()
    if (!question) throw notFound()
    await refuseCancelledMeeting(trx, question.meeting_id)
    await trx
      .updateTable('meeting_questions')
      .set({ discussed: input.discussed })
      .where('id', '=', input.questionId)
      .execute()
    await writeLog(trx, {
      actorId: input.actorId,
      action: input.discussed ? 'meeting.question_discussed' : 'meeting.question_undiscussed',
      targetType: 'meeting_question',
      targetId: input.questionId,
      communityId: input.communityId,
    })
  })
}

export async function addRoom(
  db: Db,
  input: {
    meetingId: number
    name: string
    language: string
    facilitatorId: number | null
    noteTakerId: number | null
    actorId: number
    communityId: number
  },
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await lockModerator(trx, input.actorId, input.communityId)
    await refuseCancelledMeeting(trx, input.meetingId)
    const row = await trx
      .insertInto('meeting_rooms')
      .values({
        meeting_id: input.meetingId,
        name: input.name,
        language: input.language,
        facilitator_id: input.facilitatorId,
        note_taker_id: input.noteTakerId,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await writeLog(trx, {
      actorId: input.actorId,
      action: 'meeting.room_add',
      targetType: 'meeting',
      targetId: input.meetingId,
      communityId: input.communityId,
    })
    return row.id
  })
}

export type RoomNotes = { worked: string; didNotWork: string; callToAction: string }
export type NotesResult = { ok: true } | { ok: false; reason: 'missing' } | StaleEdit<RoomNotes & { version: number }>

/**
 * `version` is the one the notes form was opened at; a room whose notes were saved since answers `stale`.
 * With `actorId`: its facilitator or note-taker (still a member), or a moderator, checked under lock.
 */
export async function updateRoomNotes(
  db: Db,
  roomId: number,
  notes: RoomNotes,
  version: number | null,
  actorId?: number,
): Promise<NotesResult> {
  return db.transaction().execute(async (trx) => {
    if (actorId !== undefined) {
      const room = await trx
        .selectFrom('meeting_rooms')
        .select(['meeting_id', 'facilitator_id', 'note_taker_id'])
        .where('id', '=', roomId)
        .executeTakeFirst()
      if (!room) throw notFound()
      const actor = await lockMeetingActor(trx, room.meeting_id, actorId, 'member')
      if (!actor.isModerator && room.facilitator_id !== actorId && room.note_taker_id !== actorId)
        throw forbidden('meetings.error.notes_not_yours')
    }
    const room = await trx.selectFrom('meeting_rooms').select('meeting_id').where('id', '=', roomId).executeTakeFirst()
    if (!room) return { ok: false, reason: 'missing' } as const
    await refuseCancelledMeeting(trx, room.meeting_id)
    const current = await trx
      .selectFrom('meeting_rooms')
      .select(['worked_md', 'did_not_work_md', 'call_to_action_md', 'version'])
      .where('id', '=', roomId)
      .forNoKeyUpdate()
      .executeTakeFirst()
    if (!current) return { ok: false, reason: 'missing' } as const
    if (current.version !== version) {
      const newer = {
        worked: current.worked_md,
        didNotWork: current.did_not_work_md,
        callToAction: current.call_to_action_md,
        version: current.version,
      }
      return { ok: false, reason: 'stale', current: newer } as const
    }
    await trx
      .updateTable('meeting_rooms')
      .set({
        worked_md: notes.worked,
        did_not_work_md: notes.didNotWork,
        call_to_action_md: notes.callToAction,
        updated_at: new Date(),
        version: current.version + 1,
      })
      .where('id', '=', roomId)
      .execute()
    return { ok: true } as const
  })
}

/** With `actorId`: a moderator of the meeting's community, checked under lock. */
export async function addActionItem(
  db: Db,
  input: {
    meetingId: number
    text: string
    ownerId: number | null
    dueOn: string | null
    actorId?: number
    reach?: MeetingMailConfig
  },
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    if (input.actorId !== undefined) await lockMeetingActor(trx, input.meetingId, input.actorId, 'moderator')
    await refuseCancelledMeeting(trx, input.meetingId)
    const row = await trx
      .insertInto('meeting_action_items')
      .values({ meeting_id: input.meetingId, text: input.text, owner_id: input.ownerId, due_on: input.dueOn })
      .returning('id')
      .executeTakeFirstOrThrow()
    if (input.reach && input.ownerId !== null)
      await notifyActionAssigned(trx, input.reach, {
        itemId: row.id,
        ownerId: input.ownerId,
        actorId: input.actorId ?? null,
      })
    return row.id
  })
}

/** With `actorId`: the item's owner (still a member) or a moderator, checked under lock. */
export async function setActionItemStatus(db: Db, itemId: number, status: ActionItemStatus, actorId?: number) {
  await db.transaction().execute(async (trx) => {
    if (actorId !== undefined) {
      const item = await trx
        .selectFrom('meeting_action_items')
        .select(['meeting_id', 'owner_id'])
        .where('id', '=', itemId)
        .executeTakeFirst()
      if (!item) throw notFound()
      const actor = await lockMeetingActor(trx, item.meeting_id, actorId, 'member')
      if (!actor.isModerator && item.owner_id !== actorId) throw forbidden('meetings.error.item_not_yours')
    }
    const item = await trx
      .selectFrom('meeting_action_items')
      .select('meeting_id')
      .where('id', '=', itemId)
      .executeTakeFirst()
    if (!item) throw notFound()
    await refuseCancelledMeeting(trx, item.meeting_id)
    await trx
      .updateTable('meeting_action_items')
      .set({ status, updated_at: new Date() })
      .where('id', '=', itemId)
      .execute()
  })
}

// --- Corrections by planners (and a question's withdrawal by its author) ---------------------------------
// Each locks the meeting first: a cancelled meeting is a closed record, and a cancel that races a correction wins cleanly.

/** `version` is the one the item's form was opened at; an item changed since answers `stale` with its current text. */
export async function editActionItem(
  db: Db,
  input: {
    meetingId: number
    itemId: number
    actorId: number
    communityId: number
    data: ActionItemData
    version: number | null
    reach?: MeetingMailConfig
  },
): Promise<MeetingChange | StaleEdit<{ title: string; version: number }>> {
  return db.transaction().execute(async (trx) => {
    await lockModerator(trx, input.actorId, input.communityId)
    const state = await lockOpenMeeting(trx, input.meetingId)
    if (state !== 'ok') return { ok: false, reason: state }
    const { data } = input
    const current = await trx
      .selectFrom('meeting_action_items')
      .select(['text', 'version', 'owner_id'])
      .where('id', '=', input.itemId)
      .where('meeting_id', '=', input.meetingId)
      .forNoKeyUpdate()
      .executeTakeFirst()
    if (!current) return { ok: false, reason: 'missing' }
    if (current.version !== input.version)
      return { ok: false, reason: 'stale', current: { title: current.text, version: current.version } }
    const row = await trx
      .updateTable('meeting_action_items')
      .set({
        text: data.text,
        owner_id: data.ownerId,
        due_on: data.dueOn,
        updated_at: new Date(),
        version: current.version + 1,
      })
      .where('id', '=', input.itemId)
      .where('meeting_id', '=', input.meetingId)
      .returning('id')
      .executeTakeFirst()
    if (!row) return { ok: false, reason: 'missing' }
    await writeLog(trx, {
      actorId: input.actorId,
      action: 'meeting.item_edit',
      targetType: 'meeting_action_item',
      targetId: input.itemId,
      communityId: input.communityId,
    })
    if (input.reach && data.ownerId !== null && data.ownerId !== current.owner_id)
      await notifyActionAssigned(trx, input.reach, {
        itemId: input.itemId,
        ownerId: data.ownerId,
        actorId: input.actorId,
      })
    return { ok: true }
  })
}

export async function deleteActionItem(
  db: Db,
  input: { meetingId: number; itemId: number; actorId: number; communityId: number },
): Promise<MeetingChange> {
  return db.transaction().execute(async (trx) => {
    await lockModerator(trx, input.actorId, input.communityId)
    const state = await lockOpenMeeting(trx, input.meetingId)
    if (state !== 'ok') return { ok: false, reason: state }
    const row = await trx
      .deleteFrom('meeting_action_items')
      .where('id', '=', input.itemId)
      .where('meeting_id', '=', input.meetingId)
      .returning('text')
      .executeTakeFirst()
    if (!row) return { ok: false, reason: 'missing' }
    await writeLog(trx, {
      actorId: input.actorId,
      action: 'meeting.item_delete',
      targetType: 'meeting_action_item',
      targetId: input.itemId,
      communityId: input.communityId,
      reason: row.text.slice(0, 200),
    })
    return { ok: true }
  })
}

/** Renames a room or changes who leads it; its notes stay as written. */
export async function editRoom(
  db: Db,
  input: { meetingId: number; roomId: number; actorId: number; communityId: number; data: RoomData },
): Promise<MeetingChange> {
  return db.transaction().execute(async (trx) => {
    await lockModerator(trx, input.actorId, input.communityId)
    const state = await lockOpenMeeting(trx, input.meetingId)
    if (state !== 'ok') return { ok: false, reason: state }
    const { data } = input
    const row = await trx
      .updateTable('meeting_rooms')
      .set({
        name: data.name,
        language: data.language,
        facilitator_id: data.facilitatorId,
        note_taker_id: data.noteTakerId,
        updated_at: new Date(),
      })
      .where('id', '=', input.roomId)
      .where('meeting_id', '=', input.meetingId)
      .returning('id')
      .executeTakeFirst()
    if (!row) return { ok: false, reason: 'missing' }
    await writeLog(trx, {
      actorId: input.actorId,
      action: 'meeting.room_edit',
      targetType: 'meeting_room',
      targetId: input.roomId,
      communityId: input.communityId,
    })
    return { ok: true }
  })
}

/** Removes a room with its notes: they live on the room's row. */
export async function deleteRoom(
  db: Db,
  input: { meetingId: number; roomId: number; actorId: number; communityId: number },
): Promise<MeetingChange> {
  return db.transaction().execute(async (trx) => {
    await lockModerator(trx, input.actorId, input.communityId)
    const state = await lockOpenMeeting(trx, input.meetingId)
    if (state !== 'ok') return { ok: false, reason: state }
    const row = await trx
      .deleteFrom('meeting_rooms')
      .where('id', '=', input.roomId)
      .where('meeting_id', '=', input.meetingId)
      .returning('name')
      .executeTakeFirst()
    if (!row) return { ok: false, reason: 'missing' }
    await writeLog(trx, {
      actorId: input.actorId,
      action: 'meeting.room_delete',
      targetType: 'meeting_room',
      targetId: input.roomId,
      communityId: input.communityId,
      reason: row.name,
    })
    return { ok: true }
  })
}

export type QuestionRemoval = MeetingChange | { ok: false; reason: 'closed' }

/**
 * Removes a question with its votes. A planner removes any; its author (`asAuthor`) only their own, before the meeting
 * starts and while it is not marked discussed: checked again under the lock, since a planner may mark it meanwhile.
 */
export async function removeQuestion(
  db: Db,
  input: { meetingId: number; questionId: number; actorId: number; communityId: number; asAuthor: boolean },
): Promise<QuestionRemoval> {
  return db.transaction().execute(async (trx) => {
    await lockActiveActor(trx, input.actorId, {
      communityId: input.communityId,
      need: input.asAuthor ? 'member' : 'moderator',
    })
    const meeting = await trx
      .selectFrom('meetings')
      .select(['cancelled_at', 'starts_at'])
      .where('id', '=', input.meetingId)
      .forUpdate()
      .executeTakeFirst()
    if (!meeting) return { ok: false, reason: 'missing' }
    if (meeting.cancelled_at !== null) return { ok: false, reason: 'cancelled' }
    const question = await trx
      .selectFrom('meeting_questions')
      .select(['author_id', 'discussed'])
      .where('id', '=', input.questionId)
      .where('meeting_id', '=', input.meetingId)
      .forUpdate()
      .executeTakeFirst()
    if (!question) return { ok: false, reason: 'missing' }
    if (
      input.asAuthor &&
      (question.author_id !== input.actorId || question.discussed || meeting.starts_at.getTime() <= Date.now())
    )
      return { ok: false, reason: 'closed' }
    // Votes go with the question (ON DELETE CASCADE).
    await trx.deleteFrom('meeting_questions').where('id', '=', input.questionId).execute()
    if (!input.asAuthor && question.author_id !== input.actorId) {
      await writeLog(trx, {
        actorId: input.actorId,
        action: 'meeting.question_delete',
        targetType: 'meeting_question',
        targetId: input.questionId,
        communityId: input.communityId,
        subjectUserId: question.author_id,
      })
    }
    return { ok: true }
  })
}

export async function proposeTopic(
  db: Db,
  input: { communityId: number; proposerId: number; title: string; reach?: MeetingMailConfig },
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await lockActiveActor(trx, input.proposerId, { communityId: input.communityId, need: 'member' })
    const row = await trx
      .insertInto('meeting_topics')
      .values({ community_id: input.communityId, proposer_id: input.proposerId, title: input.title })
      .returning('id')
      .executeTakeFirstOrThrow()
    if (input.reach)
      await notifyTopicVote(trx, input.reach, {
        communityId: input.communityId,
        kind: 'topic_vote_opened',
        topicId: row.id,
        actorId: input.proposerId,
      })
    return row.id
  })
}

export async function voteTopic(db: Db, topicId: number, userId: number): Promise<{ ok: boolean }> {
  return db.transaction().execute(async (trx) => {
    const topic = await trx
      .selectFrom('meeting_topics')
      .select('community_id')
      .where('id', '=', topicId)
      .executeTakeFirst()
    if (!topic) throw notFound()
    await lockActiveActor(trx, userId, { communityId: topic.community_id, need: 'member' })
    const rows = await trx
      .insertInto('meeting_topic_votes')
      .values({ topic_id: topicId, user_id: userId })
      .onConflict((oc) => oc.doNothing())
      .returning('topic_id')
      .execute()
    return { ok: rows.length === 1 }
  })
}

/** Closes the vote: the most voted open topic wins (earliest on a tie), the others close. */
export async function closeTopicVote(
  db: Db,
  input: { communityId: number; actorId: number; reach?: MeetingMailConfig },
): Promise<number | null> {
  return db.transaction().execute(async (trx) => {
    await lockModerator(trx, input.actorId, input.communityId)
    const open = await trx
      .selectFrom('meeting_topics as t')
      .select([
        't.id',
        (eb) =>
          eb
            .selectFrom('meeting_topic_votes as v')
            .select((e) => e.fn.countAll<number>().as('n'))
            .whereRef('v.topic_id', '=', 't.id')
            .as('votes'),
      ])
      .where('t.community_id', '=', input.communityId)
      .where('t.status', '=', 'open')
      .forUpdate()
      .execute()
    if (open.length === 0) return null
    const winner = [...open].sort((a, b) => Number(b.votes) - Number(a.votes) || a.id - b.id)[0]
    await trx
      .updateTable('meeting_topics')
      .set({ status: 'closed' })
      .where('community_id', '=', input.communityId)
      .where('status', '=', 'open')
      .where('id', '!=', winner.id)
      .execute()
    await trx.updateTable('meeting_topics').set({ status: 'won' }).where('id', '=', winner.id).execute()
    await writeLog(trx, {
      actorId: input.actorId,
      action: 'meeting.topic_vote_close',
      targetType: 'meeting_topic',
      targetId: winner.id,
      communityId: input.communityId,
    })
    if (input.reach)
      await notifyTopicVote(trx, input.reach, {
        communityId: input.communityId,
        kind: 'topic_vote_closed',
        topicId: winner.id,
        actorId: input.actorId,
      })
    return winner.id
  })
}

export interface SummarySource {
  meeting: { id: number; title: string; topic: string; agenda_md: string; community_id: number }
  questions: { body: string }[]
  rooms: { name: string; language: string; worked_md: string; did_not_work_md: string; call_to_action_md: string }[]
  themeIds: number[]
}

/** Turns the meeting into a session-summary library draft, once; it then goes through the library's review. */
export async function createSummaryDraft(
  db: Db,
  source: SummarySource,
  options: {
    authorId: number
    language: string
    isDemo?: boolean
    heading: (key: string, vars?: Record<string, string>) => string
    languageName: (code: string) => string
    meetingUrl: string
    /** A members-only community's meeting: the summary is checked for personal data before it goes public. */
    redaction?: DetectOptions
  },
): Promise<{ ok: true; slug: string } | { ok: false }> {
  const { meeting } = source
  const h = options.heading
  const parts: string[] = [
    `${h('meetings.summary.intro', { title: meeting.title })}: [${options.meetingUrl}](${options.meetingUrl})`,
  ]
  if (meeting.agenda_md.trim()) parts.push(`## ${h('meetings.summary.agenda')}\n\n${meeting.agenda_md.trim()}`)
  if (source.questions.length)
    parts.push(
      `## ${h('meetings.summary.questions')}\n\n${source.questions.map((q) => `- ${q.body.replace(/\n+/g, ' ')}`).join('\n')}`,
    )
  for (const room of source.rooms) {
    const language = `${options.languageName(room.language)} (${room.language})`
    const section = [`## ${h('meetings.summary.room', { name: room.name, language })}`]
    if (room.worked_md.trim()) section.push(`### ${h('meetings.notes.worked')}\n\n${room.worked_md.trim()}`)
    if (room.did_not_work_md.trim())
      section.push(`### ${h('meetings.notes.did_not_work')}\n\n${room.did_not_work_md.trim()}`)
    if (room.call_to_action_md.trim())
      section.push(`### ${h('meetings.notes.call_to_action')}\n\n${room.call_to_action_md.trim()}`)
    parts.push(section.join('\n\n'))
  }
  const body = parts.join('\n\n')
  const rendered = renderMarkdown(body)
  // One transaction: the meeting is locked, so two moderators clicking at once make one draft, never an orphan.
  const result = await db.transaction().execute(async (trx) => {
    await lockModerator(trx, options.authorId, meeting.community_id)
    const current = await trx
      .selectFrom('meetings')
      .select('summary_article_id')
      .where('id', '=', meeting.id)
      .forUpdate()
      .executeTakeFirstOrThrow()
    if (current.summary_article_id !== null) return null
    const draft = await insertDraft(
      trx,
      {
        title: meeting.title,
        slug: await freeSlug(trx, slugify(meeting.title, 80)),
        summary: meeting.topic.slice(0, 500),
        kind: 'session_summary',
        language: options.language,
        body_md: body,
        community_id: meeting.community_id,
        themeIds: source.themeIds,
        authorId: options.authorId,
        isDemo: options.isDemo,
        practice: noPractice,
        redaction: options.redaction,
      },
      rendered,
    )
    if (!draft.ok) throw new Error(`a free slug was taken within the transaction: ${meeting.title}`)
    await trx.updateTable('meetings').set({ summary_article_id: draft.id }).where('id', '=', meeting.id).execute()
    await writeLog(trx, {
      actorId: options.authorId,
      action: 'meeting.summary_draft',
      targetType: 'article',
      targetId: draft.id,
      communityId: meeting.community_id,
    })
    return draft
  })
  if (!result) return { ok: false }
  return { ok: true, slug: result.slug }
}
