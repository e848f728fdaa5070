// Private conversations over HTTP: the inbox, starting one, reading and replying, leaving. Only participants see a
// conversation; for anyone else (moderators included) it does not exist.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '../db/connect.js'
import { checkMarkdown, renderMarkdown } from '../markdown/render.js'
import { requireUser, viewerOf } from '../web/auth.js'
import { notFound } from '../web/errors.js'
import { setFlash } from '../web/flash.js'
import { checkLength, fieldMessages, markdownProblem, type FieldMessages } from '../web/limits.js'
import { cursorParam, field, fieldList, formSchema, pathId, positiveInt } from '../web/params.js'
import { previewLimiter } from '../web/preview-limit.js'
import { lineProblem } from '../web/text-rules.js'
import { leaveConversation, markRead, replyToConversation, startConversation } from './commands.js'
import { maxParticipants, maxSubjectLength } from './policy.js'
import { conversationPage } from './present.js'
import { conversationFor, listInbox, reachableMembers, recipientChoices } from './queries.js'

const crumbs = (request: FastifyRequest, last?: string) =>
  last
    ? [{ label: request.t('conversations.inbox.title'), href: '/messages' }, { label: last }]
    : [{ label: request.t('conversations.inbox.title') }]

function bodyProblem(body: string) {
  const check = checkMarkdown(body)
  return check.ok ? null : markdownProblem(check)
}

