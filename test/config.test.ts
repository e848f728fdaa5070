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
  t.equal(readFileSync(path.join(cwd, 'data', 'secret'), 'utf8').trim(), config.sessionSecret, 'the generated secret is kept in ./data')
  t.equal(loadConfig({}, cwd).sessionSecret, config.sessionSecret, 'and reused on the next start')
  t.ok(Object.isFrozen(config))
})

t.test('real servers are used when configured', async (t) => {
  const config = loadConfig({ DATABASE_URL: 'postgres://kring@db/kring', MEILI_URL: 'http://search:7700', MEILI_MASTER_KEY: 'k'.repeat(32), KRING_DEMO: '0' }, scratch())
  t.same(config.database, { kind: 'postgres', url: 'postgres://kring@db/kring' })
  t.equal(config.search.url, 'http://search:7700')
  t.equal(config.seedDemo, false)
})

t.test('production refuses missing secrets and never seeds the demo', async (t) => {
  const cwd = scratch()
  t.throws(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://x/y', MEILI_URL: 'http://s:7700', MEILI_MASTER_KEY: 'm'.repeat(32) }, cwd), /SESSION_SECRET/)
  t.throws(() => loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 's'.repeat(40) }, cwd), /DATABASE_URL/)
  t.throws(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://x/y', SESSION_SECRET: 's'.repeat(40) }, cwd), /MEILI_URL/)
  const config = loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://x/y', SESSION_SECRET: 's'.repeat(40), MEILI_URL: 'http://search:7700', MEILI_MASTER_KEY: 'm'.repeat(32) }, cwd)
  t.equal(config.seedDemo, false)
  t.equal(config.secureCookies, true)
})

t.test('bad values are refused with a message that names them', async (t) => {
  const cwd = scratch()
  t.throws(() => loadConfig({ PORT: 'eighty' }, cwd), /PORT/)
  t.throws(() => loadConfig({ NODE_ENV: 'staging' }, cwd), /NODE_ENV/)
  t.throws(() => loadConfig({ MEILI_URL: 'http://x:7700' }, cwd), /MEILI_MASTER_KEY/)
  t.throws(() => loadConfig({ SESSION_SECRET: 'short' }, cwd), /32/)
})
