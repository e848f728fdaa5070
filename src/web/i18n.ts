// UI text in the viewer's language: catalogs under src/web/locales/<locale>/<domain>.json, one lookup for all of it.
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const supportedLocales = ['en', 'nl', 'fr', 'de'] as const
export type Locale = (typeof supportedLocales)[number]
export const defaultLocale: Locale = 'en'

type Catalog = Record<string, string>
const localesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'locales')

function loadCatalog(locale: Locale): Catalog {
  const dir = path.join(localesDir, locale)
  const catalog: Catalog = {}
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const part = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Catalog
    for (const [key, text] of Object.entries(part)) {
      if (key in catalog) throw new Error(`Translation key "${key}" is defined twice in ${dir}`)
      catalog[key] = text
    }
  }
  return catalog
}

/** Each domain keeps its own file per locale; they are merged into one catalog per locale at start. */
export const catalogs: Record<Locale, Catalog> = Object.fromEntries(
  supportedLocales.map((locale) => [locale, loadCatalog(locale)]),
) as Record<Locale, Catalog>

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (supportedLocales as readonly string[]).includes(value)
}

export type Vars = Record<string, string | number | null | undefined>

/** Looks a key up in the viewer's catalog, falling back to English, and fills in {placeholders}. */
const pluralRules = new Map(supportedLocales.map((locale) => [locale, new Intl.PluralRules(locale)]))

function lookup(locale: Locale, key: string): string | undefined {
  return catalogs[locale][key] ?? catalogs[defaultLocale][key]
}

/** Counted texts have a form per plural category: key.one, key.other (and key.zero/few/many where a language needs them). */
function pluralKey(locale: Locale, key: string, vars?: Vars): string {
  const count = vars?.count
  if (typeof count !== 'number' || lookup(locale, `${key}.other`) === undefined) return key
  const category = pluralRules.get(locale)!.select(count)
  return lookup(locale, `${key}.${category}`) !== undefined ? `${key}.${category}` : `${key}.other`
}

const numberFormats = new Map(supportedLocales.map((locale) => [locale, new Intl.NumberFormat(locale)]))

/** A number as the reader writes it: 1,250 in English, 1.250 in Dutch and German, 1 250 in French. */
export function formatNumber(locale: Locale, value: number): string {
  return numberFormats.get(locale)!.format(value)
}

/**
 * The plural form is chosen from the number itself; the number then goes into the text in the reader's format
 * (every numeric variable but `id`, which is a reference to quote as it is).
 */
export function translate(locale: Locale, key: string, vars?: Vars): string {
  const template = lookup(locale, pluralKey(locale, key, vars))
  if (template === undefined) throw new Error(`Missing translation key "${key}"`)
  if (!vars) return template
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = vars[name]
    if (value === undefined || value === null) return whole
    return typeof value === 'number' && name !== 'id' ? formatNumber(locale, value) : String(value)
  })
}

export function hasKey(key: string): boolean {
  return catalogs[defaultLocale][key] !== undefined || catalogs[defaultLocale][`${key}.other`] !== undefined
}

/** Picks the first supported language from an Accept-Language header, honouring q-values. */
export function localeFromAcceptLanguage(header: string | undefined): Locale | null {
  if (!header) return null
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag, ...params] = part.trim().split(';')
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
      return { base: tag.trim().toLowerCase().split('-')[0], q: q ? Number(q.slice(2)) : 1, index }
    })
    .filter((entry) => entry.base && Number.isFinite(entry.q) && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
  return ranked.map((entry) => entry.base).find(isLocale) ?? null
}

export function languageName(locale: Locale): string {
  return translate(locale, `language.${locale}`)
}
