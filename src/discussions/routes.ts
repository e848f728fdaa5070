// Threads and replies over HTTP: start, read, reply, edit, delete, history, preview. Rules in policy.ts, writes in commands.ts.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { communityForViewer } from '../communities/access.js'
import { canEditPost, canPost, canReplyTo, isActiveMember, isSuspended, type Access } from '../communities/policy.js'
import type { Db } from '../db/connect.js'
import { checkMarkdown, renderMarkdown } from '../markdown/render.js'
import { listThemes, resolveThemeSlugs, themesOfThreads } from '../themes/queries.js'
import { requireUser, viewerOf } from '../web/auth.js'
import { badRequest, conflict, forbidden, HttpError, notFound } from '../web/errors.js'
import { hasFlash, setFlash } from '../web/flash.js'
import { newSubmissionKey, validSubmissionKey } from '../web/form-submission.js'
import { cursorParam, field, fieldList, formSchema, pathId, positiveInt, slugify } from '../web/params.js'
import { replyForViewer, threadForViewer, threadTextForViewer } from './access.js'
import { mayReadContent } from '../moderation/visibility.js'
import { checkWatchedWords } from '../moderation/watched-words.js'
import { isNewAccount } from '../moderation/policy.js'
import { hasKey } from '../web/i18n.js'
import { publicOrigin, renderSharedPage, sendSharedPage } from '../web/view.js'
import {
  deletePost,
  deleteThread,
  editPost,
  editThread,
  markAnswer,
  replyToThread,
  startThread,
  type CurrentText,
} from './commands.js'
import { editVersion } from '../web/edit-version.js'
import { previewLimiter } from '../web/preview-limit.js'
import { similarTo, type SimilarView } from '../search/similar.js'
import { checkLength, fieldMessage, markdownProblem, type FieldMessage, type FieldMessages } from '../web/limits.js'
import {
  anonymityOf,
  authorName,
  editorNames,
  excerptOf,
  mayMarkAnswer,
  presentAuthor,
  presentReplies,
} from './present.js'
import { anonymousChoice, anonymousOption } from '../anonymous/form.js'
import { PageVersionReader, readPageVersions, visitorPageKey, VisitorPages } from './visitor-pages.js'
import { findPost, listReplies, listRevisions, replyLocation, type ReplyCursor } from './queries.js'
import { cleanLine, forbiddenCharactersMessage, lineProblem } from '../web/text-rules.js'
import { markThreadRead } from '../watching/commands.js'
import { checkMentions } from '../mentions/check.js'
import { resolveMentions } from '../mentions/resolve.js'
import { watchForm } from '../watching/present.js'
import { watchLevelOf } from '../watching/queries.js'
import { moveTargets } from '../moderation/queries.js'
import { communityCrumbs, threadCrumbs } from './breadcrumbs.js'

type Errors = FieldMessages
export const maxTitleLength = 200

/** Why this viewer cannot reply here, as a catalog key; null when they can. */
function replyBlocker(access: Access, thread: { status: string; locked: boolean }): string | null {
  if (canReplyTo(access, thread)) return null
  if (!access.viewer) return 'discussions.reply.login'
  if (isSuspended(access.viewer)) return 'discussions.reply.suspended'
  // A thread waiting for approval or hidden is not gone: its author is told what it waits for.
  if (thread.status === 'pending') return 'posts.reply.thread_pending'
  if (thread.status === 'hidden') return 'posts.reply.thread_hidden'
  if (thread.status !== 'visible') return 'discussions.reply.thread_gone'
  if (thread.locked) return 'discussions.reply.locked'
  if (access.membership?.status === 'pending') return 'discussions.reply.pending'
  return 'discussions.reply.join'
}

function markdownError(body: string): FieldMessage | null {
  const check = checkMarkdown(body)
  return check.ok ? null : markdownProblem(check)
}

function checkTitle(title: string, errors: Errors) {
  const problem = lineProblem(title)
  if (problem === 'blank') errors.title = 'discussions.error.title_required'
  else if (problem === 'characters') errors.title = forbiddenCharactersMessage
  else checkLength(errors, 'title', title, maxTitleLength)
}

/** What a history page tells the author or a moderator reading text others cannot see: why it is withheld. */
function withheldNotice(kind: 'thread' | 'reply', item: { status: string; hidden_reason: string | null }) {
  if (item.status === 'pending') return { key: `moderation.notice.${kind}_pending`, reason: null }
  if (item.status === 'hidden') return { key: `moderation.notice.${kind}_hidden`, reason: item.hidden_reason }
  return null
}

