// Loads a community with the viewer's membership, answering 404 where the viewer may not even know it exists.
import type { FastifyRequest } from 'fastify'
import type { Db } from '../db/connect.js'
import { notFound } from '../web/errors.js'
import { canModerate, canPost, canRead, type Access } from './policy.js'
import { findCommunityBySlug, findMembership } from './queries.js'

export async function communityForViewer(db: Db, request: FastifyRequest, slug: string) {
  const community = await findCommunityBySlug(db, slug)
  if (!community) throw notFound()
  const membership = await findMembership(db, community.id, request.viewer?.id)
  const access: Access = { viewer: request.viewer, community, membership }
  if (!canRead(access)) throw notFound()
  return { community, membership, access, mayPost: canPost(access), mayModerate: canModerate(access) }
}
