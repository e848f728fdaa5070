// Liveness and readiness for load balancers.
import { mailBacklog, type MailBacklog } from '../mail/outbox.js'
import { reachBacklog, type ReachBacklog } from '../notifications/events.js'
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import type { Db } from '../db/connect.js'
import type { SearchClient } from '../search/client.js'
import { outboxBacklog, type OutboxBacklog } from '../search/outbox.js'

async function databaseIsReachable(db: Db): Promise<boolean> {
  try {
    await sql`select 1`.execute(db)
    return true
  } catch {
    return false
  }
}

export async function healthRoutes(app: FastifyInstance, { db, search }: { db: Db; search: SearchClient | null }) {
  app.get('/healthz', async (_request, reply) => reply.header('cache-control', 'no-store').send({ status: 'ok' }))

  // Without a database nothing works: 503 takes the instance out of rotation. Without Meilisearch search degrades
  // to PostgreSQL, so the instance stays in rotation and says "degraded".
  app.get('/readyz', async (request, reply) => {
    const [database, searchUp] = await Promise.all([
      databaseIsReachable(db),
      search ? search.isHealthy() : Promise.resolve(false),
    ])
    // How far the index is behind: changes waiting for Meilisearch, and for how long the oldest has waited.
    const backlog: OutboxBacklog | null = database ? await outboxBacklog(db).catch(() => null) : null
    // Email waiting for SMTP: a growing backlog with an old oldest message means mail is not going out.
    const mail: MailBacklog | null = database ? await mailBacklog(db).catch(() => null) : null
    // Fan-out to watchers waiting for the reach worker: a growing backlog means watchers are not being told.
    const reach: ReachBacklog | null = database ? await reachBacklog(db).catch(() => null) : null
    // Reachable but known to miss part of the database (being rebuilt, documents failing): searches may be incomplete.
    const incomplete = search?.status.incomplete ?? null
    const searchState =
      search === null ? 'not_configured' : !searchUp ? 'unavailable' : incomplete ? 'incomplete' : 'ok'
    const status = !database ? 'unavailable' : searchState === 'ok' ? 'ok' : 'degraded'
    if (!database) request.log.warn('readiness check: database unreachable')
    return reply
      .code(database ? 200 : 503)
      .header('cache-control', 'no-store')
      .send({
        status,
        database: database ? 'ok' : 'unavailable',
        search: searchState,
        ...(incomplete ? { search_incomplete: incomplete } : {}),
        outbox: backlog && {
          pending: backlog.pending,
          failing: backlog.failing,
          oldest_age_seconds: backlog.oldestAgeSeconds,
        },
        mail: mail && {
          pending: mail.pending,
          failed: mail.failed,
          oldest_age_seconds: mail.oldestAgeSeconds,
        },
        reach: reach && {
          pending: reach.pending,
          failing: reach.failing,
          oldest_age_seconds: reach.oldestAgeSeconds,
        },
      })
  })
}
