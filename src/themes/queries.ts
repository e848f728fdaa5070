// The theme taxonomy shared by discussions and the library: one theme, a label per language.
import { sql } from 'kysely'
import type { Db } from '../db/connect.js'
import { supportedLocales, type Locale } from '../web/i18n.js'

/** The languages a theme has a label in: every interface language, and German ahead of its interface. */
export const labelLocales: readonly string[] = [...new Set<string>([...supportedLocales, 'de'])]

export interface ThemeView {
  id: number
  slug: string
  label: string
}

/** The label in the viewer's language, else English, else the slug. */
export function labelExpression(locale: Locale) {
  return sql<string>`coalesce(
    (select label from tag_labels where tag_id = t.id and locale = ${locale}),
    (select label from tag_labels where tag_id = t.id and locale = 'en'),
    t.slug)`
}

export async function listThemes(db: Db, locale: Locale): Promise<ThemeView[]> {
  const rows = await db
    .selectFrom('tags as t')
    .select(['t.id', 't.slug', labelExpression(locale).as('label')])
    .where('t.kind', '=', 'theme')
    .where('t.merged_into_id', 'is', null)
    .execute()
  return rows.sort((a, b) => a.label.localeCompare(b.label, locale))
}

export async function listThemesWithLabels(db: Db) {
  const [tags, labels] = await Promise.all([
    db
      .selectFrom('tags')
      .select(['id', 'slug', 'created_at'])
      .where('kind', '=', 'theme')
      .where('merged_into_id', 'is', null)
      .orderBy('slug')
      .execute(),
    db.selectFrom('tag_labels').select(['tag_id', 'locale', 'label']).execute(),
  ])
  return tags.map((tag) => ({
    ...tag,
    labels: Object.fromEntries(labels.filter((l) => l.tag_id === tag.id).map((l) => [l.locale, l.label])) as Record<
      string,
      string
    >,
  }))
}

/** Resolves theme slugs to ids; unknown slugs are returned so the form can name them. */
export async function resolveThemeSlugs(db: Db, slugs: string[]): Promise<{ ids: number[]; unknown: string[] }> {
  const unique = [...new Set(slugs)]
  if (unique.length === 0) return { ids: [], unknown: [] }
  const rows = await db
    .selectFrom('tags')
    .select(['id', 'slug'])
    .where('slug', 'in', unique)
    .where('kind', '=', 'theme')
    .where('merged_into_id', 'is', null)
    .execute()
  const found = new Map(rows.map((r) => [r.slug, r.id]))
  return {
    ids: unique.filter((s) => found.has(s)).map((s) => found.get(s)!),
    unknown: unique.filter((s) => !found.has(s)),
  }
}

/** Themes of many threads in one query (no N+1): thread id → themes. */
export async function themesOfThreads(db: Db, threadIds: number[], locale: Locale): Promise<Map<number, ThemeView[]>> {
  const byThread = new Map<number, ThemeView[]>()
  if (threadIds.length === 0) return byThread
  const rows = await db
    .selectFrom('thread_tags as tt')
    .innerJoin('tags as t', 't.id', 'tt.tag_id')
    .select(['tt.thread_id', 't.id', 't.slug', labelExpression(locale).as('label')])
    .where('tt.thread_id', 'in', threadIds)
    .execute()
  for (const row of rows) {
    const list = byThread.get(row.thread_id) ?? []
    list.push({ id: row.id, slug: row.slug, label: row.label })
    byThread.set(row.thread_id, list)
  }
  for (const list of byThread.values()) list.sort((a, b) => a.label.localeCompare(b.label, locale))
  return byThread
}
