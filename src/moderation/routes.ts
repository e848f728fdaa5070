// Moderation over HTTP: flagging, the review queue, content tools, people, watched words and the log.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { findCommunityBySlug, findMembership } from '../communities/queries.js'
import type { Db } from '../db/connect.js'
import type { FlagReason, FlagTarget } from '../db/database.js'
import { requireAdmin, requireUser, viewerOf } from '../web/auth.js'
import { badRequest, forbidden, notFound } from '../web/errors.js'
import { hasKey } from '../web/i18n.js'
import { setFlash } from '../web/flash.js'
import { fieldMessage, shortTextField, tooLong } from '../web/limits.js'

const maxPhraseLength = 100
import { cursorParam, field, formSchema, pathId, positiveInt } from '../web/params.js'
import { canRead, isSuspended } from '../communities/policy.js'
import {
  addWatchedWord,
  flagContent,
  liftSuspension,
  moveThread,
  removeMember,
  removeWatchedWord,
  resolveReviewItem,
  setVisibility,
  suspendUser,
  toggleThread,
  type ReviewAction,
  type ThreadToggle,
} from './commands.js'
import { calendarDay, dayOfEnd, endOfDayEverywhere, formatCalendarDay } from './dates.js'
import { parseDateInput } from '../web/time.js'
import { zonedToUtc } from '../meetings/zone-time.js'
import { listLog, writeLog } from './log.js'
import { isNewAccount, isStaff, mayModerate, moderatorScope, type ModeratorScope } from './policy.js'
import { authorHistories, contentOf, flagsOf, openItems } from './queries.js'
import { findTarget, targetTypes, type Target } from './targets.js'
import { isMessageParticipant } from './message-target.js'
import { stateLabel, targetLabel } from './present.js'

/** The viewer's translator as a plain function, for the presenters. */
const tr = (request: FastifyRequest) => (key: string, vars?: Record<string, string | number>) => request.t(key, vars)

const reasons: FlagReason[] = ['spam', 'abuse', 'off_topic', 'privacy', 'other']
const reviewActions: ReviewAction[] = ['keep', 'hide', 'delete', 'approve', 'reject']
/** Every staff act the log records, in the order the log's filter offers them. */
const loggedActions = [
  'hide',
  'restore',
  'auto_hide',
  'delete',
  'keep',
  'approve',
  'reject',
  'lock',
  'unlock',
  'pin',
  'unpin',
  'move',
  'suspend',
  'unsuspend',
  'remove_member',
  'role_change',
  'watched_word_add',
  'watched_word_remove',
  'meeting.create',
  'meeting.edit',
  'meeting.cancel',
  'meeting.room_add',
  'meeting.room_edit',
  'meeting.room_delete',
  'meeting.item_edit',
  'meeting.item_delete',
  'meeting.question_delete',
  'meeting.summary_draft',
  'meeting.topic_vote_close',
  'meeting.question_discussed',
  'meeting.question_undiscussed',
  'mark_answer',
  'unmark_answer',
  'anonymous_label',
  'guest_invite',
  'guest_revoke',
  'redaction.redact',
  'redaction.keep',
  'redaction.publish_refused',
  'redaction.accept_refused',
  'account.deleted_remove',
  'account.deleted_keep',
  'account.anonymised',
]

export interface ModerationOptions {
  db: Db
  flagThreshold: number
  /** Per minute: flags from accounts younger than a week, and from established ones. */
  flagLimits: { newAccount: number; established: number }
}

