// npm run bench [-- --duration 10 --connections 20 --runs 3 --warmup 3 [scenario ...]]
// Runs every scenario module beside this file (each exports `scenario`), prints a summary, writes
// bench/results/<scenario>.json, and exits 1 when a budget is missed.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import type { Scenario, ScenarioResult, Settings } from './lib/scenario.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const resultsDir = path.resolve(here, '../../bench/results')

function fail(message: string): never {
  process.stderr.write(`${message}\n`)
  process.exit(2)
}

function positiveNumber(raw: string | undefined, name: string, fallback: number, allowZero = false): number {
  if (raw === undefined) return fallback
  const value = Number(raw)
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0))
    fail(`--${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, got "${raw}"`)
  return value
}

function readSettings(): { settings: Settings; only: string[] } {
  const { values, positionals } = parseArgs({
    options: {
      duration: { type: 'string' },
      connections: { type: 'string' },
      runs: { type: 'string' },
      warmup: { type: 'string' },
    },
    allowPositionals: true,
  })
  const settings: Settings = {
    duration: positiveNumber(values.duration, 'duration', 10),
    connections: Math.round(positiveNumber(values.connections, 'connections', 20)),
    runs: Math.round(positiveNumber(values.runs, 'runs', 3)),
    warmup: positiveNumber(values.warmup, 'warmup', 3, true),
  }
  return { settings, only: positionals }
}

/** Every `*.ts` next to this file but run.ts is a scenario; helpers live in subfolders. */
async function findScenarios(only: string[]): Promise<Scenario[]> {
  const files = readdirSync(here)
    .filter((file) => file.endsWith('.ts') && file !== 'run.ts')
    .sort()
  const scenarios: Scenario[] = []
  for (const file of files) {
    const module = (await import(pathToFileURL(path.join(here, file)).href)) as { scenario?: Scenario }
    if (!module.scenario || typeof module.scenario.run !== 'function') fail(`${file} does not export a scenario`)
    scenarios.push(module.scenario)
  }
  const unknown = only.filter((name) => !scenarios.some((s) => s.name === name))
  if (unknown.length)
    fail(`unknown scenario(s): ${unknown.join(', ')}; known: ${scenarios.map((s) => s.name).join(', ')}`)
  return only.length ? scenarios.filter((s) => only.includes(s.name)) : scenarios
}

function gitRevision(): string | null {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: here, encoding: 'utf8' }).trim()
    const dirty =
      execFileSync('git', ['status', '--porcelain', '--', 'src', 'views', 'migrations'], {
        cwd: here,
        encoding: 'utf8',
      }).trim() !== ''
    return dirty ? `${head} + uncommitted changes in src/views/migrations` : head
  } catch {
    return null
  }
}

function machine() {
  const cpus = os.cpus()
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? null,
    memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    loadAverage: os.loadavg().map((n) => Math.round(n * 100) / 100),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
  }
}

const n = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })

function table(rows: string[][]): string {
  const widths = rows[0].map((_, col) => Math.max(...rows.map((row) => row[col].length)))
  return rows
    .map((row) =>
      row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]) : cell.padStart(widths[col]))).join('  '),
    )
    .join('\n')
}

function summary(result: ScenarioResult): string {
  const ms = (value: number | null) => (value === null ? '-' : n(value, 2))
  const rows = [
    ['measurement', 'req/s', 'p50 ms', 'p97.5 ms', 'p99 ms', 'KB/req', 'cpu ms/req', 'pg ms/req', 'errors', 'non-2xx'],
  ]
  for (const m of result.measurements) {
    const f = m.figures
    rows.push([
      m.id,
      n(f.requestsPerSec, 1),
      n(f.latencyMs.p50),
      n(f.latencyMs.p97_5),
      n(f.latencyMs.p99),
      n(f.bytesPerRequest / 1024, 1),
      ms(f.cpuMsPerRequest.server),
      ms(f.cpuMsPerRequest.postgres),
      String(f.errors),
      String(f.non2xx),
    ])
  }
  const budgetRows = [['budget', 'req/s ratio', 'minimum', 'result', 'design target', 'cpu ratio']]
  for (const b of result.budgets) {
    budgetRows.push([
      b.measurement,
      `${n(b.ratio * 100, 1)}%`,
      `${n(b.minimum * 100)}%`,
      b.pass ? 'pass' : 'FAIL',
      b.target === null ? '' : `${n(b.target * 100)}% ${b.meetsTarget ? 'met' : 'not met'}`,
      b.cpuRatio === null ? '-' : `${n(b.cpuRatio * 100, 1)}%`,
    ])
  }
  const checkLines = result.checks.map(
    (c) =>
      `${c.ok ? 'ok  ' : c.enforced ? 'FAIL' : 'warn'}  ${c.name}: ${Number.isInteger(c.value) ? c.value : c.value.toFixed(2)} (expected ${c.expectation})`,
  )
  return [`\n${result.scenario}: ${result.description}`, table(rows), '', table(budgetRows), '', ...checkLines].join(
    '\n',
  )
}

const { settings, only } = readSettings()
const scenarios = await findScenarios(only)
const log = (line: string) => process.stdout.write(`${line}\n`)
mkdirSync(resultsDir, { recursive: true })
let failed = false
for (const scenario of scenarios) {
  log(`== ${scenario.name}`)
  let result: ScenarioResult
  try {
    result = await scenario.run(settings, log)
  } catch (error) {
    process.stderr.write(`${scenario.name} could not run: ${(error as Error).stack ?? error}\n`)
    failed = true
    continue
  }
  const pass = result.budgets.every((b) => b.pass) && result.checks.every((c) => c.ok || !c.enforced)
  failed ||= !pass
  const file = path.join(resultsDir, `${scenario.name}.json`)
  const record = {
    scenario: result.scenario,
    description: result.description,
    pass,
    date: new Date().toISOString(),
    revision: gitRevision(),
    machine: machine(),
    settings,
    data: result.data,
    budgets: result.budgets,
    checks: result.checks,
    measurements: result.measurements,
  }
  // Written aside and renamed, so an interrupted run never leaves half a result behind.
  writeFileSync(`${file}.tmp`, JSON.stringify(record, null, 2) + '\n')
  renameSync(`${file}.tmp`, file)
  log(summary(result))
  log(`\n${pass ? 'PASS' : 'FAIL'}: ${path.relative(process.cwd(), file)}`)
}
process.exit(failed ? 1 : 0)
