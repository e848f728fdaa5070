// Chooses the dialect: a real PostgreSQL server when DATABASE_URL is set, else PGlite in-process.
import { PGlite } from '@electric-sql/pglite'
import { Kysely, PostgresDialect } from 'kysely'
import { PGliteDialect } from 'kysely-pglite-dialect'
import pg from 'pg'
import type { DatabaseConfig, PoolSettings } from '../config.js'
import type { Database } from './database.js'

// int8 (count(*), bigserial) arrives as a string from pg; our counts fit comfortably in a JS number.
pg.types.setTypeParser(20, (value) => Number.parseInt(value, 10))

export type Db = Kysely<Database>

export const defaultPool: PoolSettings = {
  max: 10,
  connectTimeoutMs: 5000,
  idleTimeoutMs: 10_000,
  statementTimeoutMs: 0,
}

/**
 * `onConnectionError`: a connection the server dropped (restart, failover, terminated backend), idle or in use.
 * It is reported, never thrown: the pool discards that connection and the next query opens a new one.
 */
export async function connectDatabase(config: DatabaseConfig, onConnectionError?: (error: Error) => void): Promise<Db> {
  if (config.kind === 'postgres') {
    const pool = openPool(config.url, { ...defaultPool, ...config.pool }, onConnectionError)
    preparePooledStatements(pool)
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  }
  const pglite = await PGlite.create({
    dataDir: config.dataDir ?? undefined,
    loadDataDir: config.snapshot,
    parsers: { 20: (value: string) => Number.parseInt(value, 10) },
  })
  return new Kysely<Database>({ dialect: new PGliteDialect(pglite) })
}

/**
 * For migrations and command-line scripts: no statement timeout. Rebuilding a large table (a
 * migration that rewrites a column) may take far longer than any page should.
 */
export function forLongStatements(config: DatabaseConfig): DatabaseConfig {
  return config.kind === 'postgres' ? { ...config, pool: { ...config.pool, statementTimeoutMs: 0 } } : config
}

export function openPool(url: string, settings: PoolSettings, onConnectionError?: (error: Error) => void): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: settings.max,
    connectionTimeoutMillis: settings.connectTimeoutMs,
    idleTimeoutMillis: settings.idleTimeoutMs,
    ...(settings.statementTimeoutMs > 0 ? { statement_timeout: settings.statementTimeoutMs } : {}),
  })
  const report = (error: Error) => onConnectionError?.(error)
  // pg emits 'error' on the pool only for idle clients. A client checked out when the server goes away emits it on
  // itself, and an 'error' event nobody listens to ends the process: every client gets a listener of its own.
  pool.on('error', report)
  pool.on('connect', (client) => client.on('error', report))
  return pool
}

// --- Named prepared statements ---------------------------------------------------------------------
// Planning dominates PostgreSQL's time on our hot pages (the thread page's replies query plans in ~1 ms and runs in
// ~0.2 ms). A named statement is parsed once per connection, and after a few executions PostgreSQL reuses a generic
// plan. Kysely compiles the same SQL text for the same query shape, so the text itself names the statement.

/** Distinct statements we name; past this, statements run unnamed (IN lists of every length must not grow without end). */
export const maxNamedStatements = 500
/** Bulk inserts with many rows are one-offs: not worth a slot. */
const maxNamedParameters = 64

const statementIds = new Map<string, number>()

function statementId(text: string): number | null {
  let id = statementIds.get(text)
  if (id === undefined) {
    if (statementIds.size >= maxNamedStatements) return null
    id = statementIds.size + 1
    statementIds.set(text, id)
  }
  return id
}

/** A statement prepared before a schema change can fail once the change lands (a new column behind `select *`). */
function isStalePreparedStatement(error: unknown): boolean {
  const e = error as { code?: string; message?: string }
  return (e?.code === '0A000' && /cached plan must not change result type/.test(e.message ?? '')) || e?.code === '26000'
}

type Query = (this: pg.PoolClient, ...args: unknown[]) => unknown

/**
 * Every parameterised statement a pooled client runs becomes a named prepared statement. Statements without
 * parameters stay on the simple protocol, where a migration may send several at once.
 */
export function preparePooledStatements(pool: pg.Pool): void {
  pool.on('connect', (client) => {
    const original = client.query as unknown as Query
    // Bumped when the server forgets or rejects our statements, so the next use prepares them afresh.
    let generation = 0
    let inTransaction = false
    const run = (text: string, values: unknown[]) => {
      const id = values.length <= maxNamedParameters ? statementId(text) : null
      if (id === null) return original.call(client, text, values) as Promise<pg.QueryResult>
      return original.call(client, { name: `k${generation}_${id}`, text, values }) as Promise<pg.QueryResult>
    }
    ;(client as unknown as { query: Query }).query = function (this: pg.PoolClient, ...args: unknown[]) {
      const [text, values, callback] = args
      if (typeof text !== 'string' || !Array.isArray(values) || callback !== undefined)
        return original.apply(this, args)
      if (values.length === 0) {
        const command = text.trimStart().slice(0, 17).toLowerCase()
        if (command.startsWith('begin') || command.startsWith('start transaction')) inTransaction = true
        else if (/^(commit|end|abort|rollback(?!\s+to\b))/.test(command)) inTransaction = false
        return original.call(client, text, values)
      }
      return run(text, values).catch((error: unknown) => {
        if (!isStalePreparedStatement(error)) throw error
        generation++
        // Inside a transaction the error has already aborted it; outside, the statement is simply prepared again.
        if (inTransaction) throw error
        return run(text, values)
      })
    }
  })
}
