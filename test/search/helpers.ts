// What the search tests share: an app with (or without) its background worker, and a deterministic sync.
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import type { Config } from '../../src/config.js'
import type { Db } from '../../src/db/connect.js'
import type { SearchClient } from '../../src/search/client.js'
import { drainOutbox } from '../../src/search/sync.js'
import type { WorkerOptions } from '../../src/search/worker.js'
import { testConfig } from '../helpers/app.js'
import { decodeEntities } from '../helpers/client.js'
import { createTestDatabase, type TestDatabase } from '../helpers/database.js'

interface TestContext {
  teardown(fn: () => unknown): void
}

export interface SearchTestApp {
  app: FastifyInstance
  db: Db
  database: TestDatabase
  config: Config
  search: SearchClient | null
  /** Syncs everything the outbox holds and fails the test if Meilisearch refused any of it. */
  sync(): Promise<number>
}

export async function buildSearchApp(
  t: TestContext,
  options: {
    worker?: WorkerOptions | false
    config?: Partial<Config>
    database?: TestDatabase
    /** Where the app's log goes (test/helpers/log-capture.ts); set config.logLevel to see more than errors. */
    logStream?: NodeJS.WritableStream
  } = {},
): Promise<SearchTestApp> {
  const database = options.database ?? (await createTestDatabase(t))
  const config = testConfig({ database: database.config, ...options.config })
  const app = await buildApp(config, {
    db: database.db,
    searchWorker: options.worker ?? false,
    logStream: options.logStream,
  })
  t.teardown(() => app.close())
  await app.ready()
  const search = app.searchClient
  return {
    app,
    db: database.db,
    database,
    config,
    search,
    async sync() {
      if (!search) throw new Error('this app has no Meilisearch to sync to')
      const result = await drainOutbox(database.db, search)
      if (result.error) throw new Error(`search sync failed: ${result.error}`)
      return result.synced
    },
  }
}

/** The result links on a search page, in order: each result's, and those of the replies listed under a thread. */
export function resultUrls(body: string): string[] {
  const list = /<ol class="search-hits[^"]*"[^>]*>([\s\S]*?)<\/ol>/.exec(body)
  if (!list) return []
  return [...list[1].matchAll(/<h3><a href="([^"]+)">|<a class="search-reply-link" href="([^"]+)">/g)].map((m) =>
    decodeEntities(m[1] ?? m[2]),
  )
}

/** The results on a search page: each one's link, and the links of the replies listed under it. */
export function resultGroups(body: string): { url: string; replies: string[]; more: string | null }[] {
  const list = /<ol class="search-hits[^"]*"[^>]*>([\s\S]*?)<\/ol>/.exec(body)
  if (!list) return []
  return list[1]
    .split(/<li class="card search-hit/)
    .slice(1)
    .map((item) => ({
      url: decodeEntities(/<h3><a href="([^"]+)">/.exec(item)![1]),
      replies: [...item.matchAll(/<a class="search-reply-link" href="([^"]+)">/g)].map((m) => decodeEntities(m[1])),
      more: /<p class="search-more"><a href="[^"]+">([^<]+)<\/a>/.exec(item)?.[1] ?? null,
    }))
}

/** The count above the results, as the page says it. */
export const countText = (body: string) => /<span class="search-count">([^<]*)<\/span>/.exec(body)?.[1] ?? null

export const q = (text: string, extra = '') => `/search?q=${encodeURIComponent(text)}${extra}`
