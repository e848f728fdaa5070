// Wires search into the app: index settings on start, the outbox worker (optional), the search page.
import type { FastifyInstance } from 'fastify'
import type { Db } from '../db/connect.js'
import type { SearchClient } from './client.js'
import { searchRoutes } from './routes.js'
import { applyIndexSettings } from './settings.js'
import { OutboxWorker, type WorkerOptions } from './worker.js'

export interface SearchOptions {
  db: Db
  search: SearchClient | null
  /**
   * false: no background worker (a test that drives `drainOutbox` itself). Unset: a worker, except under NODE_ENV=test,
   * where a worker's queries would land in other tests' query counts; search tests ask for one explicitly.
   */
  worker?: WorkerOptions | false
}

export async function installSearch(app: FastifyInstance, options: SearchOptions): Promise<OutboxWorker | null> {
  const { db, search } = options
  const workerOptions = options.worker ?? (app.config.env === 'test' ? false : {})
  const worker = search && workerOptions !== false ? new OutboxWorker(db, search, app.log, workerOptions) : null

  if (search) {
    app.addHook('onReady', async () => {
      try {
        const applied = await applyIndexSettings(db, search)
        if (applied.created || applied.changed.length)
          app.log.info({ index: search.indexUid, ...applied }, 'search index settings applied')
      } catch (err) {
        // Start anyway: search answers from PostgreSQL and the worker applies the settings once Meilisearch is back.
        app.log.warn({ err }, 'could not reach Meilisearch at start: search answers from PostgreSQL until it is back')
      }
      worker?.start()
    })
  }
  if (worker) {
    app.addHook('onClose', async () => worker.stop())
    // After a POST's response its transaction has committed: the outbox rows it wrote can be synced right away.
    app.addHook('onResponse', async (request) => {
      if (request.method === 'POST') worker.nudgeIfEnqueued()
    })
  }

  await app.register(searchRoutes, { db, search })
  return worker
}
