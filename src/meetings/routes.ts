// CoP meetings over HTTP: the community's list and calendar feed, planning, the meeting page and its .ics.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { communityForViewer } from '../communities/access.js'
import type { Access } from '../communities/policy.js'
import type { Db } from '../db/connect.js'
import { listThemes, resolveThemeSlugs } from '../themes/queries.js'
import { requireUser, viewerOf } from '../web/auth.js'
import { conflict, forbidden, HttpError, notFound } from '../web/errors.js'
import { setFlash } from '../web/flash.js'
import { field, formSchema, positiveInt } from '../web/params.js'
import { timeZones } from '../web/time.js'
import { renderMarkdown } from '../markdown/render.js'
import { languageName } from '../library/routes.js'
import { contentLanguages } from '../library/fields.js'
import { cancelMeeting, createMeeting, editMeeting, meetingFormVersion } from './commands.js'
import { meetingForViewer } from './context.js'
import { checkMeeting, limits, readMeetingForm, type FieldErrors } from './fields.js'
import { fieldMessages, textTooLong } from '../web/limits.js'
import { editVersion } from '../web/edit-version.js'
import { calendar, type IcsEvent } from './ics.js'
import { correctionRoutes } from './correction-routes.js'
import { addMeetingJobs } from './reminders.js'
import { participationRoutes } from './participation-routes.js'
import {
  mayEditNotes,
  mayPlan,
  maySeeLink,
  mayStillWithdraw,
  mayTakePart,
  mayUpdateActionItem,
  questionRemover,
} from './policy.js'
import { isHeld, meetingCrumbs, organiserTime } from './present.js'
import {
  activeMembers,
  communitiesWithPastMeetings,
  listActionItems,
  listAttendance,
  listMeetings,
  listQuestions,
  listRooms,
  listTopics,
  previousMeeting,
  themesOfMeeting,
  upcomingMeetingsFor,
  type MeetingRow,
} from './queries.js'
import { utcToZonedInput } from './zone-time.js'
import { publicOrigin } from '../web/view.js'
import { attachment } from '../web/response-guard.js'

/** /meetings shows the next meetings only: a bounded list, each community's page holds the rest. */
const overviewLimit = 50

const notesHtml = (md: string) => (md.trim() === '' ? null : renderMarkdown(md).html)

const meetingFields = [
  'title',
  'topic',
  'starts_at',
  'ends_at',
  'time_zone',
  'online_url',
  'agenda',
  'from_topic',
  '_csrf',
]

