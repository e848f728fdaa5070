// Load through autocannon's programmatic API: a warm-up per target, then runs interleaved across targets so drift
// on a noisy machine lands on every target alike, and the median of each figure.
import autocannon from 'autocannon'
import type { Figures, Settings } from './scenario.js'

export interface CpuSample {
  server: number | null
  postgres: number | null
}

export interface Target {
  id: string
  url: string
  headers?: Record<string, string>
  /** Cumulative CPU milliseconds of the server process and of its database backends. */
  cpu?: () => Promise<CpuSample>
}

async function fire(
  target: Target,
  settings: Pick<Settings, 'connections'>,
  seconds: number,
): Promise<autocannon.Result> {
  return autocannon({
    url: target.url,
    connections: settings.connections,
    duration: seconds,
    pipelining: 1,
    headers: target.headers ?? {},
    timeout: 10,
  })
}

function perRequest(
  before: number | null | undefined,
  after: number | null | undefined,
  requests: number,
): number | null {
  if (before == null || after == null || requests === 0) return null
  return Math.max(0, after - before) / requests
}

function figuresOf(result: autocannon.Result, before?: CpuSample, after?: CpuSample): Figures {
  return {
    requestsPerSec: result.requests.mean,
    latencyMs: {
      p50: result.latency.p50,
      p97_5: result.latency.p97_5,
      p99: result.latency.p99,
      mean: result.latency.mean,
      max: result.latency.max,
    },
    bytesPerRequest: result.requests.total > 0 ? Math.round(result.throughput.total / result.requests.total) : 0,
    requests: result.requests.total,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    cpuMsPerRequest: {
      server: perRequest(before?.server, after?.server, result.requests.total),
      postgres: perRequest(before?.postgres, after?.postgres, result.requests.total),
    },
  }
}

function medianOrNull(values: (number | null)[]): number | null {
  return values.some((v) => v === null) ? null : median(values as number[])
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** Each figure is the median of that figure over the runs (so p99 is the median p99, not the p99 of the median run). */
export function medianFigures(runs: Figures[]): Figures {
  const m = (pick: (f: Figures) => number) => median(runs.map(pick))
  return {
    requestsPerSec: m((f) => f.requestsPerSec),
    latencyMs: {
      p50: m((f) => f.latencyMs.p50),
      p97_5: m((f) => f.latencyMs.p97_5),
      p99: m((f) => f.latencyMs.p99),
      mean: m((f) => f.latencyMs.mean),
      max: m((f) => f.latencyMs.max),
    },
    bytesPerRequest: m((f) => f.bytesPerRequest),
    // Failures are summed: one bad run is worth seeing.
    requests: runs.reduce((sum, f) => sum + f.requests, 0),
    errors: runs.reduce((sum, f) => sum + f.errors, 0),
    timeouts: runs.reduce((sum, f) => sum + f.timeouts, 0),
    non2xx: runs.reduce((sum, f) => sum + f.non2xx, 0),
    cpuMsPerRequest: {
      server: medianOrNull(runs.map((f) => f.cpuMsPerRequest.server)),
      postgres: medianOrNull(runs.map((f) => f.cpuMsPerRequest.postgres)),
    },
  }
}

export async function measureInterleaved(
  targets: Target[],
  settings: Settings,
  log: (line: string) => void,
): Promise<Map<string, Figures[]>> {
  const runs = new Map<string, Figures[]>(targets.map((t) => [t.id, []]))
  if (settings.warmup > 0) {
    for (const target of targets) {
      log(`  warm-up ${target.id} (${settings.warmup}s)`)
      await fire(target, settings, settings.warmup)
    }
  }
  for (let round = 1; round <= settings.runs; round++) {
    for (const target of targets) {
      const before = await target.cpu?.()
      const result = await fire(target, settings, settings.duration)
      const figures = figuresOf(result, before, await target.cpu?.())
      runs.get(target.id)!.push(figures)
      log(
        `  run ${round}/${settings.runs} ${target.id.padEnd(28)} ${figures.requestsPerSec.toFixed(1).padStart(9)} req/s  p50 ${figures.latencyMs.p50} ms  p99 ${figures.latencyMs.p99} ms${cpuNote(figures)}${figures.non2xx || figures.errors ? `  non-2xx ${figures.non2xx} errors ${figures.errors}` : ''}`,
      )
    }
  }
  return runs
}

function cpuNote(figures: Figures): string {
  const { server, postgres } = figures.cpuMsPerRequest
  if (server === null) return ''
  return `  cpu/req ${server.toFixed(2)} ms${postgres ? ` + pg ${postgres.toFixed(2)} ms` : ''}`
}
