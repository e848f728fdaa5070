// One sync pass: claimed outbox rows → documents from the current rows → Meilisearch, waiting until it has applied them.
import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/database.js'
import type { SearchClient } from './client.js'
import { articleDocuments, mergeChanges, postDocuments, threadDocuments, type DocumentChanges } from './documents.js'
import { claimBatch, completeRows, failRows, type ClaimedRow } from './outbox.js'
import { applyIndexSettings, waitForTask } from './settings.js'

type Db = Kysely<Database>

export interface DrainOptions {
  batchSize?: number
  /** Stop after this many batches (the background worker yields between rounds). */
  maxBatches?: number
  backoff?: { baseMs: number; maxMs: number }
  /** Defaults to the content index; a reindex writes into its fresh index instead. */
  indexUid?: string
}

export interface DrainResult {
  synced: number
  failed: number
  error: string | null
}

export const defaultBackoff = { baseMs: 1000, maxMs: 5 * 60 * 1000 }

const fanOutSet = {
  version: sql<number>`search_outbox.version + 1`,
  last_enqueued_at: sql<Date>`now()`,
  enqueued_at: sql<Date>`case when search_outbox.done_at is null then search_outbox.enqueued_at else now() end`,
  next_attempt_at: sql<Date>`case when search_outbox.done_at is null then search_outbox.next_attempt_at else now() end`,
  done_at: sql<Date | null>`null`,
}

/** A community (name, visibility) or theme (labels) shows in many documents: those are enqueued one by one. */
async function fanOut(db: Db, search: SearchClient, rows: ClaimedRow[]) {
  const communities = rows.filter((r) => r.entity_type === 'community').map((r) => r.entity_id)
  const themes = rows.filter((r) => r.entity_type === 'theme').map((r) => r.entity_id)
  if (themes.length) await applyIndexSettings(db, search)
  if (communities.length === 0 && themes.length === 0) return
  await db.transaction().execute(async (trx) => {
    const enqueue = async (type: 'thread' | 'article', ids: number[]) => {
      if (ids.length === 0) return
      ids.sort((a, b) => a - b)
      for (let i = 0; i < ids.length; i += 1000) {
        await trx
          .insertInto('search_outbox')
          .values(ids.slice(i, i + 1000).map((entity_id) => ({ entity_type: type, entity_id })))
          .onConflict((oc) => oc.columns(['entity_type', 'entity_id']).doUpdateSet(fanOutSet))
          .execute()
      }
    }
    const threadIds = new Set<number>()
    const articleIds = new Set<number>()
    if (communities.length) {
      for (const r of await trx.selectFrom('threads').select('id').where('community_id', 'in', communities).execute())
        threadIds.add(r.id)
      for (const r of await trx.selectFrom('articles').select('id').where('community_id', 'in', communities).execute())
        articleIds.add(r.id)
    }
    if (themes.length) {
      const tagIds = trx
        .selectFrom('tags')
        .select('id')
        .where((eb) => eb.or([eb('id', 'in', themes), eb('merged_into_id', 'in', themes)]))
      for (const r of await trx.selectFrom('thread_tags').select('thread_id').where('tag_id', 'in', tagIds).execute())
        threadIds.add(r.thread_id)
      for (const r of await trx.selectFrom('article_tags').select('article_id').where('tag_id', 'in', tagIds).execute())
        articleIds.add(r.article_id)
    }
    await enqueue('thread', [...threadIds])
    await enqueue('article', [...articleIds])
  })
}

export async function buildChanges(
  db: Db,
  rows: { entity_type: string; entity_id: number }[],
): Promise<DocumentChanges> {
  const ids = (type: string) => [...new Set(rows.filter((r) => r.entity_type === type).map((r) => r.entity_id))]
  return mergeChanges([
    await threadDocuments(db, ids('thread')),
    await postDocuments(db, ids('post')),
    await articleDocuments(db, ids('article')),
  ])
}

/** Hands the changes to Meilisearch and returns its task ids; applying them happens in Meilisearch's own time. */
export async function enqueueChanges(
  search: SearchClient,
  indexUid: string,
  changes: DocumentChanges,
): Promise<number[]> {
  const index = search.meili.index(indexUid)
  const tasks: number[] = []
  // Removals first: Meilisearch applies tasks in order, and a document both removed by its thread and rebuilt in the
  // same pass cannot happen (mergeChanges lets removal win).
  if (changes.threadsGone.length) {
    const filter = `thread_id IN [${changes.threadsGone.map((id) => Number(id)).join(', ')}]`
    tasks.push((await index.deleteDocuments({ filter })).taskUid)
  }
  if (changes.deletes.length) tasks.push((await index.deleteDocuments(changes.deletes)).taskUid)
  for (let i = 0; i < changes.upserts.length; i += 5000) {
    tasks.push((await index.addDocuments(changes.upserts.slice(i, i + 5000), { primaryKey: 'id' })).taskUid)
  }
  return tasks
}

/** Waits until Meilisearch has applied every task; a failed one is an error. */
async function settle(search: SearchClient, tasks: number[]): Promise<void> {
  for (const uid of tasks) await waitForTask(search, uid, 120_000)
}

function describe(error: unknown): string {
  const err = error as { message?: string; cause?: { message?: string; code?: string } }
  const cause = err?.cause?.message ?? err?.cause?.code
  return [err?.message ?? String(error), cause].filter(Boolean).join(': ')
}

/**
 * Drains due outbox rows in batches until none are left (or maxBatches). Safe to run from several processes at once.
 * Tests call it to sync deterministically; the background worker calls it when nudged and on its interval.
 * One batch is in flight while the next is read from the database, so building and indexing overlap; a row is marked
 * done only once Meilisearch has applied its batch.
 */
export async function drainOutbox(db: Db, search: SearchClient, options: DrainOptions = {}): Promise<DrainResult> {
  const batchSize = options.batchSize ?? 500
  const indexUid = options.indexUid ?? search.indexUid
  const backoff = options.backoff ?? defaultBackoff
  const result: DrainResult = { synced: 0, failed: 0, error: null }
  let inFlight: { rows: ClaimedRow[]; tasks: number[] } | null = null

  const finish = async (batch: { rows: ClaimedRow[]; tasks: number[] }) => {
    try {
      await settle(search, batch.tasks)
    } catch (error) {
      result.failed += batch.rows.length
      result.error ??= describe(error)
      await failRows(db, batch.rows, describe(error), backoff)
      return
    }
    await completeRows(db, batch.rows)
    result.synced += batch.rows.length
  }

  for (let batch = 0; batch < (options.maxBatches ?? Infinity) && result.error === null; batch++) {
    const rows = await claimBatch(db, batchSize)
    if (rows.length === 0) break
    let sent: { rows: ClaimedRow[]; tasks: number[] }
    try {
      await fanOut(db, search, rows)
      sent = { rows, tasks: await enqueueChanges(search, indexUid, await buildChanges(db, rows)) }
    } catch (error) {
      result.failed += rows.length
      result.error = describe(error)
      await failRows(db, rows, result.error, backoff)
      break
    }
    if (inFlight) await finish(inFlight)
    inFlight = sent
  }
  if (inFlight) await finish(inFlight)
  return result
}
