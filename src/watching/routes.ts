// Watching over HTTP: the level form on threads, communities and themes (POST /watch), and a member's defaults
// (/settings/watching). The pages that show the form build it with watchForm (present.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '../db/connect.js'
import type { WatchLevel } from '../db/database.js'
import { requireUser, viewerOf } from '../web/auth.js'
import { badRequest, notFound } from '../web/errors.js'
import { setFlash } from '../web/flash.js'
import { field, formSchema, positiveInt } from '../web/params.js'
import { saveWatchDefaults, setWatch } from './commands.js'
import { isWatchLevel, isWatchTarget, watchLevels } from './levels.js'
import { configureReadBuffer, flushReads } from './read-buffer.js'

export async function watchingRoutes(app: FastifyInstance, { db }: { db: Db }) {
  // Read positions and visit marks are buffered (read-buffer.ts): what is still buffered is written on close.
  configureReadBuffer(db, { log: app.log })
  app.addHook('onClose', async () => {
    await flushReads(db)
  })

  app.post(
    '/watch',
    { preHandler: requireUser, schema: formSchema(['target_type', 'target_id', 'level', '_csrf']) },
    async (request, reply) => {
      const viewer = viewerOf(request)
      const targetType = field(request.body, 'target_type')
      const targetId = positiveInt(field(request.body, 'target_id'))
      const level = field(request.body, 'level')
      if (!isWatchTarget(targetType) || targetId === null) throw badRequest('watching.error.target')
      if (!isWatchLevel(level)) throw badRequest('watching.error.level')
      const result = await setWatch(db, { userId: viewer.id, targetType, targetId, level })
      // Something this member may not read is, for them, something that does not exist.
      if (!result.ok) throw notFound()
      setFlash(reply, `watching.flash.${level}`)
      return reply.redirect(result.url, 303)
    },
  )

  const defaultsPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    values?: { onStart: string; onReply: string },
    error?: string,
  ) => {
    const viewer = viewerOf(request)
    const user = await db
      .selectFrom('users')
      .select(['watch_on_start', 'watch_on_reply'])
      .where('id', '=', viewer.id)
      .executeTakeFirst()
    if (!user) throw notFound()
    const current = values ?? { onStart: user.watch_on_start, onReply: user.watch_on_reply }
    const options = (chosen: string) =>
      watchLevels.map((value) => ({
        value,
        label: request.t(`watching.level.${value}`),
        hint: request.t(`watching.hint.${value}`),
        checked: value === chosen,
      }))
    return reply.render('watching/settings', {
      title: request.t('watching.settings.title'),
      onStart: options(current.onStart),
      onReply: options(current.onReply),
      error: error ? request.t(error) : null,
    })
  }

  app.get('/settings/watching', { preHandler: requireUser }, async (request, reply) => defaultsPage(request, reply))

  app.post(
    '/settings/watching',
    { preHandler: requireUser, schema: formSchema(['watch_on_start', 'watch_on_reply', '_csrf']) },
    async (request, reply) => {
      const viewer = viewerOf(request)
      const onStart = field(request.body, 'watch_on_start')
      const onReply = field(request.body, 'watch_on_reply')
      if (!isWatchLevel(onStart) || !isWatchLevel(onReply))
        return defaultsPage(request, reply.code(400), { onStart, onReply }, 'watching.error.level')
      await saveWatchDefaults(db, { userId: viewer.id, onStart: onStart as WatchLevel, onReply: onReply as WatchLevel })
      setFlash(reply, 'watching.flash.defaults_saved')
      return reply.redirect('/settings/watching', 303)
    },
  )
}
