// Admin management of the theme taxonomy (labels per interface language).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '../db/connect.js'
import { requireAdmin } from '../web/auth.js'
import { notFound } from '../web/errors.js'
import { fieldMessage, tooLong, type FieldMessage } from '../web/limits.js'
import { setFlash } from '../web/flash.js'
import { field, formSchema, pathId, slugPattern } from '../web/params.js'
import { createTheme, mergeTheme, renameTheme } from './commands.js'
import { labelExpression, labelLocales, listThemesWithLabels } from './queries.js'
import { sql } from 'kysely'
import { activeCommunityIds } from '../communities/queries.js'
import { listPublished } from '../library/queries.js'
import { recentThreadsWithTheme } from '../discussions/queries.js'
import { cleanLine, forbiddenCharactersMessage, hasForbiddenCharacters, isBlank } from '../web/text-rules.js'
import { watchForm } from '../watching/present.js'
import { watchLevelOf } from '../watching/queries.js'
import { themeExpertsView } from '../people/directory-queries.js'

const labelFields = labelLocales.map((locale) => `label_${locale}`)

const maxLabelLength = 80

/**
 * The labels posted, per language whose field was sent (a field sent empty clears that label). English is required
 * when a theme is created, and may not be cleared on a rename.
 */
function readLabels(
  body: unknown,
  { create }: { create: boolean },
): { labels: Record<string, string>; error: FieldMessage | null } {
  const sent = labelLocales.filter(
    (locale) => typeof (body as Record<string, unknown> | undefined)?.[`label_${locale}`] === 'string',
  )
  // A label of only invisible characters is no label (src/web/text-rules.ts).
  const labels = Object.fromEntries(
    sent.map((locale) => {
      const label = cleanLine(field(body, `label_${locale}`))
      return [locale, isBlank(label) ? '' : label]
    }),
  )
  if ((create || 'en' in labels) && !labels.en) return { labels, error: 'themes.error.english_label_required' }
  if (Object.values(labels).some(hasForbiddenCharacters)) return { labels, error: forbiddenCharactersMessage }
  const long = Object.values(labels).find((label) => label.length > maxLabelLength)
  if (long !== undefined) return { labels, error: tooLong(long, maxLabelLength) }
  return { labels, error: null }
}

export async function themeAdminRoutes(app: FastifyInstance, { db }: { db: Db }) {
  const page = async (request: FastifyRequest, reply: FastifyReply, extra: Record<string, unknown> = {}) => {
    const themes = await listThemesWithLabels(db)
    const values = (extra.values ?? {}) as Record<string, string>
    // One input per label language, English first and required; the language's name labels it.
    const inputs = (labels: Record<string, string | undefined>) =>
      labelLocales.map((locale) => ({
        locale,
        field: `label_${locale}`,
        name: request.t(`themes.field.label_${locale}`),
        required: locale === 'en',
        value: labels[locale] ?? '',
      }))
    return reply.render('admin/themes', {
      title: request.t('themes.admin.title'),
      breadcrumbs: [{ label: request.t('admin.title'), href: '/admin' }, { label: request.t('themes.admin.title') }],
      newInputs: inputs(Object.fromEntries(labelLocales.map((l) => [l, values[`label_${l}`]]))),
      // A rename that was refused keeps what the admin typed in that theme's row.
      themes: themes.map((theme) => ({
        ...theme,
        inputs: inputs(
          theme.id === extra.editedId
            ? { ...theme.labels, ...(extra.editedLabels as Record<string, string>) }
            : theme.labels,
        ),
      })),
      ...extra,
    })
  }

  app.get('/admin/themes', { preHandler: requireAdmin }, async (request, reply) => page(request, reply))

  app.post(
    '/admin/themes',
    { preHandler: requireAdmin, schema: formSchema(['slug', ...labelFields, '_csrf']) },
    async (request, reply) => {
      const slug = field(request.body, 'slug').trim().toLowerCase()
      const { labels, error } = readLabels(request.body, { create: true })
      const values = { slug, ...Object.fromEntries(labelLocales.map((l) => [`label_${l}`, labels[l]])) }
      if (!slugPattern.test(slug) || slug.length > 60)
        return page(request, reply.code(422), { values, error: request.t('themes.error.slug_invalid') })
      if (error) return page(request, reply.code(422), { values, error: fieldMessage(request, error) })
      const result = await createTheme(db, { slug, labels }, request.viewer?.id)
      if (!result.ok) return page(request, reply.code(409), { values, error: request.t('themes.error.slug_taken') })
      setFlash(reply, 'themes.flash.created')
      return reply.redirect('/admin/themes', 303)
    },
  )

  app.post(
    '/admin/themes/:id/merge',
    { preHandler: requireAdmin, schema: formSchema(['into', '_csrf']) },
    async (request, reply) => {
      const id = pathId((request.params as { id: string }).id)
      const into = await db
        .selectFrom('tags')
        .select('id')
        .where('slug', '=', field(request.body, 'into'))
        .where('merged_into_id', 'is', null)
        .executeTakeFirst()
      if (!into) return page(request, reply.code(422), { error: request.t('themes.error.merge_target') })
      if (!(await mergeTheme(db, id, into.id, request.viewer?.id)))
        return page(request, reply.code(422), { error: request.t('themes.error.merge_target') })
      setFlash(reply, 'themes.flash.merged')
      return reply.redirect('/admin/themes', 303)
    },
  )

  app.post(
    '/admin/themes/:id',
    { preHandler: requireAdmin, schema: formSchema([...labelFields, '_csrf']) },
    async (request, reply) => {
      const id = pathId((request.params as { id: string }).id)
      const { labels, error } = readLabels(request.body, { create: false })
      if (error)
        return page(request, reply.code(422), {
          error: fieldMessage(request, error),
          editedId: id,
          editedLabels: labels,
        })
      if (!(await renameTheme(db, id, labels, request.viewer?.id))) throw notFound()
      setFlash(reply, 'themes.flash.renamed')
      return reply.redirect('/admin/themes', 303)
    },
  )
}

