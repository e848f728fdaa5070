// Search results and facets → view models. Highlighted text is escaped first; only the highlight marks become HTML.
import { displayName } from '../web/display-names.js'
import type { Locale } from '../web/i18n.js'
import { documentTypes, type DocumentType } from './documents.js'
import { markClose, markOpen, type FacetCounts, type Hit } from './engine.js'
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

export function presentHits(hits: Hit[], lookups: Lookups, locale: Locale, params: SearchParams): ResultView[] {
  return hits
    .filter((hit) => lookups.readable.has(`${hit.type}-${hit.id}`))
    .map((hit) => ({
      type: hit.type,
      typeKey: `search.type.${hit.type}`,
      titleHtml: highlightedHtml(hit.title),
      snippetHtml: highlightedHtml(hit.snippet),
      url: hit.url,
      themes: hit.tags.map((slug) => ({
        slug,
        label: lookups.themeLabels.get(slug) ?? slug,
        url: searchUrl(params, { themes: [slug], page: 1 }),
      })),
      language: hit.language,
      languageName: hit.language ? languageLabel(hit.language, locale) : null,
      // Only communities this reader may know of are named: an article is public, the members-only circle it came from is not.
      community:
        hit.community !== null && lookups.communityNames.has(hit.community)
          ? { id: hit.community, name: lookups.communityNames.get(hit.community)! }
          : null,
      author: hit.author,
      date: new Date(hit.publishedAt * 1000),
    }))
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
