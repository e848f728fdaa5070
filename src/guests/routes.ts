// Guests: the moderators' invite pages of a thread and a meeting, the link a guest opens, and the guest's own page.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { checkDisplayName, checkEmail, checkNewPassword, displayName, normaliseEmail } from '../accounts/validation.js'
import { logIn } from '../accounts/session-login.js'
import type { Db } from '../db/connect.js'
import { threadForViewer } from '../discussions/access.js'
import { threadCrumbs } from '../discussions/breadcrumbs.js'
import { meetingForViewer } from '../meetings/context.js'
import { mayPlan } from '../meetings/policy.js'
import { planTabs } from '../meetings/routes.js'
import { requireUser, viewerOf } from '../web/auth.js'
import { forbidden, notFound } from '../web/errors.js'
import { setFlash } from '../web/flash.js'
import { checkLength, fieldMessages, type FieldMessages } from '../web/limits.js'
import { field, formSchema, pathId } from '../web/params.js'
import { formatCalendarDate, parseDateInput } from '../web/time.js'
import { acceptInvitation, findInvitation, inviteGuest, listGuests, revokeGuest } from './commands.js'
import { grantViews } from './gate.js'
import { dayIn, guestScopeOf, type GuestSubject } from './policy.js'

const tokenPattern = /^[A-Za-z0-9_-]{20,64}$/
const noteLimit = 500

