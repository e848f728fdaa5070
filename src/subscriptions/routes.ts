// The wider circle's pages: the subscribe form and its "check your email" answer, the confirmation link, the page that
// manages an address's subscriptions (from the link in every email) and the one-click unsubscribe of RFC 8058.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '../db/connect.js'
import { isSendableAddress } from '../mail/header-text.js'
import { HttpError } from '../web/errors.js'
import { setFlash } from '../web/flash.js'
import { field, formSchema, positiveInt } from '../web/params.js'
import { normaliseEmailText } from '../web/text-rules.js'
import { confirmSubscription, deleteSubscriber, removeSubscription, requestSubscription } from './commands.js'
import { weeklyDigestJob } from './digest.js'
import { confirmationIsOpen, findManageLink, subscriptionsOf, type LinkHolder } from './queries.js'
import { nameKey, namesOfTargets, parseTarget, resolveTarget, targetKey, type TargetRef } from './targets.js'
import { isTokenShape } from './tokens.js'
import { translate } from '../web/i18n.js'

/** Subscribe forms one client may send: enough for a family behind one router, too few to mail-bomb from. */
export const subscribeLimit = { max: 20, timeWindow: 10 * 60_000 }
const maxEmailLength = 254
// As registration's check, loosely: one @, something on both sides, a dot in the domain. Mail arriving is the test.
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/** A link that is unknown, expired, used or whose address was deleted: one clear page, nothing changed. */
const linkGone = () => new HttpError(404, 'subscriptions.error.link_gone')

