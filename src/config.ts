// The only reader of process.env: validates it once and returns a frozen, typed config.
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { isIP } from 'node:net'
import path from 'node:path'

export type DatabaseConfig =
  | { kind: 'postgres'; url: string; pool?: Partial<PoolSettings> }
  | { kind: 'pglite'; dataDir: string | null; snapshot?: Blob }

/** The PostgreSQL pool that serves pages and writes (see src/db/connect.ts for the defaults). */
export interface PoolSettings {
  /** Connections this instance opens at most. */
  max: number
  /** How long a request waits for a connection (a free slot, or the server to answer) before it gets the 503 page. */
  connectTimeoutMs: number
  /** An unused connection is closed after this long. */
  idleTimeoutMs: number
  /** Any one statement is cancelled after this long; 0: no limit. Migrations run without it. */
  statementTimeoutMs: number
}

/**
 * Expensive reads (the search fallback, exports, long admin lists) share a bounded part of the database, so that a
 * burst of them cannot starve the pages everyone reads.
 */
export interface HeavyReadSettings {
  /** Heavy reads running at once on this instance (on PostgreSQL: connections of their own, beside the pool). */
  max: number
  /** Heavy reads waiting for a turn; one more gets the 503 page at once. */
  queueMax: number
  /** A heavy read's statement is cancelled after this long. */
  statementTimeoutMs: number
}

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

/** The proxies allowed to set X-Forwarded-*: none, or addresses and CIDR ranges (Fastify's trustProxy list). */
export type TrustedProxies = false | string[]

export interface SessionConfig {
  /** A session ends this long after login, however active. */
  maxAgeMs: number
  /** A session also ends after this long without a request. */
  idleMs: number
}

/** Failed logins per account: after `freeFailures` within `windowMs`, each further attempt waits 2^n seconds. */
export interface LoginThrottle {
  freeFailures: number
  windowMs: number
  maxDelayMs: number
}

/** Outbound email. Without an SMTP URL (development only) messages are kept in the database and shown at /dev/mail. */
export interface MailConfig {
  /** smtp:// or smtps:// with credentials, e.g. smtps://user:pass@mail.example:465; null: keep messages at /dev/mail. */
  smtpUrl: string | null
  /** The From of every message, e.g. "Kring <kring@example.org>". */
  from: string
  /** Messages go out at most this many at once per instance. */
  concurrency: number
}

export interface Config {
  env: 'development' | 'production' | 'test'
  host: string
  port: number
  /** Origin every absolute URL is built from (canonical links, feeds, sitemap, invitations), never the request's Host. */
  publicUrl: string
  trustedProxies: TrustedProxies
  /** When set, rate-limit counters live in this Redis, under keys starting with keyPrefix, shared by all instances. */
  redis: { url: string; keyPrefix: string } | null
  session: SessionConfig
  loginThrottle: LoginThrottle
  dataDir: string
  database: DatabaseConfig
  heavyReads: HeavyReadSettings
  /** How long a graceful stop waits for requests in flight before it exits anyway. */
  shutdownTimeoutMs: number
  search: SearchConfig
  mail: MailConfig
  sessionSecret: string
  secureCookies: boolean
  seedDemo: boolean
  cacheTemplates: boolean
  bodyLimitBytes: number
  rateLimits: { login: RateLimit; register: RateLimit }
  /** Flags from distinct members that hide content until a moderator decides; per-minute limits, stricter for accounts under a week old. */
  moderation: {
    flagThreshold: number
    flagsPerMinute: { newAccount: number; established: number }
    postsPerMinute: { newAccount: number; established: number }
  }
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
  if (meiliUrl && !meiliKey)
    throw new ConfigError(
      'MEILI_URL is set but MEILI_MASTER_KEY is not: Kring needs the master key to manage its index and search keys.',
    )
  if (isProduction && !databaseUrl)
    throw new ConfigError('NODE_ENV=production needs DATABASE_URL: PGlite is for a single development process.')
  if (isProduction && !meiliUrl)
    throw new ConfigError(
      'NODE_ENV=production needs MEILI_URL and MEILI_MASTER_KEY: every instance must share one Meilisearch.',
    )

  let sessionSecret = nonEmpty(env.SESSION_SECRET)
  if (sessionSecret && sessionSecret.length < 32)
    throw new ConfigError('SESSION_SECRET must be at least 32 characters long.')
  if (!sessionSecret) {
    if (isProduction) throw new ConfigError('NODE_ENV=production needs SESSION_SECRET (at least 32 characters).')
    sessionSecret = readOrCreateSecret(dataDir)
  }

