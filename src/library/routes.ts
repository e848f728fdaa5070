// The knowledge library over HTTP: index, articles, writing, review and publishing, history, translations.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { countryName, countryOptions } from '../accounts/countries.js'
import type { Db } from '../db/connect.js'
import { renderMarkdown } from '../markdown/render.js'
import { checkMentions } from '../mentions/check.js'
import { previewLimiter } from '../web/preview-limit.js'
import { listThemes, resolveThemeSlugs } from '../themes/queries.js'
import { requireUser, viewerOf } from '../web/auth.js'
import { displayName } from '../web/display-names.js'
import { badRequest, conflict, forbidden, notFound } from '../web/errors.js'
import { setFlash } from '../web/flash.js'
import { cursorParam, field, formSchema, positiveInt, slugify } from '../web/params.js'
import { canRead, type CommunityRef } from '../communities/policy.js'
import { findCommunityBySlug, findMembership } from '../communities/queries.js'
import {
  createDraft,
  decidePendingEdit,
  restoreRevision,
  transitionArticle,
  updateArticle,
  type ArticleData,
  type CurrentArticleText,
  type Transition,
} from './commands.js'
import { editVersion } from '../web/edit-version.js'
import { fieldMessages, shortTextField } from '../web/limits.js'
import { actorOf, articleForViewer } from './context.js'
import { diffText } from './diff.js'
import {
  articleKinds,
  checkArticle,
  contentLanguages,
  isContentLanguage,
  isKind,
  practiceOf,
  readArticleForm,
  type ArticleInput,
  type FieldErrors,
} from './fields.js'
import { canComment, canReview, canSubmit, canWrite } from './policy.js'
import {
  communitiesOf,
  findPendingEdit,
  findRevision,
  listComments,
  listDraftsOf,
  listPendingEdits,
  listPublished,
  listReviewQueue,
  listRevisions,
  listSources,
  otherLanguageVersions,
  themesOfArticles,
  type ArticleRow,
} from './queries.js'
import { LibraryVisitorPages } from './visitor-pages.js'
import { mayReadContent } from '../moderation/visibility.js'
import { publicOrigin } from '../web/view.js'
import { scanOptions } from '../redaction/commands.js'
import { redactionView, refuseUnredacted, refuseUnredactedEdit } from '../redaction/routes.js'

const reservedSlugs = new Set(['new', 'mine', 'review', 'comments'])
const articleFields = [
  'title',
  'slug',
  'summary',
  'kind',
  'language',
  'body',
  'community',
  'practice_context',
  'practice_target_group',
  'practice_country',
  'practice_what_worked',
  'practice_what_did_not',
  'practice_contact',
  'preview',
  'translation_current',
  '_csrf',
]

export function languageName(code: string, locale: string): string {
  return displayName('language', locale, code) ?? code
}

