// Chooses the dialect: a real PostgreSQL server when DATABASE_URL is set, else PGlite in-process.
import { PGlite } from '@electric-sql/pglite'
import { Kysely, PostgresDialect } from 'kysely'
import { PGliteDialect } from 'kysely-pglite-dialect'
import pg from 'pg'
import type { DatabaseConfig } from '../config.js'
import type { Database } from './database.js'

// int8 (count(*), bigserial) arrives as a string from pg; our counts fit comfortably in a JS number.
pg.types.setTypeParser(20, (value) => Number.parseInt(value, 10))

export type Db = Kysely<Database>

export async function connectDatabase(config: DatabaseConfig, onIdleError?: (error: Error) => void): Promise<Db> {
  if (config.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: config.url, max: 10, connectionTimeoutMillis: 5000 })
    // An idle connection dropped by the server (restart, failover) must not crash the process; the next query reconnects.
    pool.on('error', (error) => onIdleError?.(error))
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  }
  const pglite = await PGlite.create({
    dataDir: config.dataDir ?? undefined,
    loadDataDir: config.snapshot,
    parsers: { 20: (value: string) => Number.parseInt(value, 10) },
  })
  return new Kysely<Database>({ dialect: new PGliteDialect(pglite) })
}
