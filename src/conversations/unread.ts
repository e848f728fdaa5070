// The unread count beside "Messages" in the account menu: one indexed count per logged-in page, no write.
import type { FastifyInstance } from 'fastify'
import type { Db } from '../db/connect.js'
import { wantsPage } from '../notifications/bell.js'
import { countUnreadConversations } from './queries.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** Conversations with unread messages, for the account menu; null when not known (visitor, asset, error). */
    unreadMessages: number | null
  }
}

export function installMessageCount(app: FastifyInstance, db: Db) {
  app.decorateRequest('unreadMessages', null)
  app.addHook('preHandler', async (request) => {
    if (!request.viewer || (request.method !== 'GET' && request.method !== 'HEAD') || !wantsPage(request)) return
    request.unreadMessages = await countUnreadConversations(db, request.viewer.id).catch(() => null)
  })
}
