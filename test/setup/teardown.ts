// Runs once after the test files: stop the shared Meilisearch and drop what the run left on the server.
import { existsSync, readFileSync, rmSync } from 'node:fs'
import pg from 'pg'
import { meiliFile, testDatabaseNames, type TestMeili } from './paths.js'

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
  const stale = await admin.query('select datname from pg_database where datname like $1', [`${names.perFilePrefix}%_test`])
  for (const row of stale.rows) await admin.query(`drop database if exists "${row.datname}" with (force)`)
  await admin.end()
}
