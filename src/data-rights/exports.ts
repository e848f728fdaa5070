// "Download my data": the request (one open export per member), the build in the background (claimed with FOR UPDATE
// SKIP LOCKED, so one instance builds each), the download by its owner only, and the expiry after 7 days.
import { Zip, ZipDeflate, ZipPassThrough, strToU8 } from 'fflate'
import { sql, type Kysely } from 'kysely'
import { isUniqueViolation } from '../accounts/commands.js'
import type { Database } from '../db/database.js'
import { notify, type NotifyConfig } from '../notifications/notify.js'
import { exportSections, type ExportSection } from './export-sections.js'

export const exportLifetimeMs = 7 * 24 * 60 * 60 * 1000
/** A build claimed longer ago than this died with its instance: another may take it. */
const staleClaimMs = 30 * 60 * 1000
const maxAttempts = 3

export type ExportRequestResult = { ok: true; id: number } | { ok: false; reason: 'pending' | 'ready' }

export async function requestExport(db: Kysely<Database>, userId: number): Promise<ExportRequestResult> {
  try {
    return await db.transaction().execute(async (trx) => {
      const open = await openExportOf(trx, userId)
      if (open) return { ok: false, reason: open.status === 'ready' ? 'ready' : 'pending' } as const
      const row = await trx
        .insertInto('data_exports')
        .values({ user_id: userId })
        .returning('id')
        .executeTakeFirstOrThrow()
      return { ok: true, id: row.id } as const
    })
  } catch (error) {
    // Two requests at once: the unique index lets one through; the other is told an export is on its way.
    if (isUniqueViolation(error)) return { ok: false, reason: 'pending' }
    throw error
  }
}

/** The member's export waiting to be built or ready to download, if any. */
export function openExportOf(db: Kysely<Database>, userId: number) {
  return db
    .selectFrom('data_exports')
    .select(['id', 'status', 'size', 'created_at', 'ready_at', 'expires_at'])
    .where('user_id', '=', userId)
    .where('status', 'in', ['requested', 'building', 'ready'])
    .executeTakeFirst()
}

/** The latest export that could not be built, to say so on the page. */
export function lastFailedExportOf(db: Kysely<Database>, userId: number) {
  return db
    .selectFrom('data_exports')
    .select(['id', 'created_at'])
    .where('user_id', '=', userId)
    .where('status', '=', 'failed')
    .orderBy('id', 'desc')
    .executeTakeFirst()
}

/** The zip for its owner, while it is offered; marks it downloaded. Anyone else's id gives nothing. */
export async function takeExportDownload(db: Kysely<Database>, userId: number, id: number, now = new Date()) {
  const row = await db
    .updateTable('data_exports')
    .set({ downloaded_at: now })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('status', '=', 'ready')
    .where('expires_at', '>', now)
    .returning(['bytes', 'ready_at'])
    .executeTakeFirst()
  return row?.bytes ? { bytes: Buffer.from(row.bytes), readyAt: row.ready_at ?? now } : null
}

/** Claims one export due to be built: requested, or a build whose instance went away. */
async function claimExport(db: Kysely<Database>, now: Date) {
  return db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom('data_exports')
      .select(['id', 'user_id', 'attempts'])
      .where((eb) =>
        eb.or([
          eb('status', '=', 'requested'),
          eb.and([eb('status', '=', 'building'), eb('claimed_at', '<', new Date(now.getTime() - staleClaimMs))]),
        ]),
      )
      .orderBy('id')
      .limit(1)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst()
    if (!due) return null
    if (due.attempts >= maxAttempts) {
      await trx.updateTable('data_exports').set({ status: 'failed' }).where('id', '=', due.id).execute()
      return { id: due.id, userId: due.user_id, givenUp: true }
    }
    await trx
      .updateTable('data_exports')
      .set({ status: 'building', claimed_at: now, attempts: sql<number>`attempts + 1` })
      .where('id', '=', due.id)
      .execute()
    return { id: due.id, userId: due.user_id, givenUp: false }
  })
}

/** The zip of every section, deflated file by file as each section is collected. */
export async function buildZip(
  db: Kysely<Database>,
  userId: number,
  sections: readonly ExportSection[] = exportSections,
): Promise<Buffer> {
  const chunks: Uint8Array[] = []
  const failures: Error[] = []
  const zip = new Zip((err, data) => {
    if (err) failures.push(err)
    else chunks.push(data)
  })
  const add = (path: string, text: string) => {
    const file = new ZipDeflate(path, { level: 6 })
    zip.add(file)
    file.push(strToU8(text), true)
  }
  // Uploaded files (a picture) are compressed already: stored as they are.
  const addStored = (path: string, bytes: Uint8Array) => {
    const file = new ZipPassThrough(path)
    zip.add(file)
    file.push(bytes, true)
  }
  add(
    'README.md',
    '# Your data in Kring\n\nEach `<section>.json` holds one kind of thing you wrote or set; the folders hold your texts as Markdown and the files you uploaded.\n',
  )
  for (const section of sections) {
    const content = await section.collect(db, userId)
    add(`${section.name}.json`, JSON.stringify(content.json, null, 2))
    for (const file of content.markdown ?? []) add(file.path, file.text)
    for (const file of content.files ?? []) addStored(file.path, file.bytes)
  }
  zip.end()
  if (failures.length > 0) throw failures[0]
  return Buffer.concat(chunks)
}

export interface ExportRunResult {
  built: number
  failed: number
  expired: number
}

/** Builds every due export and removes the expired ones; safe on several instances at once. */
export async function runExports(
  context: { db: Kysely<Database>; config: NotifyConfig; now: Date; log?: { warn(obj: object, msg: string): void } },
  sections: readonly ExportSection[] = exportSections,
): Promise<ExportRunResult> {
  const { db, config, now } = context
  const result: ExportRunResult = { built: 0, failed: 0, expired: 0 }
  for (;;) {
    const claim = await claimExport(db, now)
    if (!claim) break
    if (claim.givenUp) {
      result.failed++
      continue
    }
    let bytes: Buffer
    try {
      bytes = await buildZip(db, claim.userId, sections)
    } catch (err) {
      // Tried again (in this run or the next) until maxAttempts, then given up: the member may ask again.
      context.log?.warn({ err, exportId: claim.id }, 'a data export could not be built')
      await db
        .updateTable('data_exports')
        .set({
          status: sql<'requested' | 'failed'>`case when attempts >= ${maxAttempts} then 'failed' else 'requested' end`,
          claimed_at: null,
        })
        .where('id', '=', claim.id)
        .execute()
      result.failed++
      continue
    }
    await db.transaction().execute(async (trx) => {
      const done = await trx
        .updateTable('data_exports')
        .set({
          status: 'ready',
          bytes,
          size: bytes.length,
          ready_at: now,
          expires_at: new Date(now.getTime() + exportLifetimeMs),
        })
        .where('id', '=', claim.id)
        .where('status', '=', 'building')
        .returning('id')
        .executeTakeFirst()
      if (!done) return
      await notify(trx, config, {
        userId: claim.userId,
        kind: 'data_export_ready',
        groupKey: `data_export:${claim.id}`,
        url: '/settings/data',
        data: {},
      })
    })
    result.built++
  }
  const expired = await db.deleteFrom('data_exports').where('expires_at', '<=', now).executeTakeFirst()
  result.expired = Number(expired.numDeletedRows ?? 0)
  return result
}
