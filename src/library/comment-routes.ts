// Comments on published articles: members write (one level of replies), edit and delete their own.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Db } from '../db/connect.js'
import { checkMarkdown } from '../markdown/render.js'
import { requireUser, viewerOf } from '../web/auth.js'
import { badRequest, forbidden, notFound } from '../web/errors.js'
import { setFlash } from '../web/flash.js'
import { field, formSchema, pathId, positiveInt } from '../web/params.js'
import { addComment, deleteComment, editComment } from './commands.js'
import { editVersion } from '../web/edit-version.js'
import { fieldMessage, markdownProblem, refusedText } from '../web/limits.js'
import { checkWatchedWords } from '../moderation/watched-words.js'
import { actorOf, articleForViewer } from './context.js'
import { canComment, canReview } from './policy.js'
import { findComment } from './queries.js'
import { checkMentions } from '../mentions/check.js'

const commentMaxBytes = 16 * 1024

export async function commentRoutes(app: FastifyInstance, { db }: { db: Db }) {
  app.post(
    '/library/:slug/comments',
    { preHandler: requireUser, schema: formSchema(['body', 'parent_id', '_csrf']) },
    async (request, reply) => {
      const viewer = viewerOf(request)
      const { article, actor } = await articleForViewer(db, request, (request.params as { slug: string }).slug)
      if (!canComment(actor, article)) throw forbidden('library.error.comment_not_allowed')
      const body = field(request.body, 'body')
      const check = checkMarkdown(body, { maxBytes: commentMaxBytes })
      if (!check.ok) throw refusedText(markdownProblem(check), body)
      const watched = await checkWatchedWords(db, body)
      // Refused, the comment is given back to copy: the form is on the article page, not one to answer with.
      if (watched?.action === 'block')
        throw refusedText({ key: 'moderation.words.blocked', vars: { phrase: watched.phrase } }, body)
      const rawParent = field(request.body, 'parent_id')
      const parentId = rawParent === '' ? null : positiveInt(rawParent)
      if (rawParent !== '' && parentId === null) throw badRequest('library.error.comment_parent_unknown')
      const { mentions, error: mentionError } = await checkMentions(db, request, body)
      if (mentionError) throw refusedText(mentionError, body)
      const result = await addComment(db, {
        articleId: article.id,
        authorId: viewer.id,
        parentId,
        bodyMd: body,
        mentions,
        reach: app.config,
      })
      if (!result.ok) throw badRequest('library.error.comment_parent_unknown')
      setFlash(reply, 'library.flash.comment_posted')
      return reply.redirect(`/library/${article.slug}#comment-${result.id}`, 303)
    },
  )

  const ownComment = async (request: FastifyRequest, id: number) => {
    const comment = await findComment(db, id)
    if (!comment || comment.status === 'deleted') throw notFound()
    const article = await db
      .selectFrom('articles')
      .select(['slug', 'title', 'author_id', 'status', 'community_id'])
      .where('id', '=', comment.article_id)
      .executeTakeFirstOrThrow()
    const { actor } = await articleForViewer(db, request, article.slug)
    const mayChange =
      (comment.author_id === request.viewer?.id && canComment(actor, article)) || canReview(actor, article)
    if (!mayChange) throw forbidden('discussions.error.not_yours')
    return { comment, article }
  }

  const editPage = (
    request: FastifyRequest,
    view: {
      comment: { id: number }
      article: { slug: string; title: string }
      body: string
      version: number | null
      error?: string
      conflict?: { bodyHtml: string }
    },
  ) => ({
    title: request.t('library.comments.edit'),
    breadcrumbs: [
      { label: request.t('library.title'), href: '/library' },
      { label: view.article.title, href: `/library/${view.article.slug}` },
      { label: request.t('library.comments.edit') },
    ],
    comment: view.comment,
    article: view.article,
    values: { body: view.body },
    error: view.error,
    version: view.version,
    conflict: view.conflict ?? null,
  })

  app.get('/library/comments/:id/edit', { preHandler: requireUser }, async (request, reply) => {
    const { comment, article } = await ownComment(request, pathId((request.params as { id: string }).id))
    return reply.render(
      'library/comment-edit',
      editPage(request, { comment, article, body: comment.body_md, version: comment.version }),
    )
  })

  app.post(
    '/library/comments/:id/edit',
    { preHandler: requireUser, schema: formSchema(['body', '_csrf']) },
    async (request, reply) => {
      const { comment, article } = await ownComment(request, pathId((request.params as { id: string }).id))
      const body = field(request.body, 'body')
      const version = editVersion(request.body)
      const check = checkMarkdown(body, { maxBytes: commentMaxBytes })
      if (!check.ok)
        return reply.code(422).render(
          'library/comment-edit',
          editPage(request, {
            comment,
            article,
            body,
            version,
            error: fieldMessage(request, markdownProblem(check)),
          }),
        )
      const watched = await checkWatchedWords(db, body)
      if (watched?.action === 'block') {
        return reply.code(422).render(
          'library/comment-edit',
          editPage(request, {
            comment,
            article,
            body,
            version,
            error: request.t('moderation.words.blocked', { phrase: watched.phrase }),
          }),
        )
      }
      const { mentions, error: mentionError } = await checkMentions(db, request, body)
      if (mentionError)
        return reply
          .code(422)
          .render(
            'library/comment-edit',
            editPage(request, { comment, article, body, version, error: fieldMessage(request, mentionError) }),
          )
      const result = await editComment(db, comment.id, body, version, viewerOf(request).id, {
        mentions,
        reach: app.config,
      })
      if (!result.ok && result.reason === 'gone') throw notFound()
      if (!result.ok)
        return reply
          .code(409)
          .render(
            'library/comment-edit',
            editPage(request, { comment, article, body, version: result.current.version, conflict: result.current }),
          )
      setFlash(reply, 'discussions.flash.edited')
      return reply.redirect(`/library/${article.slug}#comment-${comment.id}`, 303)
    },
  )

  app.post('/library/comments/:id/delete', { preHandler: requireUser }, async (request, reply) => {
    const { comment, article } = await ownComment(request, pathId((request.params as { id: string }).id))
    await deleteComment(db, comment.id, viewerOf(request).id)
    setFlash(reply, 'library.flash.comment_deleted')
    return reply.redirect(`/library/${article.slug}#comments`, 303)
  })
}
