// Blocking members: the list at /settings/blocks, POST /settings/blocks (user_id) to block, and
// POST /settings/blocks/:id/delete to unblock. A blocked member only learns it when they try to write to the blocker.
import type { FastifyInstance } from 'fastify'
import type { Db } from '../db/connect.js'
import { requireUser, viewerOf } from '../web/auth.js'
import { badRequest } from '../web/errors.js'
import { setFlash } from '../web/flash.js'
import { field, formSchema, pathId, positiveInt } from '../web/params.js'
import { blockMember, unblockMember } from './commands.js'
import { listBlocks } from './queries.js'

export async function blockRoutes(app: FastifyInstance, { db }: { db: Db }) {
  app.get('/settings/blocks', { preHandler: requireUser }, async (request, reply) => {
    const viewer = viewerOf(request)
    return reply.render('conversations/blocks', {
      title: request.t('conversations.blocks.title'),
      breadcrumbs: [
        { label: request.t('nav.settings'), href: '/settings' },
        { label: request.t('conversations.blocks.title') },
      ],
      blocks: await listBlocks(db, viewer.id),
    })
  })

  app.post(
    '/settings/blocks',
    { preHandler: requireUser, schema: formSchema(['user_id', '_csrf']) },
    async (request, reply) => {
      const viewer = viewerOf(request)
      const blockedId = positiveInt(field(request.body, 'user_id'))
      if (blockedId === null) throw badRequest('conversations.error.block_unknown')
      await blockMember(db, { blockerId: viewer.id, blockedId })
      request.log.info({ userId: viewer.id }, 'member blocked')
      setFlash(reply, 'conversations.flash.blocked')
      return reply.redirect('/settings/blocks', 303)
    },
  )

  app.post(
    '/settings/blocks/:id/delete',
    { preHandler: requireUser, schema: formSchema(['_csrf']) },
    async (request, reply) => {
      const viewer = viewerOf(request)
      await unblockMember(db, { blockerId: viewer.id, blockedId: pathId((request.params as { id: string }).id) })
      setFlash(reply, 'conversations.flash.unblocked')
      return reply.redirect('/settings/blocks', 303)
    },
  )
}
