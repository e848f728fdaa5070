// Admin writes to the theme taxonomy.
import type { Db } from '../db/connect.js'

export type ThemeWriteResult = { ok: true; id: number } | { ok: false; reason: 'slug_taken' }

export async function createTheme(db: Db, input: { slug: string; labels: Record<string, string>; isDemo?: boolean }): Promise<ThemeWriteResult> {
  return db.transaction().execute(async (trx) => {
    const taken = await trx.selectFrom('tags').select('id').where('slug', '=', input.slug).executeTakeFirst()
    if (taken) return { ok: false, reason: 'slug_taken' } as const
    const tag = await trx.insertInto('tags').values({ slug: input.slug, kind: 'theme', is_demo: input.isDemo ?? false }).returning('id').executeTakeFirstOrThrow()
    const labels = Object.entries(input.labels).filter(([, label]) => label.trim() !== '')
    if (labels.length) await trx.insertInto('tag_labels').values(labels.map(([locale, label]) => ({ tag_id: tag.id, locale, label: label.trim() }))).execute()
    return { ok: true, id: tag.id } as const
  })
}

/** Renames a theme: new labels replace the old ones, the slug (and every link to it) stays. */
export async function renameTheme(db: Db, id: number, labels: Record<string, string>): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const tag = await trx.selectFrom('tags').select('id').where('id', '=', id).forUpdate().executeTakeFirst()
    if (!tag) return false
    await trx.deleteFrom('tag_labels').where('tag_id', '=', id).execute()
    const entries = Object.entries(labels).filter(([, label]) => label.trim() !== '')
    if (entries.length) await trx.insertInto('tag_labels').values(entries.map(([locale, label]) => ({ tag_id: id, locale, label: label.trim() }))).execute()
    return true
  })
}
