// The administration landing page: where an admin finds the site-wide tools.
import type { FastifyInstance } from 'fastify'
import { requireAdmin } from '../web/auth.js'

export async function adminRoutes(app: FastifyInstance) {
  app.get('/admin', { preHandler: requireAdmin }, async (request, reply) =>
    reply.render('admin/index', {
      title: request.t('admin.title'),
      breadcrumbs: [{ label: request.t('admin.title') }],
    }),
  )
}
