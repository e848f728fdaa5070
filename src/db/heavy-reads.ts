// A gate for expensive reads (the search fallback, long lists): a bounded number at once, a bounded queue, a
// statement timeout, and on PostgreSQL connections of their own, so a burst of them never takes the pages' pool.
import { Kysely, PostgresDialect } from 'kysely'
import type pg from 'pg'
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify'
import type { DatabaseConfig, HeavyReadSettings } from '../config.js'
import { HttpError, renderErrorPage } from '../web/errors.js'
import { defaultPool, openPool, type Db } from './connect.js'
import type { Database } from './database.js'

/** What the heavy reads' own backends are called in pg_stat_activity, so an operator can tell them from the pages'. */
export const heavyReadsApplicationName = 'kring-heavy-reads'

/** After this long without a refusal, a burst of refusals is over: its summary is logged and the next one logs anew. */
const burstQuietMs = 10_000

/** A heavy read that was not answered: the queue was full, its turn did not come, or its statement ran too long. */
export class HeavyReadRefused extends HttpError {
  constructor(
    readonly reason: 'busy' | 'waited too long' | 'statement timeout',
    retryAfterSeconds: number,
    messageKey: string,
  ) {
    super(503, messageKey, undefined, undefined, retryAfterSeconds)
  }
}

export interface HeavyReadOptions {
  /** The catalog key of the 503 page's message when this read is refused. */
  busyMessage?: string
}

const defaultBusyMessage = 'error.503.heavy_read'

interface Waiter {
  start(): void
  refuse(): void
  timer: NodeJS.Timeout
}

export class HeavyReads {
  private running = 0
  private readonly waiting: Waiter[] = []
  private burst: { since: number; busy: number; waitedTooLong: number; timedOut: number } | null = null
  private burstTimer: NodeJS.Timeout | null = null
  private closed = false

  /**
   * `db`: where heavy reads run; `pool`: its connections when they are the gate's own (closed with the gate).
   * On PGlite there is one connection for everything and no statement timeout: the gate only bounds how many wait.
   */
  constructor(
    readonly db: Db,
    readonly settings: Readonly<HeavyReadSettings>,
    private readonly log: FastifyBaseLogger,
    private readonly ownsDb: boolean,
  ) {}

  /** Heavy reads running and waiting now (for /readyz-like checks and tests). */
  get load() {
    return { running: this.running, waiting: this.waiting.length }
  }

  /** Seconds a refused reader is asked to wait: about one statement timeout, when running reads are done or cancelled. */
  get retryAfterSeconds() {
    return Math.max(1, Math.ceil(this.settings.statementTimeoutMs / 1000))
  }

  /** Runs `read` on the heavy reads' database when a slot is free; refuses it at once when the queue is full too. */
  async run<T>(read: (db: Db) => Promise<T>, options: HeavyReadOptions = {}): Promise<T> {
    const message = options.busyMessage ?? defaultBusyMessage
    await this.turn(message)
    try {
      return await read(this.db)
    } catch (error) {
      // 57014: cancelled by statement_timeout. Overload of the expensive part, not a bug: the page says try again.
      if ((error as { code?: string } | null)?.code === '57014') throw this.refuse('statement timeout', message)
      throw error
    } finally {
      this.release()
    }
  }

  private turn(message: string): Promise<void> {
    if (this.running < this.settings.max) {
      this.running++
      return Promise.resolve()
    }
    if (this.waiting.length >= this.settings.queueMax) return Promise.reject(this.refuse('busy', message))
    return new Promise<void>((resolve, reject) => {
      // Waiting longer than a running read may take means the reads ahead are all stuck: stop waiting behind them.
      const waiter: Waiter = {
        start: () => {
          clearTimeout(waiter.timer)
          resolve()
        },
        refuse: () => {
          clearTimeout(waiter.timer)
          reject(new HeavyReadRefused('busy', this.retryAfterSeconds, message))
        },
        timer: setTimeout(() => {
          const at = this.waiting.indexOf(waiter)
          if (at !== -1) this.waiting.splice(at, 1)
          reject(this.refuse('waited too long', message))
        }, this.settings.statementTimeoutMs),
      }
      this.waiting.push(waiter)
    })
  }

  private release() {
    // The slot passes straight to the next waiter, so a newcomer cannot overtake the queue.
    const next = this.waiting.shift()
    if (next) next.start()
    else this.running--
  }

  private refuse(reason: HeavyReadRefused['reason'], message: string): HeavyReadRefused {
    const now = Date.now()
    if (!this.burst) {
      this.burst = { since: now, busy: 0, waitedTooLong: 0, timedOut: 0 }
      this.log.warn(
        { reason, ...this.load, max: this.settings.max, queueMax: this.settings.queueMax },
        'heavy reads are being refused with 503: too many at once, or their statements run too long',
      )
    }
    if (reason === 'busy') this.burst.busy++
    else if (reason === 'waited too long') this.burst.waitedTooLong++
    else this.burst.timedOut++
    if (this.burstTimer) clearTimeout(this.burstTimer)
    this.burstTimer = setTimeout(() => this.endBurst(), burstQuietMs)
    this.burstTimer.unref()
    return new HeavyReadRefused(reason, this.retryAfterSeconds, message)
  }

  private endBurst() {
    if (!this.burst) return
    const { since, ...counts } = this.burst
    this.burst = null
    this.burstTimer = null
    this.log.info({ ...counts, durationMs: Date.now() - since }, 'heavy reads answered again after a burst of refusals')
  }

  async close() {
    if (this.closed) return
    this.closed = true
    if (this.burstTimer) clearTimeout(this.burstTimer)
    this.endBurst()
    // Kring is stopping: whoever still waits for a turn gets the 503 page now rather than never.
    for (const waiter of this.waiting.splice(0)) waiter.refuse()
    if (this.ownsDb) await this.db.destroy()
  }
}

/**
 * On PostgreSQL a small pool of the heavy reads' own beside the pages' pool (`max` connections, each with the
 * statement timeout); on PGlite, `pagesDb` itself.
 */
export function openHeavyReads(
  database: DatabaseConfig,
  settings: Readonly<HeavyReadSettings>,
  pagesDb: Db,
  log: FastifyBaseLogger,
): HeavyReads {
  if (database.kind !== 'postgres') return new HeavyReads(pagesDb, settings, log, false)
  const pool: pg.Pool = openPool(
    withApplicationName(database.url),
    {
      ...defaultPool,
      ...database.pool,
      max: settings.max,
      statementTimeoutMs: settings.statementTimeoutMs,
    },
    (err) => log.warn({ err }, 'a heavy-read database connection was lost'),
  )
  return new HeavyReads(new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), settings, log, true)
}

function withApplicationName(url: string): string {
  try {
    const parsed = new URL(url)
    if (!parsed.searchParams.has('application_name'))
      parsed.searchParams.set('application_name', heavyReadsApplicationName)
    return parsed.toString()
  } catch {
    // A libpq key=value string or a socket path: left as it is; the pool works the same, only unnamed.
    return url
  }
}

/** The 503 page for a refused heavy read, with Retry-After; `keptText` gives the reader back what they asked. */
export function renderHeavyReadRefusal(
  request: FastifyRequest,
  reply: FastifyReply,
  refusal: HeavyReadRefused,
  keptText?: string,
) {
  // Not logged per request: the gate logs the start and the end of a burst of refusals.
  reply.header('retry-after', String(refusal.retryAfterSeconds ?? 1))
  return renderErrorPage(request, reply, 503, refusal.messageKey, undefined, keptText)
}
