// Community directory and pages, joining and leaving, requests, invites, roles, and admin create/edit.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { anonymousLabel } from '../anonymous/label.js'
import type { Db } from '../db/connect.js'
import {
  isTopicFilter,
  listTopics,
  topicFilters,
  visitOf,
  type TopicFilter,
  type TopicReader,
} from '../discussions/topic-list.js'
import { checkMarkdown } from '../markdown/render.js'
import { checkLength, fieldMessages, markdownProblem, textTooLong, type FieldMessages } from '../web/limits.js'
import { themesOfThreads } from '../themes/queries.js'
import { requireAdmin, requireUser, viewerOf } from '../web/auth.js'
import { forbidden, notFound } from '../web/errors.js'
import { setFlash } from '../web/flash.js'
import { cursorParam, field, formSchema, pathId, slugify, slugPattern } from '../web/params.js'
import { communityForViewer, communityFrontForViewer } from './access.js'
import {
  acceptInvite,
  createCommunity,
  createInvite,
  decideJoinRequest,
  findInvite,
  inviteState,
  joinCommunity,
  leaveCommunity,
  revokeInvite,
  setMemberRole,
  updateCommunity,
  type CommunityInput,
} from './commands.js'
import { isActiveMember, isAdmin, joinOption } from './policy.js'
import {
  listCommunities,
  listInvites,
  listMembers,
  listModerators,
  listPendingRequests,
  newestArticlesOf,
  nextMeetingOf,
} from './queries.js'
import { publicOrigin } from '../web/view.js'
import { cleanLine, forbiddenCharactersMessage, lineProblem } from '../web/text-rules.js'
import { watchForm } from '../watching/present.js'
import { watchLevelOf } from '../watching/queries.js'
import { bufferCommunityVisit, bufferedReadsOf, lastSeenEveryMs, visitGapMs } from '../watching/read-buffer.js'

type Errors = FieldMessages
// Caps named in the messages: a community's name and the notes that go with joining.
const limits = { name: 120, description: 16 * 1024, joinNote: 1000, reason: 500 }

function readCommunityForm(body: unknown): { input: CommunityInput; errors: Errors } {
  const name = cleanLine(field(body, 'name'))
  const slug = field(body, 'slug').trim().toLowerCase() || slugify(name)
  const description = field(body, 'description').trim()
  const visibility = field(body, 'visibility')
  const joinPolicy = field(body, 'join_policy')
  // Only a members-only community can be listed: a public one is findable anyway.
  const listed = visibility === 'members' && field(body, 'listed') === 'on'
  const errors: Errors = {}
  const problem = lineProblem(name)
  if (problem === 'blank') errors.name = 'communities.error.name_required'
  else if (problem === 'characters') errors.name = forbiddenCharactersMessage
  else checkLength(errors, 'name', name, limits.name)
  if (!slugPattern.test(slug) || slug.length > 60) errors.slug = 'communities.error.slug_invalid'
  const markdown = checkMarkdown(description, { maxBytes: limits.description })
  if (!markdown.ok && markdown.reason !== 'empty') errors.description = markdownProblem(markdown)
  if (visibility !== 'public' && visibility !== 'members') errors.visibility = 'communities.error.visibility_invalid'
  if (!['open', 'request', 'invite'].includes(joinPolicy)) errors.join_policy = 'communities.error.join_policy_invalid'
  return {
    input: {
      name,
      slug,
      description_md: description,
      visibility: visibility as CommunityInput['visibility'],
      join_policy: joinPolicy as CommunityInput['join_policy'],
      listed,
    },
    errors,
  }
}

