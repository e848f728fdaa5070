// Looks at the live index as Meilisearch has it now and compares it with what Kring needs: the index exists with our
// settings and primary key, the search key works, and it holds about as many documents as PostgreSQL has searchable
// rows. Settings and key are mended on the spot; a missing or far-behind index is reported for a rebuild.
import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/database.js'
import type { SearchClient } from './client.js'
import { outboxBacklog, type OutboxBacklog } from './outbox.js'
import { applyIndexSettings } from './settings.js'

type Db = Kysely<Database>

export interface IndexCheck {
  created: boolean
  /** Settings that differed from Kring's (changed behind its back, or an index made by a bare write) and were re-applied. */
  settingsReapplied: string[]
  keyRenewed: boolean
  primaryKey: string | null
  createdAt: string | null
  documents: number
  expected: number
  backlog: OutboxBacklog
  /** Why the index must be rebuilt from PostgreSQL, or null. */
  rebuild: string | null
  /** Changes have waited long for Meilisearch: the newest writes are missing from the results. */
  behind: boolean
}

/** Documents PostgreSQL says should be searchable: what a reindex would send (see reindex.ts and documents.ts). */
export async function searchableRowCount(db: Db): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select
      (select count(*) from threads where status = 'visible')
      + (select count(*) from posts p join threads t on t.id = p.thread_id
           where p.status = 'visible' and t.status = 'visible')
      + (select count(*) from articles where status = 'published' and hidden_at is null)
      as n`.execute(db)
  return Number(rows[0].n)
}

/** How many documents may be missing or extra before the index counts as far behind (writes race the two counts). */
export function driftTolerance(expected: number) {
  return Math.max(5, Math.ceil(expected * 0.02))
}

export const behindAfterSeconds = 60

export function backlogIsBehind(backlog: OutboxBacklog) {
  return backlog.oldestAgeSeconds !== null && backlog.oldestAgeSeconds > behindAfterSeconds
}

export async function checkIndex(
  db: Db,
  search: SearchClient,
  previous: { createdAt: string | null } = { createdAt: null },
): Promise<IndexCheck> {
  const applied = await applyIndexSettings(db, search)
  const index = search.meili.index(search.indexUid)
  const info = await index.getRawInfo()
  const keyRenewed = await search.verifySearchKey()
  const [stats, expected, backlog] = await Promise.all([index.getStats(), searchableRowCount(db), outboxBacklog(db)])
  const documents = stats.numberOfDocuments
  const createdAt = info.createdAt ? String(info.createdAt) : null
  const gap = Math.abs(expected - documents)
  // Pending outbox rows explain a gap of about their number; anything past that the outbox will not mend.
  const unexplained = gap - backlog.pending
  let rebuild: string | null = null
  if (info.primaryKey && info.primaryKey !== 'id') rebuild = `the index's primary key is ${info.primaryKey}, not id`
  // Empty with more missing than the outbox holds: lost (a new volume); a first start with all in the outbox is not.
  else if (expected > 0 && documents === 0 && unexplained > 0 && !stats.isIndexing) rebuild = 'the index is empty'
  else if (!stats.isIndexing && unexplained > driftTolerance(expected))
    rebuild = `the index holds ${documents} documents, PostgreSQL ${expected}`
  else if (!stats.isIndexing && previous.createdAt !== null && createdAt !== previous.createdAt && unexplained > 0)
    // Replaced behind Kring's back (Meilisearch lost its data and a write made a bare index) and missing documents:
    // a small gap, but one the outbox will never fill. Another instance's rebuild replaces it too, but misses nothing.
    rebuild = 'the index was replaced and misses documents'
  return {
    created: applied.created,
    settingsReapplied: applied.created ? [] : applied.changed,
    keyRenewed,
    primaryKey: info.primaryKey ?? null,
    createdAt,
    documents,
    expected,
    backlog,
    rebuild,
    behind: backlogIsBehind(backlog),
  }
}
