// Search results and facets → view models. Highlighted text is escaped first; only the highlight marks become HTML.
import { displayName } from '../web/display-names.js'
import type { Locale } from '../web/i18n.js'
import { documentTypes, type DocumentType } from './documents.js'
import { listsReplies, markClose, markOpen, type FacetCounts, type Group, type Hit } from './engine.js'
import type { Lookups } from './queries.js'
import { searchUrl, type SearchParams } from './params.js'

const escapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
  '=': '&#61;',
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`=]/g, (c) => escapes[c])
}

/**
 * Text with highlight marks → HTML: everything is escaped, then each mark pair becomes <mark>…</mark>. A stray or
 * unbalanced mark is dropped or closed, so the result is always well-formed whatever the engine returned.
 */
export function highlightedHtml(text: string): string {
  let open = false
  const html = escapeHtml(text).replace(new RegExp(`[${markOpen}${markClose}]`, 'g'), (mark) => {
    if (mark === markOpen && !open) {
      open = true
      return '<mark>'
    }
    if (mark === markClose && open) {
      open = false
      return '</mark>'
    }
    return ''
  })
  return open ? `${html}</mark>` : html
}

export interface ResultView {
  type: DocumentType
  typeKey: string
  titleHtml: string
  snippetHtml: string
  url: string
  themes: { slug: string; label: string; url: string }[]
  language: string | null
  languageName: string | null
  community: { id: number; name: string } | null
  /** Null when the result stands for a thread of which only replies matched: its author is not the reply's. */
  author: string | null
  authorId: number | null
  date: Date | null
  answered: boolean
  replies: ReplyView[]
  moreReplies: number
  /** Where "n more in this thread" leads: the thread, where every reply can be read in order. */
  moreUrl: string | null
}

export interface ReplyView {
  snippetHtml: string
  url: string
  author: string
  date: Date
}

export interface FacetValueView {
  value: string
  label: string
  count: number
  selected: boolean
  url: string
}

export interface FacetView {
  name: 'type' | 'theme' | 'language' | 'community'
  labelKey: string
  values: FacetValueView[]
}

export function languageLabel(language: string, locale: Locale): string {
  try {
    const name = displayName('language', locale, language)
    return name ? name.charAt(0).toLocaleUpperCase(locale) + name.slice(1) : language
  } catch {
    return language
  }
}

const threadUrl = (threadId: number) => `/t/${threadId}`

/**
 * Groups → results as listed. Every hit is checked against the database first (the index lags): a result whose
 * thread or article is no longer readable is dropped, and so is each reply that is not, so the page counts what it shows.
 */
export function presentGroups(groups: Group[], lookups: Lookups, locale: Locale, params: SearchParams): ResultView[] {
  const readable = (hit: Hit) => lookups.readable.has(`${hit.type}-${hit.id}`)
  const withReplies = listsReplies(params)
  const results: ResultView[] = []
  for (const { head, replies, moreReplies } of groups) {
    const threadId = head.threadId
    if (threadId !== null && !lookups.readable.has(`thread-${threadId}`)) continue
    const shownReplies = replies.filter(readable)
    // With replies listed, a reply heads its thread's result when replies matched and the thread did not.
    const standsForThread = head.type === 'post' && withReplies
    if (standsForThread ? shownReplies.length === 0 : !readable(head)) continue
    results.push({
      type: standsForThread ? 'thread' : head.type,
      typeKey: `search.type.${standsForThread ? 'thread' : head.type}`,
      titleHtml: highlightedHtml(head.title),
      snippetHtml: highlightedHtml(standsForThread ? '' : head.snippet),
      url: standsForThread ? threadUrl(threadId!) : head.url,
      themes: head.tags.map((slug) => ({
        slug,
        label: lookups.themeLabels.get(slug) ?? slug,
        url: searchUrl(params, { themes: [slug], page: 1 }),
      })),
      language: head.language,
      languageName: head.language ? languageLabel(head.language, locale) : null,
      // Only communities this reader may know of are named: an article is public, the members-only circle it came from is not.
      community:
        head.community !== null && lookups.communityNames.has(head.community)
          ? { id: head.community, name: lookups.communityNames.get(head.community)! }
          : null,
      author: standsForThread ? null : head.author,
      authorId: standsForThread ? null : (lookups.authorIds.get(`${head.type}-${head.id}`) ?? null),
      date: standsForThread ? null : new Date(head.publishedAt * 1000),
      answered: threadId !== null && lookups.answered.has(threadId),
      replies: shownReplies.map((reply) => ({
        snippetHtml: highlightedHtml(reply.snippet),
        url: reply.url,
        author: reply.author,
        date: new Date(reply.publishedAt * 1000),
      })),
      moreReplies,
      moreUrl: moreReplies > 0 && threadId !== null ? threadUrl(threadId) : null,
    })
  }
  return results
}

function toggle<T>(list: T[], value: T): T[] {
  return list.includes(value) ? list.filter((v) => v !== value) : [...list, value]
}

/** Facet values with their counts; values the viewer selected stay listed (with a way out) even when their count is 0. */
export function presentFacets(
  counts: FacetCounts,
  params: SearchParams,
  lookups: Lookups,
  locale: Locale,
  t: (key: string) => string,
): FacetView[] {
  const entries = (distribution: Record<string, number>, selected: string[]) => {
    const map = new Map(Object.entries(distribution))
    for (const value of selected) if (!map.has(value)) map.set(value, 0)
    return [...map.entries()]
  }
  const byCount = (a: FacetValueView, b: FacetValueView) => b.count - a.count || a.label.localeCompare(b.label, locale)

  const types: FacetValueView[] = entries(counts.type, params.types)
    .filter(([value]) => (documentTypes as readonly string[]).includes(value))
    .map(([value, count]) => ({
      value,
      count,
      label: t(`search.type.${value}`),
      selected: params.types.includes(value as DocumentType),
      url: searchUrl(params, { types: toggle(params.types, value as DocumentType), page: 1 }),
    }))
  const themes = entries(counts.tags, params.themes).map(([value, count]) => ({
    value,
    count,
    label: lookups.themeLabels.get(value) ?? value,
    selected: params.themes.includes(value),
    url: searchUrl(params, { themes: toggle(params.themes, value), page: 1 }),
  }))
  const languages = entries(counts.language, params.languages).map(([value, count]) => ({
    value,
    count,
    label: languageLabel(value, locale),
    selected: params.languages.includes(value),
    url: searchUrl(params, { languages: toggle(params.languages, value), page: 1 }),
  }))
  const communities = entries(counts.community, params.communities.map(String))
    // A community the viewer may not read has no name for them, and no place on their page.
    .filter(([value]) => lookups.communityNames.has(Number(value)))
    .map(([value, count]) => ({
      value,
      count,
      label: lookups.communityNames.get(Number(value))!,
      selected: params.communities.includes(Number(value)),
      url: searchUrl(params, { communities: toggle(params.communities, Number(value)), page: 1 }),
    }))
  return [
    { name: 'type' as const, labelKey: 'search.facet.type', values: types.sort(byCount) },
    { name: 'theme' as const, labelKey: 'search.facet.theme', values: themes.sort(byCount) },
    { name: 'language' as const, labelKey: 'search.facet.language', values: languages.sort(byCount) },
    { name: 'community' as const, labelKey: 'search.facet.community', values: communities.sort(byCount) },
  ].filter((facet) => facet.values.length > 0)
}
