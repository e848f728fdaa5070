import t from 'tap'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { loadConfig } from '../src/config.js'

const scratch = () => mkdtempSync(path.join(tmpdir(), 'kring-config-'))

t.test('with nothing set, Kring runs on the embedded defaults', async (t) => {
  const cwd = scratch()
  const config = loadConfig({}, cwd)
  t.equal(config.port, 3000)
  t.equal(config.host, '127.0.0.1')
  t.same(config.database, { kind: 'pglite', dataDir: path.join(cwd, 'data', 'pglite') })
  t.equal(config.search.url, null, 'the bundled Meilisearch will be started')
  t.equal(config.seedDemo, true)
  t.equal(config.secureCookies, false)
  t.ok(config.sessionSecret.length >= 32)
  t.equal(
    readFileSync(path.join(cwd, 'data', 'secret'), 'utf8').trim(),
    config.sessionSecret,
    'the generated secret is kept in ./data',
  )
  t.equal(loadConfig({}, cwd).sessionSecret, config.sessionSecret, 'and reused on the next start')
  t.ok(Object.isFrozen(config))
})

t.test('real servers are used when configured', async (t) => {
  const config = loadConfig(
    {
      DATABASE_URL: 'postgres://kring@db/kring',
      MEILI_URL: 'http://search:7700',
      MEILI_MASTER_KEY: 'k'.repeat(32),
      KRING_DEMO: '0',
    },
    scratch(),
  )
  t.match(config.database, { kind: 'postgres', url: 'postgres://kring@db/kring' })
  t.equal(config.search.url, 'http://search:7700')
  t.equal(config.seedDemo, false)
})

t.test('production refuses missing secrets and never seeds the demo', async (t) => {
  const cwd = scratch()
  t.throws(
    () =>
      loadConfig(
        {
          NODE_ENV: 'production',
          DATABASE_URL: 'postgres://x/y',
          MEILI_URL: 'http://s:7700',
          MEILI_MASTER_KEY: 'm'.repeat(32),
        },
        cwd,
      ),
    /SESSION_SECRET/,
  )
  t.throws(() => loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 's'.repeat(40) }, cwd), /DATABASE_URL/)
  t.throws(
    () => loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://x/y', SESSION_SECRET: 's'.repeat(40) }, cwd),
    /MEILI_URL/,
  )
  const production = {
    NODE_ENV: 'production',
    DATABASE_URL: 'postgres://x/y',
    SESSION_SECRET: 's'.repeat(40),
    MEILI_URL: 'http://search:7700',
    MEILI_MASTER_KEY: 'm'.repeat(32),
  }
  t.throws(
    () => loadConfig(production, cwd),
    /KRING_PUBLIC_URL/,
    'absolute links need a configured origin, not the Host header',
  )
  t.throws(
    () => loadConfig({ ...production, KRING_PUBLIC_URL: 'https://kring.example' }, cwd),
    /KRING_TRUSTED_PROXIES/,
    'only a trusted proxy can say the browser used HTTPS',
  )
  const behindProxy = { ...production, KRING_PUBLIC_URL: 'https://kring.example/', KRING_TRUSTED_PROXIES: 'loopback' }
  t.throws(() => loadConfig(behindProxy, cwd), /SMTP_URL and MAIL_FROM/, 'without SMTP nobody would get email')
  t.throws(
    () => loadConfig({ ...behindProxy, SMTP_URL: 'smtp://mail.example:587' }, cwd),
    /MAIL_FROM/,
    'a From address is not guessed in production',
  )
  const config = loadConfig(
    { ...behindProxy, SMTP_URL: 'smtps://kring:secret@mail.example:465', MAIL_FROM: 'Kring <kring@kring.example>' },
    cwd,
  )
  t.equal(config.mail.smtpUrl, 'smtps://kring:secret@mail.example:465')
  t.equal(config.mail.from, 'Kring <kring@kring.example>')
  t.equal(config.publicUrl, 'https://kring.example')
  t.equal(config.seedDemo, false)
  t.equal(config.secureCookies, true)
})

t.test('bad values are refused with a message that names them', async (t) => {
  const cwd = scratch()
  t.throws(() => loadConfig({ PORT: 'eighty' }, cwd), /PORT/)
  t.throws(() => loadConfig({ NODE_ENV: 'staging' }, cwd), /NODE_ENV/)
  t.throws(() => loadConfig({ MEILI_URL: 'http://x:7700' }, cwd), /MEILI_MASTER_KEY/)
  t.throws(() => loadConfig({ SESSION_SECRET: 'short' }, cwd), /32/)
  t.throws(() => loadConfig({ SMTP_URL: 'mail.example:25' }, cwd), /SMTP_URL/)
  t.throws(() => loadConfig({ MAIL_FROM: 'Kring <kring@example.org>\r\nBcc: eve@evil.test' }, cwd), /MAIL_FROM/)
  t.throws(() => loadConfig({ MAIL_FROM: 'no address here' }, cwd), /MAIL_FROM/)
  t.equal(loadConfig({}, cwd).mail.smtpUrl, null, 'without SMTP_URL mail is kept at /dev/mail')
  t.equal(loadConfig({}, cwd).mail.from, 'Kring <kring@127.0.0.1>')
})

