// The one rule for who reads a thread's, a reply's or a comment's text, used by every page that shows it.
import type { ContentStatus } from '../db/database.js'

export interface ReadableContent {
  status: ContentStatus
  author_id: number
}

export interface ContentReader {
  viewerId: number | null
  /** Moderates the community the content lives in (or its article's community), or is an admin. */
  mayModerate: boolean
}

/**
 * Visible content is read by whoever may read the place it lives in (the caller checks that first). Pending and
 * hidden content only by its author (who is told why) and the moderators of its community or an admin. Deleted
 * content, by its author or rejected by a moderator, by nobody: pages show at most a placeholder.
 */
export function mayReadContent(item: ReadableContent, reader: ContentReader): boolean {
  switch (item.status) {
    case 'visible':
      return true
    case 'pending':
    case 'hidden':
      return reader.mayModerate || (reader.viewerId !== null && item.author_id === reader.viewerId)
    case 'deleted':
      return false
  }
}
