// The bell's unread count for logged-in members' pages: one indexed count per page, no write on the read path.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Db } from '../db/connect.js'
import { countUnread } from './queries.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** Unread notifications of the viewer, for the bell in the header; null when not known (visitor, asset, error). */
    unreadNotifications: number | null
  }
}

/** Pages only: stylesheets, scripts, feeds and JSON ask for other types, and need no count (the messages count too). */
export function wantsPage(request: FastifyRequest): boolean {
  if (request.url.startsWith('/static/')) return false
  const accept = request.headers.accept
  return accept === undefined || accept.includes('text/html') || accept.includes('*/*')
}

export function installBell(app: FastifyInstance, db: Db) {
  app.decorateRequest('unreadNotifications', null)
  app.addHook('preHandler', async (request) => {
    if (!request.viewer || (request.method !== 'GET' && request.method !== 'HEAD') || !wantsPage(request)) return
    // A page still renders without its count when the database has a hiccup here; the page's own read will say so.
    request.unreadNotifications = await countUnread(db, request.viewer.id).catch(() => null)
  })
}
