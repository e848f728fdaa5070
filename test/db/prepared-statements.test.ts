import t from 'tap'
import { sql } from 'kysely'
import { connectDatabase, maxNamedStatements, type Db } from '../../src/db/connect.js'
import { createTestDatabase } from '../helpers/database.js'

async function open(t: Parameters<typeof createTestDatabase>[0]): Promise<Db | null> {
  const database = await createTestDatabase(t)
  if (database.config.kind !== 'postgres') return null
  const db = await connectDatabase(database.config)
  t.teardown(() => db.destroy())
  return db
}

const preparedOnThisConnection = async (db: Db) =>
  (await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements`.execute(db)).rows

t.test('parameterised statements run as named prepared statements on PostgreSQL', async (t) => {
  const db = await open(t)
  if (!db) return t.pass('PGlite runs in-process: nothing to prepare')
  await db.transaction().execute(async (trx) => {
    const query = trx.selectFrom('users').select(['id', 'display_name']).where('id', '=', 1)
    await query.execute()
    await query.execute()
    const prepared = await preparedOnThisConnection(trx as unknown as Db)
    t.equal(
      prepared.filter((p) => p.statement === query.compile().sql).length,
      1,
      'prepared once on this connection, then reused',
    )
    t.notOk(
      prepared.some((p) => p.statement === 'select name, statement from pg_prepared_statements'),
      'statements without parameters stay unnamed',
    )
  })
})

t.test('a schema change under a prepared statement costs no error outside a transaction', async (t) => {
  const db = await open(t)
  if (!db) return t.pass('PGlite runs in-process: nothing to prepare')
  await sql`create table prepared_probe (id integer primary key)`.execute(db)
  await sql`insert into prepared_probe (id) values (1)`.execute(db)
  const probe = () =>
    (db as unknown as Db)
      .selectFrom('prepared_probe' as 'users')
      .selectAll()
      .where('id', '=', 1)
      .executeTakeFirstOrThrow()
  t.same(await probe(), { id: 1 })
  // What another instance's migration does while this one runs.
  await sql`alter table prepared_probe add column label text default 'new'`.execute(db)
  t.same(await probe(), { id: 1, label: 'new' }, 'prepared again with the new columns')

  // Inside a transaction the first statement after the change fails (the transaction is aborted, so nothing is retried)...
  await sql`alter table prepared_probe add column note text`.execute(db)
  let failedInside: unknown = null
  await db
    .transaction()
    .execute(async (trx) => {
      await trx
        .selectFrom('prepared_probe' as 'users')
        .selectAll()
        .where('id', '=', 1)
        .execute()
    })
    .catch((error: unknown) => {
      failedInside = error
    })
  // ...whichever connection ran it, every later attempt succeeds.
  for (let i = 0; i < 3; i++) t.same(await probe(), { id: 1, label: 'new', note: null })
  if (failedInside) t.match(String(failedInside), /cached plan must not change result type/)
})

t.test('transactions, rollbacks and statements past the naming limit still work', async (t) => {
  const db = await open(t)
  if (!db) return t.pass('PGlite runs in-process: nothing to prepare')
  await sql`create table prepared_rows (id integer primary key, n integer not null)`.execute(db)
  await db
    .transaction()
    .execute(async (trx) => {
      await trx
        .insertInto('prepared_rows' as 'users')
        .values({ id: 1, n: 1 } as never)
        .execute()
      throw new Error('changed my mind')
    })
    .catch(() => {})
  t.equal(
    (await sql<{ count: number }>`select count(*)::int as count from prepared_rows`.execute(db)).rows[0].count,
    0,
    'rolled back',
  )
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('prepared_rows' as 'users')
      .values({ id: 1, n: 1 } as never)
      .execute()
  })
  // More distinct statements than we name: IN lists of every length.
  for (let length = 1; length <= maxNamedStatements + 20; length += 1) {
    const ids = Array.from({ length }, (_, i) => i + 1)
    const rows = await db
      .selectFrom('prepared_rows' as 'users')
      .select('id')
      .where('id', 'in', ids)
      .execute()
    if (rows.length !== 1) t.fail(`IN list of ${length}: ${rows.length} rows`)
  }
  await db.transaction().execute(async (trx) => {
    const prepared = await preparedOnThisConnection(trx as unknown as Db)
    t.ok(
      prepared.length <= maxNamedStatements,
      `at most ${maxNamedStatements} named statements per connection (${prepared.length})`,
    )
  })
})
