// Admin writes to the theme taxonomy.
import { sql } from 'kysely'
import type { Db } from '../db/connect.js'
import { enqueueSearch } from '../search/outbox.js'
import { lockActiveActor } from '../moderation/actor-guard.js'

export type ThemeWriteResult = { ok: true; id: number } | { ok: false; reason: 'slug_taken' }

// With `adminId` (every request passes it), the admin is checked inside the transaction with their row locked.

export async function createTheme(
  db: Db,
  input: { slug: string; labels: Record<string, string>; isDemo?: boolean },
  adminId?: number,
): Promise<ThemeWriteResult> {
  return db.transaction().execute(async (trx) => {
    if (adminId !== undefined) await lockActiveActor(trx, adminId, { admin: true })
    const taken = await trx.selectFrom('tags').select('id').where('slug', '=', input.slug).executeTakeFirst()
    if (taken) return { ok: false, reason: 'slug_taken' } as const
    const tag = await trx
      .insertInto('tags')
      .values({ slug: input.slug, kind: 'theme', is_demo: input.isDemo ?? false })
      .returning('id')
      .executeTakeFirstOrThrow()
    const labels = Object.entries(input.labels).filter(([, label]) => label.trim() !== '')
    if (labels.length)
      await trx
        .insertInto('tag_labels')
        .values(labels.map(([locale, label]) => ({ tag_id: tag.id, locale, label: label.trim() })))
        .execute()
    return { ok: true, id: tag.id } as const
  })
}

/** Renames a theme in the languages given (an empty label removes that one); the slug (and every link to it) stays. */
export async function renameTheme(
  db: Db,
  id: number,
  labels: Record<string, string>,
  adminId?: number,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    if (adminId !== undefined) await lockActiveActor(trx, adminId, { admin: true })
    const tag = await trx.selectFrom('tags').select('id').where('id', '=', id).forUpdate().executeTakeFirst()
    if (!tag) return false
    // Only the languages given change: an empty label is removed, the labels of other languages stay.
    const cleared = Object.keys(labels).filter((locale) => labels[locale].trim() === '')
    if (cleared.length)
      await trx.deleteFrom('tag_labels').where('tag_id', '=', id).where('locale', 'in', cleared).execute()
    const entries = Object.entries(labels).filter(([, label]) => label.trim() !== '')
    if (entries.length)
      await trx
        .insertInto('tag_labels')
        .values(entries.map(([locale, label]) => ({ tag_id: id, locale, label: label.trim() })))
        .onConflict((oc) => oc.columns(['tag_id', 'locale']).doUpdateSet((eb) => ({ label: eb.ref('excluded.label') })))
        .execute()
    await enqueueSearch(trx, 'theme', id)
    return true
  })
}

/** Merges one theme into another: everything tagged with it is tagged with the target; the old address redirects. */
export async function mergeTheme(db: Db, fromId: number, intoId: number, adminId?: number): Promise<boolean> {
  if (fromId === intoId) return false
  return db.transaction().execute(async (trx) => {
    if (adminId !== undefined) await lockActiveActor(trx, adminId, { admin: true })
    const both = await trx
      .selectFrom('tags')
      .select(['id', 'merged_into_id'])
      .where('id', 'in', [fromId, intoId])
      .forUpdate()
      .execute()
    if (both.length !== 2 || both.some((t) => t.merged_into_id !== null)) return false
    await sql`insert into thread_tags (thread_id, tag_id) select thread_id, ${intoId} from thread_tags where tag_id = ${fromId} on conflict do nothing`.execute(
      trx,
    )
    await sql`insert into article_tags (article_id, tag_id) select article_id, ${intoId} from article_tags where tag_id = ${fromId} on conflict do nothing`.execute(
      trx,
    )
    await trx.deleteFrom('thread_tags').where('tag_id', '=', fromId).execute()
    await trx.deleteFrom('article_tags').where('tag_id', '=', fromId).execute()
    await trx.updateTable('tags').set({ merged_into_id: intoId }).where('id', '=', fromId).execute()
    // Anything that pointed at the merged theme now points at its target.
    await trx.updateTable('tags').set({ merged_into_id: intoId }).where('merged_into_id', '=', fromId).execute()
    await enqueueSearch(trx, 'theme', intoId)
    return true
  })
}
