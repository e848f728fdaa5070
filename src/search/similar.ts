// Similar threads and library articles for a title being typed: from the index, else PostgreSQL; readable ones only.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Db } from '../db/connect.js'
import type { FederatedMultiSearchParams } from 'meilisearch'
import type { SearchClient } from './client.js'
import type { SearchDocument } from './documents.js'
import { markClose, markOpen, type Group } from './engine.js'
import { searchPostgres } from './fallback.js'
import { meiliFilter, type Audience, type SearchParams } from './params.js'
import { audienceOf, lookups } from './queries.js'

export const maxSuggestions = 5
const minTitleLength = 3
const maxTitleLength = 200

export interface SimilarView {
  title: string
  url: string
  typeLabel: string
}

/** The words of a title as a search: any of them may match (a title is a question, not a query), longest first. */
function titleWords(title: string): string[] {
  const words = title.toLowerCase().match(/[\p{L}\p{N}]{3,}/gu) ?? []
  return [...new Set(words)].slice(0, 12)
}

/**
 * Up to five threads and articles like the title, among what the viewer may read: the same visibility filter and
 * database check as the search page, so a members-only community is never suggested to someone outside it.
 */
export async function similarTo(app: FastifyInstance, db: Db, request: FastifyRequest, title: string) {
  const text = title.trim()
  if (text.length < minTitleLength || text.length > maxTitleLength) return []
  const words = titleWords(text)
  if (words.length === 0) return []
  const audience = await audienceOf(db, request.viewer)
  const params: SearchParams = {
    q: words.join(' '),
    types: ['thread', 'article'],
    themes: [],
    languages: [],
    communities: [],
    answered: false,
    sort: 'relevance',
    page: 1,
  }
  let groups: Group[] | null = null
  const search = app.searchClient
  if (search && !search.breaker.isOpen() && !search.status.preferFallback) {
    try {
      groups = await similarInMeilisearch(search, params, words, audience)
    } catch (err) {
      request.log.warn({ err }, 'Meilisearch did not answer the suggestions: answering from PostgreSQL')
      search.breaker.trip()
      search.reportTrouble()
    }
  }
  groups ??= (
    await app.heavyReads.run((heavyDb) => searchPostgres(heavyDb, { ...params, q: words.join(' or ') }, audience), {
      busyMessage: 'search.busy',
    })
  ).groups
  const heads = groups.slice(0, maxSuggestions * 2).map((group) => group.head)
  const found = await lookups(db, { hits: heads, audience, themeSlugs: [], communityIds: [], locale: request.locale })
  return heads
    .filter((hit) => found.readable.has(`${hit.type}-${hit.id}`))
    .slice(0, maxSuggestions)
    .map((hit): SimilarView => ({
      // Plain text: the JavaScript sets it as text, the template escapes it.
      title: hit.title.replace(new RegExp(`[${markOpen}${markClose}]`, 'g'), ''),
      url: hit.url,
      typeLabel: request.t(`search.type.${hit.type}`),
    }))
}

/**
 * A typed title holds words no document has ("planning"): the whole title and each word are asked in one federated
 * search, whose merged ranking puts what matches the title best first, and which lists each document once.
 */
async function similarInMeilisearch(
  search: SearchClient,
  params: SearchParams,
  words: string[],
  audience: Audience,
): Promise<Group[]> {
  const client = await search.searchOnly()
  const filter = meiliFilter(params, audience)
  const response = await client.multiSearch<FederatedMultiSearchParams, SearchDocument>({
    federation: { limit: maxSuggestions * 2 },
    queries: [params.q, ...(words.length > 1 ? words : [])].map((q, i) => ({
      indexUid: search.indexUid,
      q,
      filter,
      attributesToSearchOn: ['title', 'tag_labels'],
      federationOptions: { weight: i === 0 ? 1.5 : 1 },
    })),
  })
  return response.hits.map((hit) => {
    const id = Number(hit.id.slice(hit.id.indexOf('-') + 1))
    return {
      head: {
        type: hit.type,
        id,
        title: hit.title,
        snippet: '',
        url: hit.url,
        tags: [],
        language: hit.language ?? null,
        community: hit.community ?? null,
        communityName: null,
        author: hit.author,
        publishedAt: hit.published_at,
        threadId: hit.type === 'article' ? null : id,
      },
      replies: [],
      moreReplies: 0,
    }
  })
}
