// What a benchmark scenario is to run.ts: a name, a run that measures, and the figures and budgets it returns.

export interface Settings {
  /** Seconds per measurement. */
  duration: number
  connections: number
  /** Measurements per target; the median is reported. */
  runs: number
  /** Seconds of discarded load before each target's measurements. */
  warmup: number
}

export interface Figures {
  requestsPerSec: number
  latencyMs: { p50: number; p97_5: number; p99: number; mean: number; max: number }
  bytesPerRequest: number
  requests: number
  errors: number
  timeouts: number
  non2xx: number
  /** CPU time per request of the server process and of the PostgreSQL backends it used: unlike req/s, it hardly
   * moves when other work competes for the machine. null where it could not be read. */
  cpuMsPerRequest: { server: number | null; postgres: number | null }
}

export interface Measurement {
  id: string
  label: string
  /** 'app' is the real Kring app; 'baseline' is what a budget compares it with. */
  kind: 'app' | 'baseline'
  path: string
  /** Medians over the runs, figure by figure. */
  figures: Figures
  runs: Figures[]
  notes?: string[]
}

export interface Budget {
  name: string
  measurement: string
  baseline: string
  ratio: number
  /** The same comparison in CPU time per request (baseline ÷ app server + its PostgreSQL backends): what the ratio
   * would be on a machine where CPU is the only limit. Informative; the budget is on `ratio`. */
  cpuRatio: number | null
  /** The minimum: below it the run fails. */
  minimum: number
  /** DESIGN.md's target: reported, not enforced. */
  target: number | null
  pass: boolean
  meetsTarget: boolean | null
}

export interface Check {
  name: string
  value: number
  expectation: string
  ok: boolean
  /** Checks that only inform never fail the run. */
  enforced: boolean
}

/** Every measurement must have been answered: no connection errors, nothing but 2xx. */
export function noFailuresCheck(id: string, figures: Pick<Figures, 'errors' | 'non2xx'>): Check {
  const failures = figures.errors + figures.non2xx
  return {
    name: `${id}: errors and non-2xx responses`,
    value: failures,
    expectation: '0',
    ok: failures === 0,
    enforced: true,
  }
}

export interface ScenarioResult {
  scenario: string
  description: string
  data: Record<string, unknown>
  measurements: Measurement[]
  budgets: Budget[]
  checks: Check[]
}

export interface Scenario {
  name: string
  description: string
  run(settings: Settings, log: (line: string) => void): Promise<ScenarioResult>
}
