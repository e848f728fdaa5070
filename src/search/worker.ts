// The background outbox worker: drains when nudged and on an interval, backs off while Meilisearch is away, picks the
// backlog up again by itself when it returns, and checks the index now and then (and after any trouble): settings,
// search key and document count, rebuilding the index from PostgreSQL when it finds it empty or far behind.
import type { FastifyBaseLogger } from 'fastify'
import type { Kysely } from 'kysely'
import type { Database } from '../db/database.js'
import type { IncompleteReason, SearchClient } from './client.js'
import { backlogIsBehind, checkIndex, type IndexCheck } from './index-check.js'
import { LogBackoff, type LogBackoffOptions } from './log-backoff.js'
import {
  claimBatch,
  deleteSyncedRows,
  failRows,
  outboxBacklog,
  outboxSignal,
  releaseBackoff,
  type OutboxBacklog,
} from './outbox.js'
import { processOwner, rebuildHolder, withRebuildClaim } from './rebuild-claim.js'
import { reindex } from './reindex.js'
import { defaultBackoff, drainOutbox, type DrainResult } from './sync.js'

export interface WorkerOptions {
  /** How often due rows are looked for without a nudge (retries, other instances' writes, scripts). */
  intervalMs?: number
  batchSize?: number
  backoff?: { baseMs: number; maxMs: number }
  /** How long after an enqueue in this process to drain: long enough for the enqueuing transaction to commit. */
  nudgeDelayMs?: number
  /** How often the index, its settings, the search key and the document count are checked (also after any trouble). */
  checkIntervalMs?: number
  /** How often a lasting problem is logged again: first after firstMs, then twice as long each time, up to maxMs. */
  logBackoff?: LogBackoffOptions
  /** The rebuild lease, renewed while a rebuild runs. */
  rebuildLeaseSeconds?: number
}

let workersMade = 0