export async function libraryRoutes(app: FastifyInstance, { db }: { db: Db }) {
  const previews = previewLimiter(app)
  const tr = (request: FastifyRequest, errors: FieldErrors) => fieldMessages(request, errors)
  const kindOptions = (request: FastifyRequest, current: string) =>
    articleKinds.map((kind) => ({ kind, label: request.t(`library.kind.${kind}`), selected: kind === current }))
  const languageOptions = (request: FastifyRequest, current: string) =>
    contentLanguages.map((code) => ({ code, name: languageName(code, request.locale), selected: code === current }))

  /** Whether the viewer may know this community exists: public ones for everyone, members-only ones for members and admins. */
  const mayKnowCommunity = async (request: FastifyRequest, community: CommunityRef) =>
    community.visibility === 'public' ||
    canRead({
      viewer: request.viewer,
      community,
      membership: request.viewer ? await findMembership(db, community.id, request.viewer.id) : null,
    })

  // Visitors all see the same library pages (in their language and time zone): rendered once per instance and kept
  // while the library's version in the database stays the same. Not while templates are reloaded (development).
  const visitorPages = app.config.cacheTemplates ? new LibraryVisitorPages(db) : null

  // --- The index -----------------------------------------------------------------------------------
  app.get('/library', async (request, reply) => {
    const shared = visitorPages ? await visitorPages.lookup(request) : null
    if (visitorPages?.sendKept(reply, shared)) return reply
    const query = request.query as Record<string, unknown>
    const kind = typeof query.kind === 'string' && query.kind !== '' ? query.kind : null
    const language = typeof query.language === 'string' && query.language !== '' ? query.language : null
    const themeSlug = typeof query.theme === 'string' && query.theme !== '' ? query.theme : null
    const communitySlug = typeof query.community === 'string' && query.community !== '' ? query.community : null
    const sort = query.sort === 'title' ? 'title' : 'newest'
    if (query.sort !== undefined && query.sort !== '' && query.sort !== 'title' && query.sort !== 'newest')
      throw badRequest('library.error.filter_unknown')
    if (kind && !isKind(kind)) throw badRequest('library.error.kind_unknown')
    if (language && !isContentLanguage(language)) throw badRequest('library.error.language_unknown')
    const after = cursorParam(query.after)
    const themes = await listThemes(db, request.locale)
    const theme = themeSlug ? themes.find((th) => th.slug === themeSlug) : null
    if (themeSlug && !theme) throw badRequest('library.error.theme_unknown')
    const found = communitySlug ? await findCommunityBySlug(db, communitySlug) : null
    // Filtering by a members-only community would name it to outsiders: for them it is unknown, like a typo.
    const community = found && (await mayKnowCommunity(request, found)) ? found : null
    if (communitySlug && !community) throw badRequest('library.error.community_unknown')

    const { articles, hasMore } = await listPublished(db, {
      kind: kind as ArticleRow['kind'] | null,
      language,
      themeId: theme?.id ?? null,
      communityId: community?.id ?? null,
      sort,
      after,
    })
    const articleThemes = await themesOfArticles(
      db,
      articles.map((a) => a.id),
      request.locale,
    )
    const filterQuery = new URLSearchParams(
      Object.entries({
        kind,
        language,
        theme: themeSlug,
        community: communitySlug,
        sort: sort === 'title' ? 'title' : null,
      }).filter(([, v]) => v) as [string, string][],
    )
    const last = articles[articles.length - 1]
    const actor = shared ? null : await actorOf(db, request)
    const view = {
      title: request.t('library.title'),
      breadcrumbs: [{ label: request.t('library.title') }],
      articles: articles.map((a) => ({
        ...a,
        kindLabel: request.t(`library.kind.${a.kind}`),
        languageName: languageName(a.language, request.locale),
        themes: articleThemes.get(a.id) ?? [],
        country: countryName(a.practice_country, request.locale),
      })),
      kinds: kindOptions(request, kind ?? ''),
      languages: languageOptions(request, language ?? ''),
      themes: themes.map((th) => ({ ...th, selected: th.slug === themeSlug })),
      filters: { kind, language, theme: themeSlug, community: communitySlug, communityName: community?.name, sort },
      nextUrl:
        hasMore && last
          ? `/library?${new URLSearchParams([...filterQuery, ['after', String(last.id)]]).toString()}`
          : null,
      firstUrl: after !== null ? `/library${filterQuery.size ? `?${filterQuery}` : ''}` : null,
      mayWrite: actor !== null && canWrite(actor),
      mayReview: actor !== null && (actor.viewer?.siteRole === 'admin' || actor.moderates.size > 0),
      // The Atom feed matching what is shown: the theme's, a public community's, or the whole library's (feeds.ts).
      feedUrl: theme
        ? `/feeds/themes/${theme.slug}.atom`
        : community && community.visibility === 'public'
          ? `/feeds/c/${community.slug}.atom`
          : '/feeds/library.atom',
    }
    return visitorPages
      ? visitorPages.render(reply, shared, 'library/index', view)
      : reply.render('library/index', view)
  })

  // --- Writing ---------------------------------------------------------------------------------------
  const formPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    options: {
      values: Record<string, unknown>
      errors?: FieldErrors
      previewHtml?: string | null
      action: string
      heading: string
      cancel: string
      isTranslation?: boolean
      outdated?: boolean
      version?: number | null
      conflict?: CurrentArticleText
      pending?: unknown
      willWait?: boolean
      /** Members-only content, published: what is saved is checked for personal data before it goes public. */
      willCheck?: boolean
      /** Why the save was refused as a whole (the text is kept in the form). */
      formError?: string
      pendingUrl?: string
    },
  ) => {
    const viewer = viewerOf(request)
    const [themes, communities] = await Promise.all([listThemes(db, request.locale), communitiesOf(db, viewer.id)])
    const chosen = new Set((options.values.themes as string[] | undefined) ?? [])
    const values = options.values as Record<string, string>
    return reply.render('library/form', {
      title: options.heading,
      breadcrumbs: [{ label: request.t('library.title'), href: '/library' }, { label: options.heading }],
      heading: options.heading,
      values,
      errors: tr(request, options.errors ?? {}),
      suggestion: options.values.suggestion ?? null,
      previewHtml: options.previewHtml ?? null,
      kinds: kindOptions(request, values.kind ?? 'practice'),
      languages: languageOptions(request, values.language ?? request.locale),
      themes: themes.map((th) => ({ ...th, checked: chosen.has(th.slug) })),
      communities: communities.map((c) => ({ ...c, selected: c.slug === values.community })),
      countries: countryOptions(request.locale).map((c) => ({ ...c, selected: c.code === values.practice_country })),
      action: options.action,
      cancel: options.cancel,
      isTranslation: options.isTranslation ?? false,
      outdated: options.outdated ?? false,
      version: options.version ?? null,
      conflict: options.conflict ?? null,
      pending: options.pending ?? null,
      willWait: options.willWait ?? false,
      willCheck: options.willCheck ?? false,
      formError: options.formError ?? null,
      pendingUrl: options.pendingUrl ?? null,
    })
  }

  /** Validates the form and resolves themes and community; errors are keyed by field. */
  const readForm = async (
    request: FastifyRequest,
    input: ArticleInput,
  ): Promise<{ data: ArticleData | null; errors: FieldErrors }> => {
    const errors = checkArticle(input, { slugRequired: true })
    const slug = input.slug || slugify(input.title, 80)
    if (!errors.slug && reservedSlugs.has(slug)) errors.slug = 'library.error.slug_reserved'
    const themes = await resolveThemeSlugs(db, input.themes)
    if (themes.unknown.length) errors.themes = 'library.error.theme_unknown'
    let communityId: number | null = null
    if (input.community_slug) {
      const communities = await communitiesOf(db, viewerOf(request).id)
      const community = communities.find((c) => c.slug === input.community_slug)
      if (community) communityId = community.id
      else errors.community = 'library.error.community_not_yours'
    }
    const { mentions, error: mentionError } = await checkMentions(db, request, input.body_md)
    if (mentionError && !errors.body) errors.body = mentionError
    if (Object.keys(errors).length) return { data: null, errors }
    return {
      data: {
        mentions,
        title: input.title,
        slug,
        summary: input.summary,
        kind: input.kind,
        language: input.language,
        body_md: input.body_md,
        community_id: communityId,
        themeIds: themes.ids,
        practice: practiceOf(input),
      },
      errors,
    }
  }

  const formValues = (input: ArticleInput) => ({ ...input, body: input.body_md, community: input.community_slug })

  app.get('/library/new', { preHandler: requireUser }, async (request, reply) => {
    if (!canWrite(await actorOf(db, request))) throw forbidden('discussions.reply.suspended')
    return formPage(request, reply, {
      values: { kind: 'practice', language: request.locale, themes: [] },
      action: '/library/new',
      heading: request.t('library.new.title'),
      cancel: '/library',
    })
  })

  app.post(
    '/library/new',
    { preHandler: [requireUser, previews.whenPreviewing], schema: formSchema(articleFields, ['themes']) },
    async (request, reply) => {
      const viewer = viewerOf(request)
      if (!canWrite(await actorOf(db, request))) throw forbidden('discussions.reply.suspended')
      const input = readArticleForm(request.body)
      const page = { action: '/library/new', heading: request.t('library.new.title'), cancel: '/library' }
      const { data, errors } = await readForm(request, input)
      if (!data) return formPage(request, reply.code(422), { ...page, values: formValues(input), errors })
      if (field(request.body, 'preview'))
        return formPage(request, reply, {
          ...page,
          values: formValues(input),
          previewHtml: renderMarkdown(input.body_md, data.mentions).html,
        })
      const result = await createDraft(db, { ...data, authorId: viewer.id })
      if (!result.ok)
        return formPage(request, reply.code(409), {
          ...page,
          values: { ...formValues(input), slug: data.slug, suggestion: result.suggestion },
          errors: { slug: 'library.error.slug_taken' },
        })
      request.log.info({ articleId: result.id, userId: viewer.id }, 'library draft created')
      setFlash(reply, 'library.flash.draft_saved')
      return reply.redirect(`/library/${result.slug}`, 303)
    },
  )

  app.get('/library/mine', { preHandler: requireUser }, async (request, reply) => {
    const articles = await listDraftsOf(db, viewerOf(request).id)
    return reply.render('library/mine', {
      title: request.t('library.mine.title'),
      breadcrumbs: [
        { label: request.t('library.title'), href: '/library' },
        { label: request.t('library.mine.title') },
      ],
      articles: articles.map((a) => ({
        ...a,
        statusLabel: request.t(`library.status.${a.status}`),
        kindLabel: request.t(`library.kind.${a.kind}`),
      })),
    })
  })

  app.get('/library/review', { preHandler: requireUser }, async (request, reply) => {
    const actor = await actorOf(db, request)
    const isAdmin = actor.viewer?.siteRole === 'admin'
    if (!isAdmin && actor.moderates.size === 0) throw forbidden()
    const scope = isAdmin ? 'all' : [...actor.moderates]
    const [articles, edits] = await Promise.all([listReviewQueue(db, scope), listPendingEdits(db, scope)])
    return reply.render('library/review', {
      title: request.t('library.review.title'),
      breadcrumbs: [
        { label: request.t('library.title'), href: '/library' },
        { label: request.t('library.review.title') },
      ],
      articles: articles.map((a) => ({ ...a, kindLabel: request.t(`library.kind.${a.kind}`) })),
      edits: edits.map((e) => ({ ...e, kindLabel: request.t(`library.kind.${e.kind}`) })),
    })
  })

  // --- Reading -----------------------------------------------------------------------------------------
  const articleView = async (request: FastifyRequest, slug: string) => {
    const context = await articleForViewer(db, request, slug)
    const { article, actor } = context
    const [themes, versions, comments, sources] = await Promise.all([
      themesOfArticles(db, [article.id], request.locale),
      otherLanguageVersions(db, article),
      listComments(db, article.id),
      listSources(db, article.id),
    ])
    const viewerId = request.viewer?.id
    const moderating = context.mayReview
    // The community an article came from is named only to those for whom it exists (members-only ones are hidden).
    const communityShown =
      article.community_id !== null &&
      article.community_visibility !== null &&
      article.community_join_policy !== null &&
      (await mayKnowCommunity(request, {
        id: article.community_id,
        visibility: article.community_visibility,
        join_policy: article.community_join_policy,
      }))
    const reader = { viewerId: viewerId ?? null, mayModerate: moderating }
    const visibleComments = comments.map((c) => {
      const readable = mayReadContent(c, reader)
      const withheld = !readable && c.status !== 'deleted'
      return {
        ...c,
        // What the viewer may not read does not reach the template at all.
        body_md: readable ? c.body_md : '',
        body_html: readable ? c.body_html : '',
        deleted: !readable,
        hiddenPlaceholder: withheld,
        hiddenNotice: c.status === 'hidden' && !withheld ? { reason: c.hidden_reason } : null,
        mine: c.author_id === viewerId && c.status !== 'deleted' && canComment(actor, article),
        mayFlag:
          viewerId !== undefined && c.author_id !== viewerId && c.status === 'visible' && canComment(actor, article),
        mayHide: moderating && c.status === 'visible',
        mayRestore: moderating && c.status === 'hidden',
      }
    })
    const topLevel = visibleComments
      .filter((c) => c.parent_id === null)
      .map((c) => ({ ...c, replies: visibleComments.filter((r) => r.parent_id === c.id) }))
    // An edit waiting on a published article concerns only its author and reviewers (visitors never ask for it).
    const waiting =
      article.status === 'published' && (context.mayEdit || context.mayReview)
        ? await findPendingEdit(db, article.id)
        : undefined
    const pendingEdit = waiting
      ? { status: waiting.status, comment: waiting.review_comment, updatedAt: waiting.updated_at }
      : null
    const outdated =
      article.translated_from_id !== null &&
      article.source_revision !== null &&
      article.translated_from_revision !== null &&
      article.source_revision > article.translated_from_revision
    return {
      ...context,
      data: {
        title: article.title,
        article: communityShown ? article : { ...article, community_name: null, community_slug: null },
        kindLabel: request.t(`library.kind.${article.kind}`),
        statusLabel: request.t(`library.status.${article.status}`),
        languageName: languageName(article.language, request.locale),
        country: countryName(article.practice_country, request.locale),
        themes: themes.get(article.id) ?? [],
        versions: versions.map((v) => ({ ...v, languageName: languageName(v.language, request.locale) })),
        outdated,
        comments: topLevel,
        commentCount: visibleComments.filter((c) => !c.deleted).length,
        hiddenArticle: article.hidden_at ? { reason: article.hidden_reason } : null,
        mayFlagArticle:
          article.status === 'published' &&
          !article.hidden_at &&
          viewerId !== undefined &&
          viewerId !== article.author_id,
        sources: sources.filter(
          (s) =>
            s.status === 'visible' &&
            (s.visibility === 'public' || actor.moderates.has(s.community_id) || actor.viewer?.siteRole === 'admin'),
        ),
        mayEdit: context.mayEdit,
        mayReview: context.mayReview,
        pendingEdit,
        maySubmit: canSubmit(actor, article),
        mayComment: canComment(actor, article),
        mayTranslate: article.status === 'published' && canWrite(actor),
        isPublished: article.status === 'published',
        otherLanguages: contentLanguages
          .filter((code) => code !== article.language && !versions.some((v) => v.language === code))
          .map((code) => ({ code, name: languageName(code, request.locale) })),
      },
    }
  }

  app.get('/library/:slug', async (request, reply) => {
    const shared = visitorPages ? await visitorPages.lookup(request) : null
    if (visitorPages?.sendKept(reply, shared)) return reply
    const { data } = await articleView(request, (request.params as { slug: string }).slug)
    const origin = publicOrigin(request)
    const view = {
      ...data,
      // Its reviewers see the redaction findings of members-only content beside the publish button.
      redaction:
        data.mayReview && data.article.redaction_required ? await redactionView(db, request, data.article) : null,
      breadcrumbs: [{ label: request.t('library.title'), href: '/library' }, { label: data.article.title }],
      meta: data.isPublished
        ? {
            canonical: `${origin}/library/${data.article.slug}`,
            description: data.article.summary,
            ogType: 'article',
            ogTitle: data.article.title,
            locale: data.article.language,
          }
        : null,
    }
    return visitorPages
      ? visitorPages.render(reply, shared, 'library/article', view)
      : reply.render('library/article', view)
  })

  app.get('/library/:slug/print', async (request, reply) => {
    const { data } = await articleView(request, (request.params as { slug: string }).slug)
    return reply.render('library/print', { ...data, printView: true })
  })

  // --- Editing ---------------------------------------------------------------------------------------
  /** Whether the editor of this request reviews the article (their edits to a published one go live at once). */
  const reviewsOn = new WeakMap<FastifyRequest, boolean>()
  const editable = async (request: FastifyRequest, slug: string) => {
    const context = await articleForViewer(db, request, slug)
    if (!context.mayEdit) throw forbidden('library.error.not_yours')
    reviewsOn.set(request, context.mayReview)
    return context
  }

  // `version`: the revision the form was opened at (absent or garbled: null, which is answered as a stale save).
  const editPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    article: ArticleRow,
    values: Record<string, unknown>,
    extra: {
      errors?: FieldErrors
      previewHtml?: string | null
      conflict?: CurrentArticleText
      version: number | null
      /** The edit waiting on this published article: its author's own, or for a reviewer someone's to review. */
      pending?: {
        status: string
        review_comment: string | null
        updated_at: Date
        editor_name: string | null
        forReviewer?: boolean
      } | null
      formError?: string
    },
  ) => {
    const outdated =
      article.translated_from_id !== null &&
      article.source_revision !== null &&
      (article.translated_from_revision ?? 0) < article.source_revision
    return formPage(request, reply, {
      values,
      ...extra,
      action: `/library/${article.slug}/edit`,
      heading: request.t('library.edit.title'),
      cancel: `/library/${article.slug}`,
      isTranslation: article.translated_from_id !== null,
      outdated,
      pending: extra.pending ?? null,
      willWait: article.status === 'published' && !reviewsOn.get(request),
      willCheck: article.status === 'published' && article.redaction_required,
      pendingUrl: `/library/${article.slug}/pending`,
    })
  }

  app.get('/library/:slug/edit', { preHandler: requireUser }, async (request, reply) => {
    const { article, mayReview } = await editable(request, (request.params as { slug: string }).slug)
    const waiting = article.status === 'published' ? await findPendingEdit(db, article.id) : undefined
    // Its author goes on from the edit that waits (saving replaces it); a reviewer edits the published text, unless
    // the edit that waits is their own (held back by the personal data check).
    if (waiting && (!mayReview || waiting.editor_id === viewerOf(request).id)) {
      const practice = waiting.practice ?? {}
      const [themeRows, community] = await Promise.all([
        waiting.theme_ids.length
          ? db.selectFrom('tags').select('slug').where('id', 'in', waiting.theme_ids).execute()
          : Promise.resolve([]),
        waiting.community_id
          ? db.selectFrom('communities').select('slug').where('id', '=', waiting.community_id).executeTakeFirst()
          : Promise.resolve(undefined),
      ])
      return editPage(
        request,
        reply,
        article,
        {
          title: waiting.title,
          slug: waiting.slug,
          summary: waiting.summary,
          kind: waiting.kind,
          language: waiting.language,
          body: waiting.body_md,
          community: community?.slug ?? '',
          themes: themeRows.map((th) => th.slug),
          practice_context: practice.practice_context ?? '',
          practice_target_group: practice.practice_target_group ?? '',
          practice_country: practice.practice_country ?? '',
          practice_what_worked: practice.practice_what_worked ?? '',
          practice_what_did_not: practice.practice_what_did_not ?? '',
          practice_contact: practice.practice_contact ?? '',
        },
        { version: article.revision, pending: waiting },
      )
    }
    const themes = await themesOfArticles(db, [article.id], request.locale)
    return editPage(
      request,
      reply,
      article,
      {
        ...article,
        body: article.body_md,
        community: article.community_slug ?? '',
        themes: (themes.get(article.id) ?? []).map((th) => th.slug),
        practice_context: article.practice_context ?? '',
        practice_target_group: article.practice_target_group ?? '',
        practice_country: article.practice_country ?? '',
        practice_what_worked: article.practice_what_worked ?? '',
        practice_what_did_not: article.practice_what_did_not ?? '',
        practice_contact: article.practice_contact ?? '',
      },
      { version: article.revision, pending: waiting && mayReview ? { ...waiting, forReviewer: true } : null },
    )
  })

  app.post(
    '/library/:slug/edit',
    { preHandler: [requireUser, previews.whenPreviewing], schema: formSchema(articleFields, ['themes']) },
    async (request, reply) => {
      const viewer = viewerOf(request)
      const { article } = await editable(request, (request.params as { slug: string }).slug)
      const input = readArticleForm(request.body)
      if (input.community_slug === '' && article.community_slug) input.community_slug = article.community_slug
      const { data, errors } = await readForm(request, input)
      // An article may keep the community it came from even when its editor (a reviewer) is not a member there.
      if (errors.community && input.community_slug === article.community_slug) delete errors.community
      const version = editVersion(request.body)
      if (!data || Object.keys(errors).length)
        return editPage(request, reply.code(422), article, formValues(input), { errors, version })
      if (input.community_slug === article.community_slug) data.community_id = article.community_id
      if (field(request.body, 'preview'))
        return editPage(request, reply, article, formValues(input), {
          previewHtml: renderMarkdown(input.body_md, data.mentions).html,
          version,
        })
      const result = await updateArticle(db, article.id, {
        ...data,
        editorId: viewer.id,
        markTranslationCurrent: field(request.body, 'translation_current') === '1',
        version,
        reach: app.config,
      })
      // Someone saved in between: their version above the form, this editor's own text kept in it, to merge and save again.
      if (!result.ok && result.reason === 'stale')
        return editPage(request, reply.code(409), article, formValues(input), {
          conflict: result.current,
          version: result.current.version,
        })
      // Its text must wait for the personal data check, and another's edit waits already: refused, the text kept.
      if (!result.ok && result.reason === 'other_edit_waits')
        return editPage(request, reply.code(409), article, formValues(input), {
          version,
          formError: request.t('redaction.error.other_edit_waits', {
            count: result.findings,
            name: result.editorName ?? request.t('data_rights.former_member'),
          }),
        })
      if (!result.ok)
        return editPage(
          request,
          reply.code(409),
          article,
          { ...formValues(input), suggestion: result.suggestion },
          { errors: { slug: 'library.error.slug_taken' }, version },
        )
      if (result.pending && result.findings) {
        // Held back for its personal data: a reviewer goes on to decide the findings, an author is told why it waits.
        const reviewer = reviewsOn.get(request) ?? false
        setFlash(reply, reviewer ? 'redaction.flash.edit_held' : 'redaction.flash.edit_waits')
        return reply.redirect(reviewer ? `/library/${result.slug}/redaction` : `/library/${result.slug}`, 303)
      }
      setFlash(reply, result.pending ? 'mod_truth.flash.edit_pending' : 'library.flash.saved')
      return reply.redirect(`/library/${result.slug}`, 303)
    },
  )

  // --- Review and publishing -------------------------------------------------------------------------------
  const transitions: Record<Transition, { who: 'author' | 'reviewer'; flash: string }> = {
    submit: { who: 'author', flash: 'library.flash.submitted' },
    publish: { who: 'reviewer', flash: 'library.flash.published' },
    return: { who: 'reviewer', flash: 'library.flash.returned' },
    archive: { who: 'reviewer', flash: 'library.flash.archived' },
    republish: { who: 'reviewer', flash: 'library.flash.published' },
  }
  for (const [transition, rule] of Object.entries(transitions) as [Transition, (typeof transitions)[Transition]][]) {
    app.post(
      `/library/:slug/${transition}`,
      { preHandler: requireUser, schema: formSchema(['comment', '_csrf']) },
      async (request, reply) => {
        const { article, actor } = await articleForViewer(db, request, (request.params as { slug: string }).slug)
        const allowed = rule.who === 'author' ? canSubmit(actor, article) : canReview(actor, article)
        if (!allowed)
          throw forbidden(rule.who === 'author' ? 'library.error.not_yours' : 'library.error.reviewers_only')
        // A reviewer's note to the author: refused with the limit named when longer, never cut.
        const comment = shortTextField(request.body, 'comment', 2000) || null
        if (transition === 'publish' || transition === 'republish') {
          const refused = await refuseUnredacted(db, request, reply, article)
          if (refused) return refused
        }
        if (!(await transitionArticle(db, article.id, transition, comment, viewerOf(request).id, app.config)))
          throw badRequest('library.error.wrong_state')
        request.log.info({ articleId: article.id, transition, userId: request.viewer?.id }, 'library article moved')
        // Sent back, the article is a draft again, which only its author reads: its reviewer goes on with the queue.
        setFlash(reply, rule.flash)
        return reply.redirect(transition === 'return' ? '/library/review' : `/library/${article.slug}`, 303)
      },
    )
  }

  // --- Edits to published articles, reviewed ---------------------------------------------------------------
  // An author's edit of a published article waits (src/library/commands.ts): its reviewers see it against the
  // published text and accept it or send it back; its author sees it too, with the reviewer's note once sent back.
  app.get('/library/:slug/pending', { preHandler: requireUser }, async (request, reply) => {
    const { article, mayEdit, mayReview } = await articleForViewer(
      db,
      request,
      (request.params as { slug: string }).slug,
    )
    if (!mayEdit && !mayReview) throw notFound()
    const edit = await findPendingEdit(db, article.id)
    if (!edit) throw notFound('mod_truth.error.no_pending')
    const practiceChanged = Object.entries(edit.practice ?? {}).some(
      ([key, value]) => (article[key as keyof typeof article] ?? null) !== (value ?? null),
    )
    return reply.render('library/pending', {
      title: request.t('mod_truth.pending.title', { title: article.title }),
      article,
      edit,
      titleDiff: diffText(article.title, edit.title),
      summaryDiff: diffText(article.summary, edit.summary),
      bodyDiff: diffText(article.body_md, edit.body_md),
      slugChanged: edit.slug !== article.slug,
      practiceChanged,
      mayDecide: mayReview && edit.status === 'pending',
      // Accepting waits for these (src/library/commands.ts, decidePendingEdit): its reviewers are told before they try.
      pendingFindings:
        mayReview && article.redaction_required ? (await redactionView(db, request, article)).pendingOpenCount : 0,
      returned: edit.status === 'returned',
      breadcrumbs: [
        { label: request.t('library.title'), href: '/library' },
        ...(mayReview ? [{ label: request.t('library.review.title'), href: '/library/review' }] : []),
        { label: article.title, href: `/library/${article.slug}` },
        { label: request.t('mod_truth.pending.crumb') },
      ],
    })
  })

  for (const decision of ['accept', 'return'] as const) {
    app.post(
      `/library/:slug/pending/${decision}`,
      { preHandler: requireUser, schema: formSchema(['comment', '_csrf']) },
      async (request, reply) => {
        const { article, actor } = await articleForViewer(db, request, (request.params as { slug: string }).slug)
        if (!canReview(actor, article)) throw forbidden('library.error.reviewers_only')
        const comment = shortTextField(request.body, 'comment', 2000) || null
        const result = await decidePendingEdit(db, article.id, decision, viewerOf(request).id, comment, app.config)
        if (result === 'none') throw badRequest('mod_truth.error.no_pending')
        if (result === 'findings_open') return refuseUnredactedEdit(db, request, reply, article)
        request.log.info({ articleId: article.id, decision, userId: request.viewer?.id }, 'library edit decided')
        setFlash(reply, decision === 'accept' ? 'mod_truth.flash.edit_accepted' : 'mod_truth.flash.edit_returned')
        return reply.redirect('/library/review', 303)
      },
    )
  }

  // --- History, diff, restore -------------------------------------------------------------------------
  app.get('/library/:slug/history', async (request, reply) => {
    const { article, mayEdit } = await articleForViewer(db, request, (request.params as { slug: string }).slug)
    if (!mayEdit) throw notFound()
    const revisions = await listRevisions(db, article.id)
    return reply.render('library/history', {
      title: request.t('library.history.title'),
      breadcrumbs: [
        { label: request.t('library.title'), href: '/library' },
        { label: article.title, href: `/library/${article.slug}` },
        { label: request.t('library.history.title') },
      ],
      article,
      revisions,
      current: article.revision,
    })
  })

  app.get('/library/:slug/diff', async (request, reply) => {
    const { article, mayEdit } = await articleForViewer(db, request, (request.params as { slug: string }).slug)
    if (!mayEdit) throw notFound()
    const query = request.query as Record<string, unknown>
    const from = positiveInt(query.from)
    const to = positiveInt(query.to)
    if (from === null || to === null) throw badRequest('library.error.revision_unknown')
    const [a, b] = await Promise.all([findRevision(db, article.id, from), findRevision(db, article.id, to)])
    if (!a || !b) throw notFound('library.error.revision_unknown')
    return reply.render('library/diff', {
      title: request.t('library.diff.title'),
      breadcrumbs: [
        { label: request.t('library.title'), href: '/library' },
        { label: article.title, href: `/library/${article.slug}` },
        { label: request.t('library.history.title'), href: `/library/${article.slug}/history` },
        { label: request.t('library.diff.title') },
      ],
      article,
      from: a,
      to: b,
      titleDiff: diffText(a.title, b.title),
      summaryDiff: diffText(a.summary, b.summary),
      bodyDiff: diffText(a.body_md, b.body_md),
    })
  })

  app.post(
    '/library/:slug/restore',
    { preHandler: requireUser, schema: formSchema(['revision', '_csrf']) },
    async (request, reply) => {
      const viewer = viewerOf(request)
      const { article } = await editable(request, (request.params as { slug: string }).slug)
      const revision = positiveInt(field(request.body, 'revision'))
      if (revision === null) throw badRequest('library.error.revision_unknown')
      // The revision is looked up within this article only: a revision number of another article is simply unknown here.
      const restored = await restoreRevision(db, article.id, revision, viewer.id)
      if (restored.result === 'not_found') throw notFound('library.error.revision_unknown')
      if (restored.result === 'other_edit_waits')
        throw conflict('redaction.error.restore_other_waits', {
          name: restored.editorName ?? request.t('data_rights.former_member'),
        })
      if (restored.result === 'pending' && restored.findings) {
        // An older revision may hold what has since been redacted: it waits for the findings to be decided.
        const reviewer = reviewsOn.get(request) ?? false
        setFlash(reply, reviewer ? 'redaction.flash.edit_held' : 'redaction.flash.edit_waits')
        return reply.redirect(reviewer ? `/library/${article.slug}/redaction` : `/library/${article.slug}/history`, 303)
      }
      setFlash(reply, restored.result === 'pending' ? 'mod_truth.flash.edit_pending' : 'library.flash.restored')
      return reply.redirect(`/library/${article.slug}/history`, 303)
    },
  )

  // --- Translations ---------------------------------------------------------------------------------
  app.get('/library/:slug/translate', { preHandler: requireUser }, async (request, reply) => {
    const { article, actor } = await articleForViewer(db, request, (request.params as { slug: string }).slug)
    if (article.status !== 'published' || !canWrite(actor)) throw forbidden()
    const language = (request.query as Record<string, unknown>).language
    if (typeof language !== 'string' || !isContentLanguage(language) || language === article.language)
      throw badRequest('library.error.language_unknown')
    const themes = await themesOfArticles(db, [article.id], request.locale)
    return formPage(request, reply, {
      values: {
        ...article,
        slug: `${article.slug}-${language}`,
        language,
        body: article.body_md,
        community: article.community_slug ?? '',
        themes: (themes.get(article.id) ?? []).map((th) => th.slug),
        practice_context: article.practice_context ?? '',
        practice_target_group: article.practice_target_group ?? '',
        practice_country: article.practice_country ?? '',
        practice_what_worked: article.practice_what_worked ?? '',
        practice_what_did_not: article.practice_what_did_not ?? '',
        practice_contact: article.practice_contact ?? '',
      },
      action: `/library/${article.slug}/translate`,
      heading: request.t('library.translate.title', { language: languageName(language, request.locale) }),
      cancel: `/library/${article.slug}`,
      isTranslation: true,
    })
  })

  app.post(
    '/library/:slug/translate',
    { preHandler: [requireUser, previews.whenPreviewing], schema: formSchema(articleFields, ['themes']) },
    async (request, reply) => {
      const viewer = viewerOf(request)
      const { article, actor } = await articleForViewer(db, request, (request.params as { slug: string }).slug)
      if (article.status !== 'published' || !canWrite(actor)) throw forbidden()
      const input = readArticleForm(request.body)
      const page = {
        action: `/library/${article.slug}/translate`,
        heading: request.t('library.translate.title', { language: languageName(input.language, request.locale) }),
        cancel: `/library/${article.slug}`,
        isTranslation: true,
      }
      const { data, errors } = await readForm(request, input)
      if (!errors.language && input.language === article.language) errors.language = 'library.error.same_language'
      if (!data || Object.keys(errors).length)
        return formPage(request, reply.code(422), { ...page, values: formValues(input), errors })
      if (field(request.body, 'preview'))
        return formPage(request, reply, {
          ...page,
          values: formValues(input),
          previewHtml: renderMarkdown(input.body_md).html,
        })
      const communityId = data.community_id ?? article.community_id
      const result = await createDraft(db, {
        ...data,
        community_id: communityId,
        authorId: viewer.id,
        // A translation carries its source's text: from members-only content, it is checked before it goes public too.
        redaction: article.redaction_required ? await scanOptions(db, communityId) : undefined,
        translatedFrom: {
          id: article.id,
          revision: article.revision,
          groupId: article.translation_group_id ?? article.id,
        },
      })
      if (!result.ok)
        return formPage(request, reply.code(409), {
          ...page,
          values: { ...formValues(input), suggestion: result.suggestion },
          errors: { slug: 'library.error.slug_taken' },
        })
      setFlash(reply, 'library.flash.draft_saved')
      return reply.redirect(`/library/${result.slug}`, 303)
    },
  )
}
