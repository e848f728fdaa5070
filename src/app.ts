// buildApp(config): infra plugins first, then domain routes, then the error pages. server.ts only listens.
import fastifyCookie from '@fastify/cookie'
import fastifyCsrf from '@fastify/csrf-protection'
import fastifyFormbody from '@fastify/formbody'
import fastifyHelmet from '@fastify/helmet'
import fastifyRateLimit from '@fastify/rate-limit'
import fastifySession from '@fastify/session'
import fastifyStatic from '@fastify/static'
import Fastify, { type FastifyInstance } from 'fastify'
import type { DestinationStream } from 'pino'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { accountRoutes } from './accounts/routes.js'
import { adminRoutes } from './admin/routes.js'
import { dataRightsRoutes, installDeletionGrace } from './data-rights/routes.js'
import { moderationRoutes } from './moderation/routes.js'
import { communityRoutes } from './communities/routes.js'
import { discussionRoutes } from './discussions/routes.js'
import { anonymousRoutes } from './anonymous/routes.js'
import { commentRoutes } from './library/comment-routes.js'
import { feedRoutes } from './library/feeds.js'
import { fromThreadRoutes } from './library/from-thread-routes.js'
import { libraryRoutes } from './library/routes.js'
import { redactionRoutes } from './redaction/routes.js'
import { meetingRoutes } from './meetings/routes.js'
import { themeAdminRoutes, themeRoutes } from './themes/routes.js'
import type { Config } from './config.js'
import { connectDatabase, type Db } from './db/connect.js'
import { openHeavyReads, type HeavyReads } from './db/heavy-reads.js'
import { healthRoutes } from './health/routes.js'
import { homeRoutes } from './home/routes.js'
import { createSearchClient, type SearchClient } from './search/client.js'
import { installSearch } from './search/plugin.js'
import type { WorkerOptions } from './search/worker.js'
import { installOneClickBody } from './web/one-click-body.js'
import { installMail } from './mail/plugin.js'
import { installBell } from './notifications/bell.js'
import { installMessageCount } from './conversations/unread.js'
import { blockRoutes } from './conversations/block-routes.js'
import { conversationRoutes } from './conversations/routes.js'
import { installNotifications } from './notifications/plugin.js'
import type { ReachWorkerOptions } from './notifications/reach-worker.js'
import { preferenceRoutes } from './mail/preference-routes.js'
import { installDigests } from './digests/job.js'
import { subscriberAdminRoutes } from './subscriptions/admin-routes.js'
import { subscriptionRoutes } from './subscriptions/routes.js'
import { installScheduler, type SchedulerOptions } from './schedule/scheduler.js'
import type { SmtpTimeouts } from './mail/transport.js'
import type { MailWorkerOptions } from './mail/worker.js'
import { installErrorPages, tooManyRequests } from './web/errors.js'
import { installInputGuard } from './web/input-guard.js'
import { serializeRequest } from './web/log-redaction.js'
import { installMalformedUrlCheck, onClientError, onFrameworkError } from './web/malformed-urls.js'
import { installRequestIdHeader, requestIdOf } from './web/request-id.js'
import { installResponseGuard } from './web/response-guard.js'
import { deleteExpiredSessions, PostgresSessionStore } from './web/session-store.js'
import { sharedRateLimitStore } from './web/rate-limit-store.js'
import { installSecureCookies } from './web/secure-cookies.js'
import { installViewer } from './web/viewer.js'
import { installGuestGate } from './guests/gate.js'
import { guestRoutes } from './guests/routes.js'
import { watchingRoutes } from './watching/routes.js'
import { directoryRoutes } from './people/directory-routes.js'
import { profileRoutes } from './people/routes.js'
import { profileSettingsRoutes } from './people/settings-routes.js'
import { mentionRoutes } from './mentions/routes.js'
import { csrfCookie, csrfUserInfo, installViews } from './web/view.js'

declare module 'fastify' {
  interface FastifyInstance {
    config: Readonly<Config>
    db: Db
    /** Where expensive reads run, bounded so they cannot take the pages' connections (src/db/heavy-reads.ts). */
    heavyReads: HeavyReads
    searchClient: SearchClient | null
  }
}

const staticDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../static')

export interface AppServices {
  /** An already open database, for tests and scripts that manage its lifetime themselves. */
  db?: Db
  /** The search outbox worker's timings, or false for none (tests that drain the outbox themselves). */
  searchWorker?: WorkerOptions | false
  /** The mail outbox worker's timings, or false for none (tests call app.mail.drain()). */
  mailWorker?: MailWorkerOptions | false
  /** The reach worker (fan-out to watchers) timings, or false for none (tests call app.reach.drain()). */
  reachWorker?: ReachWorkerOptions | false
  /** The scheduled jobs' ticker, or false for none (tests call app.scheduler.runDue(now) with a clock of their own). */
  scheduler?: SchedulerOptions | false
  /** SMTP timeouts (tests of a hanging SMTP server shorten them). */
  smtpTimeouts?: SmtpTimeouts
  /** Where log lines go instead of stdout (tests that read what Kring logs). */
  logStream?: DestinationStream
}

