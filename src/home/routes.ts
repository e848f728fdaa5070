// The home page: recent activity across the communities this viewer may read.
import type { FastifyInstance } from 'fastify'
import { activeCommunityIds } from '../communities/queries.js'
import type { Db } from '../db/connect.js'
import { recentThreads } from '../discussions/queries.js'

export async function homeRoutes(app: FastifyInstance, { db }: { db: Db }) {
  app.get('/', async (request, reply) => {
    const viewer = request.viewer
    const readable = viewer?.siteRole === 'admin' ? 'all' : await activeCommunityIds(db, viewer?.id)
    const recent = await recentThreads(db, readable, 12, request.locale)
    return reply.render('home/index', { title: request.t('home.title'), recent })
  })

  // Browsers ask for /favicon.ico whatever the page links; send them to the one icon we have.
  app.get('/favicon.ico', async (_request, reply) =>
    reply.header('cache-control', 'public, max-age=86400').redirect('/static/favicon.svg', 301),
  )
}
