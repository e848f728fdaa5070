// What can be followed by email: a theme's published library, a public community's, or the whole library. A target is
// written "theme:<slug>", "community:<slug>" or "library" in forms and links.
import type { Db } from '../db/connect.js'
import type { SubscriptionTarget } from '../db/database.js'
import { labelExpression } from '../themes/queries.js'
import type { Locale } from '../web/i18n.js'
import { slugPattern } from '../web/params.js'

export interface TargetRef {
  type: SubscriptionTarget
  slug: string | null
}

export interface ResolvedTarget extends TargetRef {
  id: number | null
  /** In the reader's language (a theme's label). */
  name: string
}

export function parseTarget(raw: string): TargetRef | null {
  if (raw === 'library') return { type: 'library', slug: null }
  const match = /^(theme|community):(.{1,60})$/.exec(raw)
  if (!match || !slugPattern.test(match[2])) return null
  return { type: match[1] as 'theme' | 'community', slug: match[2] }
}

export function targetKey(target: TargetRef): string {
  return target.type === 'library' ? 'library' : `${target.type}:${target.slug}`
}

/** The target as a visitor may follow it, or null: unknown, merged away, or a members-only community. */
export async function resolveTarget(
  db: Db,
  ref: TargetRef,
  locale: Locale,
  libraryName: string,
): Promise<ResolvedTarget | null> {
  if (ref.type === 'library') return { ...ref, id: null, name: libraryName }
  if (ref.type === 'theme') {
    const theme = await db
      .selectFrom('tags as t')
      .select(['t.id', labelExpression(locale).as('label')])
      .where('t.slug', '=', ref.slug!)
      .where('t.kind', '=', 'theme')
      .where('t.merged_into_id', 'is', null)
      .executeTakeFirst()
    return theme ? { ...ref, id: theme.id, name: theme.label } : null
  }
  // A members-only community's library is for its members: outsiders cannot follow it (nor learn it exists).
  const community = await db
    .selectFrom('communities')
    .select(['id', 'name'])
    .where('slug', '=', ref.slug!)
    .where('visibility', '=', 'public')
    .executeTakeFirst()
  return community ? { ...ref, id: community.id, name: community.name } : null
}

export interface TargetName {
  name: string
  /** Local path of the page the subscription follows. */
  path: string
  /** False once a community went members-only: its digest stops. */
  followable: boolean
}

/**
 * Names of many targets at once (the digest's batch, a manage page), in each locale asked for: two queries, however
 * many subscriptions. Keyed by `${type}:${id}:${locale}`.
 */
export async function namesOfTargets(
  db: Db,
  targets: { target_type: SubscriptionTarget; target_id: number | null }[],
  locales: Locale[],
  libraryName: (locale: Locale) => string,
): Promise<Map<string, TargetName>> {
  const names = new Map<string, TargetName>()
  const themeIds = [...new Set(targets.filter((t) => t.target_type === 'theme').map((t) => t.target_id!))]
  const communityIds = [...new Set(targets.filter((t) => t.target_type === 'community').map((t) => t.target_id!))]
  for (const locale of locales)
    names.set(`library::${locale}`, { name: libraryName(locale), path: '/library', followable: true })
  if (themeIds.length > 0) {
    for (const locale of locales) {
      const rows = await db
        .selectFrom('tags as t')
        .select(['t.id', 't.slug', 't.merged_into_id', labelExpression(locale).as('label')])
        .where('t.id', 'in', themeIds)
        .execute()
      for (const row of rows)
        names.set(`theme:${row.id}:${locale}`, {
          name: row.label,
          path: `/themes/${row.slug}`,
          followable: row.merged_into_id === null,
        })
    }
  }
  if (communityIds.length > 0) {
    const rows = await db
      .selectFrom('communities')
      .select(['id', 'slug', 'name', 'visibility'])
      .where('id', 'in', communityIds)
      .execute()
    for (const row of rows)
      for (const locale of locales)
        names.set(`community:${row.id}:${locale}`, {
          name: row.name,
          path: `/c/${row.slug}`,
          followable: row.visibility === 'public',
        })
  }
  return names
}

export function nameKey(target: { target_type: SubscriptionTarget; target_id: number | null }, locale: Locale) {
  return `${target.target_type}:${target.target_id ?? ''}:${locale}`
}
