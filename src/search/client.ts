// The Meilisearch clients the app shares: the master key for admin work (settings, documents), a search-only key for
// queries. Neither key ever reaches a browser.
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
  close(): void
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
    close() {
      http.close()
      queryHttp.close()
    },
  }
  return client
}
