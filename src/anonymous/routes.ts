// The community setting for posting without a name: its moderators and admins turn it on and choose the label.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { communityForViewer } from '../communities/access.js'
import type { Db } from '../db/connect.js'
import { communityCrumbs } from '../discussions/breadcrumbs.js'
import { requireUser, viewerOf } from '../web/auth.js'
import { forbidden } from '../web/errors.js'
import { setFlash } from '../web/flash.js'
import { checkLength, fieldMessage, type FieldMessages } from '../web/limits.js'
import { field, formSchema } from '../web/params.js'
import { cleanLine, forbiddenCharactersMessage, hasForbiddenCharacters, isBlank } from '../web/text-rules.js'
import { defaultLabelKey, maxLabelLength } from './label.js'
import { setAnonymousLabel } from './commands.js'

export async function anonymousRoutes(app: FastifyInstance, { db }: { db: Db }) {
  const moderated = async (request: FastifyRequest) => {
    const context = await communityForViewer(db, request, (request.params as { slug: string }).slug)
    if (!context.mayModerate) throw forbidden('anonymous.error.moderators_only')
    return context
  }

  const page = (
    request: FastifyRequest,
    reply: FastifyReply,
    community: { slug: string; name: string },
    values: { allow: boolean; label: string },
    errors: FieldMessages = {},
  ) =>
    reply.render('anonymous/settings', {
      title: request.t('anonymous.settings.title'),
      breadcrumbs: [...communityCrumbs(request, community), { label: request.t('anonymous.settings.title') }],
      community,
      values,
      defaultLabel: request.t(defaultLabelKey),
      maxLabelLength,
      errors: Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, fieldMessage(request, v)])),
    })

  app.get('/c/:slug/anonymous', { preHandler: requireUser }, async (request, reply) => {
    const { community } = await moderated(request)
    const stored = community.anonymous_label
    return page(request, reply, community, { allow: stored !== null, label: stored ?? '' })
  })

  app.post(
    '/c/:slug/anonymous',
    { preHandler: requireUser, schema: formSchema(['allow', 'label', '_csrf']) },
    async (request, reply) => {
      const viewer = viewerOf(request)
      const { community } = await moderated(request)
      const allow = field(request.body, 'allow') !== ''
      const label = cleanLine(field(request.body, 'label')).trim()
      const errors: FieldMessages = {}
      if (hasForbiddenCharacters(label)) errors.label = forbiddenCharactersMessage
      else checkLength(errors, 'label', label, maxLabelLength)
      if (Object.keys(errors).length) return page(request, reply.code(422), community, { allow, label }, errors)
      const stored = allow ? (isBlank(label) ? '' : label) : null
      await setAnonymousLabel(db, { communityId: community.id, actorId: viewer.id, label: stored })
      request.log.info({ communityId: community.id, userId: viewer.id, allowed: allow }, 'anonymous posting set')
      setFlash(reply, allow ? 'anonymous.flash.on' : 'anonymous.flash.off')
      return reply.redirect(`/c/${community.slug}`, 303)
    },
  )
}
