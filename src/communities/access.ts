// Loads a community with the viewer's membership, answering 404 where the viewer may not even know it exists.
import type { FastifyRequest } from 'fastify'
import type { Db } from '../db/connect.js'
import { notFound } from '../web/errors.js'
import { canModerate, canPost, canRead, type Access, type Membership } from './policy.js'
import { findCommunityBySlug, findMembership } from './queries.js'

async function load(db: Db, request: FastifyRequest, slug: string, guest?: Membership | null) {
  const community = await findCommunityBySlug(db, slug)
  if (!community) throw notFound()
  const own = await findMembership(db, community.id, request.viewer?.id)
  const membership = own?.status === 'active' ? own : (guest ?? own)
  const access: Access = { viewer: request.viewer, community, membership }
  return { community, membership, access, mayPost: canPost(access), mayModerate: canModerate(access) }
}

/** `guest`: the membership a guest's invitation gives for one meeting (src/guests/policy.ts), read as theirs. */
export async function communityForViewer(db: Db, request: FastifyRequest, slug: string, guest?: Membership | null) {
  const loaded = await load(db, request, slug, guest)
  if (!canRead(loaded.access)) throw notFound()
  return loaded
}

/**
 * For the community page and asking to join: a listed members-only community exists for outsiders too, who may read
 * only what it is about (`mayRead` false: no threads, meetings, articles). Unlisted, it stays a 404 for them.
 */
export async function communityFrontForViewer(db: Db, request: FastifyRequest, slug: string) {
  const loaded = await load(db, request, slug)
  const mayRead = canRead(loaded.access)
  if (!mayRead && !loaded.community.listed) throw notFound()
  return { ...loaded, mayRead }
}
