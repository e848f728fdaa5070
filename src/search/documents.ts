// Builds the Meilisearch documents of threads, replies and articles from their current rows, in a few set-based queries.
import { publicAuthorName } from '../anonymous/label.js'
import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/database.js'
import { guessLanguage } from './language.js'

export type DocumentType = 'article' | 'thread' | 'post'
export const documentTypes: readonly DocumentType[] = ['article', 'thread', 'post']

export interface SearchDocument {
  id: string
  type: DocumentType
  title: string
  text: string
  /** Theme slugs, for filtering. */
  tags: string[]
  /** Every label of those themes in every language, so a search in one language finds content tagged in another. */
  tag_labels: string[]
  language: string | null
  community: number | null
  community_name: string | null
  author: string
  /** Unix seconds. */
  published_at: number
  visibility: 'public' | `community:${number}`
  url: string
  /** For threads and replies: lets a thread's replies leave the index together when the thread does. */
  thread_id: number | null
  /** Threads and their replies: whether the thread has an accepted answer that is visible (the "answered" filter). */
  answered: boolean
}

/** What one sync pass sends to Meilisearch. */
export interface DocumentChanges {
  upserts: SearchDocument[]
  deletes: string[]
  /** Threads whose replies must all leave the index (the thread is gone or no longer visible). */
  threadsGone: number[]
}

type Db = Kysely<Database>

export const documentId = (type: DocumentType, id: number) => `${type}-${id}`

// Highlight marks are these private-use characters until the snippet is escaped, so content must never hold them;
// control characters have no business in an index either.
const unsafeCharacters = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\uE000\uE001]/g
const maxTextLength = 50_000

export function cleanText(text: string, max = maxTextLength): string {
  const cleaned = text.replace(unsafeCharacters, ' ')
  return cleaned.length > max ? cleaned.slice(0, max) : cleaned
}

const blockTag = /<\/?(?:p|br|h[1-6]|ul|ol|li|pre|blockquote|hr|table|thead|tbody|tr|th|td|div)\b[^>]*>/g

/** Plain text of the sanitized HTML stored beside the Markdown (cheaper than rendering the Markdown again). */
export function htmlToText(html: string): string {
  return html
    .replace(blockTag, ' ')
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#0*39;|&#x0*27;|&apos;/gi, "'")
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim()
}

const unixSeconds = (date: Date | string) => Math.floor(new Date(date).getTime() / 1000)

function visibilityOf(community: { id: number; visibility: 'public' | 'members' }): SearchDocument['visibility'] {
  return community.visibility === 'public' ? 'public' : `community:${community.id}`
}

interface ThemeInfo {
  slug: string
  labels: string[]
}

/** Themes of threads or articles; a merged theme counts as the theme it was merged into. */
async function themesOf(db: Db, kind: 'thread' | 'article', ids: number[]): Promise<Map<number, ThemeInfo[]>> {
  const result = new Map<number, ThemeInfo[]>()
  if (ids.length === 0) return result
  const links =
    kind === 'thread'
      ? await db
          .selectFrom('thread_tags as x')
          .innerJoin('tags as t', 't.id', 'x.tag_id')
          .select(['x.thread_id as owner', 't.id', 't.slug', 't.merged_into_id'])
          .where('x.thread_id', 'in', ids)
          .execute()
      : await db
          .selectFrom('article_tags as x')
          .innerJoin('tags as t', 't.id', 'x.tag_id')
          .select(['x.article_id as owner', 't.id', 't.slug', 't.merged_into_id'])
          .where('x.article_id', 'in', ids)
          .execute()
  if (links.length === 0) return result
  const mergedInto = [...new Set(links.map((l) => l.merged_into_id).filter((id): id is number => id !== null))]
  const targets = mergedInto.length
    ? await db.selectFrom('tags').select(['id', 'slug']).where('id', 'in', mergedInto).execute()
    : []
  const slugById = new Map(targets.map((t) => [t.id, t.slug]))
  const themeIds = [...new Set(links.map((l) => l.merged_into_id ?? l.id))]
  for (const l of links) slugById.set(l.id, l.slug)
  // A merged theme's own labels stay searchable: people still type the old name.
  const labelRows = await db
    .selectFrom('tag_labels')
    .select(['tag_id', 'label'])
    .where('tag_id', 'in', [...new Set([...themeIds, ...links.map((l) => l.id)])])
    .execute()
  const labelsByTag = new Map<number, string[]>()
  for (const row of labelRows) labelsByTag.set(row.tag_id, [...(labelsByTag.get(row.tag_id) ?? []), row.label])
  for (const link of links) {
    const themeId = link.merged_into_id ?? link.id
    const slug = slugById.get(themeId) ?? link.slug
    const list = result.get(link.owner) ?? []
    let theme = list.find((t) => t.slug === slug)
    if (!theme) {
      theme = { slug, labels: [] }
      list.push(theme)
    }
    for (const label of [
      ...(labelsByTag.get(themeId) ?? []),
      ...(link.merged_into_id ? (labelsByTag.get(link.id) ?? []) : []),
    ]) {
      if (!theme.labels.includes(label)) theme.labels.push(label)
    }
    result.set(link.owner, list)
  }
  return result
}

