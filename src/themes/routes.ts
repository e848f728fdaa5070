// Admin management of the theme taxonomy (labels per interface language).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '../db/connect.js'
import { requireAdmin } from '../web/auth.js'
import { notFound } from '../web/errors.js'
import { setFlash } from '../web/flash.js'
import { supportedLocales } from '../web/i18n.js'
import { field, formSchema, pathId, slugPattern } from '../web/params.js'
import { createTheme, renameTheme } from './commands.js'
import { listThemesWithLabels } from './queries.js'

const labelFields = supportedLocales.map((locale) => `label_${locale}`)

function readLabels(body: unknown): { labels: Record<string, string>; error: string | null } {
  const labels = Object.fromEntries(supportedLocales.map((locale) => [locale, field(body, `label_${locale}`).trim()]))
  if (!labels.en) return { labels, error: 'themes.error.english_label_required' }
  if (Object.values(labels).some((label) => label.length > 80)) return { labels, error: 'themes.error.label_too_long' }
  return { labels, error: null }
}

export async function themeAdminRoutes(app: FastifyInstance, { db }: { db: Db }) {
  const page = async (request: FastifyRequest, reply: FastifyReply, extra: Record<string, unknown> = {}) => {
    const themes = await listThemesWithLabels(db)
    return reply.render('admin/themes', { title: request.t('themes.admin.title'), themes, locales: supportedLocales, ...extra })
  }

  app.get('/admin/themes', { preHandler: requireAdmin }, async (request, reply) => page(request, reply))

  app.post('/admin/themes', { preHandler: requireAdmin, schema: formSchema(['slug', ...labelFields, '_csrf']) }, async (request, reply) => {
    const slug = field(request.body, 'slug').trim().toLowerCase()
    const { labels, error } = readLabels(request.body)
    const values = { slug, ...Object.fromEntries(supportedLocales.map((l) => [`label_${l}`, labels[l]])) }
    if (!slugPattern.test(slug) || slug.length > 60) return page(request, reply.code(422), { values, error: request.t('themes.error.slug_invalid') })
    if (error) return page(request, reply.code(422), { values, error: request.t(error) })
    const result = await createTheme(db, { slug, labels })
    if (!result.ok) return page(request, reply.code(409), { values, error: request.t('themes.error.slug_taken') })
    setFlash(reply, 'themes.flash.created')
    return reply.redirect('/admin/themes', 303)
  })

  app.post('/admin/themes/:id', { preHandler: requireAdmin, schema: formSchema([...labelFields, '_csrf']) }, async (request, reply) => {
    const id = pathId((request.params as { id: string }).id)
    const { labels, error } = readLabels(request.body)
    if (error) return page(request, reply.code(422), { error: request.t(error) })
    if (!(await renameTheme(db, id, labels))) throw notFound()
    setFlash(reply, 'themes.flash.renamed')
    return reply.redirect('/admin/themes', 303)
  })
}
