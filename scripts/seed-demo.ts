// npm run seed:demo: removes the demo content (only that) and writes it anew.
import { loadConfig } from '../src/config.js'
import { recreateDemo, demoAdmin } from '../src/demo/seed.js'
import { fail, openMigratedDatabase } from './open-database.js'

const config = loadConfig()
if (config.env === 'production') fail('Refusing to seed demo content in production (NODE_ENV=production).')
try {
  const { db, close } = await openMigratedDatabase()
  try {
    await recreateDemo(db, config)
  } finally {
    await close()
  }
  process.stdout.write(`Demo content re-created. Log in as ${demoAdmin.email} (password in README.md).\n`)
} catch (error) {
  fail(`Could not seed the demo: ${(error as Error).message}`)
}
