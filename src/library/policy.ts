// Who may see and change library articles: published ones are public; drafts belong to their author and the reviewers.
import { isSuspended } from '../communities/policy.js'
import { mayReadContent } from '../moderation/visibility.js'
import type { Viewer } from '../web/viewer.js'

export interface ArticleRef {
  hidden_at?: Date | null
  author_id: number
  status: 'draft' | 'in_review' | 'published' | 'archived'
  community_id: number | null
}

export interface LibraryActor {
  viewer: Viewer | null
  /** Communities this viewer moderates (active membership with role moderator). */
  moderates: Set<number>
}

const isAdmin = (actor: LibraryActor) => actor.viewer?.siteRole === 'admin'

/** Reviewers of an article: admins, and moderators of the community it came from. */
export function canReview(actor: LibraryActor, article: Pick<ArticleRef, 'community_id'>): boolean {
  if (!actor.viewer || isSuspended(actor.viewer)) return false
  return isAdmin(actor) || (article.community_id !== null && actor.moderates.has(article.community_id))
}

export function canView(actor: LibraryActor, article: ArticleRef): boolean {
  if (article.status === 'published' && !article.hidden_at) return true
  // Hidden by a moderator: as hidden threads and replies, its author (told why) and the reviewers still see it.
  if (article.hidden_at) {
    const reader = { viewerId: actor.viewer?.id ?? null, mayModerate: canReview(actor, article) }
    return mayReadContent({ status: 'hidden', author_id: article.author_id }, reader)
  }
  if (!actor.viewer) return false
  if (article.author_id === actor.viewer.id || isAdmin(actor)) return true
  return article.status !== 'draft' && article.community_id !== null && actor.moderates.has(article.community_id)
}

export function canEdit(actor: LibraryActor, article: ArticleRef): boolean {
  if (!actor.viewer || isSuspended(actor.viewer)) return false
  if (article.status === 'archived') return canReview(actor, article)
  return article.author_id === actor.viewer.id || canReview(actor, article)
}

export function canWrite(actor: LibraryActor): boolean {
  return actor.viewer !== null && !isSuspended(actor.viewer)
}

export function canSubmit(actor: LibraryActor, article: ArticleRef): boolean {
  return article.status === 'draft' && actor.viewer?.id === article.author_id && !isSuspended(actor.viewer)
}

export function canComment(actor: LibraryActor, article: ArticleRef): boolean {
  return article.status === 'published' && !article.hidden_at && canWrite(actor)
}
