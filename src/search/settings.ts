// The content index's settings, applied idempotently, and the search-only key that queries use.
import { createHash } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Settings } from 'meilisearch'
import type { Database } from '../db/database.js'
import { supportedLocales } from '../web/i18n.js'
import type { SearchClient } from './client.js'

type Db = Kysely<Database>

export const contentIndexUid = (search: Pick<SearchClient, 'indexPrefix'>) => `${search.indexPrefix}content`

// ISO 639-1 (how Kring stores languages) to ISO 639-3 (what Meilisearch's tokenizer speaks).
const iso639_3: Record<string, string> = {
  en: 'eng',
  nl: 'nld',
  de: 'deu',
  fr: 'fra',
  es: 'spa',
  it: 'ita',
  pt: 'por',
  da: 'dan',
  sv: 'swe',
  nb: 'nob',
  no: 'nor',
  fi: 'fin',
  pl: 'pol',
  cs: 'ces',
  hu: 'hun',
  ro: 'ron',
  el: 'ell',
  tr: 'tur',
  ar: 'ara',
  he: 'heb',
  ru: 'rus',
  uk: 'ukr',
}

export const toMeiliLocale = (language: string) => iso639_3[language.toLowerCase()] ?? null

/** Each theme's labels in every language are synonyms of one another ("participatie" ⇄ "participation"). */
export async function themeSynonyms(db: Db): Promise<Record<string, string[]>> {
  const rows = await db
    .selectFrom('tag_labels as l')
    .innerJoin('tags as t', 't.id', 'l.tag_id')
    .select(['l.label', 't.id', 't.merged_into_id'])
    .where('t.kind', '=', 'theme')
    .execute()
  const groups = new Map<number, Set<string>>()
  for (const row of rows) {
    const theme = row.merged_into_id ?? row.id
    const label = row.label.trim().toLowerCase().replace(/\s+/g, ' ')
    if (label === '' || label.length > 100) continue
    const group = groups.get(theme) ?? new Set<string>()
    group.add(label)
    groups.set(theme, group)
  }
  const synonyms: Record<string, string[]> = {}
  for (const group of groups.values()) {
    if (group.size < 2) continue
    for (const label of group) {
      const others = [...group].filter((other) => other !== label)
      synonyms[label] = [...new Set([...(synonyms[label] ?? []), ...others])].sort()
    }
  }
  return synonyms
}

/**
 * The languages in use: the interface's, and any an article is written in; but not German. With German among the
 * candidates, Meilisearch splits what it takes for German compounds, in documents and queries alike, and a short text
 * or query it detects differently no longer finds its own exact word (measured: "zqpublishedarticlezq" found two
 * other documents and not its own). German text is tokenized on word boundaries like the others instead.
 */
async function contentLocales(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('articles').select('language').distinct().where('status', '=', 'published').execute()
  const languages = new Set<string>([...supportedLocales, ...rows.map((r) => r.language)])
  languages.delete('de')
  return [...new Set([...languages].map(toMeiliLocale).filter((l): l is string => l !== null))].sort()
}

export async function desiredSettings(db: Db): Promise<Settings> {
  const [synonyms, locales] = await Promise.all([themeSynonyms(db), contentLocales(db)])
  return {
    // Order is ranking: a match in the title beats one in a theme label, which beats one in the text.
    searchableAttributes: ['title', 'tag_labels', 'text'],
    filterableAttributes: ['type', 'tags', 'language', 'community', 'visibility', 'thread_id', 'answered'],
    sortableAttributes: ['published_at'],
    displayedAttributes: ['*'],
    rankingRules: ['words', 'typo', 'proximity', 'attribute', 'sort', 'exactness'],
    synonyms,
    // Restricting detection to the languages in use keeps short Dutch texts from being tokenized as Afrikaans.
    localizedAttributes: [{ attributePatterns: ['title', 'tag_labels', 'text'], locales }],
    typoTolerance: { enabled: true },
    faceting: { maxValuesPerFacet: 100 },
    pagination: { maxTotalHits: 1000 },
  }
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical)
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    )
  }
  return value
}

