// Register, log in, log out, profile and password: HTTP only; rules live in validation.ts, writes in commands.ts.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '../db/connect.js'
import { describeUnavailable, isDatabaseUnavailable } from '../db/unavailable.js'
import type { Config } from '../config.js'
import { requireUser, viewerOf } from '../web/auth.js'
import { databaseRetryAfterSeconds, notFound } from '../web/errors.js'
import { setFlash } from '../web/flash.js'
import { supportedLocales, translate } from '../web/i18n.js'
import { timeZones } from '../web/time.js'
import { rotateCsrfSecret, safeLocalPath } from '../web/view.js'
import { languageCookie, timeZoneCookie } from '../web/viewer.js'
import { isLocale } from '../web/i18n.js'
import { isTimeZone } from '../web/time.js'
import { authenticate, changePassword, updateProfile } from './commands.js'
import { registerByEmail } from './email-commands.js'
import { emailAccountRoutes } from './email-routes.js'
import { isSendableAddress } from '../mail/header-text.js'
import { logIn } from './session-login.js'
import { countryOptions } from './countries.js'
import { isKnownDevice, rememberDevice } from './device-cookie.js'
import { claimLoginAttempt, clearFailures, deleteStaleLoginThrottles } from './login-throttle.js'
import { fieldMessages } from '../web/limits.js'
import { findProfile } from './queries.js'
import {
  checkDisplayName,
  checkEmail,
  checkNewPassword,
  checkProfile,
  displayName as cleanDisplayName,
  normaliseEmail,
  readProfile,
  text,
  type FieldErrors,
} from './validation.js'

type Form = Record<string, unknown>

// Types only: each field's length is checked in validation.ts, whose message names the limit and keeps the text.
const formBody = (fields: string[]) => ({
  body: {
    type: 'object',
    properties: Object.fromEntries(fields.map((field) => [field, { type: 'string' }])),
  },
})

const translatedErrors = (request: FastifyRequest, errors: FieldErrors) => fieldMessages(request, errors)

