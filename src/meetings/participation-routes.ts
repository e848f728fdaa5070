// Taking part in a meeting: attendance, questions, break-out rooms and notes, action items, the summary draft and topic votes.
import { scanOptions } from '../redaction/commands.js'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { communityForViewer } from '../communities/access.js'
import type { Db } from '../db/connect.js'
import type { ActionItemStatus } from '../db/database.js'
import { languageName } from '../library/routes.js'
import { checkMarkdown, renderMarkdown } from '../markdown/render.js'
import { editVersion } from '../web/edit-version.js'
import { fieldMessages, markdownProblem, refusedText, textTooLong, type FieldMessages } from '../web/limits.js'
import { requireUser, viewerOf } from '../web/auth.js'
import { badRequest, conflict, forbidden, notFound } from '../web/errors.js'
import { setFlash } from '../web/flash.js'
import { field, formSchema, pathId } from '../web/params.js'
import { translate, type Locale } from '../web/i18n.js'
import {
  addActionItem,
  addRoom,
  askQuestion,
  closeTopicVote,
  createSummaryDraft,
  markDiscussed,
  proposeTopic,
  setActionItemStatus,
  setAttendance,
  updateRoomNotes,
  upvoteQuestion,
  voteTopic,
  type RoomNotes,
} from './commands.js'
import { isSuspended, type Access } from '../communities/policy.js'
import { meetingForViewer } from './context.js'
import { isHeld, meetingCrumbs } from './present.js'
import {
  checkActionItem,
  checkRoom,
  chosenPerson,
  firstError,
  limits,
  readActionItemForm,
  readRoomForm,
} from './fields.js'
import { mayEditNotes, mayPlan, mayTakePart, mayUpdateActionItem } from './policy.js'
import {
  activeMembers,
  findRoom,
  findTopic,
  listActionItems,
  listQuestions,
  listRooms,
  themesOfMeeting,
} from './queries.js'
import { publicOrigin } from '../web/view.js'
import { cleanLine, forbiddenCharactersMessage, lineProblem } from '../web/text-rules.js'

const withCsrf = (...names: string[]) => formSchema([...names, '_csrf'])

