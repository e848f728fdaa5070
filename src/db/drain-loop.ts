// The loop the mail and reach workers share: drain when nudged after a commit in this process, and on an interval for
// retries and other instances' rows; one drain at a time, and a nudge during a drain makes it go round once more.
import type { EventEmitter } from 'node:events'
import type { FastifyBaseLogger } from 'fastify'

export interface DrainLoopOptions {
  /** How often due rows are looked for without a nudge (retries, other instances' writes). */
  intervalMs?: number
  /** How long after a nudge the drain starts, so that a burst of commits is drained together. */
  nudgeDelayMs?: number
}

export interface DrainLoopSettings {
  /** The emitter and event that say "a row was written" in this process. */
  signal: EventEmitter
  event: string
  defaultNudgeDelayMs: number
  /** Logged when a drain fails as a whole (the database away); the next tick tries again. */
  failureMessage: string
}

export abstract class DrainLoop<Result> {
  private timer: NodeJS.Timeout | null = null
  private nudgeTimer: NodeJS.Timeout | null = null
  private running: Promise<Result> | null = null
  private again = false
  private stopped = true
  /** Set by stop() only: a drain called while no worker runs (tests, scripts) must still handle everything due. */
  protected stopping = false
  private lastCleanup = 0
  private readonly onSignal = () => this.nudge(this.loopOptions.nudgeDelayMs ?? this.settings.defaultNudgeDelayMs)

  protected constructor(
    protected readonly log: FastifyBaseLogger,
    private readonly settings: DrainLoopSettings,
    private readonly loopOptions: DrainLoopOptions,
  ) {}

  /** A fresh tally for one drain. */
  protected abstract emptyResult(): Result
  /** Claims and handles one batch, adding to `total`; false when nothing was due. */
  protected abstract drainBatch(total: Result): Promise<boolean>
  /** Removes old finished rows; runs at most once an hour. */
  protected abstract cleanup(): Promise<void>

  start() {
    if (!this.stopped) return
    this.stopped = false
    this.stopping = false
    this.settings.signal.on(this.settings.event, this.onSignal)
    this.timer = setInterval(() => this.nudge(0), this.loopOptions.intervalMs ?? 5_000)
    this.timer.unref()
    this.nudge(0)
  }

  async stop() {
    this.stopped = true
    this.stopping = true
    this.settings.signal.off(this.settings.event, this.onSignal)
    if (this.timer) clearInterval(this.timer)
    if (this.nudgeTimer) clearTimeout(this.nudgeTimer)
    this.timer = this.nudgeTimer = null
    await this.running?.catch(() => undefined)
  }

  private nudge(delayMs: number) {
    if (this.stopped || this.nudgeTimer) return
    this.nudgeTimer = setTimeout(() => {
      this.nudgeTimer = null
      void this.drain().catch((err) => this.log.warn({ err }, this.settings.failureMessage))
    }, delayMs)
    this.nudgeTimer.unref()
  }

  /** Handles every due row; a call while one drain runs makes the running one go round once more. */
  drain(): Promise<Result> {
    if (this.running) {
      this.again = true
      return this.running
    }
    this.running = (async () => {
      const total = this.emptyResult()
      try {
        do {
          this.again = false
          while ((await this.drainBatch(total)) && !this.stopping);
        } while (this.again && !this.stopping)
        if (Date.now() - this.lastCleanup > 3_600_000) {
          this.lastCleanup = Date.now()
          await this.cleanup()
        }
      } finally {
        this.running = null
      }
      return total
    })()
    return this.running
  }
}
