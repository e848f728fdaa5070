// Wires in-app notifications into the app: the reach worker (optional) and the /notifications pages. The bell's count
// (bell.ts) is installed early in app.ts, beside the viewer, so that every page's hooks have it.
import type { FastifyInstance } from 'fastify'
import type { Db } from '../db/connect.js'
import { notificationRoutes } from './routes.js'
import { ReachWorker, type ReachDrainResult, type ReachWorkerOptions } from './reach-worker.js'

declare module 'fastify' {
  interface FastifyInstance {
    reach: {
      /** Expands what is due now into watchers' notifications (tests and scripts; the worker does it by itself). */
      drain(): Promise<ReachDrainResult>
    }
  }
}

export interface NotificationOptions {
  db: Db
  /** false: no background worker (tests call app.reach.drain()). Unset: a worker, except under NODE_ENV=test. */
  worker?: ReachWorkerOptions | false
}

export async function installNotifications(app: FastifyInstance, options: NotificationOptions) {
  const workerOptions = options.worker ?? (app.config.env === 'test' ? false : {})
  const worker = new ReachWorker(options.db, app.config, app.log, workerOptions || {})
  app.decorate('reach', { drain: () => worker.drain() })
  if (workerOptions !== false) app.addHook('onReady', async () => worker.start())
  app.addHook('onClose', async () => worker.stop())
  await app.register(notificationRoutes, { db: options.db })
}
