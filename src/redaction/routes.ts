// The redaction check over HTTP: an article's findings (in its text and in the edit waiting on it), a reviewer's
// decision on each, and the refusal to publish an article or accept an edit while any is open in it.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '../db/connect.js'
import { articleForViewer } from '../library/context.js'
import { canReview } from '../library/policy.js'
import type { ArticleRow } from '../library/queries.js'
import { writeLog } from '../moderation/log.js'
import { requireUser, viewerOf } from '../web/auth.js'
import { forbidden, notFound } from '../web/errors.js'
import { setFlash } from '../web/flash.js'
import { formSchema, pathId } from '../web/params.js'
import { decideFinding, rescanArticle, scanOptions, type Decision } from './commands.js'
import { presentFinding } from './present.js'
import { listFindings } from './queries.js'

type ArticleRef = Pick<ArticleRow, 'id' | 'slug' | 'title' | 'community_id' | 'status'>

/**
 * The findings of an article as the partial views/partials/redaction-findings.hbs shows them: those in its own text,
 * and those in the edit waiting on it (which waits for them).
 */
export async function redactionView(
  db: Db,
  request: FastifyRequest,
  article: Pick<ArticleRow, 'id' | 'status'>,
  error = '',
) {
  const rows = (await listFindings(db, article.id)).map((row) => presentFinding(row, (key) => request.t(key)))
  const open = rows.filter((r) => r.open && !r.inPendingEdit)
  const pendingOpen = rows.filter((r) => r.open && r.inPendingEdit)
  return {
    open,
    openCount: open.length,
    pendingOpen,
    pendingOpenCount: pendingOpen.length,
    published: article.status === 'published',
    decided: rows.filter((r) => !r.open),
    error,
  }
}

async function findingsPage(db: Db, request: FastifyRequest, reply: FastifyReply, article: ArticleRef, error = '') {
  return reply.render('redaction/findings', {
    title: request.t('redaction.page_title', { title: article.title }),
    breadcrumbs: [
      { label: request.t('library.title'), href: '/library' },
      { label: article.title, href: `/library/${article.slug}` },
      { label: request.t('redaction.crumb') },
    ],
    article: { slug: article.slug, title: article.title },
    redaction: await redactionView(db, request, article, error),
  })
}

/**
 * Before publishing an article from members-only content: its current text is scanned again, and while any finding
 * is open publishing is refused (409) on the findings page. Null when it may go ahead.
 */
export async function refuseUnredacted(
  db: Db,
  request: FastifyRequest,
  reply: FastifyReply,
  article: ArticleRef & { redaction_required: boolean },
): Promise<FastifyReply | null> {
  if (!article.redaction_required) return null
  const open = await rescanArticle(db, article.id, await scanOptions(db, article.community_id))
  if (open === 0) return null
  return refuseWhileOpen(db, request, reply, article, 'publish_refused', open)
}

/** A refusal while findings are open: logged, and answered with the findings page saying why (409). */
async function refuseWhileOpen(
  db: Db,
  request: FastifyRequest,
  reply: FastifyReply,
  article: ArticleRef,
  refusal: 'publish_refused' | 'accept_refused',
  open: number,
): Promise<FastifyReply> {
  await writeLog(db, {
    actorId: viewerOf(request).id,
    action: `redaction.${refusal}`,
    targetType: 'article',
    targetId: article.id,
    communityId: article.community_id,
    refused: true,
  })
  request.log.info({ articleId: article.id, open, refusal }, 'refused: redaction findings open')
  return findingsPage(db, request, reply.code(409), article, request.t(`redaction.error.${refusal}`, { count: open }))
}

/** An edit that was not accepted because its text holds undecided findings: they are shown to decide on (409). */
export async function refuseUnredactedEdit(
  db: Db,
  request: FastifyRequest,
  reply: FastifyReply,
  article: ArticleRef,
): Promise<FastifyReply> {
  const open = (await redactionView(db, request, article)).pendingOpenCount
  return refuseWhileOpen(db, request, reply, article, 'accept_refused', open)
}

export async function redactionRoutes(app: FastifyInstance, { db }: { db: Db }) {
  const reviewed = async (request: FastifyRequest) => {
    const context = await articleForViewer(db, request, (request.params as { slug: string }).slug)
    if (!canReview(context.actor, context.article)) throw forbidden('library.error.reviewers_only')
    if (!context.article.redaction_required) throw notFound('redaction.error.not_required')
    return context.article
  }

  app.get('/library/:slug/redaction', { preHandler: requireUser }, async (request, reply) => {
    return findingsPage(db, request, reply, await reviewed(request))
  })

  for (const decision of ['keep', 'redact'] as Decision[]) {
    app.post(
      `/library/:slug/redaction/:id/${decision}`,
      { preHandler: requireUser, schema: formSchema(['_csrf']) },
      async (request, reply) => {
        const article = await reviewed(request)
        const findingId = pathId((request.params as { id: string }).id)
        const result = await decideFinding(db, {
          articleId: article.id,
          findingId,
          decision,
          actorId: viewerOf(request).id,
        })
        if (result.result === 'unknown') throw notFound('redaction.error.unknown_finding')
        if (result.result === 'stale') {
          // The text moved under this finding (an edit since): scanned again, the reviewer decides on what is there now.
          await rescanArticle(db, article.id, await scanOptions(db, article.community_id))
          return findingsPage(db, request, reply.code(409), article, request.t('redaction.error.stale'))
        }
        request.log.info({ articleId: article.id, findingId, decision }, 'redaction finding decided')
        setFlash(reply, decision === 'keep' ? 'redaction.flash.kept' : 'redaction.flash.redacted')
        // Redacted in the title, the article may have a new address (the old one spelled out what was redacted).
        return reply.redirect(`/library/${result.slug}/redaction`, 303)
      },
    )
  }
}
