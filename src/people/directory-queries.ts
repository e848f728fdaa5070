// The member directory and "experts on this theme": active members whose profile the viewer may see, keyset pages.
import { sql } from 'kysely'
import type { Db } from '../db/connect.js'
import { labelExpression } from '../themes/queries.js'
import type { Locale } from '../web/i18n.js'
import type { Viewer } from '../web/viewer.js'
import { visibleProfileSql } from './policy.js'
import { personCard } from './present.js'
import { endorsementCount, expertThreshold, knownCommunitySql, viewerReach } from './queries.js'

export const directoryPageSize = 30

export interface DirectoryFilters {
  country: string | null
  organisation: string | null
  language: string | null
  themeId: number | null
  communityId: number | null
  sort: 'name' | 'activity'
}

/** Where the previous page ended: the sort key and id of its last row. */
export type DirectoryCursor =
  { sort: 'name'; name: string; id: number } | { sort: 'activity'; at: string | null; id: number }

export function encodeCursor(cursor: DirectoryCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url')
}

export function decodeCursor(raw: string, sort: DirectoryFilters['sort']): DirectoryCursor | null {
  try {
    const value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Record<string, unknown>
    if (!Number.isInteger(value.id) || value.sort !== sort) return null
    const id = value.id as number
    if (sort === 'name' && typeof value.name === 'string') return { sort, name: value.name, id }
    if (
      sort === 'activity' &&
      (value.at === null || (typeof value.at === 'string' && !Number.isNaN(Date.parse(value.at))))
    )
      return { sort, at: value.at, id }
    return null
  } catch {
    return null
  }
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`)

export async function listDirectory(
  db: Db,
  viewer: Viewer,
  seesAll: boolean,
  filters: DirectoryFilters,
  cursor: DirectoryCursor | null,
) {
  let query = db
    .selectFrom('users as u')
    .leftJoin('profile_pictures as p', 'p.user_id', 'u.id')
    .leftJoin('member_activity as ma', 'ma.user_id', 'u.id')
    .select([
      'u.id',
      'u.display_name',
      'u.organisation',
      'u.country',
      'u.show_organisation',
      'u.show_country',
      'ma.last_posted_at',
      'p.etag as picture_etag',
    ])
    .where('u.status', '=', 'active')
    // Former members (src/data-rights) and guests of one conversation (src/guests) are not in the directory.
    .where('u.deleted_at', 'is', null)
    .where('u.guest', '=', false)
    .where(visibleProfileSql(viewer, seesAll))
  // A hidden field is no filter: nobody finds a member by what they chose not to show.
  if (filters.country) query = query.where('u.country', '=', filters.country).where('u.show_country', '=', true)
  if (filters.organisation)
    query = query
      .where(sql<boolean>`u.organisation ilike ${`%${escapeLike(filters.organisation)}%`}`)
      .where('u.show_organisation', '=', true)
  if (filters.language) query = query.where(sql<boolean>`u.languages @> array[${filters.language}]::text[]`)
  if (filters.themeId !== null)
    query = query.where(
      sql<boolean>`exists (select 1 from user_expertise x where x.user_id = u.id and x.tag_id = ${filters.themeId})`,
    )
  if (filters.communityId !== null)
    query = query.where(
      sql<boolean>`exists (select 1 from community_members cm where cm.user_id = u.id and cm.status = 'active'
        and cm.community_id = ${filters.communityId})`,
    )
  if (filters.sort === 'name') {
    if (cursor?.sort === 'name')
      query = query.where(sql<boolean>`(lower(u.display_name), u.id) > (${cursor.name}, ${cursor.id})`)
    query = query.orderBy(sql`lower(u.display_name)`).orderBy('u.id')
  } else {
    if (cursor?.sort === 'activity')
      query = query.where(
        cursor.at === null
          ? sql<boolean>`(ma.last_posted_at is null and u.id < ${cursor.id})`
          : sql<boolean>`(ma.last_posted_at < ${cursor.at} or (ma.last_posted_at = ${cursor.at} and u.id < ${cursor.id})
              or ma.last_posted_at is null)`,
      )
    query = query.orderBy(sql`ma.last_posted_at desc nulls last`).orderBy('u.id', 'desc')
  }
  const rows = await query.limit(directoryPageSize + 1).execute()
  const page = rows.slice(0, directoryPageSize)
  const last = page[page.length - 1]
  const next =
    rows.length > directoryPageSize && last
      ? encodeCursor(
          filters.sort === 'name'
            ? { sort: 'name', name: last.display_name.toLowerCase(), id: last.id }
            : { sort: 'activity', at: last.last_posted_at?.toISOString() ?? null, id: last.id },
        )
      : null
  return { rows: page, next }
}

/** The declared themes of a page of members, in one query, with their endorsement counts. */
export async function expertiseOfMembers(db: Db, memberIds: number[], locale: Locale) {
  const byMember = new Map<number, { slug: string; label: string; expert: boolean }[]>()
  if (memberIds.length === 0) return byMember
  const rows = await db
    .selectFrom('user_expertise as x')
    .innerJoin('tags as t', 't.id', 'x.tag_id')
    .select(['x.user_id', 't.slug', labelExpression(locale).as('label'), endorsementCount.as('endorsements')])
    .where('x.user_id', 'in', memberIds)
    .where('t.merged_into_id', 'is', null)
    .execute()
  for (const row of rows) {
    const list = byMember.get(row.user_id) ?? []
    list.push({ slug: row.slug, label: row.label, expert: row.endorsements >= expertThreshold })
    byMember.set(row.user_id, list)
  }
  for (const list of byMember.values()) list.sort((a, b) => a.label.localeCompare(b.label, locale))
  return byMember
}

/** Communities a viewer may pick in the directory's filter (the ones they may know of). */
export async function knownCommunities(db: Db, viewer: Viewer) {
  return db
    .selectFrom('communities as c')
    .select(['c.id', 'c.slug', 'c.name'])
    .where(knownCommunitySql(viewer))
    .orderBy('c.name')
    .limit(500)
    .execute()
}

/**
 * "Experts on this theme": members with at least three endorsements on it, most endorsed first; when there are none,
 * the members who declared it. Only profiles the viewer may see, at most 12.
 */
export async function expertsOnTheme(db: Db, themeId: number, viewer: Viewer | null, seesAll: boolean, limit = 12) {
  const rows = await db
    .selectFrom('user_expertise as x')
    .innerJoin('users as u', 'u.id', 'x.user_id')
    .leftJoin('profile_pictures as p', 'p.user_id', 'u.id')
    .select([
      'u.id',
      'u.display_name',
      'u.organisation',
      'u.country',
      'u.show_organisation',
      'u.show_country',
      'p.etag as picture_etag',
      endorsementCount.as('endorsements'),
    ])
    .where('x.tag_id', '=', themeId)
    .where('u.status', '=', 'active')
    // Former members (src/data-rights) and guests of one conversation (src/guests) are not in the directory.
    .where('u.deleted_at', 'is', null)
    .where('u.guest', '=', false)
    .where(visibleProfileSql(viewer, seesAll))
    .orderBy('endorsements', 'desc')
    .orderBy(sql`lower(u.display_name)`)
    .limit(limit)
    .execute()
  const experts = rows.filter((r) => r.endorsements >= expertThreshold)
  return { experts: experts.length > 0 ? experts : rows, endorsed: experts.length > 0 }
}

/** The theme page's "Experts on this theme", as cards (src/themes/routes.ts). */
export async function themeExpertsView(db: Db, themeId: number, viewer: Viewer | null, locale: string) {
  const seesAll = viewer?.siteRole === 'admin' || (viewer ? (await viewerReach(db, viewer, 0)).isModerator : false)
  const { experts, endorsed } = await expertsOnTheme(db, themeId, viewer, seesAll)
  return {
    members: experts.map((row) => ({
      ...personCard(row, locale, row.id === viewer?.id),
      endorsements: row.endorsements,
    })),
    endorsed,
  }
}