function themeFields(themes: ThemeInfo[] | undefined) {
  const list = themes ?? []
  return {
    tags: list.map((t) => t.slug).sort(),
    tag_labels: [...new Set(list.flatMap((t) => t.labels))].map((l) => cleanText(l, 200)),
  }
}

/** Whether thread `t` has an accepted answer that readers can see (the answer hidden or deleted means unanswered). */
const answeredColumn = sql<boolean>`exists (select 1 from posts ap where ap.id = t.answer_post_id
  and ap.thread_id = t.id and ap.status = 'visible')`.as('answered')

function threadRows(db: Db, ids: number[]) {
  return db
    .selectFrom('threads as t')
    .innerJoin('communities as c', 'c.id', 't.community_id')
    .innerJoin('users as u', 'u.id', 't.author_id')
    .select([
      't.id',
      't.title',
      't.body_html',
      't.status',
      't.created_at',
      'c.id as community_id',
      'c.name as community_name',
      'c.visibility',
      'c.anonymous_label',
      't.anonymous',
      'u.display_name',
      answeredColumn,
    ])
    .where('t.id', 'in', ids)
    .execute()
}

/**
 * Threads: the thread's own document and those of all its replies (they carry its title, themes and visibility).
 * A thread that is gone or not visible takes its replies out with it.
 */
export async function threadDocuments(db: Db, threadIds: number[]): Promise<DocumentChanges> {
  const changes: DocumentChanges = { upserts: [], deletes: [], threadsGone: [] }
  if (threadIds.length === 0) return changes
  const rows = await threadRows(db, threadIds)
  const visible = rows.filter((r) => r.status === 'visible')
  const visibleIds = new Set(visible.map((r) => r.id))
  for (const id of threadIds) {
    if (!visibleIds.has(id)) {
      changes.deletes.push(documentId('thread', id))
      changes.threadsGone.push(id)
    }
  }
  if (visible.length === 0) return changes
  const themes = await themesOf(
    db,
    'thread',
    visible.map((r) => r.id),
  )
  for (const row of visible) {
    const text = cleanText(htmlToText(row.body_html))
    changes.upserts.push({
      id: documentId('thread', row.id),
      type: 'thread',
      title: cleanText(row.title, 500),
      text,
      ...themeFields(themes.get(row.id)),
      language: guessLanguage(`${row.title} ${text}`),
      community: row.community_id,
      community_name: row.community_name,
      // Never the name of who posted without one: their label, which is all a search may find them by.
      author: authorOf(row.anonymous, row.display_name, row.anonymous_label),
      published_at: unixSeconds(row.created_at),
      visibility: visibilityOf({ id: row.community_id, visibility: row.visibility }),
      url: `/t/${row.id}`,
      thread_id: row.id,
      answered: row.answered,
    })
  }
  const posts = await db
    .selectFrom('posts as p')
    .innerJoin('users as u', 'u.id', 'p.author_id')
    .select(['p.id', 'p.thread_id', 'p.body_html', 'p.status', 'p.created_at', 'p.anonymous', 'u.display_name'])
    .where('p.thread_id', 'in', [...visibleIds])
    .execute()
  const byId = new Map(visible.map((r) => [r.id, r]))
  for (const post of posts) {
    if (post.status !== 'visible') {
      changes.deletes.push(documentId('post', post.id))
      continue
    }
    changes.upserts.push(postDocument(post, byId.get(post.thread_id)!, themes.get(post.thread_id)))
  }
  return changes
}

type ThreadRow = Awaited<ReturnType<typeof threadRows>>[number]

/** One index serves every language: the community's own label, or the default one in English. */
const authorOf = (anonymous: boolean, name: string, label: string | null) =>
  publicAuthorName(anonymous, name, label, 'en')