export class OutboxWorker {
  /** This worker's name in the rebuild claim: two apps in one process are two instances too. */
  private readonly owner = `${processOwner}-${++workersMade}`
  private timer: NodeJS.Timeout | null = null
  private nudgeTimer: NodeJS.Timeout | null = null
  private running: Promise<void> | null = null
  private again = false
  private stopped = true
  private indexReady = false
  private meiliDown = false
  private checkWanted = true
  private nextCheckAt = 0
  private knownCreatedAt: string | null = null
  private readonly batchSize: number
  private readonly maxBatches = 20
  private lastCleanup = 0
  private hinted = false
  private readonly logs: LogBackoff
  private offTrouble: (() => void) | null = null
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
    this.logs = new LogBackoff(log, options.logBackoff)
  }

  start() {
    if (!this.stopped) return
    this.stopped = false
    outboxSignal.on('enqueued', this.onEnqueued)
    this.offTrouble = this.search.onTrouble(() => this.requestCheck())
    this.timer = setInterval(() => {
      if (!this.running) this.nudge(0)
    }, this.options.intervalMs ?? 2000)
    this.timer.unref()
    this.nudge(0)
  }

  /** Checks the index at the next round (a query failed, or Meilisearch came back). */
  requestCheck() {
    this.checkWanted = true
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
      .then(() => {
        this.logs.recovered('round', {}, 'the search outbox worker runs again')
      })
      .catch((err: unknown) => this.logs.failure('round', { err }, 'search outbox worker round failed'))
      .finally(() => {
        this.running = null
      })
  }

  private markDown(error: string | null) {
    this.logs.failure(
      'meili',
      { error },
      'Meilisearch is unreachable: search answers from PostgreSQL and the outbox keeps every change until it returns',
    )
    this.meiliDown = true
    // It may come back empty (a new machine, a lost volume): the index is checked again before syncing.
    this.indexReady = false
    this.checkWanted = true
  }

  /**
   * Rows that fell due while Meilisearch is away count a failed attempt without one being made: their backoff grows
   * and their error tells the operator (and /readyz) why they wait.
   */
  private async postponeDueRows() {
    const rows = await claimBatch(this.db, this.batchSize)
    await failRows(this.db, rows, 'Meilisearch is unreachable', this.options.backoff ?? defaultBackoff)
  }

  private setIncomplete(reason: IncompleteReason | null) {
    this.search.status.incomplete = reason
  }

  private async round() {
    const checkDue = this.checkWanted || Date.now() >= this.nextCheckAt
    if (this.meiliDown || !this.indexReady || checkDue) {
      // While Meilisearch is away, one cheap health check per round instead of a failing batch.
      if (!(await this.search.isHealthy())) {
        this.markDown(null)
        await this.postponeDueRows()
        return
      }
      this.checkWanted = false
      this.nextCheckAt = Date.now() + (this.options.checkIntervalMs ?? 30_000)
      let checked = false
      try {
        await this.checkAndHeal()
        checked = true
      } catch (err) {
        this.logs.failure('check', { err }, 'could not check the search index; retrying')
        // Soon, but not every round: a check costs a few counts and calls. Meanwhile an index that was fine keeps
        // syncing: a check that keeps failing (a slow count, a failed rebuild) must not stop the outbox.
        this.nextCheckAt =
          Date.now() + Math.min(this.options.checkIntervalMs ?? 30_000, (this.options.intervalMs ?? 2000) * 5)
        if (!this.indexReady || this.meiliDown) return
      }
      if (checked) {
        this.logs.recovered('check', {}, 'the search index check succeeds again')
        this.indexReady = true
        if (this.meiliDown) {
          // Only after an outage: a row that fails while Meilisearch is healthy keeps its own backoff.
          const released = await releaseBackoff(this.db)
          this.meiliDown = false
          this.logs.recovered('meili', { released }, 'Meilisearch is reachable again: syncing the search backlog')
        }
      }
    }
    const result: DrainResult = await drainOutbox(this.db, this.search, {
      batchSize: this.batchSize,
      backoff: this.options.backoff ?? defaultBackoff,
      maxBatches: this.maxBatches,
    })
    if (result.error) {
      if (!(await this.search.isHealthy())) {
        this.markDown(result.error)
      } else {
        // A failed task (a refused document, an index changed behind Kring's back): rows keep their own backoff and
        // the index is checked, so what the outbox cannot mend is rebuilt.
        this.logs.failure(
          'sync',
          { error: result.error, failed: result.failed },
          'search sync failed; the rows are retried with backoff',
          'error',
        )
        this.checkWanted = true
        this.setIncomplete('failing')
      }
    } else {
      if (result.synced > 0) this.logs.recovered('sync', { synced: result.synced }, 'search sync succeeds again')
      // A full round may have left more behind.
      if (result.synced >= this.maxBatches * this.batchSize) this.again = true
      // Failing rows or a long backlog made results incomplete: see whether that is over.
      if (this.search.status.incomplete === 'failing' || this.search.status.incomplete === 'behind')
        this.setIncomplete(backlogReason(await outboxBacklog(this.db)))
    }
    if (Date.now() - this.lastCleanup > 10 * 60 * 1000) {
      this.lastCleanup = Date.now()
      await deleteSyncedRows(this.db)
    }
  }

  /** One index check; mends settings and key at once, and rebuilds (holding the claim) when the index misses much. */
  private async checkAndHeal() {
    const check = await checkIndex(this.db, this.search, { createdAt: this.knownCreatedAt })
    this.report(check)
    this.knownCreatedAt = check.createdAt
    if (check.rebuild) {
      this.search.status.preferFallback = true
      this.setIncomplete('rebuilding')
      const done = await withRebuildClaim(
        this.db,
        this.search.indexUid,
        this.owner,
        () => this.rebuild(check),
        this.options.rebuildLeaseSeconds,
      )
      if (!done) {
        const holder = await rebuildHolder(this.db, this.search.indexUid)
        this.logs.failure(
          'rebuild-elsewhere',
          { holder: holder?.owner, since: holder?.startedAt },
          'the search index needs rebuilding and another process is rebuilding it: waiting for it',
          'warn',
        )
        // Checked again soon: the other rebuild's swap mends this index for us too.
        this.nextCheckAt = Math.min(this.nextCheckAt, Date.now() + (this.options.intervalMs ?? 2000) * 5)
        return
      }
      this.logs.recovered('rebuild-elsewhere', {}, 'the other process finished rebuilding the search index')
      const after = await checkIndex(this.db, this.search, { createdAt: null })
      this.knownCreatedAt = after.createdAt
      this.search.status.preferFallback = after.rebuild !== null
      this.setIncomplete(after.rebuild ? 'rebuilding' : backlogReason(after.backlog))
    } else {
      this.logs.recovered('rebuild-elsewhere', {}, 'the other process finished rebuilding the search index')
      this.search.status.preferFallback = false
      this.setIncomplete(backlogReason(check.backlog))
    }
    // The index answers as it should again: searches return to it now rather than when the breaker would have closed.
    if (!this.search.status.preferFallback) this.search.breaker.reset()
  }

  private report(check: IndexCheck) {
    if (check.created) this.log.warn({ index: this.search.indexUid }, 'the search index was missing: created it')
    if (check.settingsReapplied.length)
      this.log.warn(
        { index: this.search.indexUid, settings: check.settingsReapplied },
        "the search index's settings differed from Kring's: re-applied them",
      )
    if (check.keyRenewed)
      this.log.warn({ index: this.search.indexUid }, 'Meilisearch refused the search key: made a new one')
  }

  private async rebuild(check: IndexCheck) {
    // Looked at again holding the claim: another process may have rebuilt it between our check and our claim.
    const now = await checkIndex(this.db, this.search, { createdAt: this.knownCreatedAt })
    if (!now.rebuild) {
      this.log.info({ index: this.search.indexUid }, 'the search index was rebuilt meanwhile by another process')
      return
    }
    this.log.warn(
      { index: this.search.indexUid, reason: check.rebuild, documents: check.documents, expected: check.expected },
      'the search index misses much of the database: rebuilding it from PostgreSQL; searches answer from PostgreSQL meanwhile',
    )
    const result = await reindex(this.db, this.search)
    this.log.info(
      { index: this.search.indexUid, documents: result.documents, seconds: result.seconds },
      'rebuilt the search index from PostgreSQL',
    )
  }

  /** For /readyz and tests: whether the last round found Meilisearch away. */
  get isMeiliDown() {
    return this.meiliDown
  }

  /** Stops the timers and waits for a drain in progress, so the app closes without a query on a closed database. */
  async stop() {
    this.stopped = true
    outboxSignal.off('enqueued', this.onEnqueued)
    this.offTrouble?.()
    if (this.timer) clearInterval(this.timer)
    if (this.nudgeTimer) clearTimeout(this.nudgeTimer)
    this.timer = null
    this.nudgeTimer = null
    await this.running
  }
}

function backlogReason(backlog: OutboxBacklog): IncompleteReason | null {
  if (backlog.failing > 0) return 'failing'
  return backlogIsBehind(backlog) ? 'behind' : null
}
