// A member's page: who a mention links to. Minimal on purpose (name and organisation); issue 14 extends it.
import type { FastifyInstance } from 'fastify'
import type { Db } from '../db/connect.js'
import { notFound } from '../web/errors.js'
import { pathId } from '../web/params.js'

export async function memberRoutes(app: FastifyInstance, { db }: { db: Db }) {
  app.get('/u/:id', async (request, reply) => {
    const id = pathId((request.params as { id: string }).id)
    const member = await db
      .selectFrom('users')
      .select(['id', 'display_name', 'organisation'])
      .where('id', '=', id)
      // A deleted account has no profile (src/data-rights).
      .where('deleted_at', 'is', null)
      .executeTakeFirst()
    if (!member) throw notFound()
    return reply.render('members/show', { title: member.display_name, member })
  })
}