function postDocument(
  post: {
    id: number
    thread_id: number
    body_html: string
    created_at: Date
    display_name: string
    anonymous: boolean
  },
  thread: Pick<ThreadRow, 'title' | 'community_id' | 'community_name' | 'visibility' | 'answered' | 'anonymous_label'>,
  themes: ThemeInfo[] | undefined,
): SearchDocument {
  const text = cleanText(htmlToText(post.body_html))
  return {
    id: documentId('post', post.id),
    type: 'post',
    title: cleanText(thread.title, 500),
    text,
    ...themeFields(themes),
    language: guessLanguage(text),
    community: thread.community_id,
    community_name: thread.community_name,
    author: authorOf(post.anonymous, post.display_name, thread.anonymous_label),
    published_at: unixSeconds(post.created_at),
    visibility: visibilityOf({ id: thread.community_id, visibility: thread.visibility }),
    url: `/t/${post.thread_id}?at=${post.id}#p${post.id}`,
    thread_id: post.thread_id,
    answered: thread.answered,
  }
}

/** Replies on their own: searchable only while both the reply and its thread are visible. */
export async function postDocuments(db: Db, postIds: number[]): Promise<DocumentChanges> {
  const changes: DocumentChanges = { upserts: [], deletes: [], threadsGone: [] }
  if (postIds.length === 0) return changes
  const rows = await db
    .selectFrom('posts as p')
    .innerJoin('threads as t', 't.id', 'p.thread_id')
    .innerJoin('communities as c', 'c.id', 't.community_id')
    .innerJoin('users as u', 'u.id', 'p.author_id')
    .select([
      'p.id',
      'p.thread_id',
      'p.body_html',
      'p.status',
      'p.created_at',
      'p.anonymous',
      'u.display_name',
      't.title',
      't.status as thread_status',
      'c.id as community_id',
      'c.name as community_name',
      'c.visibility',
      'c.anonymous_label',
      answeredColumn,
    ])
    .where('p.id', 'in', postIds)
    .execute()
  const searchable = rows.filter((r) => r.status === 'visible' && r.thread_status === 'visible')
  const searchableIds = new Set(searchable.map((r) => r.id))
  for (const id of postIds) if (!searchableIds.has(id)) changes.deletes.push(documentId('post', id))
  const themes = await themesOf(db, 'thread', [...new Set(searchable.map((r) => r.thread_id))])
  for (const row of searchable) changes.upserts.push(postDocument(row, row, themes.get(row.thread_id)))
  return changes
}

/** Articles: only published ones are searchable, and a published article is public whichever community wrote it. */
export async function articleDocuments(db: Db, articleIds: number[]): Promise<DocumentChanges> {
  const changes: DocumentChanges = { upserts: [], deletes: [], threadsGone: [] }
  if (articleIds.length === 0) return changes
  const rows = await db
    .selectFrom('articles as a')
    .leftJoin('communities as c', 'c.id', 'a.community_id')
    .innerJoin('users as u', 'u.id', 'a.author_id')
    .select([
      'a.id',
      'a.slug',
      'a.title',
      'a.summary',
      'a.body_text',
      'a.language',
      'a.status',
      'a.hidden_at',
      'a.published_at',
      'a.updated_at',
      'c.id as community_id',
      'c.name as community_name',
      'u.display_name',
    ])
    .where('a.id', 'in', articleIds)
    .execute()
  // Hidden by a moderator means out of search too.
  const published = rows.filter((r) => r.status === 'published' && r.hidden_at === null)
  const publishedIds = new Set(published.map((r) => r.id))
  for (const id of articleIds) if (!publishedIds.has(id)) changes.deletes.push(documentId('article', id))
  const themes = await themesOf(
    db,
    'article',
    published.map((r) => r.id),
  )
  for (const row of published) {
    changes.upserts.push({
      id: documentId('article', row.id),
      type: 'article',
      title: cleanText(row.title, 500),
      text: cleanText([row.summary, row.body_text].filter(Boolean).join(' ')),
      ...themeFields(themes.get(row.id)),
      language: row.language || null,
      community: row.community_id,
      community_name: row.community_name,
      author: row.display_name,
      published_at: unixSeconds(row.published_at ?? row.updated_at),
      visibility: 'public',
      url: `/library/${row.slug}`,
      thread_id: null,
      answered: false,
    })
  }
  return changes
}

export function mergeChanges(parts: DocumentChanges[]): DocumentChanges {
  const upserts = new Map<string, SearchDocument>()
  const deletes = new Set<string>()
  const threadsGone = new Set<number>()
  for (const part of parts) {
    for (const doc of part.upserts) upserts.set(doc.id, doc)
    for (const id of part.deletes) deletes.add(id)
    for (const id of part.threadsGone) threadsGone.add(id)
  }
  // A document both built and deleted in one pass (a reply seen through its thread and on its own) is decided by the
  // state read last; both reads saw the same committed rows unless a change landed in between, which re-enqueues it.
  for (const id of deletes) upserts.delete(id)
  return { upserts: [...upserts.values()], deletes: [...deletes], threadsGone: [...threadsGone] }
}
