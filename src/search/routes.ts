// GET /search: Meilisearch with the viewer's visibility filter, PostgreSQL when Meilisearch is away, never a 500 for bad input.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '../db/connect.js'
import { listThemes } from '../themes/queries.js'
import { isKeyRefused, type SearchClient } from './client.js'
import { HeavyReadRefused, renderHeavyReadRefusal } from '../db/heavy-reads.js'
import { searchMeilisearch, type Results } from './engine.js'
import { searchPostgres } from './fallback.js'
import {
  hasFilters,
  hitsPerPage,
  maxPage,
  maxQueryLength,
  parseSearchParams,
  searchUrl,
  type SearchParams,
} from './params.js'
import { LogBackoff } from './log-backoff.js'
import { presentFacets, presentGroups } from './present.js'
import { audienceOf, lookups } from './queries.js'
import { similarTo } from './similar.js'
import { communityForTypingAid, typingAidLimit } from '../communities/typing-aids.js'

const suggestedThemes = 12

export async function searchRoutes(app: FastifyInstance, { db, search }: { db: Db; search: SearchClient | null }) {
  // While Meilisearch is away every search would log the same warning: the first, then at growing intervals.
  const queryTrouble = new LogBackoff(app.log)
  const themeSuggestions = async (request: FastifyRequest, params: SearchParams) =>
    (await listThemes(db, request.locale))
      .slice(0, suggestedThemes)
      .map((theme) => ({ label: theme.label, url: searchUrl({ ...params, themes: [theme.slug], page: 1 }) }))

  const page = (request: FastifyRequest, reply: FastifyReply, params: SearchParams, data: Record<string, unknown>) =>
    reply.header('cache-control', 'private, no-cache').render('search/results', {
      title: params.q ? request.t('search.page.title_query', { q: params.q }) : request.t('search.page.title'),
      q: params.q,
      sort: params.sort,
      hidden: hiddenFields(params),
      ...data,
    })

  const similarLimit = typingAidLimit(app, 'similar', 30)

  // Suggestions under the title of a new thread (static/js/kring.js); without JavaScript the preview shows them.
  // Only for those who may start a thread here, as the form itself.
  app.get('/c/:slug/similar', { onRequest: similarLimit }, async (request, reply) => {
    const allowed = await communityForTypingAid(db, request, reply)
    if (!allowed) return reply
    const raw = (request.query as Record<string, unknown>).title
    const title = typeof raw === 'string' ? raw : ''
    try {
      const suggestions = await similarTo(app, db, request, title)
      return reply.send({
        heading: request.t('search_results.similar.heading'),
        intro: request.t('search_results.similar.intro'),
        suggestions,
      })
    } catch (err) {
      // Busy or failing: no suggestions is an answer the form can live with.
      if (!(err instanceof HeavyReadRefused)) request.log.warn({ err }, 'similar-thread suggestions failed')
      return reply.send({ suggestions: [] })
    }
  })

  app.get('/search', async (request, reply) => {
    const parsed = parseSearchParams(request.query as Record<string, unknown>)
    const { params } = parsed
    const notes = parsed.notes.map((key) => request.t(key, { max: maxPage }))

    if (parsed.problems.length) {
      request.log.info({ problems: parsed.problems }, 'search refused')
      return page(request, reply.code(400), params, {
        problems: parsed.problems.map((key) => request.t(key, { max: maxQueryLength })),
        themes: await themeSuggestions(request, { ...params, q: '' }),
      })
    }
    if (params.q === '' && !hasFilters(params)) {
      return page(request, reply, params, { empty: true, notes, themes: await themeSuggestions(request, params) })
    }

    const audience = await audienceOf(db, request.viewer)
    let results: Results | null = null
    // preferFallback: the index is known to miss much of the database (lost, being rebuilt), PostgreSQL has it all.
    if (search && !search.breaker.isOpen() && !search.status.preferFallback) {
      try {
        results = await searchMeilisearch(search, params, audience)
        queryTrouble.recovered('query', {}, 'Meilisearch answers searches again', request.log)
      } catch (err) {
        // Unreachable, timing out or answering errors: readers get the fallback, operators the log line, and the
        // worker checks the index, its settings and the key now rather than at its next interval.
        queryTrouble.failure(
          'query',
          { err },
          'Meilisearch did not answer the search: answering from PostgreSQL',
          'warn',
          request.log,
        )
        search.breaker.trip()
        search.reportTrouble()
        // A refused key (deleted, or Meilisearch lost its data) is replaced at once, worker or not.
        if (isKeyRefused(err))
          search.verifySearchKey().then(
            (renewed) => {
              if (renewed)
                app.log.warn({ index: search.indexUid }, 'Meilisearch refused the search key: made a new one')
              search.breaker.reset()
            },
            () => {},
          )
      }
    }
    const incomplete = search?.status.incomplete ?? null
    try {
      // The fallback scans much: it runs behind the heavy-read gate, on connections the pages do not need.
      results ??= await app.heavyReads.run((heavyDb) => searchPostgres(heavyDb, params, audience), {
        busyMessage: 'search.busy',
      })
    } catch (err) {
      if (err instanceof HeavyReadRefused) return renderHeavyReadRefusal(request, reply, err, params.q || undefined)
      throw err
    }

    const facetThemes = Object.keys(results.facets?.tags ?? {})
    const facetCommunities = Object.keys(results.facets?.community ?? {})
      .map(Number)
      .filter(Number.isInteger)
    const allHits = results.groups.flatMap((group) => [group.head, ...group.replies])
    const found = await lookups(db, {
      hits: allHits,
      audience,
      themeSlugs: [...new Set([...params.themes, ...facetThemes, ...allHits.flatMap((h) => h.tags)])],
      communityIds: [
        ...new Set([
          ...params.communities,
          ...facetCommunities,
          ...allHits.flatMap((h) => (h.community === null ? [] : [h.community])),
        ]),
      ],
      locale: request.locale,
    })
    for (const slug of params.themes)
      if (!found.themeLabels.has(slug)) notes.push(request.t('search.note.unknown_theme', { theme: slug }))

    const shown = presentGroups(results.groups, found, request.locale, params)
    const totalPages = Math.min(results.totalPages, maxPage)
    const pastEnd = results.total > 0 && params.page > totalPages
    const count = countShown(results, shown.length, params.page)
    return page(request, reply, params, {
      results: shown,
      total: count.total,
      countText: request.t(count.estimated ? 'search_results.count_about' : 'search.results.count', {
        count: count.total,
      }),
      limited: results.engine === 'postgres',
      incomplete: incomplete ? request.t(`search.incomplete.${incomplete}`) : null,
      facets: results.facets
        ? presentFacets(results.facets, params, found, request.locale, request.t.bind(request))
        : [],
      filtered: hasFilters(params),
      clearFiltersUrl: searchUrl({
        ...params,
        types: [],
        themes: [],
        languages: [],
        communities: [],
        answered: false,
        page: 1,
      }),
      sortOptions: (['relevance', 'newest'] as const).map((value) => ({
        value,
        label: request.t(`search.sort.${value}`),
        selected: params.sort === value,
        url: searchUrl(params, { sort: value, page: 1 }),
      })),
      pager:
        totalPages > 1 || pastEnd
          ? {
              page: params.page,
              pages: totalPages,
              previousUrl:
                params.page > 1
                  ? searchUrl(params, { page: Math.min(params.page - 1, Math.max(totalPages, 1)) })
                  : null,
              nextUrl: params.page < totalPages ? searchUrl(params, { page: params.page + 1 }) : null,
            }
          : null,
      pastEnd,
      firstPageUrl: searchUrl(params, { page: 1 }),
      notes,
      noResults: shown.length === 0,
      answeredFilter: {
        selected: params.answered,
        url: searchUrl(params, { answered: !params.answered, page: 1 }),
      },
      themes: shown.length === 0 ? await themeSuggestions(request, { ...params, q: '' }) : [],
      hitsPerPage,
    })
  })
}

/** The filters and sort the search box keeps when the words change. */
function hiddenFields(params: SearchParams) {
  return [
    ...params.types.map((value) => ({ name: 'type', value })),
    ...params.themes.map((value) => ({ name: 'theme', value })),
    ...params.languages.map((value) => ({ name: 'language', value })),
    ...params.communities.map((value) => ({ name: 'community', value: String(value) })),
    ...(params.answered ? [{ name: 'answered', value: '1' }] : []),
    ...(params.sort !== 'relevance' ? [{ name: 'sort', value: params.sort }] : []),
  ]
}

/**
 * The count above the list is of results (a thread with its replies is one), and agrees with what is listed: hits the
 * index still holds but the viewer may no longer read are dropped and not counted. All results on one page: the count
 * is exactly what is shown. Over several pages only this page was checked, so after a drop the count says "about".
 */
export function countShown(results: Results, shown: number, page: number): { total: number; estimated: boolean } {
  const dropped = results.groups.length - shown
  if (page === 1 && results.totalPages <= 1) return { total: shown, estimated: false }
  return { total: Math.max(shown, results.total - dropped), estimated: dropped > 0 }
}
