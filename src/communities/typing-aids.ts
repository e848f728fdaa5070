// What the typing aids of the forms share (mention suggestions, similar threads): a per-person rate limit, and the
// rule that only someone who may write in the community gets answers about it, as JSON the scripts can read.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '../db/connect.js'
import { canPost } from './policy.js'
import { findCommunityBySlug, findMembership } from './queries.js'

/** Typing sends a request every few keys: generous for a person, a wall for a script walking lists or the index. */
export function typingAidLimit(app: FastifyInstance, name: string, max: number) {
  return app.rateLimit({
    max,
    timeWindow: 60_000,
    keyGenerator: (request: FastifyRequest) => `${name}:${request.viewer?.id ?? request.ip}`,
  })
}

/**
 * The community of `/c/:slug/...` (and who asks) when the viewer may write there; otherwise the JSON refusal has been sent (401 for a
 * visitor, 404 where they may not write: the community's lists are not theirs to search, and may not exist).
 */
export async function communityForTypingAid(db: Db, request: FastifyRequest, reply: FastifyReply) {
  reply.header('cache-control', 'no-store')
  if (!request.viewer) {
    await reply.code(401).send({ error: request.t('error.401.message') })
    return null
  }
  const community = await findCommunityBySlug(db, (request.params as { slug: string }).slug)
  const membership = community ? await findMembership(db, community.id, request.viewer.id) : null
  if (!community || !canPost({ viewer: request.viewer, community, membership })) {
    await reply.code(404).send({ error: request.t('error.404.message') })
    return null
  }
  return { community, viewerId: request.viewer.id }
}