  const host = env.HOST ?? '127.0.0.1'
  const publicUrlRaw = nonEmpty(env.KRING_PUBLIC_URL)
  if (isProduction && !publicUrlRaw)
    throw new ConfigError(
      'NODE_ENV=production needs KRING_PUBLIC_URL (e.g. https://kring.example): absolute links must not come from request headers.',
    )
  const publicUrl = publicUrlRaw ? parsePublicUrl(publicUrlRaw) : `http://${urlHost(host)}:${port}`
  const trustedProxies = parseTrustedProxies(env.KRING_TRUSTED_PROXIES)
  // Kring speaks plain HTTP: in production TLS ends at a proxy, and only a trusted proxy can say the browser used
  // HTTPS. Without one, Secure session cookies would never be set and nobody could log in.
  if (isProduction && !trustedProxies)
    throw new ConfigError(
      'NODE_ENV=production needs KRING_TRUSTED_PROXIES: the address(es) of the TLS proxy in front of Kring, e.g. 10.0.0.5 or loopback.',
    )
  const redisUrl = nonEmpty(env.REDIS_URL)
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl))
    throw new ConfigError(`REDIS_URL must start with redis:// or rediss://, got "${redisUrl}".`)
  const sessionMaxDays = parseInteger(env.KRING_SESSION_MAX_DAYS ?? '30', 'KRING_SESSION_MAX_DAYS', 1, 365)
  const sessionIdleDays = parseInteger(env.KRING_SESSION_IDLE_DAYS ?? '7', 'KRING_SESSION_IDLE_DAYS', 1, 365)
  if (sessionIdleDays > sessionMaxDays)
    throw new ConfigError('KRING_SESSION_IDLE_DAYS must not be longer than KRING_SESSION_MAX_DAYS.')

  const smtpUrl = nonEmpty(env.SMTP_URL)
  if (smtpUrl && !/^smtps?:\/\/[^\s]+$/.test(smtpUrl))
    throw new ConfigError('SMTP_URL must look like smtp://host:587 or smtps://user:password@host:465.')
  const mailFrom = nonEmpty(env.MAIL_FROM)
  if (isProduction && (!smtpUrl || !mailFrom))
    throw new ConfigError(
      'NODE_ENV=production needs SMTP_URL and MAIL_FROM (e.g. "Kring <kring@example.org>"): without them nobody gets email.',
    )
  if (mailFrom && (/[\r\n]/.test(mailFrom) || !/@[^@\s>]+\.?[^@\s>]*>?\s*$/.test(mailFrom)))
    throw new ConfigError(`MAIL_FROM must be an address such as "Kring <kring@example.org>", got "${mailFrom}".`)

  // Read even without DATABASE_URL, so that a mistyped value is refused before it matters.
  const pool = parsePool(env)

  return Object.freeze({
    env: nodeEnv,
    host,
    port,
    publicUrl,
    trustedProxies,
    redis: redisUrl ? { url: redisUrl, keyPrefix: env.KRING_REDIS_PREFIX ?? 'kring-rate-limit-' } : null,
    session: { maxAgeMs: sessionMaxDays * dayMs, idleMs: sessionIdleDays * dayMs },
    loginThrottle: { freeFailures: 5, windowMs: 15 * 60_000, maxDelayMs: 15 * 60_000 },
    dataDir,
    database: databaseUrl
      ? { kind: 'postgres', url: databaseUrl, pool }
      : { kind: 'pglite', dataDir: path.join(dataDir, 'pglite') },
    heavyReads: {
      max: parseInteger(env.DATABASE_HEAVY_READS_MAX ?? '2', 'DATABASE_HEAVY_READS_MAX', 1, 1000),
      queueMax: parseInteger(env.DATABASE_HEAVY_READS_QUEUE ?? '20', 'DATABASE_HEAVY_READS_QUEUE', 0, 100_000),
      statementTimeoutMs: parseInteger(
        env.DATABASE_HEAVY_READ_TIMEOUT_MS ?? '3000',
        'DATABASE_HEAVY_READ_TIMEOUT_MS',
        1,
        3_600_000,
      ),
    },
    shutdownTimeoutMs: parseInteger(
      env.KRING_SHUTDOWN_TIMEOUT_MS ?? '10000',
      'KRING_SHUTDOWN_TIMEOUT_MS',
      0,
      3_600_000,
    ),
    search: { url: meiliUrl ?? null, masterKey: meiliKey ?? null, indexPrefix: env.MEILI_INDEX_PREFIX ?? '' },
    mail: {
      smtpUrl: smtpUrl ?? null,
      from: mailFrom ?? `Kring <kring@${new URL(publicUrl).hostname}>`,
      concurrency: parseInteger(env.MAIL_CONCURRENCY ?? '5', 'MAIL_CONCURRENCY', 1, 100),
    },
    sessionSecret,
    secureCookies: isProduction,
    seedDemo: !isProduction && env.KRING_DEMO !== '0',
    cacheTemplates: env.KRING_RELOAD_TEMPLATES !== '1',
    bodyLimitBytes: 256 * 1024,
    rateLimits: {
      login: {
        max: parseInteger(env.KRING_LOGIN_RATE_MAX ?? '10', 'KRING_LOGIN_RATE_MAX', 1, 1e6),
        timeWindowMs: 60_000,
      },
      register: {
        max: parseInteger(env.KRING_REGISTER_RATE_MAX ?? '5', 'KRING_REGISTER_RATE_MAX', 1, 1e6),
        timeWindowMs: 60_000,
      },
    },
    moderation: {
      flagThreshold: parseInteger(env.KRING_FLAG_THRESHOLD ?? '3', 'KRING_FLAG_THRESHOLD', 1, 100),
      flagsPerMinute: { newAccount: 3, established: 20 },
      postsPerMinute: { newAccount: 3, established: 30 },
    },
    logLevel: env.LOG_LEVEL ?? (nodeEnv === 'test' ? 'silent' : 'info'),
  } satisfies Config)
}

