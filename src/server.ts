// Starts Kring: lock ./data, start the bundled Meilisearch if needed, migrate, seed the demo, listen, close gracefully.
import { buildApp } from './app.js'
import { ConfigError, loadConfig, type Config } from './config.js'
import { connectDatabase, forLongStatements, type Db } from './db/connect.js'
import { DataDirInUseError, lockDataDir } from './db/data-dir-lock.js'
import { migrateToLatest } from './db/migrate.js'
import { seedDemoIfEmpty } from './demo/seed.js'
import { launchMeilisearch, type LaunchedMeili } from './search/meili-launcher.js'
import { installLastResort } from './last-resort.js'
import pino from 'pino'

// Until the config is read, and for what happens outside a request: the app's own logger takes over once it runs.
const log = pino({ level: 'info' })
installLastResort(log)

async function main() {
  let config: Readonly<Config>
  try {
    config = loadConfig()
    log.level = config.logLevel
  } catch (error) {
    if (error instanceof ConfigError) {
      log.fatal(error.message)
      process.exit(1)
    }
    throw error
  }

  const usesDataDir = config.database.kind === 'pglite' || config.search.url === null
  let unlock = () => {}
  if (usesDataDir) {
    try {
      unlock = lockDataDir(config.dataDir)
    } catch (error) {
      if (error instanceof DataDirInUseError) {
        log.fatal(error.message)
        process.exit(1)
      }
      throw error
    }
  }

  let meili: LaunchedMeili | null = null
  if (config.search.url === null) {
    meili = await launchMeilisearch({ dataDir: config.dataDir, logger: log })
    if (meili)
      config = Object.freeze({ ...config, search: { ...config.search, url: meili.url, masterKey: meili.masterKey } })
  }

  const db = await connectDatabase(config.database, (err) =>
    log.warn({ err }, 'a database connection was lost; the next query reconnects'),
  )
  await migrateAndSeed(config, db)

  const app = await buildApp(config, { db })
  let closing = false
  const shutdown = async (signal: string) => {
    if (closing) {
      // An operator who asks twice does not want to wait for the drain.
      app.log.warn({ signal }, 'second stop signal: exiting now')
      unlock()
      process.exit(1)
    }
    closing = true
    app.log.info({ signal, drainTimeoutMs: config.shutdownTimeoutMs }, 'shutting down')
    const timer = setTimeout(() => {
      app.log.warn('requests still running after the drain timeout: exiting anyway')
      unlock()
      process.exit(1)
    }, config.shutdownTimeoutMs)
    try {
      await app.close()
      await db.destroy()
      await meili?.stop()
    } finally {
      clearTimeout(timer)
      unlock()
      process.exit(0)
    }
  }
  process.on('SIGINT', () => void shutdown('SIGINT'))
  process.on('SIGTERM', () => void shutdown('SIGTERM'))

  const address = await app.listen({ host: config.host, port: config.port })
  app.log.info(`Kring is ready at ${address}`)
}

/**
 * Migrations run on a connection of their own, without the pool's statement timeout: building an index on a large
 * table may take longer than any page should.
 */
async function migrateAndSeed(config: Readonly<Config>, db: Db) {
  const migrationDb =
    config.database.kind === 'postgres' ? await connectDatabase(forLongStatements(config.database)) : db
  try {
    const migrations = await migrateToLatest(migrationDb)
    const applied = migrations.results?.filter((r) => r.status === 'Success').map((r) => r.migrationName) ?? []
    if (applied.length > 0) log.info({ applied }, 'database migrated')
  } finally {
    if (migrationDb !== db) await migrationDb.destroy()
  }
  if (config.seedDemo) await seedDemoIfEmpty(db, log, config)
}

main().catch((error) => {
  log.fatal({ err: error }, 'Kring could not start')
  process.exit(1)
})