export async function subscriptionRoutes(app: FastifyInstance, { db }: { db: Db }) {
  app.scheduler.add(weeklyDigestJob)

  const libraryName = (request: FastifyRequest) => request.t('subscriptions.target.library')

  const formPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    ref: TargetRef,
    values: { email?: string } = {},
    error: string | null = null,
  ) => {
    const target = await resolveTarget(db, ref, request.locale, libraryName(request))
    if (!target) throw new HttpError(404, 'subscriptions.error.no_target')
    return reply.render('subscriptions/subscribe', {
      title: request.t('subscriptions.subscribe.title', { target: target.name }),
      target: { ...target, key: targetKey(target) },
      values,
      error,
    })
  }

  const refOf = (raw: string) => {
    const ref = parseTarget(raw)
    if (!ref) throw new HttpError(404, 'subscriptions.error.no_target')
    return ref
  }

  app.get('/subscribe', async (request, reply) => {
    const to = (request.query as Record<string, unknown>).to
    return formPage(request, reply, refOf(typeof to === 'string' ? to : 'library'))
  })

  app.post(
    '/subscribe',
    { schema: formSchema(['email', 'to', '_csrf']), config: { rateLimit: subscribeLimit } },
    async (request, reply) => {
      const raw = field(request.body, 'email')
      const ref = refOf(field(request.body, 'to'))
      const email = normaliseEmailText(raw)
      // CR or LF is header syntax, never part of an address: refused, not cleaned into something else.
      const error =
        email === ''
          ? 'subscriptions.error.email_required'
          : /[\r\n]/.test(raw) ||
              email.length > maxEmailLength ||
              !emailPattern.test(email) ||
              !isSendableAddress(email)
            ? 'subscriptions.error.email_invalid'
            : null
      if (error) return formPage(request, reply.code(422), ref, { email: raw.slice(0, 500) }, request.t(error))
      const target = await resolveTarget(db, ref, request.locale, libraryName(request))
      if (!target) throw new HttpError(404, 'subscriptions.error.no_target')
      await requestSubscription(db, app.config, { email, locale: request.locale, target })
      // Never the address in the log: it is personal data, and who subscribed is nobody's business.
      request.log.info({ target: targetKey(target) }, 'subscription requested')
      return reply.redirect('/subscribe/sent', 303)
    },
  )

  // The same page whether the address was new, pending or already subscribed: it tells nobody who follows what.
  app.get('/subscribe/sent', async (request, reply) =>
    reply.render('subscriptions/sent', { title: request.t('subscriptions.sent.title') }),
  )

  const tokenOf = (request: FastifyRequest): string => {
    const { token } = request.params as { token: string }
    if (!isTokenShape(token)) throw linkGone()
    return token
  }

  // The link in the email opens a page with a button: mail scanners that open links do not confirm for anyone.
  app.get('/subscriptions/:token/confirm', async (request, reply) => {
    const token = tokenOf(request)
    if (!(await confirmationIsOpen(db, token))) throw linkGone()
    return reply.render('subscriptions/confirm', { title: request.t('subscriptions.confirm.title'), token })
  })

  app.post(
    '/subscriptions/:token/confirm',
    { schema: formSchema(['_csrf']), config: { rateLimit: subscribeLimit } },
    async (request, reply) => {
      const manage = await confirmSubscription(db, tokenOf(request))
      if (!manage) throw linkGone()
      setFlash(reply, 'subscriptions.flash.confirmed')
      return reply.redirect(`/subscriptions/${manage}`, 303)
    },
  )

  const holderOf = async (request: FastifyRequest): Promise<{ token: string; holder: LinkHolder }> => {
    const token = tokenOf(request)
    const holder = await findManageLink(db, token)
    if (!holder) throw linkGone()
    return { token, holder }
  }

  app.get('/subscriptions/:token', async (request, reply) => {
    const { token, holder } = await holderOf(request)
    const found = await subscriptionsOf(db, holder.subscriberId)
    if (!found) throw linkGone()
    // An address and the links that manage it: never kept by a browser's or a proxy's cache.
    reply.header('cache-control', 'no-store')
    const names = await namesOfTargets(db, found.subscriptions, [request.locale], (locale) =>
      translate(locale, 'subscriptions.target.library'),
    )
    return reply.render('subscriptions/manage', {
      title: request.t('subscriptions.manage.title'),
      token,
      email: found.subscriber.email,
      subscriptions: found.subscriptions.map((s) => {
        const name = names.get(nameKey(s, request.locale))
        return {
          id: s.id,
          name: name?.name ?? request.t('subscriptions.target.gone'),
          path: name?.followable ? name.path : null,
          pending: s.status === 'pending',
        }
      }),
    })
  })

  app.post(
    '/subscriptions/:token/remove',
    { schema: formSchema(['subscription', '_csrf']) },
    async (request, reply) => {
      const { token, holder } = await holderOf(request)
      const id = positiveInt(field(request.body, 'subscription'))
      if (id === null || !(await removeSubscription(db, holder.subscriberId, id)))
        throw new HttpError(404, 'subscriptions.error.no_subscription')
      setFlash(reply, 'subscriptions.flash.removed')
      return reply.redirect(`/subscriptions/${token}`, 303)
    },
  )

  app.post('/subscriptions/:token/delete', { schema: formSchema(['_csrf']) }, async (request, reply) => {
    const { holder } = await holderOf(request)
    await deleteSubscriber(db, holder.subscriberId)
    request.log.info('a subscriber deleted their address')
    return reply.render('subscriptions/deleted', { title: request.t('subscriptions.deleted.title') })
  })

  // What a person who opens the List-Unsubscribe address in a browser sees: the button that does it.
  app.get('/subscriptions/:token/unsubscribe', async (request, reply) => {
    const { token } = await holderOf(request)
    return reply.render('subscriptions/unsubscribe', { title: request.t('subscriptions.unsubscribe.title'), token })
  })

  // RFC 8058 one-click: the mail client POSTs "List-Unsubscribe=One-Click" with no cookie and no form token; the
  // random link itself is the proof. It stops the subscription that email was about.
  app.post(
    '/subscriptions/:token/unsubscribe',
    { config: { oneClickFromMail: true, rateLimit: subscribeLimit } },
    async (request, reply) => {
      const { token, holder } = await holderOf(request)
      if (holder.subscriptionId !== null) await removeSubscription(db, holder.subscriberId, holder.subscriptionId)
      return reply.render('subscriptions/unsubscribed', {
        title: request.t('subscriptions.unsubscribed.title'),
        token,
      })
    },
  )
}
