// A member's profile at /u/:id (the address mentions link to), their picture, and endorsing their expertise.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '../db/connect.js'
import { isSuspended } from '../communities/policy.js'
import { forbidden, notFound } from '../web/errors.js'
import { setFlash } from '../web/flash.js'
import { formSchema, pathId, slugPattern } from '../web/params.js'
import { requireUser, viewerOf } from '../web/auth.js'
import { hasBlocked } from '../conversations/queries.js'
import { setEndorsement } from './commands.js'
import { canEndorse, canSeeProfile } from './policy.js'
import { languageNames, personCard } from './present.js'
import {
  communitiesOfMember,
  expertiseOf,
  memberForProfile,
  pictureOf,
  recentActivity,
  viewerReach,
} from './queries.js'

async function visibleMember(db: Db, request: FastifyRequest, id: number) {
  const member = await memberForProfile(db, id)
  if (!member) throw notFound()
  const reach = await viewerReach(db, request.viewer, id)
  return { member, reach, visible: canSeeProfile(request.viewer, member, reach) }
}

export async function profileRoutes(app: FastifyInstance, { db }: { db: Db }) {
  app.get('/u/:id', async (request, reply: FastifyReply) => {
    const id = pathId((request.params as { id: string }).id)
    const { member, reach, visible } = await visibleMember(db, request, id)
    const viewer = request.viewer
    if (!visible) {
      // A visitor learns nothing, not even the name; a member sees whose profile it is and who may see it.
      return reply.code(viewer ? 403 : 404).render('people/private', {
        title: viewer ? member.display_name : request.t('people.private.title'),
        name: viewer ? member.display_name : null,
        message: request.t(`people.private.${member.profile_visibility}`),
        loginUrl: viewer ? null : `/login?next=${encodeURIComponent(`/u/${id}`)}`,
      })
    }
    const isSelf = viewer?.id === id
    const [expertise, communities, recent, blocked] = await Promise.all([
      expertiseOf(db, id, viewer?.id ?? null, request.locale),
      communitiesOfMember(db, id, viewer),
      recentActivity(db, id, viewer),
      viewer && !isSelf ? hasBlocked(db, viewer.id, id) : false,
    ])
    // Writing to someone follows the rule of /messages (members who share a community); blocking is always open.
    const contact =
      viewer && !isSelf && !viewer.isGuest
        ? { mayMessage: reach.sharesCommunity && member.status === 'active' && !blocked, blocked }
        : null
    const mayEndorse = canEndorse(viewer, id)
    return reply.render('people/profile', {
      title: member.display_name,
      breadcrumbs: [
        ...(viewer ? [{ label: request.t('people.directory.title'), href: '/members' }] : []),
        { label: member.display_name },
      ],
      person: personCard(member, request.locale, isSelf),
      suspended: member.status === 'suspended',
      languages: languageNames(member.languages, request.locale),
      bioHtml: member.bio_html,
      expertise: expertise.map((x) => ({ ...x, mayEndorse })),
      communities,
      recent,
      hasRecent: recent.threads.length + recent.replies.length + recent.articles.length > 0,
      isSelf,
      contact,
      memberId: id,
    })
  })

  app.get('/u/:id/picture', async (request, reply) => {
    const id = pathId((request.params as { id: string }).id)
    const { visible } = await visibleMember(db, request, id)
    const picture = visible ? await pictureOf(db, id) : undefined
    if (!picture) throw notFound()
    reply
      .header('ETag', picture.etag)
      .header('Cache-Control', 'private, max-age=86400')
      .header('X-Content-Type-Options', 'nosniff')
      .header('Content-Disposition', 'inline')
    if (request.headers['if-none-match'] === picture.etag) return reply.code(304).send()
    return reply.type(picture.content_type).send(picture.bytes)
  })

  app.post(
    '/u/:id/expertise/:theme',
    { preHandler: requireUser, schema: formSchema(['action', '_csrf']) },
    async (request, reply) => {
      const params = request.params as { id: string; theme: string }
      const id = pathId(params.id)
      if (!slugPattern.test(params.theme)) throw notFound()
      const viewer = viewerOf(request)
      if (isSuspended(viewer)) throw forbidden('discussions.reply.suspended')
      const tag = await db
        .selectFrom('tags')
        .select('id')
        .where('slug', '=', params.theme)
        .where('kind', '=', 'theme')
        .executeTakeFirst()
      if (!tag) throw notFound()
      const endorse = (request.body as { action?: string }).action !== 'withdraw'
      const result = await setEndorsement(db, { endorserId: viewer.id, memberId: id, tagId: tag.id, endorse })
      if (!result.ok) throw notFound()
      request.log.info({ memberId: id, tagId: tag.id, endorse }, 'expertise endorsement changed')
      setFlash(reply, endorse ? 'people.flash.endorsed' : 'people.flash.withdrawn')
      return reply.redirect(`/u/${id}#expertise`, 303)
    },
  )
}
