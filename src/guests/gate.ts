// The request gate for guests: before any route of a guest's request runs, it answers what the guest may not reach with
// a 403 page in their language that says what they may. Writes check again in their transaction (actor-guard.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '../db/connect.js'
import { formatCalendarDate } from '../web/time.js'
import {
  activeGrants,
  grantActive,
  grantPath,
  guestScopeOf,
  mayGuest,
  type GuestAction,
  type GuestScope,
} from './policy.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** A guest's invitations, read once per request by the gate; null for everyone else. */
    guestScope: GuestScope | null
  }
}

// Their own account, logging in and out, the links sent by email, and what serves every page.
const accountRoutes = new Set([
  '/guest',
  '/guest/:token',
  '/login',
  '/logout',
  '/language',
  '/time-zone',
  '/settings',
  '/settings/password',
  '/settings/email',
  '/settings/email/confirm/:token',
  '/settings/notifications',
  '/notifications',
  '/notifications/:id/open',
  '/notifications/:id/read',
  '/notifications/read-all',
  '/password/forgot',
  '/password/forgot/sent',
  '/password/reset/:token',
  '/verify/:token',
  '/healthz',
  '/readyz',
  '/robots.txt',
  '/favicon.ico',
  '/static/*',
  '/dev/mail',
  '/dev/mail/:id',
  '/dev/mail/:id/html',
  '/dev/mail/:id/raw',
])

// What any visitor reads (the published library, the themes, public search): a guest reads it too, but writes nothing.
const publicReading = new Set([
  '/search',
  '/library',
  '/library/:slug',
  '/library/:slug/history',
  '/library/:slug/print',
  '/themes',
  '/themes/:slug',
  '/feeds/library.atom',
  '/feeds/themes/:slug.atom',
  '/sitemap.xml',
  // The names in their thread link to profiles: a guest sees the public ones (src/people/policy.ts).
  '/u/:id',
  '/u/:id/picture',
])

// Route → what the guest does there; the id in the path names the thread or meeting.
const threadRoutes: Record<string, GuestAction> = {
  'GET /t/:id': 'read_thread',
  'GET /t/:id/:slug': 'read_thread',
  'GET /t/:id/reply': 'read_thread',
  'POST /t/:id/replies': 'reply',
}
const meetingRoutes: Record<string, GuestAction> = {
  'GET /meetings/:id': 'read_meeting',
  'POST /meetings/:id/attendance': 'attend',
  'POST /meetings/:id/questions': 'ask',
  'POST /meetings/:id/questions/:question/upvote': 'upvote',
}

function idParam(request: FastifyRequest): number {
  const raw = (request.params as { id?: unknown } | undefined)?.id
  const digits = typeof raw === 'string' ? /^\d{1,9}/.exec(raw) : null
  return digits ? Number(digits[0]) : 0
}

/** May the guest whose scope this is use this route? */
export function guestMayUse(scope: GuestScope, request: FastifyRequest, url: string): boolean {
  const method = request.method === 'HEAD' ? 'GET' : request.method
  if (accountRoutes.has(url)) return true
  if (method === 'GET' && publicReading.has(url)) return true
  const key = `${method} ${url}`
  // The preview of a reply being written: only while some access runs.
  if (key === 'POST /preview') return activeGrants(scope).length > 0
  if (threadRoutes[key]) return mayGuest(scope, threadRoutes[key], { threadId: idParam(request) })
  if (meetingRoutes[key]) return mayGuest(scope, meetingRoutes[key], { meetingId: idParam(request) })
  return false
}

/** The grants as the guest's pages list them: where, until when, and whether still running. */
export function grantViews(request: FastifyRequest, scope: GuestScope) {
  return scope.grants.map((grant) => ({
    title: grant.title,
    href: grantPath(grant),
    until: formatCalendarDate(grant.endsOn, request.locale),
    active: grantActive(grant, scope.today),
    revoked: grant.revoked,
  }))
}

export function sendRefusal(request: FastifyRequest, reply: FastifyReply, scope: GuestScope) {
  const grants = grantViews(request, scope)
  const ended = !grants.some((grant) => grant.active)
  request.log.info({ route: request.routeOptions.url, ended }, 'guest refused')
  return reply.code(403).render('guests/access', {
    title: request.t(ended ? 'guests.ended.title' : 'guests.refused.title'),
    refused: true,
    ended,
    grants,
  })
}

export function installGuestGate(app: FastifyInstance, db: Db) {
  app.decorateRequest('guestScope', null)
  app.addHook('preHandler', async (request, reply) => {
    if (!request.viewer?.isGuest || request.is404) return
    const url = request.routeOptions.url
    if (url === undefined) return
    const scope = await guestScopeOf(db, request.viewer.id, { timeZone: request.timeZone })
    request.guestScope = scope
    // The guest's home is the page of what they were invited to.
    if (url === '/' && (request.method === 'GET' || request.method === 'HEAD')) return reply.redirect('/guest', 303)
    if (guestMayUse(scope, request, url)) return
    // A reply's own address (where posting a reply leads) belongs to its thread.
    if (url === '/posts/:id' && request.method === 'GET') {
      const post = await db
        .selectFrom('posts')
        .select('thread_id')
        .where('id', '=', idParam(request))
        .executeTakeFirst()
      if (post && mayGuest(scope, 'read_thread', { threadId: post.thread_id })) return
    }
    return sendRefusal(request, reply, scope)
  })
}
