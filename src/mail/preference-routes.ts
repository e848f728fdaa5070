// Email preferences: /settings/notifications for a logged-in member, the same form at /settings/notifications/:token
// from the signed link in every email (no login needed), and /unsubscribe/:token, the one-click link of RFC 8058.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '../db/connect.js'
import type { EmailDelivery } from '../db/database.js'
import { requireUser, viewerOf } from '../web/auth.js'
import { badRequest, notFound } from '../web/errors.js'
import { setFlash } from '../web/flash.js'
import {
  checkChoices,
  digestCategories,
  loadPreferences,
  readChoices,
  savePreferences,
  unsubscribe,
  unsubscribeDigest,
  type PreferenceChoices,
  type PreferenceErrors,
} from './preference-commands.js'
import { deliveriesFor, emailCategories, isEmailCategory, type EmailCategory } from './preferences.js'
import { verifyLink } from './signed-links.js'

const fields = [
  ...emailCategories.map((c) => `delivery_${c}`),
  'paused',
  'digest_hour',
  'digest_weekday',
  '_csrf',
  'List-Unsubscribe',
  'confirm',
]
const formSchema = {
  body: { type: 'object', properties: Object.fromEntries(fields.map((field) => [field, { type: 'string' }])) },
  params: { type: 'object', properties: { token: { type: 'string', maxLength: 1000 } } },
}

/** The member a preferences link is for, or a clear 400 page when the link was altered. */
function memberOfPreferencesLink(secret: string, token: string): number {
  const subject = verifyLink(secret, 'preferences', token)
  const match = subject ? /^user:(\d+)$/.exec(subject) : null
  if (!match) throw badRequest('email_settings.error.bad_link')
  return Number(match[1])
}

/** A notification's link names its category; a digest's link names its frequency too (`user:ID:digest:daily`). */
interface UnsubscribeLink {
  userId: number
  category: EmailCategory
  frequency: 'daily' | 'weekly' | null
}

function unsubscribeLink(secret: string, token: string): UnsubscribeLink {
  const subject = verifyLink(secret, 'unsubscribe', token)
  const match = subject ? /^user:(\d+):([a-z_]+)(?::(daily|weekly))?$/.exec(subject) : null
  if (!match || !isEmailCategory(match[2]) || (match[3] && match[2] !== 'digest'))
    throw badRequest('email_settings.error.bad_link')
  const frequency = match[3] === 'daily' || match[3] === 'weekly' ? match[3] : null
  return { userId: Number(match[1]), category: match[2], frequency }
}

/** The categories as words of the page's language, in a list: "Replies to you and mentions, Meetings". */
function categoryList(request: FastifyRequest, categories: EmailCategory[]): string {
  return categories.map((c) => request.t(`email_settings.category.${c}`)).join(', ')
}

/** Wall-clock hours of the member's own time zone, the zone named next to them. */
function hourOptions(selected: string) {
  return Array.from({ length: 24 }, (_, hour) => ({
    value: String(hour),
    label: `${String(hour).padStart(2, '0')}:00`,
    selected: String(hour) === selected,
  }))
}

