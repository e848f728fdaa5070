// Loads an article for the viewer: who they are to it, and a 404 for drafts they may not see.
import type { FastifyRequest } from 'fastify'
import type { Db } from '../db/connect.js'
import { notFound } from '../web/errors.js'
import { canEdit, canReview, canView, type LibraryActor } from './policy.js'
import { findArticleBySlug, moderatedCommunityIds } from './queries.js'

export async function actorOf(db: Db, request: FastifyRequest): Promise<LibraryActor> {
  return { viewer: request.viewer, moderates: await moderatedCommunityIds(db, request.viewer?.id) }
}

export async function articleForViewer(db: Db, request: FastifyRequest, slug: string) {
  if (!/^[a-z0-9-]{1,80}$/.test(slug)) throw notFound()
  const [article, actor] = await Promise.all([findArticleBySlug(db, slug), actorOf(db, request)])
  if (!article || !canView(actor, article)) throw notFound()
  return { article, actor, mayEdit: canEdit(actor, article), mayReview: canReview(actor, article) }
}
