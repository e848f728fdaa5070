// Pages and writes have a statement timeout (DATABASE_STATEMENT_TIMEOUT_MS); migrations and scripts do not, since
// rewriting a large table may take far longer than any page should.
import t from 'tap'
import { sql } from 'kysely'
import { loadConfig } from '../../src/config.js'
import { connectDatabase, forLongStatements } from '../../src/db/connect.js'
import { createTestDatabase } from '../helpers/database.js'

t.test('migrations and scripts connect without the statement timeout the pages have', async (t) => {
  const config = loadConfig({ DATABASE_URL: 'postgres://x/y', DATABASE_STATEMENT_TIMEOUT_MS: '250' }, '/tmp')
  t.match(config.database, { pool: { statementTimeoutMs: 250 } })
  t.match(forLongStatements(config.database), {
    kind: 'postgres',
    url: 'postgres://x/y',
    pool: { statementTimeoutMs: 0 },
  })
  t.match(forLongStatements(config.database), { pool: { max: 10, connectTimeoutMs: 5000 } }, 'the rest stays')
  const embedded = { kind: 'pglite' as const, dataDir: null }
  t.equal(forLongStatements(embedded), embedded, 'PGlite has no pool to change')

  if (!process.env.DATABASE_URL) return
  // On the PostgreSQL server: the timeout really cancels a page's statement, and really is off for a migration.
  const database = await createTestDatabase(t)
  if (database.config.kind !== 'postgres') throw new Error('expected a PostgreSQL test database')
  const pages = await connectDatabase({ ...database.config, pool: { statementTimeoutMs: 250 } })
  const migrations = await connectDatabase(forLongStatements({ ...database.config, pool: { statementTimeoutMs: 250 } }))
  t.teardown(async () => {
    await pages.destroy()
    await migrations.destroy()
  })
  await t.rejects(
    sql`select pg_sleep(0.6)`.execute(pages),
    { code: '57014' },
    'a slow statement of a page is cancelled',
  )
  await t.resolves(sql`select pg_sleep(0.6)`.execute(migrations), 'a migration may take its time')
})
