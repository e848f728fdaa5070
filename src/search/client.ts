// The Meilisearch clients the app shares: the master key for admin work (settings, documents), a search-only key for
// queries. Neither key ever reaches a browser.
import { EventEmitter } from 'node:events'
import { Meilisearch } from 'meilisearch'
import { createKeepAliveClient } from './http-client.js'
import { contentIndexUid, ensureSearchKey } from './settings.js'

export interface SearchClient {
  /** Holds the master key: settings, documents, keys. Never used to answer a visitor's query. */
  meili: Meilisearch
  indexPrefix: string
  /** `<prefix>content`, the one index Kring searches. */
  indexUid: string
  isHealthy(): Promise<boolean>
  /** A client holding only a search key scoped to the content index, made (or found) on first use. */
  searchOnly(): Promise<Meilisearch>
  /**
   * After a failed query, searches go straight to the fallback for a few seconds instead of each waiting for a
   * Meilisearch that hangs; the per-instance memory this needs is a hint, never a source of truth.
   */
  breaker: { isOpen(): boolean; trip(): void; reset(): void }
  /** What this instance's last index check found; the search page reads it to tell searchers. */
  status: SearchStatus
  /** A query failed: the worker checks the index, its settings and the key soon instead of at its next interval. */
  reportTrouble(): void
  onTrouble(listener: () => void): () => void
  /**
   * Searches once with the search-only key. A key Meilisearch refuses (deleted, or Meilisearch lost its data) is
   * replaced by a new one; true when that happened.
   */
  verifySearchKey(): Promise<boolean>
  close(): void
}

/**
 * Why results may be incomplete right now: the index is being rebuilt, some changes failed to index and are being
 * retried, or the index is behind the database. null: complete, as far as this instance knows.
 */
export type IncompleteReason = 'rebuilding' | 'failing' | 'behind'

export interface SearchStatus {
  incomplete: IncompleteReason | null
  /** The live index is known to miss much of the database (lost, emptied): the fallback answers until it is rebuilt. */
  preferFallback: boolean
}

/** Meilisearch refused the key: 401/403, or its own codes for a missing or invalid key. */
export function isKeyRefused(error: unknown): boolean {
  const cause = (error as { cause?: { status?: number; body?: { code?: string } } } | null)?.cause
  const code = cause?.body?.code ?? ''
  return cause?.status === 401 || cause?.status === 403 || /api_key/.test(code)
}

const breakerOpenMs = 5000

export function createSearchClient(options: {
  url: string
  masterKey: string
  indexPrefix: string
  queryTimeoutMs?: number
}): SearchClient {
  const http = createKeepAliveClient()
  // Queries get a shorter timeout than indexing: a reader waits for the answer, the worker can retry.
  const queryHttp = createKeepAliveClient(options.queryTimeoutMs ?? 2000)
  const meili = new Meilisearch({ host: options.url, apiKey: options.masterKey, httpClient: http.request })
  let searcher: Promise<Meilisearch> | null = null
  let openUntil = 0
  const trouble = new EventEmitter()
  const client: SearchClient = {
    meili,
    indexPrefix: options.indexPrefix,
    indexUid: contentIndexUid(options),
    async isHealthy() {
      try {
        const health = await meili.health()
        return health.status === 'available'
      } catch {
        return false
      }
    },
    searchOnly() {
      searcher ??= ensureSearchKey(client, options.masterKey).then(
        (key) => new Meilisearch({ host: options.url, apiKey: key, httpClient: queryHttp.request }),
      )
      searcher.catch(() => {
        searcher = null
      })
      return searcher
    },
    breaker: {
      isOpen: () => Date.now() < openUntil,
      trip: () => {
        openUntil = Date.now() + breakerOpenMs
      },
      reset: () => {
        openUntil = 0
      },
    },
    status: { incomplete: null, preferFallback: false },
    reportTrouble() {
      trouble.emit('trouble')
    },
    onTrouble(listener) {
      trouble.on('trouble', listener)
      return () => trouble.off('trouble', listener)
    },
    async verifySearchKey() {
      const probe = async () => (await client.searchOnly()).index(client.indexUid).search('', { limit: 0 })
      try {
        await probe()
        return false
      } catch (error) {
        if (!isKeyRefused(error)) throw error
      }
      searcher = null
      await probe()
      return true
    },
    close() {
      http.close()
      queryHttp.close()
    },
  }
  return client
}
