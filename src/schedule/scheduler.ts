// The ticker that runs scheduled jobs (digests, reminders, briefings) on every instance. Each job decides which of its
// slots are due and runs each through runOnce (src/schedule/run-once.ts), so the instances' ticks overlap harmlessly:
// every slot runs once, and slots missed while Kring was down are found on the next tick and caught up.
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import type { Config } from '../config.js'
import type { Database } from '../db/database.js'
import { forgetOldRuns } from './run-once.js'

export interface JobContext {
  db: Kysely<Database>
  config: Readonly<Config>
  log: FastifyBaseLogger
  /** The time the tick is for: tests pass a clock of their own. */
  now: Date
}

export interface ScheduledJob {
  name: string
  /** Runs every due slot (each through runOnce) and returns how many ran now. */
  run(context: JobContext): Promise<number>
}

export interface SchedulerOptions {
  /** How often each instance looks for due slots. */
  intervalMs?: number
}

declare module 'fastify' {
  interface FastifyInstance {
    scheduler: Scheduler
  }
}

export class Scheduler {
  private readonly jobs: ScheduledJob[] = []
  private timer: NodeJS.Timeout | null = null
  private running: Promise<Record<string, number>> | null = null
  /** When old scheduled_runs were last forgotten (by the tick's clock): once a day is enough. */
  private lastForget: number | null = null

  constructor(
    private readonly db: Kysely<Database>,
    private readonly config: Readonly<Config>,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Domains add their jobs when they are registered. */
  add(job: ScheduledJob) {
    if (this.jobs.some((known) => known.name === job.name)) throw new Error(`job ${job.name} is added twice`)
    this.jobs.push(job)
  }

  start(intervalMs = 60_000) {
    if (this.timer) return
    this.timer = setInterval(() => {
      void this.runDue().catch((err) => this.log.warn({ err }, 'scheduled jobs could not run; they catch up next time'))
    }, intervalMs)
    this.timer.unref()
  }

  async stop() {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    await this.running?.catch(() => undefined)
  }

  /** Runs every job once for `now`; a job that fails is logged and does not stop the others. */
  runDue(now = new Date()): Promise<Record<string, number>> {
    if (this.running) return this.running
    this.running = (async () => {
      const ran: Record<string, number> = {}
      try {
        for (const job of this.jobs) {
          try {
            ran[job.name] = await job.run({ db: this.db, config: this.config, log: this.log, now })
          } catch (err) {
            ran[job.name] = 0
            this.log.warn({ err, job: job.name }, 'a scheduled job failed; its slots stay due and run next time')
          }
        }
        // Runs older than 60 days are for slots no job asks about again; without this scheduled_runs grows forever.
        if (this.lastForget === null || Math.abs(now.getTime() - this.lastForget) >= 86_400_000) {
          this.lastForget = now.getTime()
          try {
            await forgetOldRuns(this.db, 60)
          } catch (err) {
            this.log.warn({ err }, 'old scheduled runs could not be forgotten; tried again tomorrow')
          }
        }
      } finally {
        this.running = null
      }
      return ran
    })()
    return this.running
  }
}

/** The scheduler of the app: started on ready (not under NODE_ENV=test, where tests call runDue with a clock). */
export function installScheduler(app: FastifyInstance, db: Kysely<Database>, options: SchedulerOptions | false = {}) {
  const scheduler = new Scheduler(db, app.config, app.log)
  app.decorate('scheduler', scheduler)
  const start = options !== false && app.config.env !== 'test'
  if (start) app.addHook('onReady', async () => scheduler.start(options.intervalMs))
  app.addHook('onClose', async () => scheduler.stop())
  return scheduler
}
