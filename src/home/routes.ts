import type { FastifyInstance } from 'fastify'

export async function homeRoutes(app: FastifyInstance) {
  app.get('/', async (request, reply) => reply.render('home/index', { title: request.t('home.title') }))
  // Browsers ask for /favicon.ico whatever the page links; send them to the one icon we have.
  app.get('/favicon.ico', async (_request, reply) => reply.header('cache-control', 'public, max-age=86400').redirect('/static/favicon.svg', 301))
}