export async function accountRoutes(app: FastifyInstance, { db, config }: { db: Db; config: Readonly<Config> }) {
  const loginLimit = { max: config.rateLimits.login.max, timeWindow: config.rateLimits.login.timeWindowMs }
  const registerLimit = { max: config.rateLimits.register.max, timeWindow: config.rateLimits.register.timeWindowMs }

  const sweep = setInterval(
    () => {
      deleteStaleLoginThrottles(db, config.loginThrottle).catch((err) =>
        app.log.warn({ err }, 'could not delete stale login throttles'),
      )
    },
    60 * 60 * 1000,
  )
  sweep.unref()
  app.addHook('onClose', async () => clearInterval(sweep))

  const registerPage = (request: FastifyRequest, reply: FastifyReply, values: Form = {}, errors: FieldErrors = {}) =>
    reply.render('accounts/register', {
      title: request.t('accounts.register.title'),
      values,
      errors: translatedErrors(request, errors),
      next: safeLocalPath(values.next, ''),
    })

  app.get('/register', async (request, reply) => {
    if (request.viewer) return reply.redirect('/', 303)
    return registerPage(request, reply, { next: (request.query as Form).next })
  })

  app.post(
    '/register',
    { schema: formBody(['email', 'display_name', 'password', 'next', '_csrf']), config: { rateLimit: registerLimit } },
    async (request, reply) => {
      const body = request.body as Form
      const email = normaliseEmail(body.email)
      const displayName = cleanDisplayName(body.display_name)
      const password = typeof body.password === 'string' ? body.password : ''
      const errors: FieldErrors = {}
      checkEmail(email, errors)
      checkDisplayName(displayName, errors)
      checkNewPassword(password, errors)
      const values = { email, display_name: displayName, next: body.next }
      if (Object.keys(errors).length > 0) return registerPage(request, reply.code(422), values, errors)

      // Checked here, not only when sending: an address that cannot carry mail must not become an account.
      if (!isSendableAddress(email))
        return registerPage(request, reply.code(422), values, { email: 'accounts.error.email_invalid' })

      // The same answer whether the address is new or taken (registerByEmail): "check your email".
      const result = await registerByEmail(db, config, {
        email,
        displayName,
        password,
        locale: request.locale,
        next: safeLocalPath(body.next, '/settings'),
      })
      if (!result.ok)
        return registerPage(request, reply.code(422), values, {
          display_name: 'accounts.error.display_name_like_staff',
        })
      if (result.userId !== null) request.log.info({ userId: result.userId }, 'account registered')
      return reply.redirect('/register/sent', 303)
    },
  )

  await emailAccountRoutes(app, { db, config })

  const loginPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    values: Form = {},
    error: string | null = null,
    translate = true,
  ) =>
    reply.render('accounts/login', {
      title: request.t('accounts.login.title'),
      values,
      error: error && (translate ? request.t(error) : error),
      next: safeLocalPath(values.next, ''),
    })

  app.get('/login', async (request, reply) => {
    if (request.viewer) return reply.redirect(safeLocalPath((request.query as Form).next), 303)
    return loginPage(request, reply, { next: (request.query as Form).next })
  })

  app.post(
    '/login',
    // answersWithoutSession: with the database away, the login form itself says so (viewer.ts would answer 503 first).
    {
      schema: formBody(['email', 'password', 'next', '_csrf']),
      config: { rateLimit: loginLimit, answersWithoutSession: true },
    },
    async (request, reply) => {
      try {
        return await attemptLogin(request, reply)
      } catch (error) {
        if (!isDatabaseUnavailable(error)) throw error
        // Plainly: nobody can log in right now. The email stays in the form; the password is never sent back.
        const body = request.body as Form
        request.log.warn({ ...describeUnavailable(error) }, 'login impossible: the database is unavailable')
        reply.code(503).header('retry-after', String(databaseRetryAfterSeconds))
        return loginPage(
          request,
          reply,
          { email: normaliseEmail(body.email), next: body.next },
          'accounts.error.login_unavailable',
        )
      }
    },
  )

  const attemptLogin = async (request: FastifyRequest, reply: FastifyReply) => {
    const body = request.body as Form
    const email = normaliseEmail(body.email)
    const password = typeof body.password === 'string' ? body.password : ''
    // A browser that logged in to this account before skips its throttle (device-cookie.ts): neither refused nor
    // counted, so a stranger's guesses cannot lock the owner out, and the owner's typos do not lengthen the wait.
    const knownDevice = Boolean(email) && isKnownDevice(request, email)
    if (email && password && !knownDevice) {
      // Per account, beside the per-address limit: guesses spread over many addresses still slow down.
      const attempt = await claimLoginAttempt(db, email, config.loginThrottle)
      if (!attempt.allowed) {
        const seconds = Math.max(1, Math.ceil((attempt.retryAt.getTime() - Date.now()) / 1000))
        request.log.info({ email }, 'login throttled for this account')
        reply.code(429).header('retry-after', String(seconds))
        return loginPage(
          request,
          reply,
          { email, next: body.next },
          request.t('accounts.error.login_throttled', { seconds }),
          false,
        )
      }
    }
    const userId = email && password ? await authenticate(db, email, password) : null
    if (userId === null) {
      request.log.info({ email }, 'login refused')
      // One message for an unknown email and a wrong password: the form must not reveal who has an account.
      return loginPage(request, reply.code(401), { email, next: body.next }, 'accounts.error.login_failed')
    }
    // From a known device the count is left alone: clearing it would hand a stranger five fresh guesses.
    if (!knownDevice) await clearFailures(db, email)
    await logIn(request, reply, userId)
    rememberDevice(request, reply, email)
    return reply.redirect(safeLocalPath(body.next), 303)
  }

  app.post('/logout', async (request, reply) => {
    if (request.viewer) await request.session.destroy()
    rotateCsrfSecret(request, reply)
    setFlash(reply, 'accounts.flash.logged_out')
    return reply.redirect('/', 303)
  })

  const settingsPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    values?: Form,
    errors: FieldErrors = {},
  ) => {
    const viewer = viewerOf(request)
    const profile = await findProfile(db, viewer.id)
    if (!profile) throw notFound()
    const current = values ?? {
      ...profile,
      locale: profile.locale ?? '',
      time_zone: profile.time_zone ?? '',
      country: profile.country ?? '',
    }
    return reply.render('accounts/settings', {
      title: request.t('accounts.settings.title'),
      breadcrumbs: [{ label: request.t('accounts.settings.title') }],
      email: profile.email,
      values: current,
      errors: translatedErrors(request, errors),
      countries: countryOptions(request.locale).map((c) => ({ ...c, selected: c.code === current.country })),
      locales: supportedLocales.map((code) => ({
        code,
        name: translate(code, `language.${code}`),
        selected: code === current.locale,
      })),
      timeZones: timeZones().map((zone) => ({ zone, selected: zone === current.time_zone })),
    })
  }

  app.get('/settings', { preHandler: requireUser }, async (request, reply) => settingsPage(request, reply))

  app.post(
    '/settings',
    {
      preHandler: requireUser,
      schema: formBody(['display_name', 'organisation', 'country', 'bio', 'locale', 'time_zone', '_csrf']),
    },
    async (request, reply) => {
      const viewer = viewerOf(request)
      const input = readProfile(request.body as Form)
      const errors = checkProfile(input)
      if (Object.keys(errors).length > 0) return settingsPage(request, reply.code(422), { ...input }, errors)
      const result = await updateProfile(db, viewer.id, input)
      if (!result.ok)
        return settingsPage(
          request,
          reply.code(422),
          { ...input },
          { display_name: 'accounts.error.display_name_like_staff' },
        )
      setFlash(reply, 'accounts.flash.profile_saved')
      return reply.redirect('/settings', 303)
    },
  )

  const passwordPage = (request: FastifyRequest, reply: FastifyReply, errors: FieldErrors = {}) =>
    reply.render('accounts/password', {
      title: request.t('accounts.password.title'),
      errors: translatedErrors(request, errors),
    })

  app.get('/settings/password', { preHandler: requireUser }, async (request, reply) => passwordPage(request, reply))

  app.post(
    '/settings/password',
    { preHandler: requireUser, schema: formBody(['current_password', 'new_password', 'confirm_password', '_csrf']) },
    async (request, reply) => {
      const viewer = viewerOf(request)
      const body = request.body as Form
      const current = typeof body.current_password === 'string' ? body.current_password : ''
      const next = typeof body.new_password === 'string' ? body.new_password : ''
      const errors: FieldErrors = {}
      if (current === '') errors.current_password = 'accounts.error.current_password_required'
      checkNewPassword(next, errors, 'new_password')
      if (!errors.new_password && next !== body.confirm_password)
        errors.confirm_password = 'accounts.error.passwords_differ'
      if (Object.keys(errors).length > 0) return passwordPage(request, reply.code(422), errors)

      const result = await changePassword(db, {
        userId: viewer.id,
        currentPassword: current,
        newPassword: next,
        keepSessionId: request.session.sessionId,
      })
      if (!result.ok)
        return passwordPage(request, reply.code(422), { current_password: 'accounts.error.current_password_wrong' })
      request.log.info({ userId: viewer.id }, 'password changed')
      // The other sessions are gone (changePassword); this one takes a new id and CSRF secret, as at a login.
      await logIn(request, reply, viewer.id)
      setFlash(reply, 'accounts.flash.password_changed')
      return reply.redirect('/settings', 303)
    },
  )

  // The footer's language switch. A member's choice is saved with the profile; a visitor's in a cookie.
  app.post('/language', { schema: formBody(['locale', 'next', '_csrf']) }, async (request, reply) => {
    const body = request.body as Form
    const locale = text(body.locale)
    if (!isLocale(locale)) return reply.redirect(safeLocalPath(body.next), 303)
    if (request.viewer) {
      await db
        .transaction()
        .execute((trx) =>
          trx
            .updateTable('users')
            .set({ locale, updated_at: new Date() })
            .where('id', '=', request.viewer!.id)
            .execute(),
        )
    }
    reply.setCookie(languageCookie, locale, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      maxAge: 365 * 24 * 3600,
      secure: config.secureCookies,
    })
    return reply.redirect(safeLocalPath(body.next), 303)
  })

  // Progressive enhancement: static/js/kring.js reports the browser's time zone once, for visitors and members who chose none.
  app.post('/time-zone', { schema: formBody(['time_zone', '_csrf']) }, async (request, reply) => {
    const zone = text((request.body as Form).time_zone)
    if (!isTimeZone(zone)) return reply.code(400).send({ ok: false })
    reply.setCookie(timeZoneCookie, zone, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      maxAge: 365 * 24 * 3600,
      secure: config.secureCookies,
    })
    return reply.send({ ok: true })
  })
}
