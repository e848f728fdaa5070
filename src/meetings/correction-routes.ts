// Correcting what was added to a meeting: planners edit and remove action items and break-out rooms and remove questions;
// an author withdraws their own question before the meeting. A cancelled meeting is a closed record: nothing here changes it.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '../db/connect.js'
import { contentLanguages } from '../library/fields.js'
import { languageName } from '../library/routes.js'
import { requireUser, viewerOf } from '../web/auth.js'
import { conflict, forbidden, notFound } from '../web/errors.js'
import { setFlash } from '../web/flash.js'
import { editVersion } from '../web/edit-version.js'
import { fieldMessages } from '../web/limits.js'
import { formSchema, pathId } from '../web/params.js'
import {
  deleteActionItem,
  deleteRoom,
  editActionItem,
  editRoom,
  removeQuestion,
  type QuestionRemoval,
} from './commands.js'
import { meetingForViewer } from './context.js'
import { meetingCrumbs } from './present.js'
import { checkActionItem, checkRoom, readActionItemForm, readRoomForm, type FieldErrors } from './fields.js'
import { mayPlan, mayStillWithdraw, questionRemover } from './policy.js'
import { activeMembers, listActionItems, listQuestions, listRooms } from './queries.js'

const withCsrf = (...names: string[]) => formSchema([...names, '_csrf'])

/** How a command's refusal reads: the thing went missing meanwhile (404) or the meeting was cancelled meanwhile (409). */
const refusal = (result: Exclude<QuestionRemoval, { ok: true }>) =>
  result.reason === 'missing'
    ? notFound()
    : result.reason === 'cancelled'
      ? conflict('meetings.error.cancelled_corrections')
      : conflict('meetings.error.question_withdraw_closed')

