// The Meilisearch client the app shares; the master key stays on the server.
import { Meilisearch } from 'meilisearch'
import { createKeepAliveClient } from './http-client.js'

export interface SearchClient {
  meili: Meilisearch
  indexPrefix: string
  isHealthy(): Promise<boolean>
  close(): void
}

export function createSearchClient(options: { url: string; masterKey: string; indexPrefix: string }): SearchClient {
  const http = createKeepAliveClient()
  const meili = new Meilisearch({ host: options.url, apiKey: options.masterKey, httpClient: http.request })
  return {
    meili,
    indexPrefix: options.indexPrefix,
    async isHealthy() {
      try {
        const health = await meili.health()
        return health.status === 'available'
      } catch {
        return false
      }
    },
    close: http.close,
  }
}
