// Expands reach events into watchers' notifications (and their emails), after the change that wrote them committed:
// when nudged in this process, and on an interval for retries and other instances' events. Each event is expanded in
// one transaction with its done mark, so a crash in between expands it again rather than half.
import type { FastifyBaseLogger } from 'fastify'
import type { Kysely } from 'kysely'
import { sql } from 'kysely'
import type { Database } from '../db/database.js'
import { DrainLoop, type DrainLoopOptions } from '../db/drain-loop.js'
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

export interface ReachWorkerOptions extends DrainLoopOptions {
  batchSize?: number
  backoff?: ReachBackoff
}

export interface ReachDrainResult {
  events: number
  notified: number
  failed: number
}

export class ReachWorker extends DrainLoop<ReachDrainResult> {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly config: NotifyConfig,
    log: FastifyBaseLogger,
    private readonly options: ReachWorkerOptions = {},
  ) {
    super(
      log,
      {
        signal: reachSignal,
        event: 'recorded',
        defaultNudgeDelayMs: 20,
        failureMessage: 'the reach worker could not read its events',
      },
      options,
    )
  }

  protected emptyResult(): ReachDrainResult {
    return { events: 0, notified: 0, failed: 0 }
  }

  protected async drainBatch(total: ReachDrainResult): Promise<boolean> {
    const batch = await claimReachEvents(this.db, this.options.batchSize ?? 20)
    if (batch.length === 0) return false
    for (const event of batch) {
      const notified = await this.expandOne(event)
      if (notified === null) total.failed++
      else {
        total.events++
        total.notified += notified
      }
    }
    return true
  }

  protected cleanup(): Promise<void> {
    return deleteOldReachEvents(this.db).then(() => undefined)
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
