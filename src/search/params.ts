// Reads the search page's query string: every value whitelisted or pattern-checked, anything malformed a clear 400.
import { documentTypes, type DocumentType } from './documents.js'

export const maxQueryLength = 500
export const maxPage = 50
export const hitsPerPage = 20
const maxValuesPerFacet = 10

export type SortOrder = 'relevance' | 'newest'

export interface SearchParams {
  q: string
  types: DocumentType[]
  themes: string[]
  languages: string[]
  communities: number[]
  /** Only threads with a visible accepted answer. */
  answered: boolean
  sort: SortOrder
  page: number
}

export interface ParsedSearch {
  params: SearchParams
  /** Catalog keys of what was wrong with the request; any of them makes the answer a 400. */
  problems: string[]
  /** Catalog keys of what was adjusted without failing (a page past the end, a query of punctuation only). */
  notes: string[]
}

const themePattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/
const languagePattern = /^[a-z]{2,3}$/
// Control characters and the private-use characters that stand for highlight marks until a snippet is escaped.
const unwanted = /[\u0000-\u001f\u007f-\u009f\uE000\uE001\u2028\u2029]/g

function list(raw: unknown): string[] | null {
  if (raw === undefined || raw === '') return []
  const values = Array.isArray(raw) ? raw : [raw]
  if (!values.every((v) => typeof v === 'string')) return null
  return [...new Set((values as string[]).filter((v) => v !== ''))]
}

export function parseSearchParams(query: Record<string, unknown>): ParsedSearch {
  const problems: string[] = []
  const notes: string[] = []

  let q =
    typeof query.q === 'string' ? query.q : Array.isArray(query.q) && typeof query.q[0] === 'string' ? query.q[0] : ''
  q = q.replace(unwanted, ' ').replace(/\s+/g, ' ').trim()
  if (q.length > maxQueryLength) {
    problems.push('search.problem.query_too_long')
    q = q.slice(0, maxQueryLength)
  }
  if (q !== '' && !/[\p{L}\p{N}]/u.test(q)) {
    notes.push('search.note.no_words')
    q = ''
  }

  const types = list(query.type)
  if (
    types === null ||
    types.length > maxValuesPerFacet ||
    !types.every((t) => (documentTypes as readonly string[]).includes(t))
  )
    problems.push('search.problem.type')
  const themes = list(query.theme)
  if (
    themes === null ||
    themes.length > maxValuesPerFacet ||
    !themes.every((t) => t.length <= 100 && themePattern.test(t))
  )
    problems.push('search.problem.theme')
  const languages = list(query.language)
  if (languages === null || languages.length > maxValuesPerFacet || !languages.every((l) => languagePattern.test(l)))
    problems.push('search.problem.language')
  const communities = list(query.community)
  if (
    communities === null ||
    communities.length > maxValuesPerFacet ||
    !communities.every((c) => /^[1-9][0-9]{0,9}$/.test(c) && Number(c) <= 2_147_483_647)
  )
    problems.push('search.problem.community')

  let answered = false
  if (query.answered !== undefined && query.answered !== '') {
    if (query.answered === '1') answered = true
    else problems.push('search_results.problem.answered')
  }

  let sort: SortOrder = 'relevance'
  if (query.sort !== undefined && query.sort !== '') {
    if (query.sort === 'relevance' || query.sort === 'newest') sort = query.sort
    else problems.push('search.problem.sort')
  }

  let page = 1
  if (query.page !== undefined && query.page !== '') {
    if (typeof query.page !== 'string' || !/^[0-9]{1,12}$/.test(query.page) || Number(query.page) < 1)
      problems.push('search.problem.page')
    else if (Number(query.page) > maxPage) {
      notes.push('search.note.page_clamped')
      page = maxPage
    } else page = Number(query.page)
  }

  return {
    params: {
      q,
      types: problems.includes('search.problem.type') ? [] : (types as DocumentType[]),
      themes: problems.includes('search.problem.theme') ? [] : themes!,
      languages: problems.includes('search.problem.language') ? [] : languages!,
      communities: problems.includes('search.problem.community') ? [] : communities!.map(Number),
      answered,
      sort,
      page,
    },
    problems,
    notes,
  }
}

/** The URL of this search with some parameters changed; empty values are left out, so links stay short and shareable. */
export function searchUrl(params: SearchParams, change: Partial<SearchParams> = {}): string {
  const next = { ...params, ...change }
  const query = new URLSearchParams()
  if (next.q) query.set('q', next.q)
  for (const value of next.types) query.append('type', value)
  for (const value of next.themes) query.append('theme', value)
  for (const value of next.languages) query.append('language', value)
  for (const value of next.communities) query.append('community', String(value))
  if (next.answered) query.set('answered', '1')
  if (next.sort !== 'relevance') query.set('sort', next.sort)
  if (next.page > 1) query.set('page', String(next.page))
  const text = query.toString()
  return text ? `/search?${text}` : '/search'
}

export const hasFilters = (params: SearchParams) =>
  params.types.length + params.themes.length + params.languages.length + params.communities.length > 0 ||
  params.answered

/** Who may read what: the filter every query carries, whatever else the request asked for. */
export type Audience = { kind: 'everyone' } | { kind: 'public'; communities: number[] }

/** A string value inside a Meilisearch filter: quoted, with the only two characters that could end the quote escaped. */
export function quoteFilterValue(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
}

/**
 * The Meilisearch filter as a list of expressions that are ANDed, each parsed on its own: no value can reach into
 * another expression, and the visibility expression is always there.
 */
export function meiliFilter(params: SearchParams, audience: Audience): string[] {
  const filter: string[] = []
  if (audience.kind === 'public') {
    const allowed = ['public', ...audience.communities.map((id) => `community:${Math.trunc(id)}`)]
    filter.push(`visibility IN [${allowed.map(quoteFilterValue).join(', ')}]`)
  }
  const anyOf = (attribute: string, values: string[]) => {
    if (values.length) filter.push(`${attribute} IN [${values.map(quoteFilterValue).join(', ')}]`)
  }
  anyOf('type', params.types)
  anyOf('tags', params.themes)
  anyOf('language', params.languages)
  if (params.communities.length)
    filter.push(`community IN [${params.communities.map((id) => String(Math.trunc(id))).join(', ')}]`)
  if (params.answered) filter.push('answered = true')
  return filter
}
