// Loads a thread with its community and the viewer's membership; unreadable threads do not exist (404).
import type { FastifyRequest } from 'fastify'
import { canModerate, canRead, type Access } from '../communities/policy.js'
import type { Db } from '../db/connect.js'
import { notFound } from '../web/errors.js'
import type { Locale } from '../web/i18n.js'
import { findThread } from './queries.js'

/** One statement whoever asks; with `themesIn`, the thread's themes in that language come along (sorted). */
export async function threadForViewer(db: Db, request: FastifyRequest, threadId: number, options: { themesIn?: Locale } = {}) {
  const found = await findThread(db, threadId, { viewerId: request.viewer?.id ?? null, themesIn: options.themesIn ?? null })
  if (!found) throw notFound()
  const { thread, membership } = found
  const access: Access = {
    viewer: request.viewer,
    community: { id: thread.community_id, visibility: thread.community_visibility, join_policy: thread.community_join_policy },
    membership,
  }
  if (!canRead(access)) throw notFound()
  const mayModerate = canModerate(access)
  // Waiting for approval or hidden by a moderator: only its author and the moderators see it.
  if ((thread.status === 'pending' || thread.status === 'hidden') && !mayModerate && thread.author_id !== request.viewer?.id) throw notFound()
  const themes = options.themesIn ? (found.themes ?? []).sort((a, b) => a.label.localeCompare(b.label, options.themesIn)) : []
  return { thread, access, mayModerate, themes }
}
