// A freshly migrated database for one test file: PGlite from the run's snapshot, or a clone of the server template.
import { PGlite } from '@electric-sql/pglite'
import { Kysely, PostgresDialect, type LogEvent } from 'kysely'
import { PGliteDialect } from 'kysely-pglite-dialect'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import pg from 'pg'
import type { DatabaseConfig } from '../../src/config.js'
import { preparePooledStatements, type Db } from '../../src/db/connect.js'
import type { Database } from '../../src/db/database.js'
import { snapshotFile, testDatabaseNames } from '../setup/paths.js'

export interface TestDatabase {
  db: Db
  config: DatabaseConfig
  /** Queries run through `db` since the last reset; for asserting that a page costs a constant number of queries. */
  queries: { count: number; sql: string[]; reset(): void }
  /** A second, independent connection to the same database (a second Kring process would have one). */
  connectAgain(): Promise<Db>
}

interface Teardown {
  teardown(fn: () => unknown): void
}

export async function createTestDatabase(t: Teardown): Promise<TestDatabase> {
  const queries = {
    count: 0,
    sql: [] as string[],
    reset() {
      this.count = 0
      this.sql = []
    },
  }
  const log = (event: LogEvent) => {
    queries.count++
    queries.sql.push(event.query.sql)
  }
  const databaseUrl = process.env.DATABASE_URL
  if (databaseUrl) {
    const names = testDatabaseNames(databaseUrl)
    const name = names.perFile(`${process.pid}_${randomBytes(4).toString('hex')}`)
    const admin = new pg.Client({ connectionString: names.maintenanceUrl })
    await admin.connect()
    await admin.query(`create database "${name}" template "${names.template}"`)
    await admin.end()
    const url = names.urlFor(name)
    const pools: pg.Pool[] = []
    const open = (withLog: boolean) => {
      const pool = new pg.Pool({ connectionString: url, max: 5 })
      pool.on('error', () => {})
      // As the app's own pool does (src/db/connect.ts), so the tests run the statements the way production does.
      preparePooledStatements(pool)
      pools.push(pool)
      return new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: withLog ? log : undefined })
    }
    const db = open(true)
    t.teardown(async () => {
      await Promise.all(pools.map((pool) => pool.end().catch(() => {})))
      const dropper = new pg.Client({ connectionString: names.maintenanceUrl })
      await dropper.connect()
      await dropper.query(`drop database if exists "${name}" with (force)`)
      await dropper.end()
    })
    return { db, config: { kind: 'postgres', url }, queries, connectAgain: async () => open(false) }
  }

  const snapshot = new Blob([readFileSync(snapshotFile)])
  const pglite = await PGlite.create({
    loadDataDir: snapshot,
    parsers: { 20: (value: string) => Number.parseInt(value, 10) },
  })
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite), log })
  t.teardown(() => pglite.close().catch(() => {}))
  // PGlite lives in this process: a second "instance" shares the same engine, as two requests would.
  return {
    db,
    config: { kind: 'pglite', dataDir: null, snapshot },
    queries,
    connectAgain: async () => new Kysely<Database>({ dialect: new PGliteDialect(pglite) }),
  }
}
