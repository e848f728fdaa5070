import type { FastifyInstance } from 'fastify'

export async function homeRoutes(app: FastifyInstance) {
  app.get('/', async (request, reply) => reply.render('home/index', { title: request.t('home.title') }))
}
