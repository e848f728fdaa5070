// Rows → what the thread page shows: placeholders for deleted replies, "in reply to" where the nesting is flattened,
// the quote of the reply answered, the accepted answer, and who each author is (avatar, organisation, country).
import { canDeletePost, canEditPost, isSuspended, type Access } from '../communities/policy.js'
import type { ContentStatus } from '../db/database.js'
import { mayReadContent } from '../moderation/visibility.js'
import { avatarFor, type Avatar } from '../web/avatar.js'
import { translate, type Locale } from '../web/i18n.js'
import { anonymousLabel, defaultLabelKey } from '../anonymous/label.js'
import { formerMember } from '../data-rights/present.js'
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

/** What a page knows to present anonymous posts: the community's label, and whether this viewer may know the author. */
export interface Anonymity {
  label: string
  /** A moderator of the community or an admin. */
  mayKnow: boolean
  viewerId: number | null
}

/** An avatar that says nothing about anyone: no initials, one neutral colour. */
export const neutralAvatar: Avatar = { initials: '', colourClass: 'avatar-anon' }

/**
 * Who wrote a post, as every post shows it: the one rule for posts written without a name. Others see the community's
 * label (no id to link, no initials, organisation or country); moderators the label and who posted it; the author
 * their own name, marked "posted as" the label.
 */
export function presentAuthor(
  row: {
    id: number
    name: string
    organisation: string | null
    country: string | null
    anonymous?: boolean
    guest?: boolean | null
    /** A deleted account (src/data-rights): a "Former member", with no avatar and no id to link. */
    deletedAt?: Date | null
  },
  locale: Locale,
  anonymity?: Anonymity,
) {
  if (row.deletedAt) return { ...formerMember(locale), isGuest: false, avatar: neutralAvatar, anonymousNote: null }
  const named = {
    id: row.id as number | null,
    name: row.name,
    /** A guest invited to this one thread (src/guests): marked beside the name. */
    isGuest: row.guest === true,
    avatar: avatarFor(row.name, row.id),
    organisation: row.organisation,
    country: countryName(row.country, locale),
    anonymousNote: null as string | null,
  }
  if (!row.anonymous) return named
  const label = anonymity?.label ?? translate(locale, defaultLabelKey)
  if (anonymity && anonymity.viewerId === row.id)
    return { ...named, anonymousNote: translate(locale, 'anonymous.note.own', { label }) }
  // Moderators read who wrote it in the note; the label itself links nowhere, for them as for everyone.
  if (anonymity?.mayKnow)
    return {
      ...named,
      id: null,
      name: label,
      anonymousNote: translate(locale, 'anonymous.note.moderator', { name: row.name }),
    }
  return {
    id: null,
    name: label,
    isGuest: false,
    avatar: neutralAvatar,
    organisation: null,
    country: null,
    anonymousNote: null,
  }
}

/** Just the name a viewer may read for a post's author (quotes, "in reply to", edited by, history). */
export function authorName(
  author: { id: number | null; name: string | null; anonymous: boolean | null },
  locale: Locale,
  anonymity: Anonymity,
): string | null {
  if (author.name === null || author.id === null) return author.name
  if (!author.anonymous || anonymity.viewerId === author.id) return author.name
  return anonymity.mayKnow
    ? `${anonymity.label} — ${translate(locale, 'anonymous.note.moderator', { name: author.name })}`
    : anonymity.label
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
  author_guest?: boolean | null
  parent_author_name: string | null
  parent_depth: number | null
  editor_name: string | null
  hidden_reason: string | null
  hidden_by: number | null
  parent_html: string | null
  anonymous: boolean
  parent_author_id: number | null
  parent_anonymous: boolean | null
}

export function presentReplies(
  rows: ReplyRow[],
  access: Access,
  mayModerate = false,
  options: { locale?: Locale; answerId?: number | null; mayMarkAnswer?: boolean; anonymity?: Anonymity } = {},
) {
  const locale = options.locale ?? 'en'
  const anonymity = options.anonymity ?? {
    label: translate(locale, defaultLabelKey),
    mayKnow: mayModerate,
    viewerId: access.viewer?.id ?? null,
  }
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
    const parentName = authorName(
      { id: row.parent_author_id, name: row.parent_author_name, anonymous: row.parent_anonymous },
      locale,
      anonymity,
    )
    const author = presentAuthor(
      {
        id: row.author_id,
        name: row.author_name,
        organisation: row.author_organisation,
        country: row.author_country,
        anonymous: row.anonymous,
        guest: row.author_guest,
        deletedAt: row.author_deleted_at,
      },
      locale,
      anonymity,
    )
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
      authorName: author.name,
      author,
      createdAt: row.created_at,
      editedAt: deleted ? null : row.edited_at,
      editedByOther:
        !deleted && row.edited_at !== null && row.edited_by !== null && row.edited_by !== row.author_id
          ? row.editor_name
          : null,
      inReplyTo:
        row.parent_id !== null && (flattened || parentElsewhere) ? { id: row.parent_id, name: parentName } : null,
      // The reply answered, quoted: its author and the start of its text, only while it is visible to everyone.
      quote:
        !deleted && row.parent_id !== null && row.parent_html !== null
          ? { id: row.parent_id, name: parentName, excerpt: excerptOf(row.parent_html) }
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

/** The Anonymity of a page in one community, for this viewer. */
export function anonymityOf(
  locale: Locale,
  stored: string | null,
  viewer: { id: number } | null,
  mayModerate: boolean,
): Anonymity {
  return { label: anonymousLabel(locale, stored), mayKnow: mayModerate, viewerId: viewer?.id ?? null }
}

/**
 * Names on a history page: where the author of an anonymous post edited it, the label (their name would undo it);
 * others who edited (moderators) by name.
 */
export function editorNames(locale: Locale, anonymity: Anonymity, author: { id: number; anonymous: boolean }) {
  const editor = (editorId: number | null, name: string | null) =>
    editorId === author.id ? authorName({ id: author.id, name, anonymous: author.anonymous }, locale, anonymity) : name
  return {
    editor,
    revision: <R extends { editor_id: number | null; editor_name: string | null }>(row: R) => ({
      ...row,
      editor_name: editor(row.editor_id, row.editor_name),
    }),
  }
}
