// The only reader of process.env: validates it once and returns a frozen, typed config.
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'

export type DatabaseConfig =
  | { kind: 'postgres'; url: string }
  | { kind: 'pglite'; dataDir: string | null; snapshot?: Blob }

export interface SearchConfig {
  /** null: start the bundled Meilisearch from server.ts. */
  url: string | null
  masterKey: string | null
  indexPrefix: string
}

export interface RateLimit {
  max: number
  timeWindowMs: number
}

export interface Config {
  env: 'development' | 'production' | 'test'
  host: string
  port: number
  dataDir: string
  database: DatabaseConfig
  search: SearchConfig
  sessionSecret: string
  secureCookies: boolean
  seedDemo: boolean
  cacheTemplates: boolean
  bodyLimitBytes: number
  rateLimits: { login: RateLimit; register: RateLimit }
  /** Flags from distinct members that hide content until a moderator decides; per-minute limits, stricter for accounts under a week old. */
  moderation: { flagThreshold: number; flagsPerMinute: { newAccount: number; established: number }; postsPerMinute: { newAccount: number; established: number } }
  logLevel: string
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>

export function loadConfig(env: Env = process.env, cwd = process.cwd()): Readonly<Config> {
  const nodeEnv = parseEnum(env.NODE_ENV ?? 'development', ['development', 'production', 'test'], 'NODE_ENV')
  const isProduction = nodeEnv === 'production'
  const dataDir = path.resolve(cwd, env.KRING_DATA_DIR ?? 'data')

  const port = parseInteger(env.PORT ?? '3000', 'PORT', 0, 65535)
  const databaseUrl = nonEmpty(env.DATABASE_URL)
  const meiliUrl = nonEmpty(env.MEILI_URL)
  const meiliKey = nonEmpty(env.MEILI_MASTER_KEY)
  if (meiliUrl && !meiliKey) throw new ConfigError('MEILI_URL is set but MEILI_MASTER_KEY is not: Kring needs the master key to manage its index and search keys.')
  if (isProduction && !databaseUrl) throw new ConfigError('NODE_ENV=production needs DATABASE_URL: PGlite is for a single development process.')
  if (isProduction && !meiliUrl) throw new ConfigError('NODE_ENV=production needs MEILI_URL and MEILI_MASTER_KEY: every instance must share one Meilisearch.')

  let sessionSecret = nonEmpty(env.SESSION_SECRET)
  if (sessionSecret && sessionSecret.length < 32) throw new ConfigError('SESSION_SECRET must be at least 32 characters long.')
  if (!sessionSecret) {
    if (isProduction) throw new ConfigError('NODE_ENV=production needs SESSION_SECRET (at least 32 characters).')
    sessionSecret = readOrCreateSecret(dataDir)
  }

  return Object.freeze({
    env: nodeEnv,
    host: env.HOST ?? '127.0.0.1',
    port,
    dataDir,
    database: databaseUrl
      ? { kind: 'postgres', url: databaseUrl }
      : { kind: 'pglite', dataDir: path.join(dataDir, 'pglite') },
    search: { url: meiliUrl ?? null, masterKey: meiliKey ?? null, indexPrefix: env.MEILI_INDEX_PREFIX ?? '' },
    sessionSecret,
    secureCookies: isProduction,
    seedDemo: !isProduction && env.KRING_DEMO !== '0',
    cacheTemplates: env.KRING_RELOAD_TEMPLATES !== '1',
    bodyLimitBytes: 256 * 1024,
    rateLimits: {
      login: { max: parseInteger(env.KRING_LOGIN_RATE_MAX ?? '10', 'KRING_LOGIN_RATE_MAX', 1, 1e6), timeWindowMs: 60_000 },
      register: { max: parseInteger(env.KRING_REGISTER_RATE_MAX ?? '5', 'KRING_REGISTER_RATE_MAX', 1, 1e6), timeWindowMs: 60_000 },
    },
    moderation: {
      flagThreshold: parseInteger(env.KRING_FLAG_THRESHOLD ?? '3', 'KRING_FLAG_THRESHOLD', 1, 100),
      flagsPerMinute: { newAccount: 3, established: 20 },
      postsPerMinute: { newAccount: 3, established: 30 },
    },
    logLevel: env.LOG_LEVEL ?? (nodeEnv === 'test' ? 'silent' : 'info'),
  } satisfies Config)
}

function readOrCreateSecret(dataDir: string): string {
  const file = path.join(dataDir, 'secret')
  if (existsSync(file)) return readFileSync(file, 'utf8').trim()
  mkdirSync(dataDir, { recursive: true })
  const secret = randomBytes(32).toString('base64url')
  writeFileSync(file, secret + '\n', { mode: 0o600 })
  return secret
}

function nonEmpty(value: string | undefined): string | undefined {
  return value && value.trim() !== '' ? value.trim() : undefined
}

function parseInteger(raw: string, name: string, min: number, max: number): number {
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min || value > max) throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}".`)
  return value
}

function parseEnum<T extends string>(raw: string, allowed: readonly T[], name: string): T {
  if (!(allowed as readonly string[]).includes(raw)) throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}".`)
  return raw as T
}
