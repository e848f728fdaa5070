// A PostgreSQL cluster of one test's own, on a free port, that the test may stop, start, restart and whose backends
// it may terminate: the machine's main cluster (15/main), which every other suite uses, is never touched.
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:net'
import { promisify } from 'node:util'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import type { Database } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrate.js'

const run = promisify(execFile)
const version = '15'

interface TestContext {
  teardown(fn: () => unknown): void
}

export interface OwnPostgres {
  /** The migrated database Kring is to use. */
  url: string
  port: number
  /** A Kysely of the test's own on that database (not Kring's pool); reconnects by itself after a restart. */
  db: Kysely<Database>
  stop(): Promise<void>
  start(): Promise<void>
  restart(): Promise<void>
  /** Ends every backend on Kring's database, as an administrator would, through a connection of its own. */
  terminateBackends(): Promise<number>
  /** Whether the server answers a query now. */
  isUp(): Promise<boolean>
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

async function ctl(name: string, action: 'start' | 'stop' | 'restart') {
  // -m fast: what an operator's restart does; open connections are told "terminating connection due to administrator
  // command" (57P01) rather than waited for.
  const mode = action === 'start' ? [] : ['-m', 'fast']
  await run('pg_ctlcluster', ['--skip-systemctl-redirect', version, name, action, ...mode])
}

export async function startOwnPostgres(t: TestContext): Promise<OwnPostgres> {
  if (process.getuid?.() !== 0) throw new Error('own-postgres needs root to create a PostgreSQL cluster')
  const name = `kring_${randomBytes(4).toString('hex')}`
  if (name === 'main') throw new Error('never the main cluster')
  const port = await freePort()
  const pools: pg.Pool[] = []
  t.teardown(async () => {
    await Promise.all(pools.map((pool) => pool.end().catch(() => {})))
    // Also after a failure half-way: whatever exists of this cluster goes.
    await run('pg_dropcluster', [version, name, '--stop']).catch(() => {})
  })
  await run('pg_createcluster', [
    version,
    name,
    '-p',
    String(port),
    '--start-conf=manual',
    '--',
    '--auth=trust',
    '--no-sync',
  ])
  await ctl(name, 'start')
  const base = `postgres://postgres@127.0.0.1:${port}`
  const admin = new pg.Client({ connectionString: `${base}/postgres` })
  await admin.connect()
  await admin.query('create database kring')
  await admin.end()
  const url = `${base}/kring`
  const pool = new pg.Pool({ connectionString: url, max: 3, connectionTimeoutMillis: 3000 })
  // This pool outlives the faults the test makes: its lost connections are simply replaced.
  pool.on('error', () => {})
  pool.on('connect', (client) => client.on('error', () => {}))
  pools.push(pool)
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  await migrateToLatest(db)

  const isUp = async () => {
    const client = new pg.Client({ connectionString: `${base}/postgres`, connectionTimeoutMillis: 2000 })
    client.on('error', () => {})
    try {
      await client.connect()
      await client.query('select 1')
      return true
    } catch {
      return false
    } finally {
      await client.end().catch(() => {})
    }
  }

  return {
    url,
    port,
    db,
    stop: () => ctl(name, 'stop'),
    start: () => ctl(name, 'start'),
    restart: () => ctl(name, 'restart'),
    isUp,
    async terminateBackends() {
      const client = new pg.Client({ connectionString: `${base}/postgres` })
      client.on('error', () => {})
      await client.connect()
      try {
        const result = await client.query(
          'select pg_terminate_backend(pid) as ended from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
          ['kring'],
        )
        return result.rows.filter((row: { ended: boolean }) => row.ended).length
      } finally {
        await client.end().catch(() => {})
      }
    },
  }
}
