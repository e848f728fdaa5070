// Data rights over HTTP: /settings/data (download my data, delete my account), the download itself, the grace page
// with "Keep my account", and an admin's immediate anonymisation. Rules and writes live in exports.ts and deletion.ts.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '../db/connect.js'
import { requireAdmin, requireUser, viewerOf } from '../web/auth.js'
import { notFound } from '../web/errors.js'
import { setFlash } from '../web/flash.js'
import { anonymiseAccount, cancelDeletion, graceMs, isDeletionMode, requestDeletion, runDeletions } from './deletion.js'
import { lastFailedExportOf, openExportOf, requestExport, runExports, takeExportDownload } from './exports.js'

type Form = Record<string, unknown>
const formBody = (fields: string[]) => ({
  body: { type: 'object', properties: Object.fromEntries(fields.map((field) => [field, { type: 'string' }])) },
})
const idParams = {
  params: { type: 'object', properties: { id: { type: 'string', pattern: '^[1-9][0-9]{0,9}$' } }, required: ['id'] },
}
const gracePath = '/account/deletion'

export async function dataRightsRoutes(app: FastifyInstance, { db }: { db: Db }) {
  app.scheduler.add({
    name: 'data-rights',
    async run({ db, config, log, now }) {
      const exports = await runExports({ db, config, now, log })
      return exports.built + exports.expired + (await runDeletions(db, now))
    },
  })

  const dataPage = async (request: FastifyRequest, reply: FastifyReply, values: Form = {}, error?: string) => {
    const viewer = viewerOf(request)
    const open = await openExportOf(db, viewer.id)
    const failed = open ? null : await lastFailedExportOf(db, viewer.id)
    return reply.render('data-rights/data', {
      title: request.t('data_rights.title'),
      breadcrumbs: [
        { label: request.t('accounts.settings.title'), href: '/settings' },
        { label: request.t('data_rights.title') },
      ],
      export: open
        ? { ...open, ready: open.status === 'ready', kib: Math.max(1, Math.ceil((open.size ?? 0) / 1024)) }
        : null,
      failed: Boolean(failed),
      mode: values.mode === 'keep' ? 'keep' : 'remove',
      error,
    })
  }

  app.get('/settings/data', { preHandler: requireUser }, async (request, reply) => dataPage(request, reply))

  app.post(
    '/settings/data/export',
    { preHandler: requireUser, schema: formBody(['_csrf']) },
    async (request, reply) => {
      const viewer = viewerOf(request)
      const result = await requestExport(db, viewer.id)
      if (!result.ok) {
        reply.code(409)
        return dataPage(request, reply, {}, `data_rights.export.already_${result.reason}`)
      }
      request.log.info({ userId: viewer.id, exportId: result.id }, 'data export requested')
      // Built in the background: at once here, or by any instance's scheduler tick (tests drive the job with a clock).
      if (app.config.env !== 'test')
        void runExports({ db, config: app.config, now: new Date(), log: request.log }).catch((err) =>
          request.log.warn({ err }, 'the data export is built on the next scheduler tick'),
        )
      setFlash(reply, 'data_rights.flash.export_requested')
      return reply.redirect('/settings/data', 303)
    },
  )

  app.get('/settings/data/export/:id', { preHandler: requireUser, schema: idParams }, async (request, reply) => {
    const viewer = viewerOf(request)
    const download = await takeExportDownload(db, viewer.id, Number((request.params as { id: string }).id))
    if (!download) throw notFound()
    const day = download.readyAt.toISOString().slice(0, 10)
    return reply
      .header('content-type', 'application/zip')
      .header('content-disposition', `attachment; filename="kring-data-${day}.zip"`)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'private, no-store')
      .send(download.bytes)
  })

  app.post(
    '/settings/data/delete',
    { preHandler: requireUser, schema: formBody(['mode', 'password', 'confirm', '_csrf']) },
    async (request, reply) => {
      const viewer = viewerOf(request)
      const body = request.body as Form
      const mode = isDeletionMode(body.mode) ? body.mode : null
      const password = typeof body.password === 'string' ? body.password : ''
      if (!mode) return dataPage(request, reply.code(422), body, 'data_rights.delete.error.mode')
      if (!password) return dataPage(request, reply.code(422), body, 'data_rights.delete.error.password')
      const result = await requestDeletion(db, { userId: viewer.id, password, mode })
      if (!result.ok)
        return dataPage(
          request,
          reply.code(result.reason === 'last_admin' ? 409 : 422),
          body,
          `data_rights.delete.error.${result.reason}`,
        )
      request.log.info({ userId: viewer.id, mode }, 'account deletion requested')
      await request.session.destroy()
      setFlash(reply, 'data_rights.flash.deletion_requested')
      return reply.redirect('/login', 303)
    },
  )

  app.get(gracePath, { preHandler: requireUser }, async (request, reply) => {
    const viewer = viewerOf(request)
    if (!viewer.deletionRequestedAt) return reply.redirect('/settings/data', 303)
    return reply.render('data-rights/grace', {
      title: request.t('data_rights.grace.title'),
      deleteOn: new Date(viewer.deletionRequestedAt.getTime() + graceMs),
    })
  })

  app.post(`${gracePath}/keep`, { preHandler: requireUser, schema: formBody(['_csrf']) }, async (request, reply) => {
    const viewer = viewerOf(request)
    if (await cancelDeletion(db, viewer.id)) request.log.info({ userId: viewer.id }, 'account deletion cancelled')
    setFlash(reply, 'data_rights.flash.kept')
    return reply.redirect('/', 303)
  })

  app.post(
    '/admin/users/:id/anonymise',
    { preHandler: requireAdmin, schema: { ...idParams, ...formBody(['reason', '_csrf']) } },
    async (request, reply) => {
      const admin = viewerOf(request)
      const userId = Number((request.params as { id: string }).id)
      const reason =
        typeof (request.body as Form).reason === 'string' ? String((request.body as Form).reason).trim() : ''
      if (!reason) {
        setFlash(reply, 'data_rights.admin.error.reason')
        return reply.redirect('/admin/users', 303)
      }
      const result = await anonymiseAccount(db, {
        userId,
        mode: 'keep',
        actorId: admin.id,
        reason: reason.slice(0, 500),
      })
      if (!result.ok && result.reason === 'gone') throw notFound()
      request.log.info({ userId, actorId: admin.id, ok: result.ok }, 'account anonymised by an admin')
      setFlash(reply, result.ok ? 'data_rights.admin.flash.done' : 'data_rights.admin.error.last_admin')
      return reply.redirect('/admin/users', 303)
    },
  )
}

/**
 * During the grace period a logged-in member sees the grace page and nothing else: every other page sends them there.
 * Registered on the root instance, so it applies to every route.
 */
export function installDeletionGrace(app: FastifyInstance) {
  app.addHook('preHandler', async (request, reply) => {
    if (!request.viewer?.deletionRequestedAt) return
    const path = request.url.split('?')[0]
    if (path === gracePath || path === `${gracePath}/keep` || path === '/logout' || path.startsWith('/static/')) return
    return reply.redirect(gracePath, 303)
  })
}