export async function participationRoutes(app: FastifyInstance, { db }: { db: Db }) {
  app.addHook('preHandler', requireUser)

  const params = (request: FastifyRequest) => request.params as Record<string, string>
  const back = (id: number, anchor = '') => `/meetings/${id}${anchor}`
  const plan = (id: number, anchor = '') => `/meetings/${id}/plan${anchor}`

  const memberIds = async (communityId: number) => new Set((await activeMembers(db, communityId)).map((m) => m.id))
  /** A member of the community, by id from a select; '' is none. Anything else is a 400 that changes nothing. */
  const memberField = async (communityId: number, raw: string): Promise<number | null> => {
    const id = chosenPerson(raw, await memberIds(communityId))
    if (id === undefined) throw badRequest('meetings.error.not_a_member')
    return id
  }

  /** A suspended member is told so, not asked to join a community they are in. */
  const notTakingPart = (access: Access) =>
    forbidden(isSuspended(access.viewer) ? 'discussions.reply.suspended' : 'meetings.error.members_only')

  const participant = async (request: FastifyRequest) => {
    const context = await meetingForViewer(db, request, params(request).id)
    if (!mayTakePart(context.access)) throw notTakingPart(context.access)
    return context
  }

  /** Attending, asking and upvoting are for a meeting that will take place. */
  const participantOfPlannedMeeting = async (request: FastifyRequest) => {
    const context = await participant(request)
    if (context.meeting.cancelled_at !== null) throw conflict('meetings.error.cancelled_closed')
    return context
  }

  /** Attendance and upvotes also end when the meeting has been held: its record is what it was. */
  const participantOfComingMeeting = async (request: FastifyRequest, key: string) => {
    const context = await participantOfPlannedMeeting(request)
    if (isHeld(context.meeting)) throw conflict(key)
    return context
  }

  const moderator = async (request: FastifyRequest) => {
    const context = await meetingForViewer(db, request, params(request).id)
    if (!mayPlan(context.access)) throw forbidden('meetings.error.not_moderator')
    return context
  }

  // --- Attendance ------------------------------------------------------------------------------------
  app.post('/meetings/:id/attendance', { schema: withCsrf('answer', 'delegate') }, async (request, reply) => {
    const { meeting, community } = await participantOfComingMeeting(request, 'meeting_page.error.held_attendance')
    const viewer = viewerOf(request)
    const answer = field(request.body, 'answer')
    if (answer !== 'yes' && answer !== 'no' && answer !== 'delegate') throw badRequest('meetings.error.answer_unknown')
    let delegateId: number | null = null
    if (answer === 'delegate') {
      delegateId = await memberField(community.id, field(request.body, 'delegate'))
      if (delegateId === null || delegateId === viewer.id) throw badRequest('meetings.error.delegate_invalid')
    }
    await setAttendance(db, {
      meetingId: meeting.id,
      userId: viewer.id,
      attending: answer === 'yes',
      delegateId,
      reach: app.config,
    })
    setFlash(reply, 'meetings.flash.attendance_saved')
    return reply.redirect(back(meeting.id, '#attendance'), 303)
  })

  // --- Questions in advance --------------------------------------------------------------------------
  app.post('/meetings/:id/questions', { schema: withCsrf('question') }, async (request, reply) => {
    const { meeting } = await participantOfPlannedMeeting(request)
    if (meeting.starts_at.getTime() <= Date.now()) throw conflict('meetings.error.questions_closed')
    const body = field(request.body, 'question').trim()
    if (body === '') throw badRequest('meetings.error.question_required')
    if (body.length > limits.question) throw textTooLong(body, limits.question)
    await askQuestion(db, { meetingId: meeting.id, authorId: viewerOf(request).id, body })
    setFlash(reply, 'meetings.flash.question_added')
    return reply.redirect(back(meeting.id, '#questions'), 303)
  })

  const questionOf = async (meetingId: number, raw: string) => {
    const question = (await listQuestions(db, meetingId, null)).find((q) => q.id === pathId(raw))
    if (!question) throw notFound()
    return question
  }

  app.post('/meetings/:id/questions/:question/upvote', { schema: withCsrf() }, async (request, reply) => {
    const { meeting } = await participantOfComingMeeting(request, 'meeting_page.error.held_upvote')
    const question = await questionOf(meeting.id, params(request).question)
    if (question.author_id === viewerOf(request).id) throw conflict('meetings.error.own_question')
    const result = await upvoteQuestion(db, question.id, viewerOf(request).id)
    if (!result.ok) throw conflict('meetings.error.already_voted')
    return reply.redirect(back(meeting.id, '#questions'), 303)
  })

  app.post('/meetings/:id/questions/:question/discussed', { schema: withCsrf('discussed') }, async (request, reply) => {
    const { meeting } = await moderator(request)
    const question = await questionOf(meeting.id, params(request).question)
    await markDiscussed(db, {
      questionId: question.id,
      discussed: field(request.body, 'discussed') !== 'no',
      actorId: viewerOf(request).id,
      communityId: meeting.community_id,
    })
    return reply.redirect(back(meeting.id, '#questions'), 303)
  })

  // --- Break-out rooms -------------------------------------------------------------------------------
  app.post(
    '/meetings/:id/rooms',
    { schema: withCsrf('name', 'language', 'facilitator', 'note_taker') },
    async (request, reply) => {
      const { meeting, community } = await moderator(request)
      const input = readRoomForm(request.body)
      const { data, errors } = checkRoom(input, await memberIds(community.id))
      if (!data) throw refusedText(firstError(errors, ['name', 'language', 'facilitator', 'note_taker']), input.name)
      await addRoom(db, { meetingId: meeting.id, ...data, actorId: viewerOf(request).id, communityId: community.id })
      setFlash(reply, 'meetings.flash.room_added')
      return reply.redirect(plan(meeting.id, '#rooms'), 303)
    },
  )

  const editableRoom = async (request: FastifyRequest) => {
    const context = await meetingForViewer(db, request, params(request).id)
    const room = await findRoom(db, context.meeting.id, pathId(params(request).room))
    if (!room) throw notFound()
    if (!mayEditNotes(context.access, room)) throw forbidden('meetings.error.notes_not_yours')
    return { ...context, room }
  }

  type NotesContext = Awaited<ReturnType<typeof editableRoom>>
  const notesPage = (
    request: FastifyRequest,
    context: NotesContext,
    values: Record<string, string>,
    version: number | null,
    errors: FieldMessages = {},
    newer?: RoomNotes,
  ) => ({
    title: request.t('meetings.notes.title', { room: context.room.name }),
    breadcrumbs: meetingCrumbs(request, context.community, context.meeting, {
      label: request.t('meetings.notes.title', { room: context.room.name }),
    }),
    meeting: context.meeting,
    room: { ...context.room, languageName: languageName(context.room.language, request.locale) },
    values,
    errors: fieldMessages(request, errors),
    version,
    // Notes saved by someone else since this form was opened: shown rendered above the form, each under its heading.
    conflict: newer
      ? {
          fields: (
            [
              ['worked', newer.worked],
              ['did_not_work', newer.didNotWork],
              ['call_to_action', newer.callToAction],
            ] as const
          )
            .filter(([, text]) => text.trim() !== '')
            .map(([name, text]) => ({ label: request.t(`meetings.notes.${name}`), html: renderMarkdown(text).html })),
        }
      : null,
  })

  app.get('/meetings/:id/rooms/:room/notes', async (request, reply) => {
    const context = await editableRoom(request)
    const { room } = context
    const values = {
      worked: room.worked_md,
      did_not_work: room.did_not_work_md,
      call_to_action: room.call_to_action_md,
    }
    return reply.render('meetings/notes', notesPage(request, context, values, room.version))
  })

  app.post(
    '/meetings/:id/rooms/:room/notes',
    { schema: withCsrf('worked', 'did_not_work', 'call_to_action') },
    async (request, reply) => {
      const context = await editableRoom(request)
      const values = {
        worked: field(request.body, 'worked'),
        did_not_work: field(request.body, 'did_not_work'),
        call_to_action: field(request.body, 'call_to_action'),
      }
      const errors: FieldMessages = {}
      for (const [name, text] of Object.entries(values)) {
        if (text.trim() === '') continue
        const check = checkMarkdown(text, { maxBytes: limits.notes })
        if (!check.ok) errors[name] = markdownProblem(check)
      }
      const version = editVersion(request.body)
      if (Object.keys(errors).length)
        return reply.code(422).render('meetings/notes', notesPage(request, context, values, version, errors))
      const result = await updateRoomNotes(
        db,
        context.room.id,
        { worked: values.worked, didNotWork: values.did_not_work, callToAction: values.call_to_action },
        version,
        viewerOf(request).id,
      )
      if (!result.ok && result.reason === 'missing') throw notFound()
      if (!result.ok)
        return reply
          .code(409)
          .render('meetings/notes', notesPage(request, context, values, result.current.version, {}, result.current))
      setFlash(reply, 'meetings.flash.notes_saved')
      return reply.redirect(back(context.meeting.id, `#room-${context.room.id}`), 303)
    },
  )

  // --- The summary, as a library draft --------------------------------------------------------------
  app.post('/meetings/:id/summary', { schema: withCsrf() }, async (request, reply) => {
    const { meeting, community } = await moderator(request)
    if (meeting.summary_article_id !== null) throw conflict('meetings.error.summary_exists')
    const locale = request.locale as Locale
    const [questions, rooms, themes] = await Promise.all([
      listQuestions(db, meeting.id, null),
      listRooms(db, meeting.id),
      themesOfMeeting(db, meeting.id, locale),
    ])
    const result = await createSummaryDraft(
      db,
      { meeting, questions: questions.filter((q) => q.discussed), rooms, themeIds: themes.map((th) => th.id) },
      {
        authorId: viewerOf(request).id,
        language: locale,
        heading: (key, vars) => translate(locale, key, vars),
        languageName: (code) => languageName(code, locale),
        meetingUrl: `${publicOrigin(request)}/meetings/${meeting.id}`,
        redaction: community.visibility === 'members' ? await scanOptions(db, meeting.community_id) : undefined,
      },
    )
    if (!result.ok) throw conflict('meetings.error.summary_exists')
    setFlash(reply, 'meetings.flash.summary_created')
    return reply.redirect(`/library/${result.slug}`, 303)
  })

  // --- Action items ----------------------------------------------------------------------------------
  app.post('/meetings/:id/items', { schema: withCsrf('text', 'owner', 'due_on') }, async (request, reply) => {
    const { meeting, community } = await moderator(request)
    const input = readActionItemForm(request.body, request.locale)
    const { data, errors } = checkActionItem(input, await memberIds(community.id))
    if (!data) throw refusedText(firstError(errors, ['text', 'owner', 'due_on']), input.text)
    await addActionItem(db, { meetingId: meeting.id, ...data, actorId: viewerOf(request).id, reach: app.config })
    setFlash(reply, 'meetings.flash.item_added')
    return reply.redirect(plan(meeting.id, '#items'), 303)
  })

  app.post('/meetings/:id/items/:item/status', { schema: withCsrf('status', 'return_to') }, async (request, reply) => {
    const { meeting, access } = await meetingForViewer(db, request, params(request).id)
    const item = (await listActionItems(db, meeting.id)).find((i) => i.id === pathId(params(request).item))
    if (!item) throw notFound()
    if (!mayUpdateActionItem(access, item)) throw forbidden('meetings.error.item_not_yours')
    const status = field(request.body, 'status')
    if (status !== 'open' && status !== 'done' && status !== 'dropped')
      throw badRequest('meetings.error.status_unknown')
    await setActionItemStatus(db, item.id, status as ActionItemStatus, viewerOf(request).id)
    const returnTo = field(request.body, 'return_to')
    // Back to the page the form was on: the meeting, or its planner page.
    const onPlan = returnTo === plan(meeting.id)
    return reply.redirect(onPlan ? plan(meeting.id, '#items') : back(meeting.id, '#items'), 303)
  })

  // --- The next topic --------------------------------------------------------------------------------
  app.post('/c/:slug/topics', { schema: withCsrf('title') }, async (request, reply) => {
    const { community, access } = await communityForViewer(db, request, params(request).slug)
    if (!mayTakePart(access)) throw notTakingPart(access)
    const title = cleanLine(field(request.body, 'title'))
    const problem = lineProblem(title)
    if (problem === 'blank') throw badRequest('meetings.error.topic_title')
    if (problem === 'characters') throw refusedText(forbiddenCharactersMessage, title)
    if (title.length > limits.title) throw textTooLong(title, limits.title)
    await proposeTopic(db, { communityId: community.id, proposerId: viewerOf(request).id, title, reach: app.config })
    setFlash(reply, 'meetings.flash.topic_proposed')
    return reply.redirect(`/c/${community.slug}/meetings#topics`, 303)
  })

  app.post('/c/:slug/topics/:topic/vote', { schema: withCsrf() }, async (request, reply) => {
    const { community, access } = await communityForViewer(db, request, params(request).slug)
    if (!mayTakePart(access)) throw notTakingPart(access)
    const topic = await findTopic(db, community.id, pathId(params(request).topic))
    if (!topic) throw notFound()
    if (topic.status !== 'open') throw conflict('meetings.error.vote_closed')
    const result = await voteTopic(db, topic.id, viewerOf(request).id)
    if (!result.ok) throw conflict('meetings.error.already_voted')
    return reply.redirect(`/c/${community.slug}/meetings#topics`, 303)
  })

  app.post('/c/:slug/topics/close', { schema: withCsrf() }, async (request, reply) => {
    const { community, access } = await communityForViewer(db, request, params(request).slug)
    if (!mayPlan(access)) throw forbidden('meetings.error.not_moderator')
    const winner = await closeTopicVote(db, {
      communityId: community.id,
      actorId: viewerOf(request).id,
      reach: app.config,
    })
    if (winner === null) throw conflict('meetings.error.no_open_topics')
    setFlash(reply, 'meetings.flash.vote_closed')
    return reply.redirect(`/c/${community.slug}/meetings#topics`, 303)
  })
}