const dayMs = 24 * 60 * 60 * 1000

function parsePool(env: Env): PoolSettings {
  return {
    max: parseInteger(env.DATABASE_POOL_MAX ?? '10', 'DATABASE_POOL_MAX', 1, 1000),
    connectTimeoutMs: parseInteger(
      env.DATABASE_CONNECT_TIMEOUT_MS ?? '5000',
      'DATABASE_CONNECT_TIMEOUT_MS',
      100,
      600_000,
    ),
    idleTimeoutMs: parseInteger(env.DATABASE_IDLE_TIMEOUT_MS ?? '10000', 'DATABASE_IDLE_TIMEOUT_MS', 0, 3_600_000),
    statementTimeoutMs: parseInteger(
      env.DATABASE_STATEMENT_TIMEOUT_MS ?? '30000',
      'DATABASE_STATEMENT_TIMEOUT_MS',
      0,
      3_600_000,
    ),
  }
}

/** An origin without a trailing slash, path, query or credentials: what goes before "/library/...". */
function parsePublicUrl(raw: string): string {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new ConfigError(
      `KRING_PUBLIC_URL must be an absolute http(s) URL such as https://kring.example, got "${raw}".`,
    )
  }
  if (
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    url.username ||
    url.password ||
    url.search ||
    url.hash ||
    url.pathname !== '/'
  ) {
    throw new ConfigError(
      `KRING_PUBLIC_URL must be an http(s) origin without path, query or credentials, got "${raw}".`,
    )
  }
  return url.origin
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return 'localhost'
  return host.includes(':') ? `[${host}]` : host
}

const proxyRangeNames = ['loopback', 'linklocal', 'uniquelocal']

/**
 * Unset: no proxy is trusted. Otherwise a comma-separated list of addresses, CIDR ranges or proxy-addr's names
 * (loopback, linklocal, uniquelocal). Not a hop count: that cannot tell a proxy from a client connecting directly.
 */
function parseTrustedProxies(raw: string | undefined): TrustedProxies {
  const value = nonEmpty(raw)
  if (!value) return false
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
  for (const entry of entries) {
    const [address, bits, extra] = entry.split('/')
    const validRange = isIP(address) !== 0 && extra === undefined && (bits === undefined || /^\d{1,3}$/.test(bits))
    if (!proxyRangeNames.includes(entry) && !validRange) {
      throw new ConfigError(
        `KRING_TRUSTED_PROXIES must list IP addresses, CIDR ranges or ${proxyRangeNames.join('/')}, got "${entry}".`,
      )
    }
  }
  return entries
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
  if (!Number.isInteger(value) || value < min || value > max)
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}".`)
  return value
}

function parseEnum<T extends string>(raw: string, allowed: readonly T[], name: string): T {
  if (!(allowed as readonly string[]).includes(raw))
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}".`)
  return raw as T
}
