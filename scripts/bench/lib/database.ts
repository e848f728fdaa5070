// A fresh, migrated database on the local PostgreSQL server for one benchmark run.
import { Kysely, PostgresDialect, type LogEvent } from 'kysely'
import pg from 'pg'
// connect.js also teaches pg to read int8 as a number, as the app does.
import { connectDatabase, type Db } from '../../../src/db/connect.js'
import type { Database } from '../../../src/db/database.js'
import { migrateToLatest } from '../../../src/db/migrate.js'

export const defaultBenchDatabaseUrl = 'postgres://postgres@127.0.0.1:5432/kring_bench'

export function benchDatabaseUrl(): string {
  return process.env.BENCH_DATABASE_URL?.trim() || defaultBenchDatabaseUrl
}

export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ''))
}

/** Drops and recreates the database named in `url`; only ever one whose name says it is for benchmarks. */
export async function recreateDatabase(url: string): Promise<void> {
  const name = databaseName(url)
  if (!/bench/.test(name) || !/^[a-z0-9_]+$/.test(name))
    throw new Error(
      `refusing to drop "${name}": the benchmark database's name must contain "bench" (set BENCH_DATABASE_URL)`,
    )
  const maintenance = new URL(url)
  maintenance.pathname = '/postgres'
  const admin = new pg.Client({ connectionString: maintenance.toString() })
  await admin.connect()
  try {
    await admin.query(`drop database if exists "${name}" with (force)`)
    await admin.query(`create database "${name}"`)
  } finally {
    await admin.end()
  }
}

/** A connection for the generator and for counting queries; `onQuery` sees every statement. */
export async function openDatabase(url: string, onQuery?: (event: LogEvent) => void): Promise<Db> {
  if (!onQuery) return connectDatabase({ kind: 'postgres', url })
  const pool = new pg.Pool({ connectionString: url, max: 10 })
  pool.on('error', () => {})
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: onQuery })
}

export async function freshMigratedDatabase(url: string): Promise<Db> {
  await recreateDatabase(url)
  const db = await openDatabase(url)
  await migrateToLatest(db)
  return db
}