function replyCursor(query: Record<string, unknown>): ReplyCursor {
  const after = cursorParam(query.after)
  const before = cursorParam(query.before)
  const at = cursorParam(query.at)
  if (at !== null) return { kind: 'at', postId: at }
  if (before !== null) return { kind: 'before', postId: before }
  if (after !== null) return { kind: 'after', postId: after }
  return { kind: 'first' }
}

export async function discussionRoutes(
  app: FastifyInstance,
  { db, postLimits }: { db: Db; postLimits?: { newAccount: number; established: number } },
) {
  // Errors are catalog keys, or messages already translated with their details (a watched word).
  const tr = (request: FastifyRequest, errors: Errors) =>
    Object.fromEntries(
      Object.entries(errors).map(([k, v]) => [k, typeof v === 'string' && !hasKey(v) ? v : fieldMessage(request, v)]),
    )
  // New accounts may post a few times a minute, established members more: spam waves come from fresh accounts.
  // One limiter for threads and replies alike, so they share one counter per member.
  const postingLimit = app.rateLimit({
    max: (request: FastifyRequest) =>
      isNewAccount(request.viewer?.createdAt) ? (postLimits?.newAccount ?? 3) : (postLimits?.established ?? 30),
    timeWindow: 60_000,
    keyGenerator: (request: FastifyRequest) => `post:${request.viewer?.id ?? request.ip}`,
  })
  const previews = previewLimiter(app)

  // --- Starting a thread -------------------------------------------------------------------------
  const threadFormPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    options: {
      community: { slug: string; name: string }
      values: Record<string, unknown>
      errors?: Errors
      previewHtml?: string | null
      action: string
      heading: string
      cancel: string
      conflict?: CurrentText
      similar?: SimilarView[] | null
      /** The thread being edited, for the breadcrumbs. */
      thread?: { id: number; title: string; community_slug: string; community_name: string }
      /** Where the community allows it, "post as <label>" (new threads only: an edit keeps the choice). */
      anonymousLabel?: string | null
    },
  ) => {
    const themes = await listThemes(db, request.locale)
    const chosen = new Set((options.values.themes as string[] | undefined) ?? [])
    return reply.render('discussions/thread-form', {
      title: options.heading,
      heading: options.heading,
      community: options.community,
      breadcrumbs: options.thread
        ? threadCrumbs(request, options.thread, options.heading)
        : [...communityCrumbs(request, options.community), { label: options.heading }],
      values: options.values,
      errors: tr(request, options.errors ?? {}),
      previewHtml: options.previewHtml ?? null,
      themes: themes.map((th) => ({ ...th, checked: chosen.has(th.slug) })),
      action: options.action,
      cancel: options.cancel,
      isEdit: options.action.endsWith('/edit'),
      maxTitleLength,
      version: options.values.version,
      conflict: options.conflict ?? null,
      similar: options.similar ?? null,
      anonymous: anonymousOption(request, options.anonymousLabel, options.values.anonymous === true),
    })
  }

  const communityForWriting = async (request: FastifyRequest, slug: string) => {
    const context = await communityForViewer(db, request, slug)
    if (!canPost(context.access)) {
      if (isSuspended(request.viewer)) throw forbidden('discussions.reply.suspended')
      throw forbidden(isActiveMember(context.access) ? 'error.403.message' : 'discussions.new_thread.join_first')
    }
    return context
  }

  app.get('/c/:slug/new', { preHandler: requireUser }, async (request, reply) => {
    const { community } = await communityForWriting(request, (request.params as { slug: string }).slug)
    return threadFormPage(request, reply, {
      community,
      values: { submission_key: newSubmissionKey(), themes: [] },
      anonymousLabel: community.anonymous_label,
      action: `/c/${community.slug}/new`,
      heading: request.t('discussions.new_thread.title', { community: community.name }),
      cancel: `/c/${community.slug}`,
    })
  })

  app.post(
    '/c/:slug/new',
    {
      preHandler: requireUser,
      onRequest: postingLimit,
      schema: formSchema(['title', 'body', 'submission_key', 'preview', 'anonymous', '_csrf'], ['themes']),
    },
    async (request, reply) => {
      const viewer = viewerOf(request)
      const { community } = await communityForWriting(request, (request.params as { slug: string }).slug)
      const anonymous = anonymousChoice(request.body)
      const title = cleanLine(field(request.body, 'title'))
      const body = field(request.body, 'body')
      const themeSlugs = fieldList(request.body, 'themes')
      const values = {
        title,
        body,
        themes: themeSlugs,
        submission_key: validSubmissionKey(field(request.body, 'submission_key')) ?? newSubmissionKey(),
        anonymous,
      }
      const errors: Errors = {}
      // A forged "post as" where the community does not allow it is refused, the text kept.
      if (anonymous && community.anonymous_label === null) errors.body = 'anonymous.error.not_allowed'
      checkTitle(title, errors)
      const bodyError = markdownError(body)
      if (bodyError) errors.body = bodyError
      const themes = await resolveThemeSlugs(db, themeSlugs)
      if (themes.unknown.length) errors.themes = 'discussions.error.unknown_theme'
      const page = {
        community,
        values,
        anonymousLabel: community.anonymous_label,
        action: `/c/${community.slug}/new`,
        heading: request.t('discussions.new_thread.title', { community: community.name }),
        cancel: `/c/${community.slug}`,
      }
      const watched = Object.keys(errors).length ? null : await checkWatchedWords(db, title, body)
      if (watched?.action === 'block') errors.body = request.t('moderation.words.blocked', { phrase: watched.phrase })
      const { mentions, error: mentionError } = await checkMentions(db, request, body)
      if (mentionError && !errors.body) errors.body = mentionError
      if (Object.keys(errors).length) return threadFormPage(request, reply.code(422), { ...page, errors })
      if (field(request.body, 'preview'))
        return threadFormPage(request, reply, {
          ...page,
          previewHtml: renderMarkdown(body, mentions).html,
          // Without JavaScript the similar threads and articles come with the preview.
          similar: await similarTo(app, db, request, title).catch(() => []),
        })

      const result = await startThread(db, {
        communityId: community.id,
        authorId: viewer.id,
        title,
        bodyMd: body,
        themeIds: themes.ids,
        submissionKey: validSubmissionKey(field(request.body, 'submission_key')),
        forceReview: watched?.action === 'queue',
        mentions,
        reach: app.config,
        anonymous,
      })
      if (!result.ok && result.reason === 'anonymous_not_allowed')
        return threadFormPage(request, reply.code(422), {
          ...page,
          anonymousLabel: null,
          errors: { body: 'anonymous.error.not_allowed' },
        })
      if (!result.ok) throw forbidden()
      request.log.info(
        { threadId: result.threadId, communityId: community.id, userId: viewer.id, pending: result.pending },
        'thread started',
      )
      if (result.pending) setFlash(reply, 'moderation.flash.pending')
      return reply.redirect(result.url, 303)
    },
  )

  // --- Reading a thread ----------------------------------------------------------------------------
  // Visitors all see the same page (in their language and time zone), so it is rendered once per instance and kept
  // while its version in the database stays the same. Not while templates are reloaded on every request (development).
  const visitorPages = app.config.cacheTemplates ? new VisitorPages() : null
  const pageVersions = new PageVersionReader((threadIds) => readPageVersions(db, threadIds))

  const threadPage = async (request: FastifyRequest, reply: FastifyReply) => {
    const threadId = pathId((request.params as { id: string }).id)
    const cursor = replyCursor(request.query as Record<string, unknown>)
    const shared =
      visitorPages && request.viewer === null && !hasFlash(request)
        ? await visitorPages.versionsOrKept(
            reply,
            visitorPageKey(threadId, cursor, request.locale, request.timeZone),
            pageVersions.read(threadId),
          )
        : null
    if (shared && 'reply' in shared) return shared.reply
    if (shared) {
      const kept = visitorPages!.get(shared.key, shared.versions)
      if (kept) return sendSharedPage(reply, kept)
    }
    // The replies do not wait for the thread: nothing of them is shown unless the thread turns out readable.
    const [{ thread, access, mayModerate, themes }, page] = await Promise.all([
      threadForViewer(db, request, threadId, { themesIn: request.locale }),
      listReplies(db, threadId, cursor),
    ])
    if (thread.status === 'deleted') {
      return reply.code(410).render('discussions/thread-gone', {
        title: request.t('discussions.thread.deleted_title'),
        thread,
        breadcrumbs: [
          ...communityCrumbs(request, { slug: thread.community_slug, name: thread.community_name }),
          { label: request.t('discussions.thread.deleted_title') },
        ],
      })
    }
    const mayAnswer = mayMarkAnswer(access, thread, mayModerate)
    const anonymity = anonymityOf(request.locale, thread.community_anonymous_label, request.viewer, mayModerate)
    const replies = presentReplies(page.replies, access, mayModerate, {
      locale: request.locale,
      answerId: thread.answer_id,
      mayMarkAnswer: mayAnswer,
      anonymity,
    })
    // A member's own page: their level on this thread, and how far they have now read it (never for visitors).
    let watch = null
    if (request.viewer) {
      const seen = page.replies.reduce((max, r) => Math.max(max, r.id), 0)
      const [level] = await Promise.all([
        watchLevelOf(db, request.viewer.id, 'thread', thread.id),
        markThreadRead(db, { userId: request.viewer.id, threadId: thread.id, lastPostId: seen }),
      ])
      watch = watchForm(request, 'thread', thread.id, level)
    }
    // The communities its moderator may move it to, for the select in the moderators' tools (task mod).
    const moveTo = mayModerate && request.viewer ? await moveTargets(db, request.viewer, thread.community_id) : []
    const opening = { author_id: thread.author_id, status: thread.status }
    const first = page.replies[0]
    const last = page.replies[page.replies.length - 1]
    const slug = slugify(thread.title)
    // A thread auto-hidden after members' flags has no moderator and no reason: its author is told it awaits review.
    const hiddenAfterFlags = thread.status === 'hidden' && thread.hidden_by === null && thread.hidden_reason === null
    const view = {
      title: thread.title,
      thread,
      watch,
      slug,
      author: presentAuthor(
        {
          id: thread.author_id,
          name: thread.author_name,
          organisation: thread.author_organisation,
          country: thread.author_country,
          guest: thread.author_guest,
          anonymous: thread.anonymous,
          deletedAt: thread.author_deleted_at,
        },
        request.locale,
        anonymity,
      ),
      // The accepted answer, under the first post; the query leaves it out unless it is visible.
      answer:
        thread.answer_id !== null && thread.answer_author_id !== null
          ? {
              id: thread.answer_id,
              author: presentAuthor(
                {
                  id: thread.answer_author_id,
                  name: thread.answer_author_name ?? '',
                  organisation: null,
                  country: null,
                  anonymous: thread.answer_anonymous ?? false,
                  deletedAt: thread.answer_author_deleted_at,
                },
                request.locale,
                anonymity,
              ),
              createdAt: thread.answer_created_at,
              excerpt: excerptOf(thread.answer_html),
              onPage: page.replies.some((r) => r.id === thread.answer_id),
            }
          : null,
      hiddenAfterFlags,
      breadcrumbs: [
        ...communityCrumbs(request, { slug: thread.community_slug, name: thread.community_name }),
        { label: thread.title },
      ],
      // Link previews only for what a visitor may read: a visible thread in a public community.
      meta:
        thread.status === 'visible' && thread.community_visibility === 'public'
          ? {
              canonical: `${publicOrigin(request)}/t/${thread.id}/${slug}`,
              description: excerptOf(thread.body_html, 200),
              ogType: 'article',
              ogTitle: thread.title,
            }
          : null,
      themes,
      replies,
      isFirstPage: !page.hasPrevious,
      previousUrl: page.hasPrevious && first ? `/t/${thread.id}?before=${first.id}` : null,
      nextUrl: page.hasNext && last ? `/t/${thread.id}?after=${last.id}` : null,
      mayEditThread: canEditPost(access, opening),
      mayFlagThread: request.viewer !== null && thread.status === 'visible' && request.viewer.id !== thread.author_id,
      mayModerate,
      moveTargets: moveTo,
      replyBlocker: replyBlocker(access, thread),
      anonymous: anonymousOption(request, thread.community_anonymous_label, false),
      submissionKey: newSubmissionKey(),
      editedByOther:
        thread.edited_at && thread.edited_by && thread.edited_by !== thread.author_id ? thread.editor_name : null,
    }
    if (!shared) return reply.render('discussions/thread', view)
    const rendered = await renderSharedPage(reply, 'discussions/thread', view)
    visitorPages!.set(shared.key, shared.versions, rendered)
    return sendSharedPage(reply, rendered)
  }
  app.get('/t/:id', threadPage)
  app.get('/t/:id/:slug', threadPage)

  // --- Replying ------------------------------------------------------------------------------------
  const replyFormPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    threadId: number,
    options: {
      parentId: number | null
      body?: string
      errors?: Errors
      previewHtml?: string | null
      submissionKey?: string
      anonymous?: boolean
    },
  ) => {
    const { thread, reader, mayModerate } = await threadForViewer(db, request, threadId)
    const parent = options.parentId ? await findPost(db, options.parentId) : null
    const anonymity = anonymityOf(request.locale, thread.community_anonymous_label, request.viewer, mayModerate)
    return reply.render('discussions/reply-page', {
      title: request.t('discussions.reply.title', { title: thread.title }),
      thread,
      breadcrumbs: threadCrumbs(request, thread, request.t('discussions.reply.heading')),
      // Quoted only for those who may read it where it stands: a hidden or pending reply is not quoted to others.
      parent:
        parent && parent.thread_id === thread.id && mayReadContent(parent, reader)
          ? {
              ...parent,
              author_name: parent.author_deleted_at
                ? request.t('data_rights.former_member')
                : authorName(
                    { id: parent.author_id, name: parent.author_name, anonymous: parent.anonymous },
                    request.locale,
                    anonymity,
                  ),
              author: presentAuthor(
                {
                  id: parent.author_id,
                  name: parent.author_name,
                  organisation: null,
                  country: null,
                  anonymous: parent.anonymous,
                  deletedAt: parent.author_deleted_at,
                },
                request.locale,
                anonymity,
              ),
            }
          : null,
      anonymous: anonymousOption(request, thread.community_anonymous_label, options.anonymous === true),
      values: {
        body: options.body ?? '',
        parent_id: options.parentId ?? '',
        submission_key: options.submissionKey ?? newSubmissionKey(),
      },
      errors: tr(request, options.errors ?? {}),
      previewHtml: options.previewHtml ?? null,
    })
  }

  app.get('/t/:id/reply', async (request, reply) => {
    const threadId = pathId((request.params as { id: string }).id)
    const to = cursorParam((request.query as Record<string, unknown>).to)
    const { thread, access, reader } = await threadForViewer(db, request, threadId)
    const blocker = replyBlocker(access, thread)
    if (blocker === 'discussions.reply.login')
      return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303)
    if (blocker) throw forbidden(blocker)
    if (to !== null) {
      const parent = await findPost(db, to)
      if (!parent || parent.thread_id !== thread.id || !mayReadContent(parent, reader)) throw notFound()
    }
    return replyFormPage(request, reply, threadId, { parentId: to })
  })

  app.post(
    '/t/:id/replies',
    {
      preHandler: requireUser,
      onRequest: postingLimit,
      schema: formSchema(['body', 'parent_id', 'submission_key', 'preview', 'anonymous', '_csrf']),
    },
    async (request, reply) => {
      const viewer = viewerOf(request)
      const threadId = pathId((request.params as { id: string }).id)
      const { thread, access } = await threadForViewer(db, request, threadId)
      const blocker = replyBlocker(access, thread)
      if (blocker) throw new HttpError(thread.status === 'deleted' ? 410 : 403, blocker)

      const body = field(request.body, 'body')
      const rawParent = field(request.body, 'parent_id')
      const parentId = rawParent === '' ? null : positiveInt(rawParent)
      const submissionKey = validSubmissionKey(field(request.body, 'submission_key'))
      if (rawParent !== '' && parentId === null) throw badRequest('discussions.error.parent_not_found')
      const anonymous = anonymousChoice(request.body)
      const formOptions = { parentId, body, submissionKey: submissionKey ?? undefined, anonymous }
      // A forged "post as" where the community does not allow it is refused, the text kept.
      const bodyError =
        anonymous && thread.community_anonymous_label === null ? 'anonymous.error.not_allowed' : markdownError(body)
      if (bodyError)
        return replyFormPage(request, reply.code(422), threadId, { ...formOptions, errors: { body: bodyError } })
      const watched = await checkWatchedWords(db, body)
      if (watched?.action === 'block')
        return replyFormPage(request, reply.code(422), threadId, {
          ...formOptions,
          errors: { body: request.t('moderation.words.blocked', { phrase: watched.phrase }) },
        })
      const { mentions, error: mentionError } = await checkMentions(db, request, body)
      if (mentionError)
        return replyFormPage(request, reply.code(422), threadId, { ...formOptions, errors: { body: mentionError } })
      if (field(request.body, 'preview'))
        return replyFormPage(request, reply, threadId, {
          ...formOptions,
          previewHtml: renderMarkdown(body, mentions).html,
        })

      const result = await replyToThread(db, {
        threadId,
        parentId,
        authorId: viewer.id,
        bodyMd: body,
        submissionKey,
        forceReview: watched?.action === 'queue',
        mentions,
        reach: app.config,
        anonymous,
      })
      if (!result.ok && result.reason === 'anonymous_not_allowed')
        return replyFormPage(request, reply.code(422), threadId, {
          ...formOptions,
          errors: { body: 'anonymous.error.not_allowed' },
        })
      if (!result.ok) {
        const status = result.reason === 'thread_gone' ? 410 : result.reason === 'thread_locked' ? 403 : 400
        return replyFormPage(request, reply.code(status), threadId, {
          ...formOptions,
          parentId: null,
          errors: { body: `discussions.error.${result.reason}` },
        })
      }
      request.log.info({ threadId, postId: result.postId, userId: viewer.id, pending: result.pending }, 'reply posted')
      if (result.pending) setFlash(reply, 'moderation.flash.pending')
      return reply.redirect(result.url, 303)
    },
  )

  // --- Editing -------------------------------------------------------------------------------------
  const editableThread = async (request: FastifyRequest, threadId: number) => {
    const context = await threadForViewer(db, request, threadId)
    if (context.thread.status === 'deleted') throw new HttpError(410, 'discussions.reply.thread_gone')
    if (!canEditPost(context.access, { author_id: context.thread.author_id, status: context.thread.status }))
      throw forbidden('discussions.error.not_yours')
    return context
  }

  const threadEditPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    thread: { id: number; title: string; community_slug: string; community_name: string },
    values: Record<string, unknown>,
    extra: { errors?: Errors; previewHtml?: string | null; conflict?: CurrentText } = {},
  ) =>
    threadFormPage(request, reply, {
      community: { slug: thread.community_slug, name: thread.community_name },
      thread,
      values,
      ...extra,
      action: `/t/${thread.id}/edit`,
      heading: request.t('discussions.edit_thread.title'),
      cancel: `/t/${thread.id}`,
    })

  app.get('/t/:id/edit', { preHandler: requireUser }, async (request, reply) => {
    const { thread } = await editableThread(request, pathId((request.params as { id: string }).id))
    const themes = await themesOfThreads(db, [thread.id], request.locale)
    return threadEditPage(request, reply, thread, {
      title: thread.title,
      body: thread.body_md,
      themes: (themes.get(thread.id) ?? []).map((th) => th.slug),
      version: thread.version,
    })
  })

  app.post(
    '/t/:id/edit',
    {
      preHandler: [requireUser, previews.whenPreviewing],
      schema: formSchema(['title', 'body', 'preview', 'submission_key', '_csrf'], ['themes']),
    },
    async (request, reply) => {
      const viewer = viewerOf(request)
      const { thread } = await editableThread(request, pathId((request.params as { id: string }).id))
      const title = cleanLine(field(request.body, 'title'))
      const body = field(request.body, 'body')
      const themeSlugs = fieldList(request.body, 'themes')
      const version = editVersion(request.body)
      const values = { title, body, themes: themeSlugs, version }
      const errors: Errors = {}
      checkTitle(title, errors)
      const bodyError = markdownError(body)
      if (bodyError) errors.body = bodyError
      const themes = await resolveThemeSlugs(db, themeSlugs)
      if (themes.unknown.length) errors.themes = 'discussions.error.unknown_theme'
      // An edit must not slip in what a new post may not say.
      const watched = Object.keys(errors).length ? null : await checkWatchedWords(db, title, body)
      if (watched?.action === 'block') errors.body = request.t('moderation.words.blocked', { phrase: watched.phrase })
      const { mentions, error: mentionError } = await checkMentions(db, request, body)
      if (mentionError && !errors.body) errors.body = mentionError
      if (Object.keys(errors).length) return threadEditPage(request, reply.code(422), thread, values, { errors })
      if (field(request.body, 'preview'))
        return threadEditPage(request, reply, thread, values, { previewHtml: renderMarkdown(body, mentions).html })
      const result = await editThread(db, {
        threadId: thread.id,
        editorId: viewer.id,
        title,
        bodyMd: body,
        themeIds: themes.ids,
        version,
        mentions,
        reach: app.config,
      })
      if (!result.ok && result.reason === 'gone') throw new HttpError(410, 'discussions.reply.thread_gone')
      // Someone saved in between: their text above the form, this user's own text kept in it, to merge and save again.
      if (!result.ok)
        return threadEditPage(
          request,
          reply.code(409),
          thread,
          { ...values, version: result.current.version },
          { conflict: result.current },
        )
      setFlash(reply, 'discussions.flash.edited')
      return reply.redirect(`/t/${thread.id}`, 303)
    },
  )

  const editableReply = async (request: FastifyRequest, postId: number) => {
    const post = await findPost(db, postId)
    if (!post) throw notFound()
    const context = await threadForViewer(db, request, post.thread_id)
    if (post.status === 'deleted') throw new HttpError(410, 'discussions.error.reply_deleted')
    if (context.thread.status === 'deleted') throw new HttpError(410, 'discussions.reply.thread_gone')
    if (!canEditPost(context.access, post)) throw forbidden('discussions.error.not_yours')
    return { post, ...context }
  }

  const replyEditPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    post: { id: number; thread_id: number },
    thread: { id: number; title: string; community_slug: string; community_name: string },
    body: string,
    extra: { errors?: Errors; previewHtml?: string | null; conflict?: CurrentText; version: number | null },
  ) =>
    reply.render('discussions/reply-edit', {
      title: request.t('discussions.edit_reply.title'),
      post,
      breadcrumbs: threadCrumbs(request, thread, request.t('discussions.edit_reply.title')),
      values: { body },
      errors: tr(request, extra.errors ?? {}),
      previewHtml: extra.previewHtml ?? null,
      version: extra.version,
      conflict: extra.conflict ?? null,
    })

  app.get('/posts/:id/edit', { preHandler: requireUser }, async (request, reply) => {
    const { post, thread } = await editableReply(request, pathId((request.params as { id: string }).id))
    return replyEditPage(request, reply, post, thread, post.body_md, { version: post.version })
  })

  app.post(
    '/posts/:id/edit',
    { preHandler: [requireUser, previews.whenPreviewing], schema: formSchema(['body', 'preview', '_csrf']) },
    async (request, reply) => {
      const viewer = viewerOf(request)
      const { post, thread } = await editableReply(request, pathId((request.params as { id: string }).id))
      const body = field(request.body, 'body')
      const version = editVersion(request.body)
      const bodyError = markdownError(body)
      if (bodyError)
        return replyEditPage(request, reply.code(422), post, thread, body, {
          errors: { body: bodyError },
          version,
        })
      const watched = await checkWatchedWords(db, body)
      if (watched?.action === 'block')
        return replyEditPage(request, reply.code(422), post, thread, body, {
          errors: { body: request.t('moderation.words.blocked', { phrase: watched.phrase }) },
          version,
        })
      const { mentions, error: mentionError } = await checkMentions(db, request, body)
      if (mentionError)
        return replyEditPage(request, reply.code(422), post, thread, body, {
          errors: { body: mentionError },
          version,
        })
      if (field(request.body, 'preview'))
        return replyEditPage(request, reply, post, thread, body, {
          previewHtml: renderMarkdown(body, mentions).html,
          version,
        })
      const result = await editPost(db, {
        postId: post.id,
        editorId: viewer.id,
        bodyMd: body,
        version,
        mentions,
        reach: app.config,
      })
      if (!result.ok && result.reason === 'gone') throw new HttpError(410, 'discussions.error.reply_deleted')
      if (!result.ok)
        return replyEditPage(request, reply.code(409), post, thread, body, {
          conflict: result.current,
          version: result.current.version,
        })
      setFlash(reply, 'discussions.flash.edited')
      return reply.redirect(await replyLocation(db, post.thread_id, post.id), 303)
    },
  )

  // --- Deleting ------------------------------------------------------------------------------------
  app.post('/t/:id/delete', { preHandler: requireUser }, async (request, reply) => {
    const viewer = viewerOf(request)
    const { thread } = await editableThread(request, pathId((request.params as { id: string }).id))
    await deleteThread(db, { threadId: thread.id, deletedBy: viewer.id })
    request.log.info({ threadId: thread.id, userId: viewer.id }, 'thread deleted')
    setFlash(reply, 'discussions.flash.thread_deleted')
    return reply.redirect(`/c/${thread.community_slug}`, 303)
  })

  app.post('/posts/:id/delete', { preHandler: requireUser }, async (request, reply) => {
    const viewer = viewerOf(request)
    const { post } = await editableReply(request, pathId((request.params as { id: string }).id))
    await deletePost(db, { postId: post.id, deletedBy: viewer.id })
    request.log.info({ postId: post.id, userId: viewer.id }, 'reply deleted')
    setFlash(reply, 'discussions.flash.reply_deleted')
    return reply.redirect(await replyLocation(db, post.thread_id, post.id), 303)
  })

  // --- Accepted answers ----------------------------------------------------------------------------
  // The starter or a moderator marks one reply as the answer; the command decides who may, in its transaction.
  for (const [path, mark] of [
    ['/posts/:id/answer', true],
    ['/posts/:id/unanswer', false],
  ] as const) {
    app.post(path, { preHandler: requireUser, schema: formSchema(['_csrf']) }, async (request, reply) => {
      const viewer = viewerOf(request)
      const post = await findPost(db, pathId((request.params as { id: string }).id))
      if (!post) throw notFound()
      const { thread, access, mayModerate } = await threadForViewer(db, request, post.thread_id)
      if (!mayMarkAnswer(access, thread, mayModerate)) {
        if (isSuspended(viewer)) throw forbidden('discussions.reply.suspended')
        throw forbidden('posts.answer.not_allowed')
      }
      const result = await markAnswer(db, { postId: post.id, actorId: viewer.id, mark, reach: app.config })
      if (!result.ok) throw result.reason === 'not_found' ? notFound() : conflict('posts.answer.not_visible')
      request.log.info({ postId: post.id, threadId: thread.id, userId: viewer.id, mark }, 'answer marked')
      setFlash(reply, mark ? 'posts.flash.answer_marked' : 'posts.flash.answer_unmarked')
      return reply.redirect(await replyLocation(db, thread.id, post.id), 303)
    })
  }

  app.get('/posts/:id', async (request, reply) => {
    const post = await findPost(db, pathId((request.params as { id: string }).id))
    if (!post) throw notFound()
    // A permalink shows no text itself: it leads to the reply's place, where the thread page applies the rule.
    await threadForViewer(db, request, post.thread_id)
    return reply.redirect(await replyLocation(db, post.thread_id, post.id), 303)
  })

  // --- History (visible to everyone who can read the thread) -----------------------------------------
  // The same rule as the thread page: pending and hidden text for its author (told why) and the moderators only.
  app.get('/t/:id/history', async (request, reply) => {
    const { thread, mayModerate } = await threadTextForViewer(
      db,
      request,
      pathId((request.params as { id: string }).id),
    )
    const anonymity = anonymityOf(request.locale, thread.community_anonymous_label, request.viewer, mayModerate)
    const nameOf = editorNames(request.locale, anonymity, { id: thread.author_id, anonymous: thread.anonymous })
    const revisions = (await listRevisions(db, thread.id, null)).map(nameOf.revision)
    return reply.render('discussions/history', {
      title: request.t('discussions.history.title'),
      thread,
      breadcrumbs: threadCrumbs(request, thread, request.t('discussions.history.title')),
      back: `/t/${thread.id}`,
      withheld: withheldNotice('thread', thread),
      current: {
        title: thread.title,
        bodyHtml: thread.body_html,
        at: thread.edited_at ?? thread.created_at,
        by: nameOf.editor(thread.edited_by ?? thread.author_id, thread.editor_name ?? thread.author_name),
      },
      revisions,
    })
  })

  app.get('/posts/:id/history', async (request, reply) => {
    const { post, thread, mayModerate } = await replyForViewer(
      db,
      request,
      pathId((request.params as { id: string }).id),
    )
    const anonymity = anonymityOf(request.locale, thread.community_anonymous_label, request.viewer, mayModerate)
    const nameOf = editorNames(request.locale, anonymity, { id: post.author_id, anonymous: post.anonymous })
    const revisions = (await listRevisions(db, thread.id, post.id)).map(nameOf.revision)
    return reply.render('discussions/history', {
      title: request.t('discussions.history.title'),
      thread,
      breadcrumbs: threadCrumbs(request, thread, request.t('discussions.history.title')),
      back: await replyLocation(db, thread.id, post.id),
      withheld: withheldNotice('reply', post),
      current: {
        bodyHtml: post.body_html,
        at: post.edited_at ?? post.created_at,
        by: nameOf.editor(post.edited_by ?? post.author_id, post.editor_name ?? post.author_name),
      },
      revisions,
    })
  })

  // --- In-place preview for static/js/kring.js (the forms also preview without JavaScript) -------------
  app.post(
    '/preview',
    { preHandler: [requireUser, previews.always], schema: formSchema(['body', '_csrf']) },
    async (request, reply) => {
      const body = field(request.body, 'body')
      const error = markdownError(body)
      if (error) return reply.code(422).send({ error: fieldMessage(request, error) })
      const mentions = await resolveMentions(db, body)
      return reply.header('cache-control', 'no-store').send({ html: renderMarkdown(body, mentions).html })
    },
  )
}