t.test('public URL, trusted proxies, Redis and session lifetimes', async (t) => {
  const cwd = scratch()
  const defaults = loadConfig({}, cwd)
  t.equal(defaults.publicUrl, 'http://127.0.0.1:3000', 'derived from HOST and PORT outside production')
  t.equal(loadConfig({ HOST: '0.0.0.0', PORT: '8080' }, cwd).publicUrl, 'http://localhost:8080')
  t.equal(defaults.trustedProxies, false, 'no proxy is trusted unless configured')
  t.equal(defaults.redis, null)
  t.same(defaults.session, { maxAgeMs: 30 * 86_400_000, idleMs: 7 * 86_400_000 })

  const configured = loadConfig(
    {
      KRING_PUBLIC_URL: 'https://cop.example.org',
      KRING_TRUSTED_PROXIES: '10.0.0.1, 192.168.0.0/16,loopback',
      REDIS_URL: 'redis://127.0.0.1:6379',
      KRING_SESSION_MAX_DAYS: '14',
      KRING_SESSION_IDLE_DAYS: '2',
    },
    cwd,
  )
  t.equal(configured.publicUrl, 'https://cop.example.org')
  t.same(configured.trustedProxies, ['10.0.0.1', '192.168.0.0/16', 'loopback'])
  t.same(configured.redis, { url: 'redis://127.0.0.1:6379', keyPrefix: 'kring-rate-limit-' })
  t.same(configured.session, { maxAgeMs: 14 * 86_400_000, idleMs: 2 * 86_400_000 })

  t.throws(() => loadConfig({ KRING_PUBLIC_URL: 'kring.example' }, cwd), /KRING_PUBLIC_URL/)
  t.throws(
    () => loadConfig({ KRING_PUBLIC_URL: 'https://kring.example/forum' }, cwd),
    /KRING_PUBLIC_URL/,
    'an origin, not a path',
  )
  t.throws(() => loadConfig({ KRING_PUBLIC_URL: 'javascript:alert(1)' }, cwd), /KRING_PUBLIC_URL/)
  t.throws(
    () => loadConfig({ KRING_TRUSTED_PROXIES: '2' }, cwd),
    /KRING_TRUSTED_PROXIES/,
    'a hop count cannot tell a proxy from a client',
  )
  t.throws(() => loadConfig({ KRING_TRUSTED_PROXIES: 'proxy.internal' }, cwd), /KRING_TRUSTED_PROXIES/)
  t.throws(() => loadConfig({ REDIS_URL: '127.0.0.1:6379' }, cwd), /REDIS_URL/)
  t.throws(
    () => loadConfig({ KRING_SESSION_IDLE_DAYS: '40' }, cwd),
    /KRING_SESSION_IDLE_DAYS/,
    'idle longer than the absolute lifetime',
  )
  t.throws(() => loadConfig({ KRING_SESSION_MAX_DAYS: '0' }, cwd), /KRING_SESSION_MAX_DAYS/)
})

t.test('the database pool, heavy reads and the drain timeout are set from the environment and checked', async (t) => {
  const cwd = scratch()
  const defaults = loadConfig({ DATABASE_URL: 'postgres://x/y' }, cwd)
  t.same(defaults.database, {
    kind: 'postgres',
    url: 'postgres://x/y',
    pool: { max: 10, connectTimeoutMs: 5000, idleTimeoutMs: 10_000, statementTimeoutMs: 30_000 },
  })
  t.same(defaults.heavyReads, { max: 2, queueMax: 20, statementTimeoutMs: 3000 })
  t.equal(defaults.shutdownTimeoutMs, 10_000)

  const tuned = loadConfig(
    {
      DATABASE_URL: 'postgres://x/y',
      DATABASE_POOL_MAX: '25',
      DATABASE_CONNECT_TIMEOUT_MS: '1500',
      DATABASE_IDLE_TIMEOUT_MS: '0',
      DATABASE_STATEMENT_TIMEOUT_MS: '0',
      DATABASE_HEAVY_READS_MAX: '4',
      DATABASE_HEAVY_READS_QUEUE: '0',
      DATABASE_HEAVY_READ_TIMEOUT_MS: '800',
      KRING_SHUTDOWN_TIMEOUT_MS: '2500',
    },
    cwd,
  )
  t.same(tuned.database, {
    kind: 'postgres',
    url: 'postgres://x/y',
    pool: { max: 25, connectTimeoutMs: 1500, idleTimeoutMs: 0, statementTimeoutMs: 0 },
  })
  t.same(tuned.heavyReads, { max: 4, queueMax: 0, statementTimeoutMs: 800 })
  t.equal(tuned.shutdownTimeoutMs, 2500)

  t.throws(() => loadConfig({ DATABASE_URL: 'postgres://x/y', DATABASE_POOL_MAX: '0' }, cwd), /DATABASE_POOL_MAX/)
  t.throws(() => loadConfig({ DATABASE_CONNECT_TIMEOUT_MS: 'soon' }, cwd), /DATABASE_CONNECT_TIMEOUT_MS/)
  t.throws(() => loadConfig({ DATABASE_HEAVY_READS_MAX: '-1' }, cwd), /DATABASE_HEAVY_READS_MAX/)
})