export async function meetingRoutes(app: FastifyInstance, { db }: { db: Db }) {
  await app.register(participationRoutes, { db })
  await app.register(correctionRoutes, { db })
  addMeetingJobs(app.scheduler)

  const origin = (request: FastifyRequest) => publicOrigin(request)
  type EventSource = Pick<
    MeetingRow,
    | 'id'
    | 'title'
    | 'topic'
    | 'starts_at'
    | 'ends_at'
    | 'online_url'
    | 'agenda_md'
    | 'updated_at'
    | 'sequence'
    | 'cancelled_at'
  >
  const eventOf = (request: FastifyRequest, meeting: EventSource, withLink: boolean): IcsEvent => ({
    uid: `meeting-${meeting.id}@${new URL(publicOrigin(request)).hostname}`,
    start: meeting.starts_at,
    end: meeting.ends_at,
    stamp: meeting.updated_at,
    summary: meeting.title,
    description: [meeting.topic, meeting.agenda_md].filter((s) => s.trim() !== '').join('\n\n'),
    url: `${origin(request)}/meetings/${meeting.id}`,
    location: withLink ? meeting.online_url : null,
    sequence: meeting.sequence,
    cancelled: meeting.cancelled_at !== null,
  })
  const sendCalendar = (reply: FastifyReply, filename: string, body: string) =>
    reply
      .type('text/calendar; charset=utf-8')
      .header('content-disposition', attachment(filename))
      .header('cache-control', 'private, no-cache')
      .send(body)

  // --- Every meeting the viewer may join or follow ---------------------------------------------------
  app.get('/meetings', async (request, reply) => {
    const viewerId = request.viewer?.id ?? null
    const [upcoming, past] = await Promise.all([
      upcomingMeetingsFor(db, viewerId, overviewLimit),
      communitiesWithPastMeetings(db, viewerId, overviewLimit),
    ])
    const title = request.t('meeting_page.overview.title')
    const rows = (list: typeof upcoming.mine) =>
      list.slice(0, overviewLimit).map((m) => ({ ...m, ...organiserTime(request, m) }))
    return reply.render('meetings/overview', {
      title,
      breadcrumbs: [{ label: title }],
      mine: rows(upcoming.mine),
      moreMine: upcoming.mine.length > overviewLimit,
      others: rows(upcoming.others),
      moreOthers: upcoming.others.length > overviewLimit,
      limit: overviewLimit,
      past: past.slice(0, overviewLimit),
      morePast: past.length > overviewLimit,
      signedIn: viewerId !== null,
    })
  })

  // --- The community's meetings ----------------------------------------------------------------------
  app.get('/c/:slug/meetings', async (request, reply) => {
    const { community, access } = await communityForViewer(db, request, (request.params as { slug: string }).slug)
    const [meetings, topics] = await Promise.all([
      listMeetings(db, community.id),
      listTopics(db, community.id, request.viewer?.id ?? null),
    ])
    const now = Date.now()
    const view = (m: (typeof meetings)[number]) => ({
      ...m,
      ...organiserTime(request, m),
      cancelled: m.cancelled_at !== null,
    })
    const mayVote = mayTakePart(access)
    return reply.render('meetings/list', {
      title: request.t('meetings.list.title', { community: community.name }),
      breadcrumbs: meetingCrumbs(request, community),
      community,
      upcoming: meetings.filter((m) => m.ends_at.getTime() >= now).map(view),
      past: meetings
        .filter((m) => m.ends_at.getTime() < now)
        .reverse()
        .map(view),
      topics: topics.map((tp) => ({
        ...tp,
        mayVote: mayVote && tp.status === 'open' && !tp.voted,
        won: tp.status === 'won',
      })),
      hasOpenTopics: topics.some((tp) => tp.status === 'open'),
      mayPlan: mayPlan(access),
      mayPropose: mayVote,
    })
  })

  app.get('/c/:slug/meetings.ics', async (request, reply) => {
    const { community, access } = await communityForViewer(db, request, (request.params as { slug: string }).slug)
    const meetings = await listMeetings(db, community.id)
    const withLink = maySeeLink(access)
    return sendCalendar(
      reply,
      `${community.slug}-meetings.ics`,
      calendar(
        community.name,
        meetings.map((m) => eventOf(request, m, withLink)),
      ),
    )
  })

  // --- Planning --------------------------------------------------------------------------------------
  /** The planning form, also used to edit: `editing` names the meeting, and the form then posts to its edit URL. */
  const formPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    community: { slug: string; name: string },
    values: Record<string, unknown>,
    errors: FieldErrors = {},
    editing?: { id: number; title: string; starts_at: Date; ends_at: Date; time_zone: string },
    edit: {
      version?: number | null
      conflict?: { title: string; bodyHtml: string }
      /** The edit of a held meeting was refused because its time changed. */
      heldRefused?: boolean
    } = {},
  ) => {
    const chosen = new Set((values.themes as string[] | undefined) ?? [])
    const zone = String(values.time_zone ?? '')
    const heading = request.t(editing ? 'meetings.edit.title' : 'meetings.new.title')
    return reply.render('meetings/form', {
      title: heading,
      heading,
      action: editing ? `/meetings/${editing.id}/edit` : `/c/${community.slug}/meetings/new`,
      submitLabel: request.t(editing ? 'meetings.edit.submit' : 'meetings.new.submit'),
      backUrl: editing ? `/meetings/${editing.id}/plan` : `/c/${community.slug}/meetings`,
      breadcrumbs: editing
        ? meetingCrumbs(
            request,
            community,
            editing,
            { label: request.t('meeting_page.plan.title'), href: `/meetings/${editing.id}/plan` },
            { label: heading },
          )
        : meetingCrumbs(request, community, undefined, { label: heading }),
      editing: editing ?? null,
      community,
      values,
      errors: fieldMessages(request, errors),
      themes: (await listThemes(db, request.locale)).map((th) => ({ ...th, checked: chosen.has(th.slug) })),
      zones: timeZones().map((z) => ({ zone: z, selected: z === zone })),
      version: edit.version ?? null,
      conflict: edit.conflict ?? null,
      // A held meeting keeps its time: the form shows it and carries it unchanged, no time fields to edit.
      heldTime: editing && isHeld(editing) ? { ...organiserTime(request, editing), meeting: editing } : null,
      heldRefused: edit.heldRefused ?? false,
    })
  }

  const plannable = async (request: FastifyRequest) => {
    const context = await communityForViewer(db, request, (request.params as { slug: string }).slug)
    if (!mayPlan(context.access)) throw forbidden('meetings.error.not_moderator')
    return context
  }

  app.get('/c/:slug/meetings/new', { preHandler: requireUser }, async (request, reply) => {
    const { community } = await plannable(request)
    const fromTopic = positiveInt((request.query as Record<string, unknown>).topic)
    const topic = fromTopic
      ? (await listTopics(db, community.id, null)).find((tp) => tp.id === fromTopic && tp.status === 'won')
      : undefined
    if (fromTopic && !topic) throw notFound()
    const start = new Date(Date.now() + 14 * 24 * 3600 * 1000)
    start.setUTCMinutes(0, 0, 0)
    const zone = request.timeZone
    return formPage(request, reply, community, {
      title: topic?.title ?? '',
      topic: topic?.title ?? '',
      from_topic: topic ? String(topic.id) : '',
      themes: [],
      time_zone: zone,
      starts_at: utcToZonedInput(start, zone),
      ends_at: utcToZonedInput(new Date(start.getTime() + 90 * 60_000), zone),
    })
  })

  app.post(
    '/c/:slug/meetings/new',
    { preHandler: requireUser, schema: formSchema(meetingFields, ['themes']) },
    async (request, reply) => {
      const { community } = await plannable(request)
      const input = readMeetingForm(request.body, request.locale)
      const { data, errors } = checkMeeting(input)
      const themes = await resolveThemeSlugs(db, input.themes)
      if (themes.unknown.length) errors.themes = 'meetings.error.theme_unknown'
      const fromTopicRaw = (request.body as Record<string, unknown>).from_topic
      const fromTopic = positiveInt(fromTopicRaw)
      if (
        fromTopicRaw &&
        fromTopicRaw !== '' &&
        !(
          fromTopic &&
          (await listTopics(db, community.id, null)).some((tp) => tp.id === fromTopic && tp.status === 'won')
        )
      )
        errors.topic = 'meetings.error.topic_unknown'
      const values = {
        ...input,
        starts_at: input.starts_local,
        ends_at: input.ends_local,
        agenda: input.agenda_md,
        from_topic: fromTopic ? String(fromTopic) : '',
      }
      if (!data || Object.keys(errors).length) return formPage(request, reply.code(422), community, values, errors)
      const id = await createMeeting(db, {
        communityId: community.id,
        organiserId: viewerOf(request).id,
        data,
        themeIds: themes.ids,
        fromTopicId: fromTopic ?? undefined,
        reach: app.config,
      })
      request.log.info({ meetingId: id, userId: viewerOf(request).id }, 'meeting planned')
      setFlash(reply, 'meetings.flash.planned')
      return reply.redirect(`/meetings/${id}`, 303)
    },
  )

  // --- Editing and cancelling -----------------------------------------------------------------------
  /** A meeting the viewer may plan, not cancelled: cancelling is final, so a cancelled meeting is neither edited nor cancelled again. */
  const changeable = async (request: FastifyRequest) => {
    const context = await meetingForViewer(db, request, (request.params as { id: string }).id)
    if (!mayPlan(context.access)) throw forbidden('meetings.error.not_moderator')
    if (context.meeting.cancelled_at !== null) throw conflict('meetings.error.cancelled')
    return context
  }
  const refusal = (reason: 'missing' | 'cancelled' | 'held', keptText?: string) =>
    reason === 'held'
      ? new HttpError(409, 'meeting_page.error.held_cancel', undefined, keptText)
      : reason === 'cancelled'
        ? conflict('meetings.error.cancelled')
        : notFound()

  app.get('/meetings/:id/edit', { preHandler: requireUser }, async (request, reply) => {
    const { meeting, community } = await changeable(request)
    const themes = await themesOfMeeting(db, meeting.id, request.locale)
    // Times are shown as the organiser planned them: in the meeting's own zone, whatever the editor's zone.
    const zone = meeting.time_zone
    return formPage(
      request,
      reply,
      community,
      {
        title: meeting.title,
        topic: meeting.topic,
        themes: themes.map((th) => th.slug),
        time_zone: zone,
        starts_at: utcToZonedInput(meeting.starts_at, zone),
        ends_at: utcToZonedInput(meeting.ends_at, zone),
        online_url: meeting.online_url ?? '',
        agenda: meeting.agenda_md,
      },
      {},
      meeting,
      { version: meetingFormVersion(meeting) },
    )
  })

  app.post(
    '/meetings/:id/edit',
    { preHandler: requireUser, schema: formSchema(meetingFields, ['themes']) },
    async (request, reply) => {
      const { meeting, community } = await changeable(request)
      const input = readMeetingForm(request.body, request.locale)
      const { data, errors } = checkMeeting(input)
      const themes = await resolveThemeSlugs(db, input.themes)
      if (themes.unknown.length) errors.themes = 'meetings.error.theme_unknown'
      const values = { ...input, starts_at: input.starts_local, ends_at: input.ends_local, agenda: input.agenda_md }
      const version = editVersion(request.body)
      if (!data || Object.keys(errors).length)
        return formPage(request, reply.code(422), community, values, errors, meeting, { version })
      const userId = viewerOf(request).id
      const result = await editMeeting(db, {
        meetingId: meeting.id,
        actorId: userId,
        communityId: community.id,
        data,
        themeIds: themes.ids,
        version,
        reach: app.config,
      })
      if (!result.ok && result.reason === 'stale')
        return formPage(request, reply.code(409), community, values, {}, meeting, {
          version: result.current.version,
          conflict: result.current,
        })
      if (!result.ok && result.reason === 'held') {
        // The meeting was held meanwhile: the text stays, its time goes back to the one it took place at.
        const zone = meeting.time_zone
        const kept = {
          ...values,
          time_zone: zone,
          starts_at: utcToZonedInput(meeting.starts_at, zone),
          ends_at: utcToZonedInput(meeting.ends_at, zone),
        }
        return formPage(request, reply.code(409), community, kept, {}, meeting, { version, heldRefused: true })
      }
      if (!result.ok) throw refusal(result.reason)
      request.log.info({ meetingId: meeting.id, userId }, 'meeting edited')
      setFlash(reply, 'meetings.flash.edited')
      return reply.redirect(`/meetings/${meeting.id}/plan`, 303)
    },
  )

  app.post(
    '/meetings/:id/cancel',
    { preHandler: requireUser, schema: formSchema(['reason', '_csrf']) },
    async (request, reply) => {
      const { meeting, community } = await changeable(request)
      const reason = field(request.body, 'reason').trim()
      if (isHeld(meeting)) throw refusal('held', reason || undefined)
      if (reason.length > limits.cancelReason) throw textTooLong(reason, limits.cancelReason)
      const userId = viewerOf(request).id
      const result = await cancelMeeting(db, {
        meetingId: meeting.id,
        actorId: userId,
        communityId: community.id,
        reason: reason || null,
        reach: app.config,
      })
      if (!result.ok) throw refusal(result.reason, reason || undefined)
      request.log.info({ meetingId: meeting.id, userId }, 'meeting cancelled')
      setFlash(reply, 'meetings.flash.cancelled')
      return reply.redirect(`/meetings/${meeting.id}/plan`, 303)
    },
  )

  // --- One meeting (and its .ics, which shares the path) ----------------------------------------------
  app.get('/meetings/:id', async (request, reply) => {
    const raw = (request.params as { id: string }).id
    const isIcs = raw.endsWith('.ics')
    const { meeting, community, access, membership } = await meetingForViewer(
      db,
      request,
      isIcs ? raw.slice(0, -4) : raw,
    )
    const withLink = maySeeLink(access)
    if (isIcs)
      return sendCalendar(
        reply,
        `meeting-${meeting.id}.ics`,
        calendar(community.name, [eventOf(request, meeting, withLink)]),
      )

    const viewerId = request.viewer?.id ?? null
    const moderating = mayPlan(access)
    const [themes, attendance, questions, rooms, items, previous, members] = await Promise.all([
      themesOfMeeting(db, meeting.id, request.locale),
      listAttendance(db, meeting.id),
      listQuestions(db, meeting.id, viewerId),
      listRooms(db, meeting.id),
      listActionItems(db, meeting.id),
      previousMeeting(db, meeting),
      // Delegates are chosen among the members: a guest sees no member list.
      (membership?.status === 'active' && !request.viewer?.isGuest) || moderating
        ? activeMembers(db, community.id)
        : Promise.resolve([]),
    ])
    const previousItems = previous ? (await listActionItems(db, previous.id)).filter((i) => i.status === 'open') : []
    const mine = attendance.find((a) => a.user_id === viewerId)
    // A delegate goes instead of the member who named them: both are one seat, counted once.
    const seats = new Map<number, { id: number; name: string; isGuest: boolean; onBehalfOf: string[] }>()
    for (const a of attendance) {
      const seatId = a.delegate_id ?? (a.attending ? a.user_id : null)
      if (seatId === null) continue
      const seat = seats.get(seatId) ?? {
        id: seatId,
        name: a.delegate_name ?? a.display_name,
        isGuest: (a.delegate_id !== null ? a.delegate_guest : a.user_guest) === true,
        onBehalfOf: [],
      }
      if (a.delegate_id !== null) seat.onBehalfOf.push(a.display_name)
      seats.set(seatId, seat)
    }
    const attendees = [...seats.values()].map((seat) => ({
      id: seat.id,
      name: seat.name,
      isGuest: seat.isGuest,
      onBehalfOf: seat.onBehalfOf.length ? seat.onBehalfOf.join(', ') : null,
    }))
    // A cancelled meeting will not take place, and a held one has taken place: nobody attends, asks or votes any more.
    const cancelled = meeting.cancelled_at !== null
    const held = !cancelled && isHeld(meeting)
    const mayJoin = mayTakePart(access) && !cancelled && !held
    const started = meeting.starts_at.getTime() <= Date.now()
    return reply.render('meetings/show', {
      title: meeting.title,
      breadcrumbs: meetingCrumbs(request, community, meeting),
      meeting,
      community,
      held,
      tabs: moderating ? planTabs(request, meeting.id, 'meeting') : null,
      time: organiserTime(request, meeting),
      themes,
      onlineUrl: withLink ? meeting.online_url : null,
      linkHidden: !withLink && meeting.online_url !== null,
      mayJoin,
      moderating,
      cancelled,
      mayChange: moderating && !cancelled,
      myAnswer: mine ? (mine.delegate_id ? 'delegate' : mine.attending ? 'yes' : 'no') : null,
      myDelegate: mine?.delegate_name ?? null,
      delegateOptions: members
        .filter((m) => m.id !== viewerId)
        .map((m) => ({ ...m, selected: m.id === mine?.delegate_id })),
      attendees,
      declined: moderating
        ? attendance.filter((a) => !a.attending && a.delegate_id === null).map((a) => a.display_name)
        : [],
      questions: questions.map((q) => {
        const remover = cancelled ? null : questionRemover(access, q)
        return {
          ...q,
          mayVote: mayJoin && !q.voted && q.author_id !== viewerId && !q.discussed,
          mayRemove: remover === 'planner' || (remover === 'author' && mayStillWithdraw(q, meeting)),
          ownQuestion: q.author_id === viewerId,
        }
      }),
      mayAsk: mayJoin && !started,
      rooms: rooms.map((r) => ({
        ...r,
        languageName: languageName(r.language, request.locale),
        mayEdit: mayEditNotes(access, r),
        workedHtml: notesHtml(r.worked_md),
        didNotWorkHtml: notesHtml(r.did_not_work_md),
        callToActionHtml: notesHtml(r.call_to_action_md),
      })),
      items: itemsView(request, access, items),
      previous: previous ? { ...previous, items: previousItems } : null,
      summary: summaryView(request, meeting, moderating),
    })
  })

  // --- The planner's page: rooms, action items, editing, the summary draft and cancelling -------------
  app.get('/meetings/:id/plan', { preHandler: requireUser }, async (request, reply) => {
    const { meeting, community, access } = await meetingForViewer(db, request, (request.params as { id: string }).id)
    if (!mayPlan(access)) throw forbidden('meetings.error.not_moderator')
    const [rooms, items, members] = await Promise.all([
      listRooms(db, meeting.id),
      listActionItems(db, meeting.id),
      activeMembers(db, community.id),
    ])
    const cancelled = meeting.cancelled_at !== null
    const held = !cancelled && isHeld(meeting)
    const planTitle = request.t('meeting_page.plan.title')
    const heading = request.t('meeting_page.plan.heading', { title: meeting.title })
    return reply.render('meetings/plan', {
      title: heading,
      heading,
      breadcrumbs: meetingCrumbs(request, community, meeting, { label: planTitle }),
      meeting,
      community,
      time: organiserTime(request, meeting),
      tabs: planTabs(request, meeting.id, 'plan'),
      cancelled,
      held,
      mayChange: !cancelled,
      // A held meeting took place: its record is still corrected, but it is no longer cancelled.
      mayCancel: !cancelled && !held,
      rooms: rooms.map((r) => ({ ...r, languageName: languageName(r.language, request.locale) })),
      languages: contentLanguages.map((code) => ({ code, name: languageName(code, request.locale) })),
      members,
      items: itemsView(request, access, items),
      summary: summaryView(request, meeting, true),
    })
  })
}

