// /notifications: a member's own notifications, newest first in keyset pages; opening one (a POST, so that it can be
// marked read) leads to the exact reply, article or meeting it is about.
import type { FastifyInstance } from 'fastify'
import type { Db } from '../db/connect.js'
import { requireUser, viewerOf } from '../web/auth.js'
import { notFound } from '../web/errors.js'
import { setFlash } from '../web/flash.js'
import { cursorParam, formSchema, pathId } from '../web/params.js'
import { safeLocalPath } from '../web/view.js'
import { markAllRead, markRead } from './commands.js'
import { presentNotification } from './present.js'
import { findOwnNotification, listNotifications } from './queries.js'

export async function notificationRoutes(app: FastifyInstance, { db }: { db: Db }) {
  app.get('/notifications', { preHandler: requireUser }, async (request, reply) => {
    const viewer = viewerOf(request)
    const before = cursorParam((request.query as Record<string, unknown>).before)
    const page = await listNotifications(db, viewer.id, before === null ? null : String(before))
    return reply.header('cache-control', 'no-store').render('notifications/list', {
      title: request.t('notifications.title'),
      breadcrumbs: [{ label: request.t('notifications.title') }],
      items: page.items.map((row) => presentNotification(request.locale, row)),
      older: page.next === null ? null : `/notifications?before=${page.next}`,
      isLaterPage: before !== null,
      anyUnread: page.items.some((row) => row.read_at === null) || (request.unreadNotifications ?? 0) > 0,
    })
  })

  app.post(
    '/notifications/:id/open',
    { preHandler: requireUser, schema: formSchema(['_csrf']) },
    async (request, reply) => {
      const viewer = viewerOf(request)
      const id = String(pathId((request.params as { id: string }).id))
      // Someone else's, or about something hidden since: as if it did not exist.
      const found = await findOwnNotification(db, viewer.id, id)
      if (!found) throw notFound()
      await markRead(db, viewer.id, id)
      return reply.redirect(safeLocalPath(found.url), 303)
    },
  )

  app.post(
    '/notifications/:id/read',
    { preHandler: requireUser, schema: formSchema(['_csrf', 'next']) },
    async (request, reply) => {
      const viewer = viewerOf(request)
      const id = String(pathId((request.params as { id: string }).id))
      if (!(await markRead(db, viewer.id, id))) throw notFound()
      setFlash(reply, 'notifications.flash.read')
      return reply.redirect(backTo((request.body as Record<string, unknown>).next), 303)
    },
  )

  app.post(
    '/notifications/read-all',
    { preHandler: requireUser, schema: formSchema(['_csrf']) },
    async (request, reply) => {
      const viewer = viewerOf(request)
      await markAllRead(db, viewer.id)
      setFlash(reply, 'notifications.flash.all_read')
      return reply.redirect('/notifications', 303)
    },
  )
}

/** Back to the page of the list the member was on; only a /notifications address. */
function backTo(next: unknown): string {
  return typeof next === 'string' && /^\/notifications(\?before=[1-9][0-9]{0,18})?$/.test(next)
    ? next
    : '/notifications'
}