/** Adds `days` to a calendar day ('2026-12-04' + 365). */
const addDays = (day: string, days: number) =>
  new Date(Date.parse(`${day}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)

/** The invite form's fields, checked: the last day must come after today (the moderator's today) and within a year. */
function readInvite(request: FastifyRequest) {
  const values = {
    email: normaliseEmail(field(request.body, 'email')),
    ends_on: field(request.body, 'ends_on').trim(),
    note: field(request.body, 'note').trim(),
  }
  const errors: FieldMessages = {}
  checkEmail(values.email, errors)
  const endsOn = parseDateInput(values.ends_on, request.locale)
  const today = dayIn(request.timeZone)
  if (!endsOn) errors.ends_on = 'guests.error.date_invalid'
  else if (endsOn <= today) errors.ends_on = 'guests.error.date_past'
  else if (endsOn > addDays(today, 365)) errors.ends_on = 'guests.error.date_far'
  checkLength(errors, 'note', values.note, noteLimit)
  return { values, errors, endsOn: endsOn ?? '' }
}

export async function guestRoutes(app: FastifyInstance, { db }: { db: Db }) {
  /** The moderator's view of a thread or meeting, or a 403 for anyone else who may read it. */
  async function moderated(request: FastifyRequest, kind: 'thread' | 'meeting') {
    const rawId = (request.params as { id: string }).id
    if (kind === 'thread') {
      const { thread, mayModerate } = await threadForViewer(db, request, pathId(rawId))
      if (!mayModerate || thread.status === 'deleted') throw forbidden('guests.error.not_moderator')
      const subject: GuestSubject = { threadId: thread.id }
      const title = request.t('guests.page.title', { title: thread.title })
      return {
        subject,
        path: `/t/${thread.id}/guests`,
        data: { title, breadcrumbs: threadCrumbs(request, thread, request.t('guests.tab')) },
      }
    }
    const { meeting, access } = await meetingForViewer(db, request, rawId)
    if (!mayPlan(access)) throw forbidden('guests.error.not_moderator')
    const subject: GuestSubject = { meetingId: meeting.id }
    const title = request.t('guests.page.title', { title: meeting.title })
    return {
      subject,
      path: `/meetings/${meeting.id}/guests`,
      data: {
        title,
        tabs: planTabs(request, meeting.id, 'guests'),
        breadcrumbs: [{ label: meeting.title, href: `/meetings/${meeting.id}` }, { label: request.t('guests.tab') }],
      },
    }
  }

  async function guestsPage(
    request: FastifyRequest,
    reply: FastifyReply,
    kind: 'thread' | 'meeting',
    form: { values?: Record<string, string>; errors?: FieldMessages } = {},
  ) {
    const { subject, path, data } = await moderated(request, kind)
    const today = dayIn(request.timeZone)
    const guests = (await listGuests(db, subject)).map((g) => ({
      ...g,
      until: formatCalendarDate(g.ends_on, request.locale),
      state: g.revoked_at ? 'revoked' : g.ends_on < today ? 'ended' : g.accepted_at ? 'active' : 'invited',
    }))
    return reply.render('guests/invite', {
      ...data,
      action: path,
      guests,
      minDate: addDays(today, 1),
      maxDate: addDays(today, 365),
      values: form.values ?? {},
      errors: form.errors ? fieldMessages(request, form.errors) : {},
    })
  }

  async function invite(request: FastifyRequest, reply: FastifyReply, kind: 'thread' | 'meeting') {
    const { subject, path } = await moderated(request, kind)
    const { values, errors, endsOn } = readInvite(request)
    if (Object.keys(errors).length) {
      reply.code(422)
      return guestsPage(request, reply, kind, { values, errors })
    }
    await inviteGuest(db, app.config, {
      actorId: viewerOf(request).id,
      subject,
      email: values.email,
      endsOn,
      note: values.note || null,
      locale: request.locale,
    })
    request.log.info({ kind }, 'guest invited')
    setFlash(reply, 'guests.flash.invited')
    return reply.redirect(path, 303)
  }

  const inviteSchema = { preHandler: requireUser, schema: formSchema(['email', 'ends_on', 'note', '_csrf']) }
  app.get('/t/:id/guests', { preHandler: requireUser }, (request, reply) => guestsPage(request, reply, 'thread'))
  app.post('/t/:id/guests', inviteSchema, (request, reply) => invite(request, reply, 'thread'))
  app.get('/meetings/:id/guests', { preHandler: requireUser }, (request, reply) =>
    guestsPage(request, reply, 'meeting'),
  )
  app.post('/meetings/:id/guests', inviteSchema, (request, reply) => invite(request, reply, 'meeting'))

  app.post('/guests/:id/revoke', { preHandler: requireUser }, async (request, reply) => {
    const back = await revokeGuest(db, {
      actorId: viewerOf(request).id,
      invitationId: pathId((request.params as { id: string }).id),
    })
    if (!back) throw notFound()
    setFlash(reply, 'guests.flash.revoked')
    return reply.redirect(back, 303)
  })

  // --- The link in the email ---------------------------------------------------------------------------------------
  async function acceptPage(
    request: FastifyRequest,
    reply: FastifyReply,
    token: string,
    form: { values?: Record<string, string>; errors?: FieldMessages } = {},
  ) {
    const invitation = tokenPattern.test(token) ? await findInvitation(db, token, request.timeZone) : undefined
    if (!invitation) throw notFound('guests.error.unknown')
    if (invitation.state !== 'open') throw forbidden(`guests.error.${invitation.state}`)
    const viewer = request.viewer
    const mine = viewer !== null && invitation.account?.id === viewer.id
    return reply.render('guests/accept', {
      title: request.t('guests.accept.title', { title: invitation.title }),
      invitation: { ...invitation, until: formatCalendarDate(invitation.endsOn, request.locale) },
      token,
      // An account with this address exists: it logs in first. Someone else logged in: this link is not for them.
      logInFirst: invitation.account !== null && viewer === null,
      otherAccount: viewer !== null && !mine,
      confirmOnly: mine,
      values: form.values ?? {},
      errors: form.errors ? fieldMessages(request, form.errors) : {},
    })
  }

  app.get('/guest/:token', (request, reply) => acceptPage(request, reply, (request.params as { token: string }).token))

  app.post('/guest/:token', { schema: formSchema(['display_name', 'password', '_csrf']) }, async (request, reply) => {
    const { token } = request.params as { token: string }
    if (!tokenPattern.test(token)) throw notFound('guests.error.unknown')
    const viewer = request.viewer
    let newAccount = null
    if (!viewer) {
      const name = displayName(field(request.body, 'display_name'))
      const password = field(request.body, 'password')
      const errors: FieldMessages = {}
      checkDisplayName(name, errors)
      checkNewPassword(password, errors)
      if (Object.keys(errors).length) {
        reply.code(422)
        return acceptPage(request, reply, token, { values: { display_name: name }, errors })
      }
      newAccount = { displayName: name, password, locale: request.locale, timeZone: request.timeZone }
    }
    const result = await acceptInvitation(db, { token, viewerId: viewer?.id ?? null, newAccount })
    if (!result.ok) {
      if (result.reason === 'unknown') throw notFound('guests.error.unknown')
      if (result.reason === 'log_in') return reply.redirect(`/login?next=/guest/${token}`, 303)
      throw forbidden(`guests.error.${result.reason}`)
    }
    if (!viewer) await logIn(request, reply, result.userId)
    request.log.info({ userId: result.userId }, 'guest invitation accepted')
    setFlash(reply, 'guests.flash.welcome')
    return reply.redirect(result.path, 303)
  })

  // --- The guest's own page: what they may reach, and until when ------------------------------------------------
  app.get('/guest', { preHandler: requireUser }, async (request, reply) => {
    const viewer = viewerOf(request)
    const scope = request.guestScope ?? (await guestScopeOf(db, viewer.id, { timeZone: request.timeZone }))
    const grants = grantViews(request, scope)
    const ended = grants.length > 0 && !grants.some((grant) => grant.active)
    return reply.render('guests/access', {
      title: request.t(ended ? 'guests.ended.title' : 'guests.home.title'),
      ended,
      grants,
    })
  })
}
