// Loads a thread (or a reply with its thread) with its community and the viewer's membership: unreadable ones are 404.
import type { FastifyRequest } from 'fastify'
import { canModerate, canRead, type Access } from '../communities/policy.js'
import type { Db } from '../db/connect.js'
import { invitedMembership } from '../guests/access.js'
import { mayReadContent, type ContentReader } from '../moderation/visibility.js'
import { notFound } from '../web/errors.js'
import type { Locale } from '../web/i18n.js'
import { findPost, findThread } from './queries.js'

const unavailable = 'posts.thread.unavailable'

/**
 * One statement whoever asks; with `themesIn`, the thread's themes in that language come along (sorted).
 * A deleted thread is still returned, for the routes that answer it with 410; pages that show its text use
 * threadTextForViewer.
 */
export async function threadForViewer(
  db: Db,
  request: FastifyRequest,
  threadId: number,
  options: { themesIn?: Locale } = {},
) {
  const found = await findThread(db, threadId, {
    viewerId: request.viewer?.id ?? null,
    themesIn: options.themesIn ?? null,
  })
  // One message whether the thread is missing, waiting for approval, hidden or in a closed community: a 404 that does
  // not tell which, yet does not claim it was deleted.
  if (!found) throw notFound(unavailable)
  const { thread } = found
  // A guest invited to this thread reads it (and replies) as a member would; nobody else gains anything here.
  const membership =
    found.membership?.status === 'active'
      ? found.membership
      : ((await invitedMembership(db, request, { threadId: thread.id })) ?? found.membership)
  const access: Access = {
    viewer: request.viewer,
    community: {
      id: thread.community_id,
      visibility: thread.community_visibility,
      join_policy: thread.community_join_policy,
    },
    membership,
  }
  if (!canRead(access)) throw notFound(unavailable)
  const mayModerate = canModerate(access)
  const reader: ContentReader = { viewerId: request.viewer?.id ?? null, mayModerate }
  // Waiting for approval or hidden by a moderator: only its author and the moderators see it.
  if (thread.status !== 'deleted' && !mayReadContent(thread, reader)) throw notFound(unavailable)
  const themes = options.themesIn
    ? (found.themes ?? []).sort((a, b) => a.label.localeCompare(b.label, options.themesIn))
    : []
  return { thread, access, mayModerate, reader, themes }
}

/** For pages that show a thread's text (history, quotes): a deleted thread is not found either. */
export async function threadTextForViewer(db: Db, request: FastifyRequest, threadId: number) {
  const context = await threadForViewer(db, request, threadId)
  if (context.thread.status === 'deleted') throw notFound()
  return context
}

/**
 * A reply with its thread, for pages that show the reply's text: a reply this viewer may not read (pending, hidden,
 * deleted, or in a thread they may not read or that is deleted) is not found.
 */
export async function replyForViewer(db: Db, request: FastifyRequest, postId: number) {
  const post = await findPost(db, postId)
  if (!post) throw notFound()
  const context = await threadTextForViewer(db, request, post.thread_id)
  if (!mayReadContent(post, context.reader)) throw notFound()
  return { post, ...context }
}
