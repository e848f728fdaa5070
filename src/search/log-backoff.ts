// Logs a lasting problem once when it starts, then again only at growing intervals (1, 2, 4 … minutes, capped), and
// one info line when it is over: a Meilisearch that is away for an hour makes a handful of lines, not 1800.
import type { FastifyBaseLogger } from 'fastify'

export interface LogBackoffOptions {
  /** The pause before the first repeat; each later one doubles. */
  firstMs?: number
  maxMs?: number
}

interface Open {
  since: number
  nextAt: number
  delayMs: number
  suppressed: number
}

type Level = 'warn' | 'error'

export class LogBackoff {
  private readonly open = new Map<string, Open>()
  private readonly firstMs: number
  private readonly maxMs: number

  constructor(
    private readonly log: FastifyBaseLogger,
    options: LogBackoffOptions = {},
  ) {
    this.firstMs = options.firstMs ?? 60_000
    this.maxMs = options.maxMs ?? 30 * 60_000
  }

  /** Reports the problem `key` (one per kind of trouble); logs only when it starts or a repeat is due. */
  failure(key: string, obj: object, msg: string, level: Level = 'warn', log: FastifyBaseLogger = this.log) {
    const now = Date.now()
    const state = this.open.get(key)
    if (!state) {
      this.open.set(key, { since: now, nextAt: now + this.firstMs, delayMs: this.firstMs, suppressed: 0 })
      log[level](obj, msg)
      return
    }
    if (now < state.nextAt) {
      state.suppressed++
      return
    }
    log[level](
      { ...obj, failingForSeconds: Math.round((now - state.since) / 1000), repeatsNotLogged: state.suppressed },
      `${msg} (still failing)`,
    )
    state.delayMs = Math.min(state.delayMs * 2, this.maxMs)
    state.nextAt = now + state.delayMs
    state.suppressed = 0
  }

  /** The problem is over: one info line, if a failure was logged. */
  recovered(key: string, obj: object, msg: string, log: FastifyBaseLogger = this.log): boolean {
    const state = this.open.get(key)
    if (!state) return false
    this.open.delete(key)
    log.info({ ...obj, failedForSeconds: Math.round((Date.now() - state.since) / 1000) }, msg)
    return true
  }

  isOpen(key: string) {
    return this.open.has(key)
  }
}
