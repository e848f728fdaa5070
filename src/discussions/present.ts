// Rows → what the thread page shows: placeholders for deleted replies, "in reply to" where the nesting is flattened.
import { canDeletePost, canEditPost, type Access } from '../communities/policy.js'
import type { ContentStatus } from '../db/database.js'
import { mayReadContent } from '../moderation/visibility.js'
import { maxDepth } from './reply-path.js'

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
  author_organisation: string | null
  parent_author_name: string | null
  parent_depth: number | null
  editor_name: string | null
  hidden_reason: string | null
}

export function presentReplies(rows: ReplyRow[], access: Access, mayModerate = false) {
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
      hiddenNotice: row.status === 'hidden' && mayReadWithheld ? { reason: row.hidden_reason } : null,
      mayFlag: row.status === 'visible' && viewerId !== undefined && viewerId !== row.author_id,
      bodyHtml: deleted ? null : row.body_html,
      authorName: row.author_name,
      authorOrganisation: row.author_organisation,
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
      mayEdit: !deleted && canEditPost(access, post),
      mayDelete: !deleted && canDeletePost(access, post),
      mayHide: mayModerate && row.status === 'visible',
      mayRestore: mayModerate && row.status === 'hidden',
    }
  })
}
