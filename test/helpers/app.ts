// Builds the real Kring app for a test file, on its own database and its own Meilisearch index prefix.
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import { buildApp, type AppServices } from '../../src/app.js'
import type { Config } from '../../src/config.js'
import type { Db } from '../../src/db/connect.js'
import { meiliFile, type TestMeili } from '../setup/paths.js'
import { createTestDatabase, type TestDatabase } from './database.js'

interface TestContext {
  teardown(fn: () => unknown): void
}

export function testMeili(): TestMeili {
  if (!existsSync(meiliFile))
    throw new Error('No test Meilisearch: run the tests through `npm test` (tap runs test/setup/prepare.ts first).')
  return JSON.parse(readFileSync(meiliFile, 'utf8')) as TestMeili
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  const meili = testMeili()
  return {
    env: 'test',
    host: '127.0.0.1',
    port: 0,
    // What app.inject sends as Host, so tests that predate KRING_PUBLIC_URL read the same links.
    publicUrl: 'http://localhost:80',
    trustedProxies: false,
    redis: null,
    session: { maxAgeMs: 30 * 86_400_000, idleMs: 7 * 86_400_000 },
    loginThrottle: { freeFailures: 5, windowMs: 15 * 60_000, maxDelayMs: 15 * 60_000 },
    dataDir: '/nonexistent-kring-test-data',
    database: { kind: 'pglite', dataDir: null },
    heavyReads: { max: 2, queueMax: 20, statementTimeoutMs: 3000 },
    mail: { smtpUrl: null, from: 'Kring <kring@localhost>', concurrency: 5 },
    shutdownTimeoutMs: 10_000,
    search: { url: meili.url, masterKey: meili.masterKey, indexPrefix: `t${randomBytes(4).toString('hex')}_` },
    sessionSecret: randomBytes(32).toString('hex'),
    secureCookies: false,
    seedDemo: false,
    cacheTemplates: true,
    bodyLimitBytes: 256 * 1024,
    rateLimits: { login: { max: 1000, timeWindowMs: 60_000 }, register: { max: 1000, timeWindowMs: 60_000 } },
    moderation: {
      flagThreshold: 3,
      flagsPerMinute: { newAccount: 1000, established: 1000 },
      postsPerMinute: { newAccount: 1000, established: 1000 },
    },
    logLevel: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...overrides,
  }
}

export interface TestApp {
  app: FastifyInstance
  db: Db
  database: TestDatabase
  config: Config
}

export async function buildTestApp(
  t: TestContext,
  options: {
    config?: Partial<Config>
    database?: TestDatabase
    db?: Db
    logStream?: AppServices['logStream']
    /** The mail worker, SMTP timeouts and other services of buildApp. */
    services?: Omit<AppServices, 'db' | 'logStream'>
  } = {},
): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase(t))
  const config = testConfig({ database: database.config, ...options.config })
  const db = options.db ?? database.db
  const app = await buildApp(config, { ...options.services, db, logStream: options.logStream })
  t.teardown(() => app.close())
  return { app, db, database, config }
}
