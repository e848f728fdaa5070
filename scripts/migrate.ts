// npm run migrate: brings the configured database to the latest schema.
import { loadConfig } from '../src/config.js'
import { connectDatabase, forLongStatements } from '../src/db/connect.js'
import { lockDataDir } from '../src/db/data-dir-lock.js'
import { migrateToLatest } from '../src/db/migrate.js'
import { fail } from './open-database.js'

try {
  const config = loadConfig()
  const unlock = config.database.kind === 'pglite' ? lockDataDir(config.dataDir) : () => {}
  const db = await connectDatabase(forLongStatements(config.database))
  try {
    const result = await migrateToLatest(db)
    const applied = result.results?.filter((r) => r.status === 'Success').map((r) => r.migrationName) ?? []
    process.stdout.write(
      applied.length
        ? `Applied ${applied.length} migration(s):\n${applied.map((m) => `  ${m}\n`).join('')}`
        : 'The database is up to date.\n',
    )
  } finally {
    await db.destroy()
    unlock()
  }
} catch (error) {
  fail(`Migration failed: ${(error as Error).message}`)
}
