// Subscriber addresses are personal data: only admins see them, here, and may delete them. No other page, search or
// export lists them.
import type { FastifyInstance } from 'fastify'
import type { Db } from '../db/connect.js'
import { requireAdmin } from '../web/auth.js'
import { setFlash } from '../web/flash.js'
import { cursorParam, formSchema, pathId } from '../web/params.js'
import { deleteSubscriber } from './commands.js'
import { listSubscribers } from './queries.js'

export async function subscriberAdminRoutes(app: FastifyInstance, { db }: { db: Db }) {
  app.get('/admin/subscribers', { preHandler: requireAdmin }, async (request, reply) => {
    const before = cursorParam((request.query as Record<string, unknown>).before)
    const { subscribers, hasMore } = await listSubscribers(db, before)
    // Personal data on the page: never kept by a browser's or a proxy's cache.
    reply.header('cache-control', 'no-store')
    return reply.render('admin/subscribers', {
      title: request.t('subscriptions.admin.title'),
      breadcrumbs: [
        { label: request.t('admin.title'), href: '/admin' },
        { label: request.t('subscriptions.admin.title') },
      ],
      subscribers,
      nextCursor: hasMore ? subscribers[subscribers.length - 1]?.id : null,
      isLaterPage: before !== null,
    })
  })

  app.post(
    '/admin/subscribers/:id/delete',
    { preHandler: requireAdmin, schema: formSchema(['_csrf']) },
    async (request, reply) => {
      const id = pathId((request.params as { id: string }).id)
      await deleteSubscriber(db, id)
      request.log.info({ subscriberId: id, adminId: request.viewer?.id }, 'subscriber deleted by an admin')
      setFlash(reply, 'subscriptions.flash.admin_deleted')
      return reply.redirect('/admin/subscribers', 303)
    },
  )
}
