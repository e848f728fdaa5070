// The background outbox worker: drains when nudged and on an interval, backs off while Meilisearch is away, and picks
// the backlog up again by itself when it returns.
import type { FastifyBaseLogger } from 'fastify'
import type { Kysely } from 'kysely'
import type { Database } from '../db/database.js'
import type { SearchClient } from './client.js'
import { deleteSyncedRows, outboxSignal, releaseBackoff } from './outbox.js'
import { applyIndexSettings } from './settings.js'
import { defaultBackoff, drainOutbox, type DrainResult } from './sync.js'

export interface WorkerOptions {
  /** How often due rows are looked for without a nudge (retries, other instances' writes, scripts). */
  intervalMs?: number
  batchSize?: number
  backoff?: { baseMs: number; maxMs: number }
  /** How long after an enqueue in this process to drain: long enough for the enqueuing transaction to commit. */
  nudgeDelayMs?: number
}

export class OutboxWorker {
  private timer: NodeJS.Timeout | null = null
  private nudgeTimer: NodeJS.Timeout | null = null
  private running: Promise<void> | null = null
  private again = false
  private stopped = true
  private indexReady = false
  private meiliDown = false
  private readonly batchSize: number
  private readonly maxBatches = 20
  private lastCleanup = 0
  private hinted = false
  private readonly onEnqueued = () => {
    this.hinted = true
    this.nudge(this.options.nudgeDelayMs ?? 50)
  }

  constructor(
    private readonly db: Kysely<Database>,
    private readonly search: SearchClient,
    private readonly log: FastifyBaseLogger,
    private readonly options: WorkerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500
  }

  start() {
    if (!this.stopped) return
    this.stopped = false
    outboxSignal.on('enqueued', this.onEnqueued)
    this.timer = setInterval(() => {
      if (!this.running) this.nudge(0)
    }, this.options.intervalMs ?? 2000)
    this.timer.unref()
    this.nudge(0)
  }

  /** Drains soon; a nudge while a drain runs makes it go round once more, so nothing enqueued meanwhile waits a full interval. */
  nudge(delayMs = 0) {
    if (this.stopped) return
    if (this.running) {
      this.again = true
      return
    }
    if (this.nudgeTimer) {
      if (delayMs > 0) return
      clearTimeout(this.nudgeTimer)
    }
    this.nudgeTimer = setTimeout(() => {
      this.nudgeTimer = null
      this.run()
    }, delayMs)
    this.nudgeTimer.unref()
  }

  /** Called once a request's transaction has surely committed: drains now if that request enqueued anything. */
  nudgeIfEnqueued() {
    if (!this.hinted) return
    this.hinted = false
    this.nudge(0)
  }

  private run() {
    if (this.stopped || this.running) return
    this.running = (async () => {
      do {
        this.again = false
        await this.round()
      } while (this.again && !this.stopped)
    })()
      .catch((err) => this.log.warn({ err }, 'search outbox worker round failed'))
      .finally(() => {
        this.running = null
      })
  }

  private async round() {
    if (this.meiliDown || !this.indexReady) {
      // While Meilisearch is away, one cheap health check per round instead of a failing batch.
      if (!(await this.search.isHealthy())) {
        this.meiliDown = true
        return
      }
      try {
        await applyIndexSettings(this.db, this.search)
      } catch (err) {
        this.log.warn({ err }, 'could not apply the search index settings; retrying')
        return
      }
      this.indexReady = true
      if (this.meiliDown) {
        // Only after an outage: a row that fails while Meilisearch is healthy keeps its own backoff.
        const released = await releaseBackoff(this.db)
        this.log.info({ released }, 'Meilisearch is reachable again: syncing the search backlog')
        this.meiliDown = false
      }
    }
    const result: DrainResult = await drainOutbox(this.db, this.search, {
      batchSize: this.batchSize,
      backoff: this.options.backoff ?? defaultBackoff,
      maxBatches: this.maxBatches,
    })
    if (result.error) {
      const reachable = await this.search.isHealthy()
      if (!reachable) {
        this.log.warn(
          { error: result.error },
          'Meilisearch is unreachable: search answers from PostgreSQL and the outbox keeps every change until it returns',
        )
        this.meiliDown = true
        // It may come back empty (a new machine, a lost volume): settings are checked again before syncing.
        this.indexReady = false
      } else {
        this.log.error(
          { error: result.error, failed: result.failed },
          'search sync failed; the rows are retried with backoff',
        )
      }
    } else if (result.synced >= this.maxBatches * this.batchSize) {
      // A full round may have left more behind.
      this.again = true
    }
    if (Date.now() - this.lastCleanup > 10 * 60 * 1000) {
      this.lastCleanup = Date.now()
      await deleteSyncedRows(this.db)
    }
  }

  /** For /readyz and tests: whether the last round found Meilisearch away. */
  get isMeiliDown() {
    return this.meiliDown
  }

  /** Stops the timers and waits for a drain in progress, so the app closes without a query on a closed database. */
  async stop() {
    this.stopped = true
    outboxSignal.off('enqueued', this.onEnqueued)
    if (this.timer) clearInterval(this.timer)
    if (this.nudgeTimer) clearTimeout(this.nudgeTimer)
    this.timer = null
    this.nudgeTimer = null
    await this.running
  }
}
