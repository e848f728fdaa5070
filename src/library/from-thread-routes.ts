// From discussion to knowledge: a moderator turns a thread (or chosen replies) into a library draft that links back.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { sql } from 'kysely'
import { anonymousLabel } from '../anonymous/label.js'
import type { Db } from '../db/connect.js'
import { threadForViewer } from '../discussions/access.js'
import { requireUser, viewerOf } from '../web/auth.js'
import { forbidden } from '../web/errors.js'
import { setFlash } from '../web/flash.js'
import { fieldList, formSchema, pathId, slugify } from '../web/params.js'
import { checkMarkdown } from '../markdown/render.js'
import { fieldMessage, markdownProblem } from '../web/limits.js'
import { createDraft, freeSlug, noPractice } from './commands.js'
import { isContentLanguage } from './fields.js'
import { scanOptions } from '../redaction/commands.js'

export async function fromThreadRoutes(app: FastifyInstance, { db }: { db: Db }) {
  const moderatedThread = async (request: FastifyRequest) => {
    const context = await threadForViewer(db, request, pathId((request.params as { id: string }).id))
    if (!context.mayModerate) throw forbidden('library.error.reviewers_only')
    if (context.thread.status === 'deleted') throw forbidden('discussions.reply.thread_gone')
    return context
  }

  const visibleReplies = (threadId: number) =>
    db
      .selectFrom('posts as p')
      .innerJoin('users as u', 'u.id', 'p.author_id')
      .innerJoin('threads as t', 't.id', 'p.thread_id')
      .innerJoin('communities as c', 'c.id', 't.community_id')
      .select(['p.id', 'p.body_md', 'p.body_html', 'p.created_at', 'u.display_name as author_name'])
      .select(['p.anonymous', 'c.anonymous_label'])
      .where('p.thread_id', '=', threadId)
      .where('p.status', '=', 'visible')
      .orderBy(sql`p.path collate "C"`)
      .limit(500)
      .execute()

  type Thread = Awaited<ReturnType<typeof moderatedThread>>['thread']
  type Reply = Awaited<ReturnType<typeof visibleReplies>>[number]
  const formPage = (
    request: FastifyRequest,
    thread: Thread,
    replies: Reply[],
    chosen = new Set<number>(),
    error = '',
  ) => ({
    title: request.t('library.from_thread.title'),
    breadcrumbs: [{ label: thread.title, href: `/t/${thread.id}` }, { label: request.t('library.from_thread.title') }],
    thread,
    replies: replies.map((r) => ({ ...r, chosen: chosen.has(r.id) })),
    error,
  })

  app.get('/t/:id/to-library', { preHandler: requireUser }, async (request, reply) => {
    const { thread } = await moderatedThread(request)
    return reply.render('library/from-thread', formPage(request, thread, await visibleReplies(thread.id)))
  })

  app.post(
    '/t/:id/to-library',
    { preHandler: requireUser, schema: formSchema(['_csrf'], ['replies']) },
    async (request, reply) => {
      const viewer = viewerOf(request)
      const { thread } = await moderatedThread(request)
      const chosen = new Set(fieldList(request.body, 'replies').map(Number))
      const all = await visibleReplies(thread.id)
      const replies = all.filter((r) => chosen.has(r.id))
      // The draft may be published: a reply written without a name is headed by its label (src/anonymous).
      const draftName = (r: Reply) => (r.anonymous ? anonymousLabel(request.locale, r.anonymous_label) : r.author_name)
      const quote = (text: string) =>
        text
          .split('\n')
          .map((line) => `> ${line}`)
          .join('\n')
      const body = [thread.body_md, ...replies.map((r) => `### ${draftName(r)}\n\n${quote(r.body_md)}`)].join('\n\n')
      // Never cut: a draft over the article limit is refused with the limit named and the choice of replies kept.
      const check = checkMarkdown(body)
      if (!check.ok) {
        const problem = markdownProblem(check)
        const message = typeof problem === 'string' ? problem : { ...problem, key: 'library.from_thread.too_long' }
        return reply
          .code(422)
          .render('library/from-thread', formPage(request, thread, all, chosen, fieldMessage(request, message)))
      }
      // A members-only discussion is about real people: the draft is checked for personal data before it goes public.
      const redaction =
        thread.community_visibility === 'members' ? await scanOptions(db, thread.community_id) : undefined
      const language = isContentLanguage(request.locale) ? request.locale : 'en'
      const result = await createDraft(db, {
        title: thread.title,
        slug: await freeSlug(db, slugify(thread.title, 70)),
        summary: '',
        kind: 'practice',
        language,
        body_md: body,
        community_id: thread.community_id,
        themeIds: (
          await db.selectFrom('thread_tags').select('tag_id').where('thread_id', '=', thread.id).execute()
        ).map((r) => r.tag_id),
        practice: noPractice,
        authorId: viewer.id,
        moderatorOf: thread.community_id,
        redaction,
        sources: [
          { threadId: thread.id, postId: null },
          ...replies.map((r) => ({ threadId: thread.id, postId: r.id })),
        ],
      })
      if (!result.ok) throw forbidden()
      setFlash(reply, 'library.flash.drafted_from_thread')
      return reply.redirect(`/library/${result.slug}/edit`, 303)
    },
  )
}
