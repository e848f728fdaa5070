// Runs once after the test files: stop the shared Meilisearch, drop what the run left on the server, and print the ten
// slowest test files (read from tap's own results), so that a suite growing slower shows in every run's log.
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { meiliFile, runDir, testDatabaseNames, type TestMeili } from './paths.js'

if (existsSync(meiliFile)) {
  const meili = JSON.parse(readFileSync(meiliFile, 'utf8')) as TestMeili
  try {
    process.kill(meili.pid, 'SIGTERM')
  } catch {
    // already gone
  }
  rmSync(meiliFile, { force: true })
}

const databaseUrl = process.env.DATABASE_URL
if (databaseUrl) {
  const names = testDatabaseNames(databaseUrl)
  const admin = new pg.Client({ connectionString: names.maintenanceUrl })
  await admin.connect()
  const ours = await admin.query<{ datname: string }>(
    'select datname from pg_database where starts_with(datname, $1)',
    [names.runPrefix],
  )
  for (const { datname } of ours.rows) await admin.query(`drop database if exists "${datname}" with (force)`)
  await admin.end()
}
rmSync(runDir, { recursive: true, force: true })

function slowestFiles(dir: string, count: number): { file: string; ms: number }[] {
  if (!existsSync(dir)) return []
  const found: { file: string; ms: number }[] = []
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.tap')) continue
    const full = path.join(entry.parentPath, entry.name)
    const time = /^# time=([\d.]+)ms\s*$/m.exec(readFileSync(full, 'utf8').split('\n').slice(-4).join('\n'))
    if (time) found.push({ file: path.relative(dir, full).replace(/\.tap$/, ''), ms: Number(time[1]) })
  }
  return found.sort((a, b) => b.ms - a.ms).slice(0, count)
}

const slowest = slowestFiles(path.resolve('.tap/test-results'), 10)
if (slowest.length > 0) {
  console.log('# the ten slowest test files:')
  for (const { file, ms } of slowest) console.log(`#   ${(ms / 1000).toFixed(1).padStart(7)} s  ${file}`)
}