/** Only what differs from the index's current settings, so applying on every start costs nothing when nothing changed. */
export function settingsDiff(current: Settings, desired: Settings): Settings {
  const diff: Record<string, unknown> = {}
  for (const [key, want] of Object.entries(desired)) {
    let have = (current as Record<string, unknown>)[key]
    if (key === 'typoTolerance' && have && typeof have === 'object')
      have = { enabled: (have as { enabled?: boolean }).enabled }
    if (key === 'faceting' && have && typeof have === 'object')
      have = { maxValuesPerFacet: (have as { maxValuesPerFacet?: number }).maxValuesPerFacet }
    if (JSON.stringify(canonical(have)) !== JSON.stringify(canonical(want))) diff[key] = want
  }
  return diff as Settings
}

export function isNotFound(error: unknown): boolean {
  const cause = (error as { cause?: { status?: number } } | null)?.cause
  return (
    cause?.status === 404 ||
    (error as { cause?: { body?: { code?: string } } })?.cause?.body?.code === 'index_not_found'
  )
}

async function waitFor(search: SearchClient, taskUid: number, timeoutMs = 60_000) {
  const task = await search.meili.tasks.waitForTask(taskUid, { timeout: timeoutMs, interval: 10 })
  if (task.status !== 'succeeded')
    throw new Error(`Meilisearch task ${taskUid} (${task.type}) ${task.status}: ${task.error?.message ?? ''}`)
  return task
}

/** Creates the index if it is missing and brings its settings to what Kring needs; safe to run from every instance. */
export async function applyIndexSettings(
  db: Db,
  search: SearchClient,
  uid = contentIndexUid(search),
): Promise<{ created: boolean; changed: string[] }> {
  let created = false
  let current: Settings
  try {
    current = await search.meili.index(uid).getSettings()
  } catch (error) {
    if (!isNotFound(error)) throw error
    const task = await search.meili.createIndex(uid, { primaryKey: 'id' })
    try {
      await waitFor(search, task.taskUid)
    } catch (createError) {
      // Another instance created it at the same moment: that is what we wanted.
      if (!/already exists/.test(String((createError as Error).message))) throw createError
    }
    created = true
    current = await search.meili.index(uid).getSettings()
  }
  const diff = settingsDiff(current, await desiredSettings(db))
  const changed = Object.keys(diff)
  if (changed.length) {
    const task = await search.meili.index(uid).updateSettings(diff)
    await waitFor(search, task.taskUid)
  }
  return { created, changed }
}

/** The same uid on every instance (derived, not random), so they all find the one key instead of each making its own. */
function searchKeyUid(search: SearchClient, masterKey: string): string {
  const hex = createHash('sha256')
    .update(`kring-search-key:${contentIndexUid(search)}:${masterKey}`)
    .digest('hex')
  // Shaped as a version 4 UUID, which is what Meilisearch accepts as a key uid.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

/** A key that may only search the content index: the one queries use, so the master key serves admin work only. */
export async function ensureSearchKey(search: SearchClient, masterKey: string): Promise<string> {
  const uid = searchKeyUid(search, masterKey)
  try {
    return (await search.meili.getKey(uid)).key
  } catch (error) {
    if (!isNotFound(error)) throw error
  }
  try {
    const key = await search.meili.createKey({
      uid,
      name: `kring-search-${contentIndexUid(search)}`,
      description: 'Kring: search-only key for the content index',
      actions: ['search'],
      indexes: [contentIndexUid(search)],
      expiresAt: null,
    })
    return key.key
  } catch (error) {
    // Created by another instance in the meantime.
    return (await search.meili.getKey(uid)).key
  }
}

export { waitFor as waitForTask }