export async function communityRoutes(app: FastifyInstance, { db }: { db: Db }) {
  const t = (request: FastifyRequest, errors: Errors) => fieldMessages(request, errors)

  app.get('/communities', async (request, reply) => {
    const communities = await listCommunities(db, request.viewer?.id ?? null, isAdmin(request.viewer))
    return reply.render('communities/directory', {
      title: request.t('communities.directory.title'),
      communities,
      isAdmin: isAdmin(request.viewer),
    })
  })

  app.get('/c/:slug', async (request, reply) => {
    const { slug } = request.params as { slug: string }
    const query = request.query as Record<string, unknown>
    const after = cursorParam(query.after)
    const { community, membership, access, mayPost, mayModerate, mayRead } = await communityFrontForViewer(
      db,
      request,
      slug,
    )
    const viewerId = request.viewer?.id ?? null
    const base = {
      title: community.name,
      community,
      membership,
      join: joinOption(access),
      mayModerate,
      isAdmin: isAdmin(request.viewer),
      breadcrumbs: [
        { label: request.t('communities.directory.title'), href: '/communities' },
        { label: community.name },
      ],
    }
    // Outsiders of a listed members-only community: what it is about, who moderates it, and how to ask to join.
    if (!mayRead) {
      const moderators = await listModerators(db, community.id)
      return reply.render('communities/show', { ...base, outsider: true, moderators })
    }
    const isMember = isActiveMember(access) && viewerId !== null
    const filter = isTopicFilter(query.filter) && (query.filter !== 'mine' || isMember) ? query.filter : 'latest'
    let reader: TopicReader | null = null
    if (isMember) {
      // Read what this member just read: their positions still in the write buffer are read with the list (no write
      // on this page).
      const visit = await visitOf(db, viewerId, community.id)
      const now = new Date()
      const lastSeen = visit?.last_seen_at ? new Date(visit.last_seen_at).getTime() : null
      const startsVisit = lastSeen === null || now.getTime() - lastSeen > visitGapMs
      // New is what appeared since the previous visit began: the kept start, when this view begins a new visit.
      const since =
        startsVisit && visit?.seen_at ? visit.seen_at : (visit?.previous_seen_at ?? visit?.joined_at ?? null)
      reader = {
        userId: viewerId,
        newSince: since ? new Date(since) : null,
        buffered: bufferedReadsOf(db, viewerId),
      }
      // The latest view is noted at most once per few minutes (batched): enough to tell when a visit ends.
      if (lastSeen === null || now.getTime() - lastSeen > lastSeenEveryMs)
        bufferCommunityVisit(db, { userId: viewerId, communityId: community.id, at: now })
    }
    const [{ threads, hasMore }, moderators, nextMeeting, articles, level] = await Promise.all([
      listTopics(db, {
        communityId: community.id,
        filter,
        after,
        reader,
        anonymousLabel: anonymousLabel(request.locale, community.anonymous_label),
        formerMember: request.t('data_rights.former_member'),
      }),
      listModerators(db, community.id),
      nextMeetingOf(db, community.id),
      newestArticlesOf(db, community.id),
      viewerId === null ? null : watchLevelOf(db, viewerId, 'community', community.id),
    ])
    const themes = await themesOfThreads(
      db,
      threads.map((th) => th.id),
      request.locale,
    )
    const filterUrl = (name: TopicFilter) => `/c/${community.slug}${name === 'latest' ? '' : `?filter=${name}`}`
    const filters = topicFilters
      .filter((name) => name !== 'mine' || isMember)
      .map((name) => ({
        name,
        url: filterUrl(name),
        label: request.t(`topics.filter.${name}`),
        current: name === filter,
      }))
    const last = threads[threads.length - 1]
    return reply.render('communities/show', {
      ...base,
      watch: viewerId === null ? null : watchForm(request, 'community', community.id, level),
      mayPost,
      moderators,
      nextMeeting,
      articles,
      filters,
      filter,
      feedUrl: community.visibility === 'public' ? `/feeds/c/${community.slug}/threads.atom` : undefined,
      threads: threads.map((th) => ({ ...th, themes: themes.get(th.id) ?? [] })),
      nextUrl:
        hasMore && last
          ? `/c/${community.slug}?${filter === 'latest' ? '' : `filter=${filter}&`}after=${last.id}`
          : null,
      firstUrl: after !== null ? filterUrl(filter) : null,
    })
  })

  app.post(
    '/c/:slug/join',
    { preHandler: requireUser, schema: formSchema(['note', '_csrf']) },
    async (request, reply) => {
      const viewer = viewerOf(request)
      const { slug } = request.params as { slug: string }
      // Outsiders may ask to join a listed members-only community.
      const { community } = await communityFrontForViewer(db, request, slug)
      const note = field(request.body, 'note').trim() || null
      if (note && note.length > limits.joinNote) throw textTooLong(note, limits.joinNote)
      const result = await joinCommunity(db, community, viewer.id, note, { requireFindable: !isAdmin(viewer) })
      if (result === 'not_found') throw notFound()
      if (result === 'invite_only') throw forbidden('communities.error.invite_only')
      setFlash(reply, `communities.flash.${result}`)
      return reply.redirect(`/c/${community.slug}`, 303)
    },
  )

  app.post('/c/:slug/leave', { preHandler: requireUser }, async (request, reply) => {
    const viewer = viewerOf(request)
    const { slug } = request.params as { slug: string }
    const { community } = await communityForViewer(db, request, slug)
    const result = await leaveCommunity(db, community.id, viewer.id)
    if (result === 'last_moderator') throw forbidden('communities.error.last_moderator')
    setFlash(reply, result === 'left' ? 'communities.flash.left' : 'communities.flash.not_member')
    return reply.redirect(community.visibility === 'public' ? `/c/${community.slug}` : '/communities', 303)
  })

  app.get('/c/:slug/members', async (request, reply) => {
    const { slug } = request.params as { slug: string }
    const { community, mayModerate } = await communityForViewer(db, request, slug)
    const [members, requests] = await Promise.all([
      listMembers(db, community.id),
      mayModerate ? listPendingRequests(db, community.id) : Promise.resolve([]),
    ])
    return reply.render('communities/members', {
      title: request.t('communities.members.title', { name: community.name }),
      breadcrumbs: [
        { label: request.t('communities.directory.title'), href: '/communities' },
        { label: community.name, href: `/c/${community.slug}` },
        { label: request.t('communities.members.heading') },
      ],
      community,
      members,
      requests,
      mayModerate,
      isAdmin: isAdmin(request.viewer),
    })
  })

  app.post(
    '/c/:slug/requests/:userId',
    { preHandler: requireUser, schema: formSchema(['decision', 'reason', '_csrf']) },
    async (request, reply) => {
      const viewer = viewerOf(request)
      const { slug, userId } = request.params as { slug: string; userId: string }
      const { community, mayModerate } = await communityForViewer(db, request, slug)
      if (!mayModerate) throw forbidden()
      const decision = field(request.body, 'decision')
      if (decision !== 'approve' && decision !== 'decline') throw notFound()
      const reason = field(request.body, 'reason').trim() || null
      if (reason && reason.length > limits.reason) throw textTooLong(reason, limits.reason)
      const done = await decideJoinRequest(db, {
        communityId: community.id,
        userId: pathId(userId),
        approve: decision === 'approve',
        reason,
        moderatorId: viewer.id,
        reach: app.config,
      })
      setFlash(reply, done ? `communities.flash.request_${decision}d` : 'communities.flash.request_gone')
      return reply.redirect(`/c/${community.slug}/members`, 303)
    },
  )

  app.post(
    '/c/:slug/members/:userId/role',
    { preHandler: requireAdmin, schema: formSchema(['role', '_csrf']) },
    async (request, reply) => {
      const { slug, userId } = request.params as { slug: string; userId: string }
      const { community } = await communityForViewer(db, request, slug)
      const role = field(request.body, 'role')
      if (role !== 'member' && role !== 'moderator') throw notFound()
      const done = await setMemberRole(db, community.id, pathId(userId), role, viewerOf(request).id)
      if (!done) throw notFound()
      setFlash(reply, role === 'moderator' ? 'communities.flash.made_moderator' : 'communities.flash.made_member')
      return reply.redirect(`/c/${community.slug}/members`, 303)
    },
  )

  // Invites: a moderator makes a link with an expiry and a use limit; the token is shown once, only its hash is kept.
  const invitesPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    slug: string,
    extra: Record<string, unknown> = {},
  ) => {
    const { community, mayModerate } = await communityForViewer(db, request, slug)
    if (!mayModerate) throw forbidden()
    const invites = (await listInvites(db, community.id)).map((invite) => ({ ...invite, state: inviteState(invite) }))
    return reply.render('communities/invites', {
      title: request.t('communities.invites.title'),
      breadcrumbs: [
        { label: request.t('communities.directory.title'), href: '/communities' },
        { label: community.name, href: `/c/${community.slug}` },
        { label: request.t('communities.invites.title') },
      ],
      community,
      invites,
      values: { days: '14', max_uses: '10' },
      ...extra,
    })
  }

  app.get('/c/:slug/invites', { preHandler: requireUser }, async (request, reply) =>
    invitesPage(request, reply, (request.params as { slug: string }).slug),
  )

  app.post(
    '/c/:slug/invites',
    { preHandler: requireUser, schema: formSchema(['days', 'max_uses', '_csrf']) },
    async (request, reply) => {
      const viewer = viewerOf(request)
      const { slug } = request.params as { slug: string }
      const { community, mayModerate } = await communityForViewer(db, request, slug)
      if (!mayModerate) throw forbidden()
      const days = Number(field(request.body, 'days'))
      const maxUses = Number(field(request.body, 'max_uses'))
      const errors: Errors = {}
      if (!Number.isInteger(days) || days < 1 || days > 90) errors.days = 'communities.error.invite_days'
      if (!Number.isInteger(maxUses) || maxUses < 1 || maxUses > 500) errors.max_uses = 'communities.error.invite_uses'
      if (Object.keys(errors).length) {
        reply.code(422)
        return invitesPage(request, reply, slug, {
          errors: t(request, errors),
          values: { days: field(request.body, 'days'), max_uses: field(request.body, 'max_uses') },
        })
      }
      const token = await createInvite(db, {
        communityId: community.id,
        createdBy: viewer.id,
        expiresAt: new Date(Date.now() + days * 86_400_000),
        maxUses,
      })
      const origin = publicOrigin(request)
      return invitesPage(request, reply, slug, { newLink: `${origin}/invite/${token}` })
    },
  )

  app.post('/c/:slug/invites/:id/revoke', { preHandler: requireUser }, async (request, reply) => {
    const { slug, id } = request.params as { slug: string; id: string }
    const { community, mayModerate } = await communityForViewer(db, request, slug)
    if (!mayModerate) throw forbidden()
    if (!(await revokeInvite(db, community.id, pathId(id), viewerOf(request).id))) throw notFound()
    setFlash(reply, 'communities.flash.invite_revoked')
    return reply.redirect(`/c/${community.slug}/invites`, 303)
  })

  app.get('/invite/:token', async (request, reply) => {
    const { token } = request.params as { token: string }
    const invite = /^[A-Za-z0-9_-]{10,64}$/.test(token) ? await findInvite(db, token) : undefined
    if (!invite) throw notFound('communities.error.invite_unknown')
    return reply.render('communities/invite', {
      title: request.t('communities.invite.title', { name: invite.name }),
      invite,
      state: inviteState(invite),
      token,
    })
  })

  app.post('/invite/:token', { preHandler: requireUser }, async (request, reply) => {
    const viewer = viewerOf(request)
    const { token } = request.params as { token: string }
    if (!/^[A-Za-z0-9_-]{10,64}$/.test(token)) throw notFound('communities.error.invite_unknown')
    const result = await acceptInvite(db, token, viewer.id)
    if (!result.ok) {
      if (result.reason === 'unknown') throw notFound('communities.error.invite_unknown')
      if (result.reason === 'already_member') return reply.redirect(`/c/${result.slug}`, 303)
      throw forbidden(`communities.error.invite_${result.reason}`)
    }
    setFlash(reply, 'communities.flash.joined')
    return reply.redirect(`/c/${result.slug}`, 303)
  })

  // Admin: create and edit communities.
  const editPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    values: Record<string, unknown>,
    errors: Errors,
    action: string,
    isNew: boolean,
  ) =>
    reply.render('communities/edit', {
      title: request.t(isNew ? 'communities.new.title' : 'communities.edit.title'),
      values,
      errors: t(request, errors),
      action,
      isNew,
      // The page that lets members post without a name, linked below the form (src/anonymous).
      community_slug: action.split('/')[2],
    })

  app.get('/admin/communities/new', { preHandler: requireAdmin }, async (request, reply) =>
    editPage(request, reply, { visibility: 'public', join_policy: 'open' }, {}, '/admin/communities/new', true),
  )

  app.post(
    '/admin/communities/new',
    {
      preHandler: requireAdmin,
      schema: formSchema(['name', 'slug', 'description', 'visibility', 'join_policy', 'listed', '_csrf']),
    },
    async (request, reply) => {
      const viewer = viewerOf(request)
      const { input, errors } = readCommunityForm(request.body)
      const values = { ...input, description: input.description_md }
      if (Object.keys(errors).length)
        return editPage(request, reply.code(422), values, errors, '/admin/communities/new', true)
      const result = await createCommunity(db, input, { creatorId: viewer.id, adminId: viewer.id })
      if (!result.ok)
        return editPage(
          request,
          reply.code(409),
          values,
          { slug: 'communities.error.slug_taken' },
          '/admin/communities/new',
          true,
        )
      setFlash(reply, 'communities.flash.created')
      return reply.redirect(`/c/${result.slug}`, 303)
    },
  )

  app.get('/c/:slug/edit', { preHandler: requireAdmin }, async (request, reply) => {
    const { community } = await communityForViewer(db, request, (request.params as { slug: string }).slug)
    return editPage(
      request,
      reply,
      { ...community, description: community.description_md },
      {},
      `/c/${community.slug}/edit`,
      false,
    )
  })

  app.post(
    '/c/:slug/edit',
    {
      preHandler: requireAdmin,
      schema: formSchema(['name', 'slug', 'description', 'visibility', 'join_policy', 'listed', '_csrf']),
    },
    async (request, reply) => {
      const { community } = await communityForViewer(db, request, (request.params as { slug: string }).slug)
      const { input, errors } = readCommunityForm(request.body)
      const values = { ...input, description: input.description_md }
      const action = `/c/${community.slug}/edit`
      if (Object.keys(errors).length) return editPage(request, reply.code(422), values, errors, action, false)
      const result = await updateCommunity(db, community.id, input, request.viewer?.id)
      if (!result.ok)
        return editPage(request, reply.code(409), values, { slug: 'communities.error.slug_taken' }, action, false)
      setFlash(reply, 'communities.flash.saved')
      return reply.redirect(`/c/${result.slug}`, 303)
    },
  )
}
