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
}

export type FacetCounts = Record<'type' | 'tags' | 'language' | 'community', Record<string, number>>

export interface Results {
  engine: 'meilisearch' | 'postgres'
  hits: Hit[]
  total: number
  totalPages: number
  facets: FacetCounts | null
}

export const facetAttributes = ['type', 'tags', 'language', 'community'] as const

function idOf(documentId: string): number {
  return Number(documentId.slice(documentId.indexOf('-') + 1))
}

export async function searchMeilisearch(
  search: SearchClient,
  params: SearchParams,
  audience: Audience,
): Promise<Results> {
  const client = await search.searchOnly()
  const response = await client.index<SearchDocument>(search.indexUid).search(params.q, {
    filter: meiliFilter(params, audience),
    facets: [...facetAttributes],
    sort: params.sort === 'newest' || params.q === '' ? ['published_at:desc'] : undefined,
    page: params.page,
    hitsPerPage,
    attributesToRetrieve: [
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
    ],
    attributesToHighlight: ['title', 'text'],
    attributesToCrop: ['text'],
    cropLength: 36,
    cropMarker: '…',
    highlightPreTag: markOpen,
    highlightPostTag: markClose,
  })
  const hits: Hit[] = response.hits.map((hit) => {
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
    }
  })
  const distribution = (response.facetDistribution ?? {}) as Partial<FacetCounts>
  return {
    engine: 'meilisearch',
    hits,
    total: response.totalHits ?? hits.length,
    totalPages: response.totalPages ?? 1,
    facets: {
      type: distribution.type ?? {},
      tags: distribution.tags ?? {},
      language: distribution.language ?? {},
      community: distribution.community ?? {},
    },
  }
}
