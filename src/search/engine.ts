// Asks Meilisearch, with the search-only key, and returns hits in the shape the PostgreSQL fallback also produces.
import type { SearchClient } from './client.js'
import type { DocumentType, SearchDocument } from './documents.js'
import { hitsPerPage, meiliFilter, type Audience, type SearchParams } from './params.js'

/** Stand-ins for <mark> and </mark> until the snippet has been escaped (content never holds them: see cleanText). */
export const markOpen = '\uE000'
export const markClose = '\uE001'

export interface Hit {
  type: DocumentType
  id: number
  /** Title and snippet carry markOpen/markClose around matches, and are otherwise plain, unescaped text. */
  title: string
  snippet: string
  url: string
  tags: string[]
  language: string | null
  community: number | null
  communityName: string | null
  author: string
  publishedAt: number
  /** The thread a thread or reply belongs to; null for articles. */
  threadId: number | null
}

/**
 * One result as the page lists it: an article, or a thread with its best matching replies under it. The head is the
 * group's best match: the thread itself, or (when only replies matched) the best reply, which stands for its thread.
 */
export interface Group {
  head: Hit
  replies: Hit[]
  /** Matching replies in this thread beyond those listed. */
  moreReplies: number
}

/** Replies listed under a thread result; the rest are counted ("n more in this thread"). */
export const repliesPerGroup = 3

export type FacetCounts = Record<'type' | 'tags' | 'language' | 'community', Record<string, number>>

export interface Results {
  engine: 'meilisearch' | 'postgres'
  groups: Group[]
  /** Groups (threads and articles) matching, as the engine counts them: the index may still hold stale documents. */
  total: number
  totalPages: number
  facets: FacetCounts | null
}

export const facetAttributes = ['type', 'tags', 'language', 'community'] as const

function idOf(documentId: string): number {
  return Number(documentId.slice(documentId.indexOf('-') + 1))
}

const retrieved = [
  'id',
  'type',
  'title',
  'tags',
  'language',
  'community',
  'community_name',
  'author',
  'published_at',
  'url',
  'thread_id',
]

const highlighting = {
  attributesToHighlight: ['title', 'text'],
  attributesToCrop: ['text'],
  cropLength: 36,
  cropMarker: '…',
  highlightPreTag: markOpen,
  highlightPostTag: markClose,
}

type MeiliHit = SearchDocument & { _formatted?: Partial<Record<string, unknown>> }

function toHit(hit: MeiliHit): Hit {
  const formatted = (hit._formatted ?? {}) as Partial<Record<'title' | 'text', string>>
  return {
    type: hit.type,
    id: idOf(hit.id),
    title: formatted.title ?? hit.title,
    snippet: formatted.text ?? '',
    url: hit.url,
    tags: hit.tags ?? [],
    language: hit.language ?? null,
    community: hit.community ?? null,
    communityName: hit.community_name ?? null,
    author: hit.author,
    publishedAt: hit.published_at,
    threadId: hit.type === 'article' ? null : (hit.thread_id ?? (hit.type === 'thread' ? idOf(hit.id) : null)),
  }
}

/** Whether a search lists replies under their threads: only for words (browsing by filter lists threads alone). */
export const listsReplies = (params: SearchParams) =>
  params.q !== '' && (params.types.length === 0 || params.types.includes('post'))

export async function searchMeilisearch(
  search: SearchClient,
  params: SearchParams,
  audience: Audience,
): Promise<Results> {
  const client = await search.searchOnly()
  const filter = meiliFilter(params, audience)
  const sort = params.sort === 'newest' || params.q === '' ? ['published_at:desc'] : undefined
  // distinct: one hit per thread (a thread and its replies share thread_id; articles have none, so each stands alone),
  // so pages and the count are of results as listed, not of documents.
  const response = await client.index<SearchDocument>(search.indexUid).search(params.q, {
    filter,
    facets: [...facetAttributes],
    sort,
    distinct: 'thread_id',
    page: params.page,
    hitsPerPage,
    attributesToRetrieve: retrieved,
    ...highlighting,
  })
  const heads = response.hits.map((hit) => toHit(hit as MeiliHit))
  const threads = listsReplies(params) ? heads.filter((h) => h.threadId !== null) : []
  // The best replies of every thread on the page, in one round trip.
  const replies = threads.length
    ? await client.multiSearch({
        queries: threads.map((head) => ({
          indexUid: search.indexUid,
          q: params.q,
          filter: [...filter, `thread_id = ${Math.trunc(head.threadId!)}`, 'type = "post"'],
          // A reply's document carries its thread's title: under the thread, only the reply's own words count.
          attributesToSearchOn: ['text'],
          sort,
          page: 1,
          hitsPerPage: repliesPerGroup,
          attributesToRetrieve: retrieved,
          ...highlighting,
        })),
      })
    : { results: [] }
  const byThread = new Map<number, { hits: Hit[]; total: number }>()
  threads.forEach((head, i) => {
    const result = replies.results[i]
    if (!result) return
    byThread.set(head.threadId!, {
      hits: result.hits.map((hit) => toHit(hit as unknown as MeiliHit)),
      total: result.totalHits ?? result.estimatedTotalHits ?? result.hits.length,
    })
  })
  const groups: Group[] = heads.map((head) => {
    const found = head.threadId === null ? undefined : byThread.get(head.threadId)
    return {
      head,
      replies: found?.hits ?? [],
      moreReplies: found ? Math.max(0, found.total - found.hits.length) : 0,
    }
  })
  const distribution = (response.facetDistribution ?? {}) as Partial<FacetCounts>
  return {
    engine: 'meilisearch',
    groups,
    total: response.totalHits ?? heads.length,
    totalPages: response.totalPages ?? 1,
    facets: {
      type: distribution.type ?? {},
      tags: distribution.tags ?? {},
      language: distribution.language ?? {},
      community: distribution.community ?? {},
    },
  }
}