/** The two views of one meeting, for planners: what participants see, and the planning tools. */
export const planTabs = (request: FastifyRequest, id: number, current: 'meeting' | 'plan' | 'guests') => [
  { label: request.t('meeting_page.tab.meeting'), href: `/meetings/${id}`, current: current === 'meeting' },
  { label: request.t('meeting_page.tab.plan'), href: `/meetings/${id}/plan`, current: current === 'plan' },
  { label: request.t('guests.tab'), href: `/meetings/${id}/guests`, current: current === 'guests' },
]

const itemsView = (request: FastifyRequest, access: Access, items: Awaited<ReturnType<typeof listActionItems>>) =>
  items.map((i) => ({
    ...i,
    statusLabel: request.t(`meetings.item.status.${i.status}`),
    mayUpdate: mayUpdateActionItem(access, i),
    statuses: ['open', 'done', 'dropped'].map((s) => ({
      value: s,
      label: request.t(`meetings.item.status.${s}`),
      selected: s === i.status,
    })),
  }))

/** The summary article: planners see it at any stage, everyone else once it is published and not hidden. */
const summaryView = (request: FastifyRequest, meeting: MeetingRow, moderating: boolean) =>
  meeting.summary_slug && (moderating || (meeting.summary_status === 'published' && meeting.summary_hidden_at === null))
    ? { slug: meeting.summary_slug, statusLabel: request.t(`library.status.${meeting.summary_status}`) }
    : null
