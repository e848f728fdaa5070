// Runs once after the test files: stop the shared Meilisearch and drop what the run left on the server.
import { existsSync, readFileSync, rmSync } from 'node:fs'
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