export async function moderationRoutes(app: FastifyInstance, options: ModerationOptions) {
  const { db } = options

  /** A staff route called by someone who may not use it: refused, and written down. */
  const refuse = async (
    request: FastifyRequest,
    action: string,
    target: { type?: string; id?: number; communityId?: number | null } = {},
  ) => {
    await writeLog(db, {
      actorId: request.viewer?.id ?? null,
      action,
      targetType: target.type ?? null,
      targetId: target.id ?? null,
      communityId: target.communityId ?? null,
      refused: true,
    })
    request.log.warn({ userId: request.viewer?.id, action, target }, 'refused a moderation action')
    return forbidden('moderation.error.not_allowed')
  }

  const scopeOf = async (request: FastifyRequest): Promise<ModeratorScope> => moderatorScope(db, viewerOf(request))

  /**
   * Only what the member can read: nobody flags into a members-only community they are not in (three outsiders would
   * hide a members' reply), nor content already out of sight. Published articles and their comments are public.
   */
  const mayFlag = async (request: FastifyRequest, target: Target): Promise<boolean> => {
    if (target.status !== 'visible') return false
    if (target.type === 'message') return isMessageParticipant(db, target.id, viewerOf(request).id)
    if ((target.type !== 'thread' && target.type !== 'post') || target.communityId === null) return true
    const thread = await db
      .selectFrom('threads as t')
      .innerJoin('communities as c', 'c.id', 't.community_id')
      .select(['t.status', 'c.id', 'c.visibility', 'c.join_policy'])
      .where('t.id', '=', target.threadId!)
      .executeTakeFirst()
    if (!thread || thread.status !== 'visible') return false
    const community = { id: thread.id, visibility: thread.visibility, join_policy: thread.join_policy }
    return canRead({
      viewer: request.viewer,
      community,
      membership: await findMembership(db, community.id, request.viewer?.id),
    })
  }

  // --- Flags ---------------------------------------------------------------------------------------
  app.post(
    '/flags',
    {
      preHandler: requireUser,
      schema: formSchema(['target_type', 'target_id', 'reason', 'note', '_csrf']),
      config: {
        rateLimit: {
          max: (request: FastifyRequest) =>
            isNewAccount(request.viewer?.createdAt) ? options.flagLimits.newAccount : options.flagLimits.established,
          timeWindow: 60_000,
          keyGenerator: (request: FastifyRequest) => `flag:${request.viewer?.id ?? request.ip}`,
        },
      },
    },
    async (request, reply) => {
      const viewer = viewerOf(request)
      if (isSuspended(viewer)) throw forbidden('discussions.reply.suspended')
      const type = field(request.body, 'target_type') as FlagTarget
      const id = positiveInt(field(request.body, 'target_id'))
      const reason = field(request.body, 'reason') as FlagReason
      if (!targetTypes.includes(type) || id === null) throw badRequest('moderation.error.flag_target')
      if (!reasons.includes(reason)) throw badRequest('moderation.error.flag_reason')
      const note = shortTextField(request.body, 'note') || null
      if (reason === 'other' && !note) throw badRequest('moderation.error.flag_note_required')
      const target = await findTarget(db, type, id)
      if (!target || !(await mayFlag(request, target))) throw notFound()
      const result = await flagContent(db, {
        type,
        id,
        reporterId: viewer.id,
        reason,
        note,
        threshold: options.flagThreshold,
        reach: app.config,
      })
      if (result === 'not_found') throw notFound()
      if (result === 'own_content') throw badRequest('moderation.error.flag_own')
      if (result === 'already_flagged') throw badRequest('moderation.error.flag_twice')
      request.log.info({ userId: viewer.id, type, id, reason, result }, 'content flagged')
      setFlash(reply, 'moderation.flash.flagged')
      return reply.redirect(target.url.replace(/#.*$/, ''), 303)
    },
  )

  // --- The review queue ----------------------------------------------------------------------------
  app.get('/mod', { preHandler: requireUser }, async (request, reply) => {
    const scope = await scopeOf(request)
    if (!isStaff(scope)) throw await refuse(request, 'view_queue')
    const items = await openItems(db, scope)
    const [content, flags] = await Promise.all([
      contentOf(db, items),
      flagsOf(
        db,
        items.map((i) => i.id),
      ),
    ])
    const histories = await authorHistories(
      db,
      [...content.values()].map((c) => c.author_id),
    )
    return reply.render('moderation/queue', {
      title: request.t('moderation.queue.title'),
      isAdmin: scope.isAdmin,
      breadcrumbs: [{ label: request.t('moderation.queue.title') }],
      items: items.map((item) => {
        const target = content.get(`${item.target_type}:${item.target_id}`)
        return {
          ...item,
          queued: item.kind === 'queued',
          typeLabel: request.t(`moderation.type.${item.target_type}`),
          target,
          targetLabel: target ? targetLabel(tr(request), item.target_type, target.title) : null,
          stateLabel: target ? stateLabel(tr(request), target.status) : null,
          history: target ? histories.get(target.author_id) : undefined,
          flags: flags
            .filter((f) => f.review_item_id === item.id)
            .map((f) => ({ ...f, reasonLabel: request.t(`moderation.reason_${f.reason}`) })),
        }
      }),
    })
  })

  app.post(
    '/mod/items/:id',
    { preHandler: requireUser, schema: formSchema(['action', 'reason', '_csrf']) },
    async (request, reply) => {
      const viewer = viewerOf(request)
      const itemId = pathId((request.params as { id: string }).id)
      const item = await db
        .selectFrom('review_items')
        .select(['id', 'community_id', 'target_type', 'target_id'])
        .where('id', '=', itemId)
        .executeTakeFirst()
      if (!item) throw notFound()
      const scope = await scopeOf(request)
      if (!mayModerate(scope, item.community_id))
        throw await refuse(request, 'resolve', {
          type: item.target_type,
          id: item.target_id,
          communityId: item.community_id,
        })
      const action = field(request.body, 'action') as ReviewAction
      if (!reviewActions.includes(action)) throw badRequest('moderation.error.action_unknown')
      const reason = shortTextField(request.body, 'reason') || null
      if ((action === 'hide' || action === 'delete' || action === 'reject') && !reason)
        throw badRequest('moderation.error.reason_required')
      const result = await resolveReviewItem(db, {
        itemId,
        moderatorId: viewer.id,
        action,
        reason,
        reach: app.config,
      })
      if (result === 'already_resolved') throw badRequest('moderation.error.already_resolved')
      if (result === 'wrong_action') throw badRequest('moderation.error.action_unknown')
      if (result === 'not_found') throw notFound()
      setFlash(reply, 'moderation.flash.resolved')
      return reply.redirect('/mod', 303)
    },
  )

  // --- Tools on content ----------------------------------------------------------------------------
  for (const visibility of ['hide', 'restore'] as const) {
    app.post(
      `/mod/content/:type/:id/${visibility}`,
      { preHandler: requireUser, schema: formSchema(['reason', '_csrf']) },
      async (request, reply) => {
        const viewer = viewerOf(request)
        const { type, id } = request.params as { type: FlagTarget; id: string }
        if (!targetTypes.includes(type)) throw notFound()
        const target = await findTarget(db, type, pathId(id))
        if (!target) throw notFound()
        if (!mayModerate(await scopeOf(request), target.communityId))
          throw await refuse(request, visibility, { type, id: target.id, communityId: target.communityId })
        const reason = shortTextField(request.body, 'reason') || null
        if (visibility === 'hide' && !reason) throw badRequest('moderation.error.reason_required')
        if (
          !(await setVisibility(db, {
            target,
            moderatorId: viewer.id,
            hide: visibility === 'hide',
            reason,
            reach: app.config,
          }))
        )
          throw badRequest('moderation.error.wrong_state')
        setFlash(reply, `moderation.flash.${visibility === 'hide' ? 'hidden' : 'restored'}`)
        // A private message is not the moderator's to open: back to the queue.
        return reply.redirect(target.type === 'message' ? '/mod' : target.url, 303)
      },
    )
  }

  const threadOf = async (request: FastifyRequest, action: string) => {
    const thread = await db
      .selectFrom('threads')
      .select(['id', 'community_id', 'status'])
      .where('id', '=', pathId((request.params as { id: string }).id))
      .executeTakeFirst()
    if (!thread) throw notFound()
    if (!mayModerate(await scopeOf(request), thread.community_id))
      throw await refuse(request, action, { type: 'thread', id: thread.id, communityId: thread.community_id })
    return thread
  }

  for (const action of ['lock', 'unlock', 'pin', 'unpin'] as ThreadToggle[]) {
    app.post(
      `/mod/thread/:id/${action}`,
      { preHandler: requireUser, schema: formSchema(['reason', '_csrf']) },
      async (request, reply) => {
        const thread = await threadOf(request, action)
        await toggleThread(db, {
          threadId: thread.id,
          communityId: thread.community_id,
          moderatorId: viewerOf(request).id,
          action,
          reason: shortTextField(request.body, 'reason') || null,
        })
        setFlash(reply, `moderation.flash.${action}`)
        return reply.redirect(`/t/${thread.id}`, 303)
      },
    )
  }

  app.post(
    '/mod/thread/:id/move',
    { preHandler: requireUser, schema: formSchema(['community', 'reason', '_csrf']) },
    async (request, reply) => {
      const thread = await threadOf(request, 'move')
      const to = await findCommunityBySlug(db, field(request.body, 'community').trim())
      if (!to) throw badRequest('moderation.error.move_target')
      // Moving is acting in both communities: the target too must be one this moderator looks after.
      if (!mayModerate(await scopeOf(request), to.id))
        throw await refuse(request, 'move', { type: 'thread', id: thread.id, communityId: to.id })
      if (to.id !== thread.community_id)
        await moveThread(db, {
          threadId: thread.id,
          fromCommunityId: thread.community_id,
          toCommunityId: to.id,
          moderatorId: viewerOf(request).id,
          reason: shortTextField(request.body, 'reason') || null,
        })
      setFlash(reply, 'moderation.flash.moved')
      return reply.redirect(`/t/${thread.id}`, 303)
    },
  )

  app.post(
    '/c/:slug/members/:userId/remove',
    { preHandler: requireUser, schema: formSchema(['reason', '_csrf']) },
    async (request, reply) => {
      const { slug, userId } = request.params as { slug: string; userId: string }
      const community = await findCommunityBySlug(db, slug)
      if (!community) throw notFound()
      if (!mayModerate(await scopeOf(request), community.id))
        throw await refuse(request, 'remove_member', { communityId: community.id })
      if (
        !(await removeMember(db, {
          communityId: community.id,
          userId: pathId(userId),
          moderatorId: viewerOf(request).id,
          reason: shortTextField(request.body, 'reason') || null,
        }))
      )
        throw badRequest('moderation.error.remove_member')
      setFlash(reply, 'moderation.flash.member_removed')
      return reply.redirect(`/c/${community.slug}/members`, 303)
    },
  )

  // --- People (admins) -----------------------------------------------------------------------------
  app.get('/admin/users', { preHandler: requireAdmin }, async (request, reply) => {
    const q =
      typeof (request.query as Record<string, unknown>).q === 'string'
        ? String((request.query as Record<string, unknown>).q)
            .trim()
            .slice(0, 100)
        : ''
    let query = db
      .selectFrom('users')
      .select([
        'id',
        'display_name',
        'email',
        'site_role',
        'status',
        'suspended_until',
        'suspension_reason',
        'created_at',
      ])
      .where('deleted_at', 'is', null)
      .orderBy('display_name')
      .limit(100)
    if (q)
      query = query.where((eb) =>
        eb.or([
          eb('display_name', 'ilike', `%${q.replace(/[%_\\]/g, '\\$&')}%`),
          eb('email', 'ilike', `%${q.replace(/[%_\\]/g, '\\$&')}%`),
        ]),
      )
    return reply.render('moderation/users', {
      title: request.t('moderation.users.title'),
      breadcrumbs: [
        { label: request.t('admin.title'), href: '/admin' },
        { label: request.t('moderation.users.title') },
      ],
      users: (await query.execute()).map((u) => {
        const untilDay = u.suspended_until ? dayOfEnd(u.suspended_until) : null
        return { ...u, untilDay, untilLabel: untilDay ? formatCalendarDay(untilDay, request.locale) : null }
      }),
      q,
    })
  })

  app.post(
    '/admin/users/:id/suspend',
    { preHandler: requireUser, schema: formSchema(['reason', 'until', '_csrf']) },
    async (request, reply) => {
      const viewer = viewerOf(request)
      const userId = pathId((request.params as { id: string }).id)
      if (viewer.siteRole !== 'admin') throw await refuse(request, 'suspend')
      const reason = shortTextField(request.body, 'reason')
      if (!reason) throw badRequest('moderation.error.reason_required')
      const untilRaw = field(request.body, 'until')
      const parsedUntil = untilRaw ? parseDateInput(untilRaw, request.locale) : null
      const untilDay = parsedUntil ? calendarDay(parsedUntil) : null
      const until = untilDay ? endOfDayEverywhere(untilDay) : null
      if (untilRaw && (!until || until.getTime() <= Date.now())) throw badRequest('moderation.error.until_invalid')
      const result = await suspendUser(db, { userId, adminId: viewer.id, reason, until, untilDay })
      if (result === 'not_found') throw notFound()
      if (result === 'is_admin') throw forbidden('moderation.error.suspend_admin')
      setFlash(reply, 'moderation.flash.suspended')
      return reply.redirect('/admin/users', 303)
    },
  )

  app.post('/admin/users/:id/unsuspend', { preHandler: requireUser }, async (request, reply) => {
    const viewer = viewerOf(request)
    if (viewer.siteRole !== 'admin') throw await refuse(request, 'unsuspend')
    if (!(await liftSuspension(db, { userId: pathId((request.params as { id: string }).id), adminId: viewer.id })))
      throw badRequest('moderation.error.wrong_state')
    setFlash(reply, 'moderation.flash.unsuspended')
    return reply.redirect('/admin/users', 303)
  })

  // --- Watched words (admins) ----------------------------------------------------------------------
  const wordsPage = async (request: FastifyRequest, reply: FastifyReply, extra: Record<string, unknown> = {}) =>
    reply.render('moderation/watched-words', {
      title: request.t('moderation.words.title'),
      breadcrumbs: [
        { label: request.t('admin.title'), href: '/admin' },
        { label: request.t('moderation.words.title') },
      ],
      words: await db.selectFrom('watched_words').selectAll().orderBy('phrase').execute(),
      ...extra,
    })

  app.get('/admin/watched-words', { preHandler: requireAdmin }, async (request, reply) => wordsPage(request, reply))

  app.post(
    '/admin/watched-words',
    { preHandler: requireUser, schema: formSchema(['phrase', 'action', '_csrf']) },
    async (request, reply) => {
      const viewer = viewerOf(request)
      if (viewer.siteRole !== 'admin') throw await refuse(request, 'watched_word_add')
      const phrase = field(request.body, 'phrase').trim()
      const action = field(request.body, 'action')
      if (phrase.length > maxPhraseLength)
        return wordsPage(request, reply.code(422), {
          error: fieldMessage(request, tooLong(phrase, maxPhraseLength)),
          values: { phrase },
        })
      if (!phrase || (action !== 'block' && action !== 'queue'))
        return wordsPage(request, reply.code(422), {
          error: request.t('moderation.error.word_invalid'),
          values: { phrase },
        })
      if (!(await addWatchedWord(db, { phrase, action, adminId: viewer.id })))
        return wordsPage(request, reply.code(409), {
          error: request.t('moderation.error.word_exists'),
          values: { phrase },
        })
      setFlash(reply, 'moderation.flash.word_added')
      return reply.redirect('/admin/watched-words', 303)
    },
  )

  app.post('/admin/watched-words/:id/delete', { preHandler: requireUser }, async (request, reply) => {
    const viewer = viewerOf(request)
    if (viewer.siteRole !== 'admin') throw await refuse(request, 'watched_word_remove')
    if (!(await removeWatchedWord(db, { id: pathId((request.params as { id: string }).id), adminId: viewer.id })))
      throw notFound()
    setFlash(reply, 'moderation.flash.word_removed')
    return reply.redirect('/admin/watched-words', 303)
  })

  // --- The log (admins: all of it; community moderators: their communities') --------------------------
  app.get('/mod/log', { preHandler: requireUser }, async (request, reply) => {
    const scope = await scopeOf(request)
    if (!isStaff(scope)) throw await refuse(request, 'view_log')
    const within = scope.isAdmin ? null : [...scope.communities]
    const query = request.query as Record<string, unknown>
    const text = (name: string) => (typeof query[name] === 'string' ? String(query[name]).trim() : '')
    const date = (name: string) => {
      const value = text(name)
      if (!value) return null
      const day = parseDateInput(value, request.locale)
      if (!day) throw badRequest('dates.error.date_invalid')
      return day
    }
    // The log shows times in the viewer's zone, so a day filter means that day's midnight to midnight there.
    const startOfDay = (day: string | null) => (day ? zonedToUtc(`${day}T00:00`, request.timeZone) : null)
    const nextDay = (day: string) => new Date(Date.parse(`${day}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
    const communitySlug = text('community')
    const community = communitySlug ? await findCommunityBySlug(db, communitySlug) : null
    if (communitySlug && !community) throw badRequest('library.error.community_unknown')
    if (community && !mayModerate(scope, community.id))
      throw await refuse(request, 'view_log', { communityId: community.id })
    const action = text('action')
    if (action && !/^[a-z_]{2,40}(\.[a-z_]{2,40})?$/.test(action)) throw badRequest('moderation.error.action_unknown')
    const to = date('to')
    const filters = {
      withinCommunities: within,
      communityId: community?.id ?? null,
      actorId: cursorParam(query.moderator),
      action: action || null,
      from: startOfDay(date('from')),
      to: to ? startOfDay(nextDay(to)) : null,
      before: cursorParam(query.before),
    }
    const { entries, hasMore } = await listLog(db, filters)
    const moderators = await db
      .selectFrom('users as u')
      .select(['u.id', 'u.display_name'])
      .where((eb) => {
        const acted = eb.selectFrom('moderation_log as l').select('l.id').whereRef('l.actor_id', '=', 'u.id')
        return eb.exists(within ? acted.where('l.community_id', 'in', within.length ? within : [0]) : acted)
      })
      .orderBy('u.display_name')
      .execute()
    const params = new URLSearchParams(
      Object.entries({
        community: communitySlug,
        moderator: text('moderator'),
        action,
        from: text('from'),
        to: text('to'),
      }).filter(([, v]) => v),
    )
    const last = entries[entries.length - 1]
    return reply.render('moderation/log', {
      title: request.t('moderation.log.title'),
      breadcrumbs: [
        { label: request.t('moderation.queue.title'), href: '/mod' },
        { label: request.t('moderation.log.title') },
      ],
      // An action written by a newer version of Kring than this instance still shows, by its name.
      entries: entries.map((e) => ({
        ...e,
        actionLabel: hasKey(`moderation.action.${e.action}`) ? request.t(`moderation.action.${e.action}`) : e.action,
        targetLabel: targetLabel(tr(request), e.target_type, e.target_title),
        memberLabel: e.subject_name ? request.t('mod_truth.target.member', { name: e.subject_name }) : null,
      })),
      moderators: moderators.map((m) => ({ ...m, selected: String(m.id) === text('moderator') })),
      actions: loggedActions.map((a) => ({
        value: a,
        label: request.t(`moderation.action.${a}`),
        selected: a === action,
      })),
      values: { community: communitySlug, from: text('from'), to: text('to') },
      nextUrl: hasMore && last ? `/mod/log?${new URLSearchParams([...params, ['before', String(last.id)]])}` : null,
    })
  })
}
