// Rebuilds the content index from the database into a fresh index, then swaps it in: searches keep working throughout.
import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/database.js'
import type { SearchClient } from './client.js'
import { articleDocuments, threadDocuments, type SearchDocument } from './documents.js'
import { replayChangesSince } from './outbox.js'
import { applyIndexSettings, waitForTask } from './settings.js'
import { drainOutbox } from './sync.js'

type Db = Kysely<Database>

export interface ReindexProgress {
  phase: 'settings' | 'threads' | 'articles' | 'indexing' | 'swap' | 'replay' | 'done'
  done?: number
  total?: number
  documents?: number
}

export interface ReindexResult {
  documents: number
  index: string
  replayed: number
  seconds: number
}

// Changes committed while the rebuild read the database may have gone only to the old index; everything enqueued
// since a little before the start is synced again after the swap. The margin covers transactions already open then.
const replayMarginMs = 5 * 60 * 1000

export async function reindex(
  db: Db,
  search: SearchClient,
  options: { batchSize?: number; onProgress?: (progress: ReindexProgress) => void } = {},
): Promise<ReindexResult> {
  const started = Date.now()
  const progress = options.onProgress ?? (() => {})
  const batchSize = options.batchSize ?? 500
  const { rows } = await sql<{ now: Date }>`select now() as now`.execute(db)
  const since = new Date(new Date(rows[0].now).getTime() - replayMarginMs)

  const live = search.indexUid
  const fresh = `${live}_${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}_${process.pid}`
  progress({ phase: 'settings' })
  await applyIndexSettings(db, search, fresh)
  const index = search.meili.index(fresh)
  const tasks: number[] = []
  let documents = 0
  const send = async (docs: SearchDocument[]) => {
    if (docs.length === 0) return
    documents += docs.length
    tasks.push((await index.addDocuments(docs, { primaryKey: 'id' })).taskUid)
  }

  try {
    // Threads carry their replies (documentsOf a thread includes every visible reply), so posts need no pass of their own.
    const threadTotal = Number(
      (
        await db
          .selectFrom('threads')
          .select(sql<number>`count(*)`.as('n'))
          .where('status', '=', 'visible')
          .executeTakeFirstOrThrow()
      ).n,
    )
    let lastId = 0
    let done = 0
    for (;;) {
      const ids = (
        await db
          .selectFrom('threads')
          .select('id')
          .where('status', '=', 'visible')
          .where('id', '>', lastId)
          .orderBy('id')
          .limit(batchSize)
          .execute()
      ).map((r) => r.id)
      if (ids.length === 0) break
      lastId = ids[ids.length - 1]
      await send((await threadDocuments(db, ids)).upserts)
      done += ids.length
      progress({ phase: 'threads', done, total: threadTotal, documents })
    }

    const articleTotal = Number(
      (
        await db
          .selectFrom('articles')
          .select(sql<number>`count(*)`.as('n'))
          .where('status', '=', 'published')
          .executeTakeFirstOrThrow()
      ).n,
    )
    lastId = 0
    done = 0
    for (;;) {
      const ids = (
        await db
          .selectFrom('articles')
          .select('id')
          .where('status', '=', 'published')
          .where('id', '>', lastId)
          .orderBy('id')
          .limit(batchSize)
          .execute()
      ).map((r) => r.id)
      if (ids.length === 0) break
      lastId = ids[ids.length - 1]
      await send((await articleDocuments(db, ids)).upserts)
      done += ids.length
      progress({ phase: 'articles', done, total: articleTotal, documents })
    }

    // Meilisearch queues the additions and indexes them in large batches; waiting once at the end is the fast path.
    for (let i = 0; i < tasks.length; i++) {
      await waitForTask(search, tasks[i], 30 * 60 * 1000)
      progress({ phase: 'indexing', done: i + 1, total: tasks.length, documents })
    }

    progress({ phase: 'swap' })
    // The live index must exist to be swapped with; on a first run it is created (empty) here.
    await applyIndexSettings(db, search, live)
    await waitForTask(search, (await search.meili.swapIndexes([{ indexes: [live, fresh], rename: false }])).taskUid)
  } catch (error) {
    await search.meili.deleteIndexIfExists(fresh).catch(() => {})
    throw error
  }
  // After the swap, `fresh` names the old content.
  await waitForTask(search, (await search.meili.deleteIndex(fresh)).taskUid)

  progress({ phase: 'replay' })
  const replayed = await replayChangesSince(db, since)
  const drained = await drainOutbox(db, search)
  if (drained.error)
    throw new Error(
      `the index was swapped in, but replaying recent changes failed (the worker will retry): ${drained.error}`,
    )
  progress({ phase: 'done', documents })
  return { documents, index: live, replayed, seconds: (Date.now() - started) / 1000 }
}
