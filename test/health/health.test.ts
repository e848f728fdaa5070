import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import t from 'tap'
import type { Database } from '../../src/db/database.js'
import { buildTestApp } from '../helpers/app.js'

t.test('/healthz says the process is up', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject('/healthz')
  t.equal(res.statusCode, 200)
  t.same(res.json(), { status: 'ok' })
})

t.test('/readyz reports database and search as JSON', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject('/readyz')
  t.equal(res.statusCode, 200)
  t.match(res.json(), { status: 'ok', database: 'ok', search: 'ok', outbox: { pending: Number, failing: Number } })
  t.equal(res.headers['cache-control'], 'no-store')
})

t.test('/readyz stays in rotation but says degraded when Meilisearch is unreachable', async (t) => {
  const { app } = await buildTestApp(t, {
    config: { search: { url: 'http://127.0.0.1:9', masterKey: 'nope-nope-nope-nope', indexPrefix: 'x_' } },
  })
  const res = await app.inject('/readyz')
  t.equal(res.statusCode, 200)
  t.match(res.json(), { status: 'degraded', database: 'ok', search: 'unavailable' })
})

t.test('/readyz answers 503 when the database is gone', async (t) => {
  const { app } = await buildTestApp(t)
  const pool = new pg.Pool({
    connectionString: 'postgres://nobody@127.0.0.1:1/gone_test',
    connectionTimeoutMillis: 500,
  })
  const unreachable = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  t.teardown(() => unreachable.destroy())
  const { app: other } = await buildTestApp(t, { db: unreachable })
  const res = await other.inject('/readyz')
  t.equal(res.statusCode, 503)
  t.equal(res.json<{ database: string }>().database, 'unavailable')
  t.equal((await app.inject('/readyz')).statusCode, 200, 'the healthy instance is unaffected')
})