/** Public theme pages: every theme with its articles and its recent threads. */
export async function themeRoutes(app: FastifyInstance, { db }: { db: Db }) {
  app.get('/themes', async (request, reply) => {
    const themes = await db
      .selectFrom('tags as t')
      .select([
        't.id',
        't.slug',
        labelExpression(request.locale).as('label'),
        sql<number>`(select count(*) from article_tags at join articles a on a.id = at.article_id where at.tag_id = t.id and a.status = 'published' and a.hidden_at is null)`.as(
          'article_count',
        ),
      ])
      .where('t.kind', '=', 'theme')
      .where('t.merged_into_id', 'is', null)
      .execute()
    themes.sort((a, b) => a.label.localeCompare(b.label, request.locale))
    return reply.render('themes/index', {
      title: request.t('themes.index.title'),
      breadcrumbs: [{ label: request.t('themes.index.title') }],
      themes,
    })
  })

  app.get('/themes/:slug', async (request, reply) => {
    const { slug } = request.params as { slug: string }
    const theme = await db
      .selectFrom('tags as t')
      .select(['t.id', 't.slug', 't.merged_into_id', labelExpression(request.locale).as('label')])
      .where('t.slug', '=', slug)
      .where('t.kind', '=', 'theme')
      .executeTakeFirst()
    if (!theme) throw notFound()
    if (theme.merged_into_id) {
      const target = await db
        .selectFrom('tags')
        .select('slug')
        .where('id', '=', theme.merged_into_id)
        .executeTakeFirstOrThrow()
      return reply.redirect(`/themes/${target.slug}`, 301)
    }
    const viewer = request.viewer
    const readable = viewer?.siteRole === 'admin' ? 'all' : await activeCommunityIds(db, viewer?.id)
    const [{ articles }, threads, labels, experts] = await Promise.all([
      listPublished(
        db,
        { kind: null, themeId: theme.id, language: null, communityId: null, sort: 'newest', after: null },
        30,
      ),
      recentThreadsWithTheme(db, theme.id, readable, 15, request.locale),
      db
        .selectFrom('tag_labels')
        .select(['locale', 'label'])
        .where('tag_id', '=', theme.id)
        .orderBy('locale')
        .execute(),
      themeExpertsView(db, theme.id, viewer, request.locale),
    ])
    const level = viewer ? await watchLevelOf(db, viewer.id, 'theme', theme.id) : null
    return reply.render('themes/show', {
      title: theme.label,
      breadcrumbs: [{ label: request.t('themes.index.title'), href: '/themes' }, { label: theme.label }],
      theme,
      watch: viewer ? watchForm(request, 'theme', theme.id, level) : null,
      labels: labels.filter((l) => l.label !== theme.label),
      articles: articles.map((a) => ({ ...a, kindLabel: request.t(`library.kind.${a.kind}`) })),
      threads,
      experts,
      feedUrl: `/feeds/themes/${theme.slug}.atom`,
    })
  })
}