export async function preferenceRoutes(app: FastifyInstance, { db }: { db: Db }) {
  const secret = app.config.sessionSecret

  const page = async (
    request: FastifyRequest,
    reply: FastifyReply,
    options: {
      userId: number
      action: string
      viaLink: boolean
      choices?: PreferenceChoices
      errors?: PreferenceErrors
    },
  ) => {
    const stored = await loadPreferences(db, options.userId)
    if (!stored) throw notFound()
    // From an email link nobody may be logged in: the page speaks the language the member chose, as the email did.
    if (options.viaLink && stored.locale) request.locale = stored.locale
    const choices = options.choices ?? stored.choices
    const errors = options.errors ?? {}
    const t = request.t.bind(request)
    return reply.render('settings/notifications', {
      title: t('email_settings.title'),
      action: options.action,
      viaLink: options.viaLink,
      hasErrors: Object.keys(errors).length > 0,
      timeZone: stored.timeZone,
      paused: choices.paused,
      categories: emailCategories.map((category) => ({
        category,
        legend: t(`email_settings.category.${category}`),
        hint: t(`email_settings.category.${category}.hint`),
        error: errors[category] ? t(errors[category]!) : null,
        options: deliveriesFor(category).map((delivery) => ({
          id: `delivery_${category}_${delivery}`,
          value: delivery,
          label: t(`email_settings.delivery.${delivery}`),
          checked: choices.deliveries[category] === delivery,
        })),
      })),
      hours: hourOptions(choices.digestHour),
      hourError: errors.digest_hour ? t(errors.digest_hour) : null,
      weekdays: [1, 2, 3, 4, 5, 6, 7].map((day) => ({
        value: String(day),
        label: t(`email_settings.weekday.${day}`),
        selected: String(day) === choices.digestWeekday,
      })),
      weekdayError: errors.digest_weekday ? t(errors.digest_weekday) : null,
    })
  }

  const save = async (
    request: FastifyRequest,
    reply: FastifyReply,
    userId: number,
    action: string,
    viaLink: boolean,
  ) => {
    const choices = readChoices(request.body)
    const errors = checkChoices(choices)
    if (Object.keys(errors).length > 0)
      return page(request, reply.code(422), { userId, action, viaLink, choices, errors })
    if (!(await savePreferences(db, userId, choices))) throw notFound()
    setFlash(reply, 'email_settings.flash.saved')
    return reply.redirect(action, 303)
  }

  app.get('/settings/notifications', { preHandler: requireUser }, async (request, reply) =>
    page(request, reply, { userId: viewerOf(request).id, action: '/settings/notifications', viaLink: false }),
  )
  app.post('/settings/notifications', { preHandler: requireUser, schema: formSchema }, async (request, reply) =>
    save(request, reply, viewerOf(request).id, '/settings/notifications', false),
  )

  // From the link in an email: whoever holds the signed link may change these (and only these) settings; the form
  // still carries a CSRF token of its own page, so another site cannot post it with the link it does not know anyway.
  app.get<{ Params: { token: string } }>(
    '/settings/notifications/:token',
    { schema: { params: formSchema.params } },
    async (request, reply) => {
      const userId = memberOfPreferencesLink(secret, request.params.token)
      reply.header('referrer-policy', 'no-referrer')
      return page(request, reply, { userId, action: request.url.split('?')[0], viaLink: true })
    },
  )
  app.post<{ Params: { token: string } }>(
    '/settings/notifications/:token',
    { schema: formSchema },
    async (request, reply) => {
      const userId = memberOfPreferencesLink(secret, request.params.token)
      return save(request, reply, userId, request.url.split('?')[0], true)
    },
  )

  app.get<{ Params: { token: string } }>(
    '/unsubscribe/:token',
    { schema: { params: formSchema.params } },
    async (request, reply) => {
      // Only a page: link checkers in mail systems open every link, so a GET never unsubscribes.
      const { userId, category, frequency } = unsubscribeLink(secret, request.params.token)
      const member = await loadPreferences(db, userId)
      if (!member) throw notFound()
      if (member.locale) request.locale = member.locale
      reply.header('referrer-policy', 'no-referrer')
      // A digest's link says what else stops with it: each category gathered in that digest.
      const gathered = frequency
        ? digestCategories(member.choices.deliveries as Record<EmailCategory, EmailDelivery>, frequency).filter(
            (c) => c !== 'digest',
          )
        : []
      return reply.render('settings/unsubscribe', {
        title: request.t('email_settings.unsubscribe.title'),
        question: frequency
          ? request.t(`email_settings.unsubscribe.question_digest.${frequency}`)
          : request.t('email_settings.unsubscribe.question', {
              category: request.t(`email_settings.category.${category}`),
            }),
        also:
          gathered.length > 0
            ? request.t('email_settings.unsubscribe.digest_also', { categories: categoryList(request, gathered) })
            : null,
        action: request.url.split('?')[0],
        done: false,
      })
    },
  )

  // RFC 8058: mail clients post `List-Unsubscribe=One-Click` without cookies or a CSRF token; the signed token in the
  // URL is the authority. The page's own button posts `confirm=1` to the same route. Setting "never" twice is harmless.
  app.post<{ Params: { token: string } }>(
    '/unsubscribe/:token',
    { schema: formSchema, config: { oneClickFromMail: true } },
    async (request, reply) => {
      const { userId, category, frequency } = unsubscribeLink(secret, request.params.token)
      const body = (request.body ?? {}) as Record<string, string | undefined>
      if (body['List-Unsubscribe'] !== 'One-Click' && body.confirm !== '1')
        throw badRequest('email_settings.error.unsubscribe_body')
      let stopped: EmailCategory[] = [category]
      if (frequency) {
        const result = await unsubscribeDigest(db, userId, frequency)
        if (!result) throw notFound()
        stopped = result
      } else if (!(await unsubscribe(db, userId, category))) throw notFound()
      const member = await loadPreferences(db, userId)
      if (member?.locale) request.locale = member.locale
      request.log.info({ userId, category, frequency, stopped }, 'unsubscribed by email link')
      const gathered = stopped.filter((c) => c !== 'digest')
      return reply.code(200).render('settings/unsubscribe', {
        title: request.t('email_settings.unsubscribe.title'),
        done: true,
        doneText: frequency
          ? request.t(`email_settings.unsubscribe.done_digest.${frequency}`)
          : request.t('email_settings.unsubscribe.done', {
              category: request.t(`email_settings.category.${category}`),
            }),
        also:
          frequency && gathered.length > 0
            ? request.t('email_settings.unsubscribe.digest_stopped', { categories: categoryList(request, gathered) })
            : null,
      })
    },
  )
}
