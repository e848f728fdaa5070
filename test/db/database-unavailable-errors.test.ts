// Which errors mean "the database cannot be reached right now" (503, a warning) and which are bugs or refusals (500,
// 4xx): told apart on errors node-postgres really raises, from servers that refuse, hang up or never answer.
import { createServer, type Server } from 'node:net'
import { sql } from 'kysely'
import pg from 'pg'
import t from 'tap'
import { isDatabaseUnavailable } from '../../src/db/unavailable.js'
import { createTestDatabase } from '../helpers/database.js'

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  return typeof address === 'object' && address ? address.port : 0
}

async function errorOf(action: () => Promise<unknown>): Promise<unknown> {
  try {
    await action()
  } catch (error) {
    return error
  }
  throw new Error('expected the action to fail')
}

async function connectError(port: number, timeoutMs = 500): Promise<unknown> {
  const client = new pg.Client({
    connectionString: `postgres://kring@127.0.0.1:${port}/kring`,
    connectionTimeoutMillis: timeoutMs,
  })
  client.on('error', () => {})
  return errorOf(() => client.connect())
}

t.test('a server that is not there, hangs up or never answers: unavailable', async (t) => {
  const closed = createServer()
  const closedPort = await listen(closed)
  await new Promise((resolve) => closed.close(resolve))
  t.ok(isDatabaseUnavailable(await connectError(closedPort)), 'connection refused')

  const hangsUp = createServer((socket) => socket.destroy())
  t.teardown(() => hangsUp.close())
  t.ok(isDatabaseUnavailable(await connectError(await listen(hangsUp))), 'connection ended by the server')

  const silent = createServer(() => {})
  t.teardown(() => silent.close())
  const silentPort = await listen(silent)
  t.ok(isDatabaseUnavailable(await connectError(silentPort, 200)), 'no answer within the connect timeout')
  const pool = new pg.Pool({
    connectionString: `postgres://kring@127.0.0.1:${silentPort}/kring`,
    connectionTimeoutMillis: 200,
  })
  pool.on('error', () => {})
  t.teardown(() => pool.end().catch(() => {}))
  t.ok(isDatabaseUnavailable(await errorOf(() => pool.query('select 1'))), "the pool's own timeout")
})

t.test('errors of a database that answers are not "unavailable"', async (t) => {
  const { db } = await createTestDatabase(t)
  t.notOk(isDatabaseUnavailable(await errorOf(() => sql`selec 1`.execute(db))), 'a syntax error')
  t.notOk(isDatabaseUnavailable(await errorOf(() => sql`select 1/0`.execute(db))), 'division by zero')
  await sql`create table once (id int primary key)`.execute(db)
  await sql`insert into once values (1)`.execute(db)
  t.notOk(
    isDatabaseUnavailable(await errorOf(() => sql`insert into once values (1)`.execute(db))),
    'a unique violation',
  )
  t.notOk(isDatabaseUnavailable(new Error('Cannot read properties of undefined')), 'a bug')
  t.notOk(isDatabaseUnavailable(null))
  t.notOk(isDatabaseUnavailable('Connection terminated'), 'only errors, not strings that look like one')
})
