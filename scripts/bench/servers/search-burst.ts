// The server the search-burst benchmark loads, in its own process (see lib/child.ts): Kring as deployed, on the
// benchmark database, with Meilisearch configured but unreachable, so every search is answered by the PostgreSQL fallback.
import { randomBytes } from 'node:crypto'
import { buildApp } from '../../../src/app.js'
import { loadConfig } from '../../../src/config.js'
import { serveChild } from '../lib/child.js'

export interface ServerInput {
  databaseUrl: string
  /** An address where nothing listens: Meilisearch is down. */
  deadMeiliUrl: string
}

serveChild<ServerInput, { url: string }>(async (input) => {
  // env 'test' runs no outbox worker (its retries against the dead Meilisearch would only add noise); pool sizes,
  // statement timeouts and the heavy-read limits are the production defaults of src/config.ts.
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: input.databaseUrl,
    MEILI_URL: input.deadMeiliUrl,
    MEILI_MASTER_KEY: 'bench-meilisearch-is-down',
    MEILI_INDEX_PREFIX: 'bench_burst_',
    SESSION_SECRET: randomBytes(32).toString('hex'),
    KRING_DATA_DIR: '/nonexistent-kring-bench-data',
    KRING_DEMO: '0',
    LOG_LEVEL: 'silent',
    PORT: '0',
  })
  const app = await buildApp(config)
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  return { ready: { url }, close: () => app.close() }
})
