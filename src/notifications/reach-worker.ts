// Expands reach events into watchers' notifications (and their emails), after the change that wrote them committed:
// when nudged in this process, and on an interval for retries and other instances' events. Each event is expanded in
// one transaction with its done mark, so a crash in between expands it again rather than half.
import type { FastifyBaseLogger } from 'fastify'
import type { Kysely } from 'kysely'
import { sql } from 'kysely'
import type { Database } from '../db/database.js'
import {
  claimReachEvents,
  defaultReachBackoff,
  deleteOldReachEvents,
  markReachFailed,
  reachSignal,
  type ClaimedReachEvent,
  type ReachBackoff,
} from './events.js'
import { expandReachEvent } from './fan-out.js'
import type { NotifyConfig } from './notify.js'

export interface ReachWorkerOptions {
  intervalMs?: number
  batchSize?: number
  backoff?: ReachBackoff
  nudgeDelayMs?: number
}

export interface ReachDrainResult {
  events: number
  notified: number
  failed: number
}

export class ReachWorker {
  private timer: NodeJS.Timeout | null = null
  private nudgeTimer: NodeJS.Timeout | null = null
  private running: Promise<ReachDrainResult> | null = null
  private again = false
  private stopped = true
  private stopping = false
  private lastCleanup = 0
  private readonly onRecorded = () => this.nudge(this.options.nudgeDelayMs ?? 20)

  constructor(
    private readonly db: Kysely<Database>,
    private readonly config: NotifyConfig,
    private readonly log: FastifyBaseLogger,
    private readonly options: ReachWorkerOptions = {},
  ) {}

  start() {
    if (!this.stopped) return
    this.stopped = false
    this.stopping = false
    reachSignal.on('recorded', this.onRecorded)
    this.timer = setInterval(() => this.nudge(0), this.options.intervalMs ?? 5_000)
    this.timer.unref()
    this.nudge(0)
  }

  async stop() {
    this.stopped = true
    this.stopping = true
    reachSignal.off('recorded', this.onRecorded)
    if (this.timer) clearInterval(this.timer)
    if (this.nudgeTimer) clearTimeout(this.nudgeTimer)
    this.timer = this.nudgeTimer = null
    await this.running?.catch(() => undefined)
  }

  private nudge(delayMs: number) {
    if (this.stopped || this.nudgeTimer) return
    this.nudgeTimer = setTimeout(() => {
      this.nudgeTimer = null
      void this.drain().catch((err) => this.log.warn({ err }, 'the reach worker could not read its events'))
    }, delayMs)
    this.nudgeTimer.unref()
  }

  /** Expands every due event; a call while one runs makes the running one go round once more. */
  drain(): Promise<ReachDrainResult> {
    if (this.running) {
      this.again = true
      return this.running
    }
    this.running = (async () => {
      const total: ReachDrainResult = { events: 0, notified: 0, failed: 0 }
      try {
        do {
          this.again = false
          for (;;) {
            const batch = await claimReachEvents(this.db, this.options.batchSize ?? 20)
            if (batch.length === 0) break
            for (const event of batch) {
              const notified = await this.expandOne(event)
              if (notified === null) total.failed++
              else {
                total.events++
                total.notified += notified
              }
            }
            if (this.stopping) break
          }
        } while (this.again && !this.stopping)
        if (Date.now() - this.lastCleanup > 3_600_000) {
          this.lastCleanup = Date.now()
          await deleteOldReachEvents(this.db)
        }
      } finally {
        this.running = null
      }
      return total
    })()
    return this.running
  }

  private async expandOne(event: ClaimedReachEvent): Promise<number | null> {
    try {
      return await this.db.transaction().execute(async (trx) => {
        const notified = await expandReachEvent(trx, this.config, event.kind, event.payload)
        await trx
          .updateTable('reach_events')
          .set({ done_at: sql`now()`, claimed_until: null, last_error: null })
          .where('id', '=', event.id)
          .execute()
        return notified
      })
    } catch (err) {
      this.log.warn({ err, event: event.id, kind: event.kind }, 'reach event not expanded; it is retried')
      await markReachFailed(
        this.db,
        event,
        String((err as Error).message ?? err),
        this.options.backoff ?? defaultReachBackoff,
      )
      return null
    }
  }
}