export async function buildApp(config: Readonly<Config>, services: AppServices = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: ['req.headers.cookie', 'req.headers.authorization'],
      // URLs are logged whole but for the secrets they carry (form, invitation and account-link tokens).
      serializers: { req: serializeRequest },
      ...(services.logStream ? { stream: services.logStream } : {}),
    },
    // Our own ids, or a proxy's when it has a safe shape: never an incoming header taken as it is.
    requestIdHeader: false,
    genReqId: requestIdOf,
    frameworkErrors: onFrameworkError,
    clientErrorHandler: onClientError,
    bodyLimit: config.bodyLimitBytes,
    // Only the configured proxies may say who the client is; anyone else's X-Forwarded-* is ignored.
    trustProxy: config.trustedProxies,
    // Long enough for a real visitor, short enough that a slow client cannot hold a socket.
    requestTimeout: 30_000,
    ajv: { customOptions: { coerceTypes: false, allErrors: false } },
  })

  const db =
    services.db ??
    (await connectDatabase(config.database, (err) => app.log.warn({ err }, 'an idle database connection was lost')))
  const search =
    config.search.url && config.search.masterKey
      ? createSearchClient({
          url: config.search.url,
          masterKey: config.search.masterKey,
          indexPrefix: config.search.indexPrefix,
        })
      : null
  app.decorate('config', config)
  const heavyReads = openHeavyReads(config.database, config.heavyReads, db, app.log)
  app.decorate('db', db)
  app.decorate('heavyReads', heavyReads)
  app.decorate('searchClient', search)
  app.addHook('onClose', async () => {
    search?.close()
    await heavyReads.close()
    if (!services.db) await db.destroy()
  })

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'https:', 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        ...(config.secureCookies ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    hsts: config.secureCookies ? { maxAge: 31536000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
  })
  await app.register(fastifyCookie, { secret: config.sessionSecret })
  await app.register(fastifySession, {
    secret: config.sessionSecret,
    cookieName: 'kring_sid',
    store: new PostgresSessionStore(db, config.session.idleMs),
    saveUninitialized: false,
    // Not on every request: viewer.ts slides the idle expiry, at most once a day, and ends it at the absolute one.
    rolling: false,
    cookie: { path: '/', httpOnly: true, sameSite: 'lax', secure: config.secureCookies, maxAge: config.session.idleMs },
  })
  if (config.secureCookies) installSecureCookies(app)
  await app.register(fastifyCsrf, {
    // Double-submit with a signed cookie, so a visitor's forms need no session row; tied to the logged-in user.
    sessionPlugin: '@fastify/cookie',
    cookieKey: csrfCookie,
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', signed: true, secure: config.secureCookies },
    getUserInfo: csrfUserInfo,
    csrfOpts: { hmacKey: config.sessionSecret },
  })
  await app.register(fastifyFormbody, { bodyLimit: config.bodyLimitBytes })
  installOneClickBody(app)
  await app.register(fastifyRateLimit, {
    global: false,
    ...sharedRateLimitStore(app, config.redis),
    errorResponseBuilder: () => tooManyRequests(),
  })
  await app.register(fastifyStatic, { root: staticDir, prefix: '/static/', maxAge: '1h', index: false })
  installRequestIdHeader(app)
  installViewer(app, db, config.session)
  installBell(app, db)
  installMessageCount(app, db)
  await installViews(app, { cache: config.cacheTemplates })
  // After the hooks above: a malformed URL's page has the security headers, the request id and the viewer's language.
  installMalformedUrlCheck(app)
  installInputGuard(app)
  // After every plugin's own onSend (cookies, session): its hook must be the last one to run.
  installResponseGuard(app)
  installErrorPages(app)

  // Every state change is a POST and every POST carries the form's CSRF token: checked here once, for all routes.
  // Not for an address no route answers (PUT /t/1): that is a 404 or 405 page, whatever the method.
  app.addHook('preHandler', (request, reply, done) => {
    if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS' || request.is404)
      return done()
    if (request.routeOptions.config.oneClickFromMail) return done()
    app.csrfProtection(request, reply, done)
  })

  // After the CSRF check, before every route: what a guest may not reach is answered here (src/guests/gate.ts).
  installGuestGate(app, db)
  installDeletionGrace(app)

  // Before the domains, so that each can add its scheduled jobs (digests, reminders) when it is registered.
  installScheduler(app, db, services.scheduler)
  await app.register(healthRoutes, { db, search })
  await app.register(homeRoutes, { db })
  await app.register(accountRoutes, { db, config })
  await app.register(communityRoutes, { db })
  await app.register(discussionRoutes, { db, postLimits: config.moderation.postsPerMinute })
  await app.register(anonymousRoutes, { db })
  await app.register(themeAdminRoutes, { db })
  await app.register(themeRoutes, { db })
  await app.register(libraryRoutes, { db })
  await app.register(commentRoutes, { db })
  await app.register(fromThreadRoutes, { db })
  await app.register(redactionRoutes, { db })
  await app.register(feedRoutes, { db })
  await app.register(meetingRoutes, { db })
  await app.register(guestRoutes, { db })
  await app.register(adminRoutes)
  await app.register(watchingRoutes, { db })
  await app.register(profileRoutes, { db })
  await app.register(profileSettingsRoutes, { db })
  await app.register(directoryRoutes, { db })
  await app.register(mentionRoutes, { db })
  await app.register(subscriptionRoutes, { db })
  await app.register(subscriberAdminRoutes, { db })
  await app.register(moderationRoutes, {
    db,
    flagThreshold: config.moderation.flagThreshold,
    flagLimits: config.moderation.flagsPerMinute,
  })
  await installSearch(app, { db, search, worker: services.searchWorker })
  await installMail(app, { db, worker: services.mailWorker, smtpTimeouts: services.smtpTimeouts })
  await installNotifications(app, { db, worker: services.reachWorker })
  await app.register(preferenceRoutes, { db })
  await app.register(conversationRoutes, { db })
  await app.register(blockRoutes, { db })
  await app.register(dataRightsRoutes, { db })
  installDigests(app)

  const sweep = setInterval(
    () => {
      deleteExpiredSessions(db).catch((err) => app.log.warn({ err }, 'could not delete expired sessions'))
    },
    60 * 60 * 1000,
  )
  sweep.unref()
  app.addHook('onClose', async () => clearInterval(sweep))

  return app
}
