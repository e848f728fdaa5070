// Rows → what the thread page shows: placeholders for deleted replies, "in reply to" where the nesting is flattened,
// the quote of the reply answered, the accepted answer, and who each author is (avatar, organisation, country).
import { canDeletePost, canEditPost, isSuspended, type Access } from '../communities/policy.js'
import type { ContentStatus } from '../db/database.js'
import { mayReadContent } from '../moderation/visibility.js'
import { formerMember } from '../data-rights/present.js'
import { avatarFor } from '../web/avatar.js'
import { displayName } from '../web/display-names.js'
import { maxDepth } from './reply-path.js'

/** Characters of plain text in a quote of the reply answered, or of the accepted answer under the first post. */
export const excerptLength = 200

const entities: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&amp;': '&', '&#39;': "'" }

/**
 * A short plain-text excerpt of sanitized HTML (see src/markdown/render.ts), which may be cut short mid-tag by the
 * query: tags become spaces, a cut tag at the end is dropped, the text ends at a word with an ellipsis.
 */
export function excerptOf(html: string | null, max = excerptLength): string | null {
  if (!html) return null
  const text = html
    .replace(/<[^>]*(>|$)/g, ' ')
    .replace(/&(lt|gt|quot|amp|#39);/g, (entity) => entities[entity] ?? entity)
    .replace(/\s+/g, ' ')
    .trim()
  if (text.length <= max) return text || null
  const cut = text.slice(0, max)
  const space = cut.lastIndexOf(' ')
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`
}

/** A country code as the viewer's language names it. */
export function countryName(code: string | null, locale: string): string | null {
  if (!code) return null
  return displayName('region', locale, code) ?? code
}

/** Who wrote a post, as every post shows it: a deleted account is a "Former member", with no avatar and no id to link. */
export function presentAuthor(
  row: { id: number; name: string; organisation: string | null; country: string | null; deletedAt?: Date | null },
  locale: string,
) {
  if (row.deletedAt) return formerMember(locale)
  return {
    id: row.id as number | null,
    name: row.name,
    avatar: avatarFor(row.name, row.id) as ReturnType<typeof avatarFor> | null,
    organisation: row.organisation,
    country: countryName(row.country, locale),
  }
}

/**
 * Who may mark a reply as the thread's answer: the thread's starter (an active member, not suspended) or a
 * moderator of its community, while the thread is visible. The command checks it again inside its transaction.
 */
export function mayMarkAnswer(access: Access, thread: { author_id: number; status: string }, mayModerate: boolean) {
  if (!access.viewer || isSuspended(access.viewer) || thread.status !== 'visible') return false
  if (mayModerate) return true
  return access.viewer.id === thread.author_id && access.membership?.status === 'active'
}

type ReplyRow = {
  id: number
  parent_id: number | null
  author_id: number
  body_html: string
  status: ContentStatus
  depth: number
  created_at: Date
  edited_at: Date | null
  edited_by: number | null
  author_name: string
  author_deleted_at: Date | null
  author_organisation: string | null
  author_country: string | null
  parent_author_name: string | null
  parent_depth: number | null
  editor_name: string | null
  hidden_reason: string | null
  hidden_by: number | null
  parent_html: string | null
}

export function presentReplies(
  rows: ReplyRow[],
  access: Access,
  mayModerate = false,
  options: { locale?: string; answerId?: number | null; mayMarkAnswer?: boolean } = {},
) {
  const locale = options.locale ?? 'en'
  const answerId = options.answerId ?? null
  const onPage = new Set(rows.map((r) => r.id))
  const viewerId = access.viewer?.id
  const reader = { viewerId: viewerId ?? null, mayModerate }
  return rows.map((row) => {
    // Pending and hidden replies keep their place in the tree; only their author and the moderators read them.
    const withheld = row.status === 'pending' || row.status === 'hidden'
    const mayRead = mayReadContent(row, reader)
    const mayReadWithheld = withheld && mayRead
    const deleted = !mayRead
    const post = { author_id: row.author_id, status: row.status }
    // A reply whose parent is not just above it (flattened beyond maxDepth, or on another page) names whom it answers.
    const flattened = row.parent_depth !== null && row.parent_depth >= maxDepth
    const parentElsewhere = row.parent_id !== null && !onPage.has(row.parent_id)
    return {
      id: row.id,
      depth: Math.min(row.depth, maxDepth),
      deleted,
      deletedByAuthor: row.status === 'deleted' && (row.edited_by === null || row.edited_by === row.author_id),
      withheldPlaceholder: withheld && !mayReadWithheld ? row.status : null,
      pendingNotice: row.status === 'pending' && mayReadWithheld,
      // Hidden by the flags of members (no moderator, no reason) or by a moderator, who gave a reason.
      hiddenNotice:
        row.status === 'hidden' && mayReadWithheld
          ? {
              reason: row.hidden_reason,
              afterFlags: row.hidden_by === null && row.hidden_reason === null,
              own: viewerId === row.author_id,
            }
          : null,
      mayFlag: row.status === 'visible' && viewerId !== undefined && viewerId !== row.author_id,
      bodyHtml: deleted ? null : row.body_html,
      authorName: row.author_deleted_at ? formerMember(locale).name : row.author_name,
      author: presentAuthor(
        {
          id: row.author_id,
          name: row.author_name,
          organisation: row.author_organisation,
          country: row.author_country,
          deletedAt: row.author_deleted_at,
        },
        locale,
      ),
      createdAt: row.created_at,
      editedAt: deleted ? null : row.edited_at,
      editedByOther:
        !deleted && row.edited_at !== null && row.edited_by !== null && row.edited_by !== row.author_id
          ? row.editor_name
          : null,
      inReplyTo:
        row.parent_id !== null && (flattened || parentElsewhere)
          ? { id: row.parent_id, name: row.parent_author_name }
          : null,
      // The reply answered, quoted: its author and the start of its text, only while it is visible to everyone.
      quote:
        !deleted && row.parent_id !== null && row.parent_html !== null
          ? { id: row.parent_id, name: row.parent_author_name, excerpt: excerptOf(row.parent_html) }
          : null,
      isAnswer: !deleted && row.status === 'visible' && row.id === answerId,
      mayMarkAnswer: !deleted && row.status === 'visible' && (options.mayMarkAnswer ?? false) && row.id !== answerId,
      mayUnmarkAnswer: !deleted && (options.mayMarkAnswer ?? false) && row.id === answerId,
      mayEdit: !deleted && canEditPost(access, post),
      mayDelete: !deleted && canDeletePost(access, post),
      mayHide: mayModerate && row.status === 'visible',
      mayRestore: mayModerate && row.status === 'hidden',
    }
  })
}
