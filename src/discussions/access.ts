// Loads a thread with its community and the viewer's membership; unreadable threads do not exist (404).
import type { FastifyRequest } from 'fastify'
import { canModerate, canRead, type Access } from '../communities/policy.js'
import { findMembership } from '../communities/queries.js'
import type { Db } from '../db/connect.js'
import { notFound } from '../web/errors.js'
import { findThread } from './queries.js'

export async function threadForViewer(db: Db, request: FastifyRequest, threadId: number) {
  const thread = await findThread(db, threadId)
  if (!thread) throw notFound()
  const membership = await findMembership(db, thread.community_id, request.viewer?.id)
  const access: Access = {
    viewer: request.viewer,
    community: { id: thread.community_id, visibility: thread.community_visibility, join_policy: thread.community_join_policy },
    membership,
  }
  if (!canRead(access)) throw notFound()
  const mayModerate = canModerate(access)
  // Waiting for approval or hidden by a moderator: only its author and the moderators see it.
  if ((thread.status === 'pending' || thread.status === 'hidden') && !mayModerate && thread.author_id !== request.viewer?.id) throw notFound()
  return { thread, access, mayModerate }
}