export async function correctionRoutes(app: FastifyInstance, { db }: { db: Db }) {
  app.addHook('preHandler', requireUser)

  const params = (request: FastifyRequest) => request.params as Record<string, string>
  const back = (id: number, anchor: string) => `/meetings/${id}${anchor}`
  const plan = (id: number, anchor: string) => `/meetings/${id}/plan${anchor}`

  /** The meeting, for a planner, while it is not cancelled: the same answers as editing the meeting itself. */
  const plannerOfOpenMeeting = async (request: FastifyRequest) => {
    const context = await meetingForViewer(db, request, params(request).id)
    if (!mayPlan(context.access)) throw forbidden('meetings.error.not_moderator')
    if (context.meeting.cancelled_at !== null) throw conflict('meetings.error.cancelled_corrections')
    return context
  }

  const people = async (communityId: number) => {
    const members = await activeMembers(db, communityId)
    return { members, ids: new Set(members.map((m) => m.id)) }
  }
  type PlannedMeeting = {
    id: number
    title: string
    community_id: number
    community_slug: string
    community_name: string
  }
  /** … › meeting › Plan › this form. */
  const planCrumbs = (request: FastifyRequest, meeting: PlannedMeeting, anchor: string, label: string) =>
    meetingCrumbs(
      request,
      { slug: meeting.community_slug, name: meeting.community_name },
      meeting,
      { label: request.t('meeting_page.plan.title'), href: plan(meeting.id, anchor) },
      { label },
    )
  const translated = (request: FastifyRequest, errors: FieldErrors) => fieldMessages(request, errors)
  const options = (members: { id: number; display_name: string }[], chosen: string) =>
    members.map((m) => ({ ...m, selected: String(m.id) === chosen }))
  /** Someone still assigned who is no longer an active member: named on the form, since the list cannot offer them. */
  const gone = (id: number | null, name: string | null, ids: Set<number>) =>
    id !== null && !ids.has(id) ? (name ?? '') : null

  // --- Action items ----------------------------------------------------------------------------------
  const itemOf = async (meetingId: number, raw: string) => {
    const item = (await listActionItems(db, meetingId)).find((i) => i.id === pathId(raw))
    if (!item) throw notFound()
    return item
  }

  type Item = Awaited<ReturnType<typeof itemOf>>
  const itemPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    meeting: PlannedMeeting,
    item: Item,
    values: { text: string; owner: string; due_on: string },
    version: number | null,
    errors: FieldErrors = {},
    newer?: { title: string },
  ) => {
    const { members, ids } = await people(meeting.community_id)
    return reply.render('meetings/item-form', {
      title: request.t('meetings.item.edit_title'),
      breadcrumbs: planCrumbs(request, meeting, '#items', request.t('meetings.item.edit_title')),
      meeting,
      item,
      values,
      owners: options(members, values.owner),
      formerOwner: gone(item.owner_id, item.owner_name, ids),
      errors: translated(request, errors),
      version,
      conflict: newer ?? null,
    })
  }

  app.get('/meetings/:id/items/:item/edit', async (request, reply) => {
    const { meeting } = await plannerOfOpenMeeting(request)
    const item = await itemOf(meeting.id, params(request).item)
    return itemPage(
      request,
      reply,
      meeting,
      item,
      { text: item.text, owner: item.owner_id === null ? '' : String(item.owner_id), due_on: item.due_on ?? '' },
      item.version,
    )
  })

  app.post(
    '/meetings/:id/items/:item/edit',
    { schema: withCsrf('text', 'owner', 'due_on') },
    async (request, reply) => {
      const { meeting, community } = await plannerOfOpenMeeting(request)
      const item = await itemOf(meeting.id, params(request).item)
      const input = readActionItemForm(request.body, request.locale)
      const { data, errors } = checkActionItem(input, (await people(community.id)).ids)
      const version = editVersion(request.body)
      if (!data) return itemPage(request, reply.code(422), meeting, item, input, version, errors)
      const userId = viewerOf(request).id
      const result = await editActionItem(db, {
        meetingId: meeting.id,
        itemId: item.id,
        actorId: userId,
        communityId: community.id,
        data,
        version,
        reach: app.config,
      })
      if (!result.ok && result.reason === 'stale')
        return itemPage(request, reply.code(409), meeting, item, input, result.current.version, {}, result.current)
      if (!result.ok) throw refusal(result)
      request.log.info({ meetingId: meeting.id, itemId: item.id, userId }, 'action item edited')
      setFlash(reply, 'meetings.flash.item_edited')
      return reply.redirect(plan(meeting.id, `#item-${item.id}`), 303)
    },
  )

  app.post('/meetings/:id/items/:item/delete', { schema: withCsrf() }, async (request, reply) => {
    const { meeting, community } = await plannerOfOpenMeeting(request)
    const item = await itemOf(meeting.id, params(request).item)
    const userId = viewerOf(request).id
    const result = await deleteActionItem(db, {
      meetingId: meeting.id,
      itemId: item.id,
      actorId: userId,
      communityId: community.id,
    })
    if (!result.ok) throw refusal(result)
    request.log.info({ meetingId: meeting.id, itemId: item.id, userId }, 'action item removed')
    setFlash(reply, 'meetings.flash.item_deleted')
    return reply.redirect(plan(meeting.id, '#items'), 303)
  })

  // --- Break-out rooms -------------------------------------------------------------------------------
  const roomOf = async (meetingId: number, raw: string) => {
    const room = (await listRooms(db, meetingId)).find((r) => r.id === pathId(raw))
    if (!room) throw notFound()
    return room
  }

  type Room = Awaited<ReturnType<typeof roomOf>>
  const roomPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    meeting: PlannedMeeting,
    room: Room,
    values: { name: string; language: string; facilitator: string; note_taker: string },
    errors: FieldErrors = {},
  ) => {
    const { members, ids } = await people(meeting.community_id)
    return reply.render('meetings/room-form', {
      title: request.t('meetings.room.edit_title', { room: room.name }),
      breadcrumbs: planCrumbs(request, meeting, '#rooms', request.t('meetings.room.edit_title', { room: room.name })),
      meeting,
      room,
      values,
      languages: contentLanguages.map((code) => ({
        code,
        name: languageName(code, request.locale),
        selected: code === values.language,
      })),
      facilitators: options(members, values.facilitator),
      noteTakers: options(members, values.note_taker),
      formerFacilitator: gone(room.facilitator_id, room.facilitator_name, ids),
      formerNoteTaker: gone(room.note_taker_id, room.note_taker_name, ids),
      errors: translated(request, errors),
    })
  }

  app.get('/meetings/:id/rooms/:room/edit', async (request, reply) => {
    const { meeting } = await plannerOfOpenMeeting(request)
    const room = await roomOf(meeting.id, params(request).room)
    const person = (id: number | null) => (id === null ? '' : String(id))
    return roomPage(request, reply, meeting, room, {
      name: room.name,
      language: room.language,
      facilitator: person(room.facilitator_id),
      note_taker: person(room.note_taker_id),
    })
  })

  app.post(
    '/meetings/:id/rooms/:room/edit',
    { schema: withCsrf('name', 'language', 'facilitator', 'note_taker') },
    async (request, reply) => {
      const { meeting, community } = await plannerOfOpenMeeting(request)
      const room = await roomOf(meeting.id, params(request).room)
      const input = readRoomForm(request.body)
      const { data, errors } = checkRoom(input, (await people(community.id)).ids)
      if (!data) return roomPage(request, reply.code(422), meeting, room, input, errors)
      const userId = viewerOf(request).id
      const result = await editRoom(db, {
        meetingId: meeting.id,
        roomId: room.id,
        actorId: userId,
        communityId: community.id,
        data,
      })
      if (!result.ok) throw refusal(result)
      request.log.info({ meetingId: meeting.id, roomId: room.id, userId }, 'break-out room edited')
      setFlash(reply, 'meetings.flash.room_edited')
      return reply.redirect(plan(meeting.id, `#room-${room.id}`), 303)
    },
  )

  app.post('/meetings/:id/rooms/:room/delete', { schema: withCsrf() }, async (request, reply) => {
    const { meeting, community } = await plannerOfOpenMeeting(request)
    const room = await roomOf(meeting.id, params(request).room)
    const userId = viewerOf(request).id
    const result = await deleteRoom(db, {
      meetingId: meeting.id,
      roomId: room.id,
      actorId: userId,
      communityId: community.id,
    })
    if (!result.ok) throw refusal(result)
    request.log.info({ meetingId: meeting.id, roomId: room.id, userId }, 'break-out room removed')
    setFlash(reply, 'meetings.flash.room_deleted')
    return reply.redirect(plan(meeting.id, '#rooms'), 303)
  })

  // --- Questions -------------------------------------------------------------------------------------
  app.post('/meetings/:id/questions/:question/delete', { schema: withCsrf() }, async (request, reply) => {
    const { meeting, community, access } = await meetingForViewer(db, request, params(request).id)
    const question = (await listQuestions(db, meeting.id, null)).find((q) => q.id === pathId(params(request).question))
    if (!question) throw notFound()
    const remover = questionRemover(access, question)
    if (remover === null) throw forbidden('meetings.error.question_not_yours')
    if (meeting.cancelled_at !== null) throw conflict('meetings.error.cancelled_corrections')
    if (remover === 'author' && !mayStillWithdraw(question, meeting))
      throw conflict('meetings.error.question_withdraw_closed')
    const userId = viewerOf(request).id
    const result = await removeQuestion(db, {
      meetingId: meeting.id,
      questionId: question.id,
      actorId: userId,
      communityId: community.id,
      asAuthor: remover === 'author',
    })
    if (!result.ok) throw refusal(result)
    request.log.info({ meetingId: meeting.id, questionId: question.id, userId, as: remover }, 'question removed')
    setFlash(
      reply,
      remover === 'author' || question.author_id === userId
        ? 'meetings.flash.question_withdrawn'
        : 'meetings.flash.question_removed',
    )
    return reply.redirect(back(meeting.id, '#questions'), 303)
  })
}