export async function conversationRoutes(app: FastifyInstance, { db }: { db: Db }) {
  const previews = previewLimiter(app)

  app.get('/messages', { preHandler: requireUser }, async (request, reply) => {
    const viewer = viewerOf(request)
    const before = cursorParam((request.query as Record<string, unknown>).before)
    const page = await listInbox(db, viewer.id, before)
    return reply.render('conversations/inbox', {
      title: request.t('conversations.inbox.title'),
      breadcrumbs: crumbs(request),
      items: page.items.map((item) => ({ ...item, participants: item.participants.join(', ') })),
      next: page.next,
      paged: before !== null,
    })
  })

  // --- Starting a conversation -------------------------------------------------------------------
  const newPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    values: { to: number[]; subject: string; body: string },
    extra: { errors?: FieldMessages; previewHtml?: string | null } = {},
  ) => {
    const viewer = viewerOf(request)
    const chosen = new Set(values.to)
    const choices = await recipientChoices(db, viewer.id)
    return reply.render('conversations/new', {
      title: request.t('conversations.new.title'),
      breadcrumbs: crumbs(request, request.t('conversations.new.title')),
      choices: choices.map((member) => ({ ...member, selected: chosen.has(member.id) })),
      values,
      errors: fieldMessages(request, extra.errors ?? {}),
      previewHtml: extra.previewHtml ?? null,
      maxSubjectLength,
      maxOthers: maxParticipants - 1,
    })
  }

  app.get('/messages/new', { preHandler: requireUser }, async (request, reply) => {
    const to = positiveInt((request.query as Record<string, unknown>).to)
    return newPage(request, reply, { to: to === null ? [] : [to], subject: '', body: '' })
  })

  app.post(
    '/messages',
    {
      preHandler: [requireUser, previews.whenPreviewing],
      schema: formSchema(['subject', 'body', 'preview', '_csrf'], ['to']),
    },
    async (request, reply) => {
      const viewer = viewerOf(request)
      const subject = field(request.body, 'subject').trim()
      const body = field(request.body, 'body')
      const rawTo = fieldList(request.body, 'to')
      const ids = [...new Set(rawTo.map((raw) => positiveInt(raw)))]
      const to = ids.filter((id): id is number => id !== null && id !== viewer.id)
      const values = { to, subject, body }
      const errors: FieldMessages = {}
      const subjectProblem = lineProblem(subject)
      if (subjectProblem === 'blank') errors.subject = 'conversations.error.subject_required'
      else if (subjectProblem === 'characters') errors.subject = 'text.error.characters'
      else checkLength(errors, 'subject', subject, maxSubjectLength)
      const problem = bodyProblem(body)
      if (problem) errors.body = problem
      if (to.length === 0)
        errors.to =
          rawTo.length > 0 && ids.includes(viewer.id)
            ? 'conversations.error.only_yourself'
            : 'conversations.error.no_recipients'
      else if (ids.includes(null)) errors.to = 'conversations.error.unknown_recipient'
      else if (to.length > maxParticipants - 1)
        errors.to = { key: 'conversations.error.too_many_participants', vars: { max: maxParticipants } }
      else {
        const reachable = await reachableMembers(db, viewer.id, to)
        if (reachable.length !== to.length) errors.to = 'conversations.error.unknown_recipient'
      }
      if (Object.keys(errors).length > 0) return newPage(request, reply.code(422), values, { errors })
      if (field(request.body, 'preview'))
        return newPage(request, reply, values, { previewHtml: renderMarkdown(body).html })
      const result = await startConversation(db, app.config, {
        authorId: viewer.id,
        recipientIds: to,
        subject,
        bodyMd: body,
      })
      request.log.info(
        { conversationId: result.conversationId, userId: viewer.id, participants: to.length + 1 },
        'conversation started',
      )
      return reply.redirect(`/messages/${result.conversationId}#message-${result.messageId}`, 303)
    },
  )

  // --- Reading and replying ----------------------------------------------------------------------
  const showConversation = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    extra: { body?: string; errors?: FieldMessages; previewHtml?: string | null } = {},
  ) => {
    const viewer = viewerOf(request)
    const conversation = await conversationFor(db, id, viewer.id)
    if (!conversation) throw notFound()
    const query = request.query as Record<string, unknown>
    const before = cursorParam(query.before)
    const after = cursorParam(query.after)
    const view = await conversationPage(db, viewer, conversation, before, after)
    // Reading marks it read: one write only when the read position moves forward.
    const newest = view.newestShown
    if (newest !== null && (conversation.last_read_message_id ?? 0) < newest)
      await markRead(db, { conversationId: id, userId: viewer.id, messageId: newest })
    return reply.render('conversations/conversation', {
      title: conversation.subject,
      breadcrumbs: crumbs(request, conversation.subject),
      ...view,
      values: { body: extra.body ?? '' },
      errors: fieldMessages(request, extra.errors ?? {}),
      previewHtml: extra.previewHtml ?? null,
    })
  }

  app.get('/messages/:id', { preHandler: requireUser }, async (request, reply) =>
    showConversation(request, reply, pathId((request.params as { id: string }).id)),
  )

  app.post(
    '/messages/:id/replies',
    { preHandler: [requireUser, previews.whenPreviewing], schema: formSchema(['body', 'preview', '_csrf']) },
    async (request, reply) => {
      const viewer = viewerOf(request)
      const id = pathId((request.params as { id: string }).id)
      const body = field(request.body, 'body')
      if (!(await conversationFor(db, id, viewer.id))) throw notFound()
      const problem = bodyProblem(body)
      if (problem) return showConversation(request, reply.code(422), id, { body, errors: { body: problem } })
      if (field(request.body, 'preview'))
        return showConversation(request, reply, id, { body, previewHtml: renderMarkdown(body).html })
      const result = await replyToConversation(db, app.config, {
        conversationId: id,
        authorId: viewer.id,
        bodyMd: body,
      })
      request.log.info({ conversationId: id, messageId: result.messageId, userId: viewer.id }, 'message sent')
      return reply.redirect(`/messages/${id}#message-${result.messageId}`, 303)
    },
  )

  app.post(
    '/messages/:id/leave',
    { preHandler: requireUser, schema: formSchema(['_csrf']) },
    async (request, reply) => {
      const viewer = viewerOf(request)
      const id = pathId((request.params as { id: string }).id)
      await leaveConversation(db, { conversationId: id, userId: viewer.id })
      setFlash(reply, 'conversations.flash.left')
      return reply.redirect('/messages', 303)
    },
  )
}
