// Pages for the links in account mail: the registration's "check your email", the verification link and its "send
// again", the forgotten password, and the email change. Every link's GET only shows a button: mail scanners open
// links, and a state change is a POST with a CSRF token.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Config } from '../config.js'
import type { Db } from '../db/connect.js'
import { isSendableAddress } from '../mail/header-text.js'
import { requireUser, viewerOf } from '../web/auth.js'
import { setFlash } from '../web/flash.js'
import { fieldMessages } from '../web/limits.js'
import { safeLocalPath } from '../web/view.js'
import {
  confirmEmailChange,
  isResetTokenUsable,
  requestEmailChange,
  requestPasswordReset,
  resendVerification,
  resetPassword,
  verifyEmail,
} from './email-commands.js'
import { logIn } from './session-login.js'
import { findUsableToken } from './tokens.js'
import { checkEmail, checkNewPassword, normaliseEmail, type FieldErrors } from './validation.js'

type Form = Record<string, unknown>

const formBody = (fields: string[]) => ({
  body: { type: 'object', properties: Object.fromEntries(fields.map((field) => [field, { type: 'string' }])) },
})
const str = (value: unknown) => (typeof value === 'string' ? value : '')
const quarterHour = 15 * 60_000

export async function emailAccountRoutes(app: FastifyInstance, { db, config }: { db: Db; config: Readonly<Config> }) {
  // Per address (client IP); the per-account limits are counted in the database (email-commands.ts), so they hold
  // across instances and for someone who changes address.
  const linkLimit = { max: 10, timeWindow: quarterHour }

  /** A page with a heading, a paragraph and maybe one link or button. */
  const message = (
    request: FastifyRequest,
    reply: FastifyReply,
    key: string,
    extra: { link?: { href: string; label: string }; vars?: Record<string, string> } = {},
  ) =>
    reply.render('accounts/message', {
      title: request.t(`${key}.title`),
      heading: request.t(`${key}.title`),
      body: request.t(`${key}.body`, extra.vars),
      link: extra.link,
    })

  const invalidLink = (request: FastifyRequest, reply: FastifyReply, again: { href: string; label: string }) =>
    message(request, reply.code(400), 'account_mail.page.link_invalid', {
      link: { href: again.href, label: request.t(again.label) },
    })

  app.get('/register/sent', async (request, reply) =>
    message(request, reply, 'account_mail.page.register_sent', {
      link: { href: '/login', label: request.t('nav.login') },
    }),
  )

  // --- Verification -------------------------------------------------------------------------------------------
  app.get('/verify/:token', async (request, reply) => {
    const { token } = request.params as { token: string }
    const usable = await db.transaction().execute(async (trx) => (await findUsableToken(trx, 'verify', token)) !== null)
    if (!usable) return invalidLink(request, reply, { href: '/login', label: 'nav.login' })
    return reply.render('accounts/confirm-link', {
      title: request.t('account_mail.page.verify.title'),
      heading: request.t('account_mail.page.verify.title'),
      body: request.t('account_mail.page.verify.body'),
      action: `/verify/${token}`,
      submit: request.t('account_mail.page.verify.submit'),
      next: safeLocalPath((request.query as Form).next, ''),
    })
  })

  app.post('/verify/:token', { schema: formBody(['next', '_csrf']) }, async (request, reply) => {
    const { token } = request.params as { token: string }
    const userId = await verifyEmail(db, token)
    if (userId === null) return invalidLink(request, reply, { href: '/login', label: 'nav.login' })
    request.log.info({ userId }, 'email address verified')
    // Opening the link proves the mailbox: the member is logged in (or stays so), as after registering elsewhere.
    if (request.viewer?.id !== userId) await logIn(request, reply, userId)
    setFlash(reply, 'account_mail.flash.verified')
    return reply.redirect(safeLocalPath((request.body as Form).next, '/'), 303)
  })

  app.post(
    '/verify/resend',
    { preHandler: requireUser, schema: formBody(['next', '_csrf']), config: { rateLimit: linkLimit } },
    async (request, reply) => {
      const result = await resendVerification(db, config, viewerOf(request).id)
      if (result === 'limited') {
        reply.code(429).header('retry-after', String(3600))
        return message(request, reply, 'account_mail.page.resend_limited')
      }
      setFlash(reply, result === 'sent' ? 'account_mail.flash.verify_sent' : 'account_mail.flash.verified')
      return reply.redirect(safeLocalPath((request.body as Form).next, '/'), 303)
    },
  )

  // --- Forgotten password -------------------------------------------------------------------------------------
  const forgotPage = (request: FastifyRequest, reply: FastifyReply, values: Form = {}, errors: FieldErrors = {}) =>
    reply.render('accounts/forgot', {
      title: request.t('account_mail.page.forgot.title'),
      values,
      errors: fieldMessages(request, errors),
    })

  app.get('/password/forgot', async (request, reply) => forgotPage(request, reply))

  app.post(
    '/password/forgot',
    { schema: formBody(['email', '_csrf']), config: { rateLimit: linkLimit } },
    async (request, reply) => {
      const email = normaliseEmail((request.body as Form).email)
      const errors: FieldErrors = {}
      checkEmail(email, errors)
      if (!errors.email && !isSendableAddress(email)) errors.email = 'accounts.error.email_invalid'
      if (Object.keys(errors).length > 0) return forgotPage(request, reply.code(422), { email }, errors)
      // Known or not, limited or not: the same page, so the form tells nobody who has an account.
      await requestPasswordReset(db, config, email, request.locale)
      return reply.redirect('/password/forgot/sent', 303)
    },
  )

  app.get('/password/forgot/sent', async (request, reply) =>
    message(request, reply, 'account_mail.page.forgot_sent', {
      link: { href: '/login', label: request.t('nav.login') },
    }),
  )

  const resetPage = (request: FastifyRequest, reply: FastifyReply, token: string, errors: FieldErrors = {}) =>
    reply.render('accounts/reset', {
      title: request.t('account_mail.page.reset.title'),
      action: `/password/reset/${token}`,
      errors: fieldMessages(request, errors),
    })
  const resetAgain = { href: '/password/forgot', label: 'account_mail.page.forgot.again' }

  app.get('/password/reset/:token', async (request, reply) => {
    const { token } = request.params as { token: string }
    if (!(await isResetTokenUsable(db, token))) return invalidLink(request, reply, resetAgain)
    return resetPage(request, reply, token)
  })

  app.post(
    '/password/reset/:token',
    { schema: formBody(['new_password', 'confirm_password', '_csrf']), config: { rateLimit: linkLimit } },
    async (request, reply) => {
      const { token } = request.params as { token: string }
      const body = request.body as Form
      const password = str(body.new_password)
      const errors: FieldErrors = {}
      checkNewPassword(password, errors, 'new_password')
      if (!errors.new_password && password !== body.confirm_password)
        errors.confirm_password = 'accounts.error.passwords_differ'
      if (Object.keys(errors).length > 0) {
        if (!(await isResetTokenUsable(db, token))) return invalidLink(request, reply, resetAgain)
        return resetPage(request, reply.code(422), token, errors)
      }
      const userId = await resetPassword(db, config, { token, password, locale: request.locale })
      if (userId === null) return invalidLink(request, reply, resetAgain)
      request.log.info({ userId }, 'password reset by email')
      // Every session of the member ended with the reset; this browser starts afresh too, whoever it was.
      if (request.session.userId !== undefined) await request.session.destroy()
      setFlash(reply, 'account_mail.flash.password_reset')
      return reply.redirect('/login', 303)
    },
  )

  // --- Email change -------------------------------------------------------------------------------------------
  const emailPage = async (request: FastifyRequest, reply: FastifyReply, values: Form = {}, errors: FieldErrors = {}) =>
    reply.render('accounts/email', {
      title: request.t('account_mail.page.email.title'),
      email: viewerOf(request).email,
      values,
      errors: fieldMessages(request, errors),
    })

  app.get('/settings/email', { preHandler: requireUser }, async (request, reply) => emailPage(request, reply))

  app.post(
    '/settings/email',
    {
      preHandler: requireUser,
      schema: formBody(['new_email', 'current_password', '_csrf']),
      config: { rateLimit: linkLimit },
    },
    async (request, reply) => {
      const body = request.body as Form
      const newEmail = normaliseEmail(body.new_email)
      const password = str(body.current_password)
      const errors: FieldErrors = {}
      checkEmail(newEmail, errors)
      if (errors.email) errors.new_email = errors.email
      delete errors.email
      if (!errors.new_email && !isSendableAddress(newEmail)) errors.new_email = 'accounts.error.email_invalid'
      if (password === '') errors.current_password = 'accounts.error.current_password_required'
      const values = { new_email: newEmail }
      if (Object.keys(errors).length > 0) return emailPage(request, reply.code(422), values, errors)
      const result = await requestEmailChange(db, config, { userId: viewerOf(request).id, password, newEmail })
      if (!result.ok)
        return emailPage(
          request,
          reply.code(422),
          values,
          result.reason === 'wrong_password'
            ? { current_password: 'accounts.error.current_password_wrong' }
            : { new_email: 'account_mail.error.same_address' },
        )
      setFlash(reply, 'account_mail.flash.email_change_sent')
      return reply.redirect('/settings/email', 303)
    },
  )

  const emailAgain = { href: '/settings/email', label: 'account_mail.page.email.again' }

  app.get('/settings/email/confirm/:token', async (request, reply) => {
    const { token } = request.params as { token: string }
    const found = await db.transaction().execute((trx) => findUsableToken(trx, 'email_change', token))
    if (!found?.newEmail) return invalidLink(request, reply, emailAgain)
    return reply.render('accounts/confirm-link', {
      title: request.t('account_mail.page.email_confirm.title'),
      heading: request.t('account_mail.page.email_confirm.title'),
      body: request.t('account_mail.page.email_confirm.body', { email: found.newEmail }),
      action: `/settings/email/confirm/${token}`,
      submit: request.t('account_mail.page.email_confirm.submit'),
      next: '',
    })
  })

  app.post('/settings/email/confirm/:token', { schema: formBody(['next', '_csrf']) }, async (request, reply) => {
    const { token } = request.params as { token: string }
    const result = await confirmEmailChange(db, config, token)
    if (!result.ok && result.reason === 'taken')
      return message(request, reply.code(409), 'account_mail.page.email_taken', {
        link: { href: emailAgain.href, label: request.t(emailAgain.label) },
      })
    if (!result.ok) return invalidLink(request, reply, emailAgain)
    request.log.info({ userId: result.userId }, 'email address changed')
    if (request.viewer?.id === result.userId) {
      setFlash(reply, 'account_mail.flash.email_changed')
      return reply.redirect('/settings/email', 303)
    }
    return message(request, reply, 'account_mail.page.email_changed', {
      link: { href: '/login', label: request.t('nav.login') },
    })
  })
}
