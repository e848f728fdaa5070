// Opens the configured database for a command-line script, holding the ./data lock when it is PGlite.
import { loadConfig } from '../src/config.js'
import { connectDatabase, forLongStatements, type Db } from '../src/db/connect.js'
import { lockDataDir } from '../src/db/data-dir-lock.js'
import { migrateToLatest } from '../src/db/migrate.js'

export async function openMigratedDatabase(): Promise<{ db: Db; close(): Promise<void> }> {
  const config = loadConfig()
  const unlock = config.database.kind === 'pglite' ? lockDataDir(config.dataDir) : () => {}
  try {
    const db = await connectDatabase(forLongStatements(config.database))
    await migrateToLatest(db)
    return {
      db,
      async close() {
        await db.destroy()
        unlock()
      },
    }
  } catch (error) {
    unlock()
    throw error
  }
}

export function fail(message: string): never {
  process.stderr.write(`${message}\n`)
  process.exit(1)
}
