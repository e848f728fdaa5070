// Search heals itself: with our own Meilisearch stopped, paused, emptied, its settings and key changed behind Kring's
// back, searches come back from Meilisearch with the right results, without restarting Kring and without anyone
// running a script; meanwhile searchers are told when results are incomplete, and the log stays short.
import t from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createSearchClient } from '../../src/search/client.js'
import { articleDocuments, threadDocuments } from '../../src/search/documents.js'
import { launchMeilisearch, type LaunchedMeili } from '../../src/search/meili-launcher.js'
import { outboxBacklog } from '../../src/search/outbox.js'
import { claimRebuild, releaseRebuild } from '../../src/search/rebuild-claim.js'
import { reindex } from '../../src/search/reindex.js'
import { Client } from '../helpers/client.js'
import { createCommunityWith, createThreadIn, createUser, replyIn } from '../helpers/factories.js'
import { captureLog } from '../helpers/log-capture.js'
import { buildSearchApp, q, resultUrls } from './helpers.js'

const quiet = { info: () => {}, warn: () => {} }

async function eventually<T>(
  what: string,
  check: () => Promise<T | null | undefined | false>,
  timeoutMs = 90_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() > deadline) {
      // What Kring said meanwhile, beyond requests: the reason it did not get there.
      const said = log
        .lines()
        .filter((line) => !('req' in line) && !('res' in line))
        .slice(-15)
      throw new Error(
        `timed out waiting until ${what}; last search seen: ${JSON.stringify(lastSeen)}; last log lines:\n${said.map((l) => JSON.stringify(l)).join('\n')}`,
      )
    }
    await new Promise((resolve) => setTimeout(resolve, 150))
  }
}

const sameList = (a: string[], b: string[]) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort())

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function isAlive(pid: number) {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

// Our own Meilisearch on a fixed loopback port, so killing and emptying it disturbs no other test file.
const dataDir = mkdtempSync(path.join(tmpdir(), 'kring-heal-'))
let meili: LaunchedMeili = (await launchMeilisearch({ dataDir, logger: quiet }))!
const port = Number(new URL(meili.url).port)
const indexPrefix = 'heal_'
t.teardown(async () => {
  try {
    process.kill(meili.pid, 'SIGCONT')
  } catch {
    // already gone
  }
  await meili.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

const log = captureLog()
const logBackoff = { firstMs: 500, maxMs: 60_000 }
const { app, db, database } = await buildSearchApp(t, {
  config: { search: { url: meili.url, masterKey: meili.masterKey, indexPrefix }, logLevel: 'info' },
  // The real background worker with every timing short enough for a test.
  worker: {
    intervalMs: 100,
    checkIntervalMs: 1000,
    backoff: { baseMs: 100, maxMs: 400 },
    nudgeDelayMs: 10,
    logBackoff,
    rebuildLeaseSeconds: 5,
  },
  logStream: log.stream,
})
const indexUid = app.searchClient!.indexUid
// Behind Kring's back: the operator's (or a disaster's) own client with the master key.
const admin = createSearchClient({ url: meili.url, masterKey: meili.masterKey, indexPrefix })
t.teardown(() => admin.close())

const author = await createUser(db)
const community = await createCommunityWith(db, { visibility: 'public', members: [author] })
const threads: number[] = []
for (let i = 1; i <= 8; i++)
  threads.push(
    await createThreadIn(db, community.id, author, {
      title: `Beekeeping rota ${i}`,
      body: `Week ${i} of the beekeeping rota in the allotment.`,
    }),
  )
// Replies carry their thread's title: the ones this file writes go to threads that are not about beekeeping.
const others: number[] = []
for (const title of ['Orchard hives', 'Allotment evenings', 'Jam and jelly', 'Tool shed'])
  others.push(await createThreadIn(db, community.id, author, { title, body: `About ${title.toLowerCase()}.` }))
await replyIn(db, others[0], author, null, 'Bring the smoker for the orchard hives.')
const visitor = new Client(app)

let lastSeen: unknown = null
interface Seen {
  status: number
  engine: 'meilisearch' | 'postgres'
  incomplete: boolean
  urls: string[]
}

async function searchFor(words: string): Promise<Seen> {
  const page = await visitor.get(q(words))
  return {
    status: page.status,
    // How the existing tests tell: the fallback says plainly that results are limited.
    engine: page.body.includes('search-limited') ? 'postgres' : 'meilisearch',
    incomplete: page.body.includes('search-incomplete'),
    urls: resultUrls(page.body),
  }
}

const beekeepingUrls = threads.map((id) => `/t/${id}`).sort()

/** Meilisearch answers with every beekeeping thread, and says nothing is missing. */
async function healthyBeekeeping() {
  const seen = await searchFor('beekeeping')
  lastSeen = seen
  return seen.engine === 'meilisearch' && !seen.incomplete && sameList(seen.urls, beekeepingUrls) ? seen : null
}

/** Document ids PostgreSQL says are searchable, and those the live index holds. */
async function expectedDocumentIds(): Promise<string[]> {
  const threadIds = (await db.selectFrom('threads').select('id').execute()).map((r) => r.id)
  const articleIds = (await db.selectFrom('articles').select('id').execute()).map((r) => r.id)
  const changes = [await threadDocuments(db, threadIds), await articleDocuments(db, articleIds)]
  return changes.flatMap((c) => c.upserts.map((d) => d.id)).sort()
}

async function indexedDocumentIds(): Promise<string[]> {
  const result = await admin.meili.index(indexUid).getDocuments({ limit: 10_000, fields: ['id'] })
  return result.results.map((d) => String(d.id)).sort()
}

/** Once the outbox has drained, the index holds exactly what the database says is searchable. */
async function indexMatchesDatabase() {
  if ((await outboxBacklog(db)).pending !== 0) return false
  const [want, have] = await Promise.all([expectedDocumentIds(), indexedDocumentIds().catch(() => [])])
  return sameList(have, want)
}

const linesMatching = (pattern: RegExp, from = 0) =>
  log
    .lines()
    .slice(from)
    .filter((line) => pattern.test(String(line.msg)))

await eventually('the first sync reached Meilisearch', healthyBeekeeping, 30_000)
await eventually('the index matches the database', indexMatchesDatabase)

t.test("settings changed behind Kring's back are re-applied without a restart", async (t) => {
  const mark = log.lines().length
  const task = await admin.meili.index(indexUid).updateSettings({
    searchableAttributes: ['author'],
    filterableAttributes: ['type'],
  })
  const applied = await admin.meili.tasks.waitForTask(task.taskUid)
  t.equal(applied.status, 'succeeded', `the change behind Kring's back took: ${applied.error?.message ?? ''}`)
  await eventually("Kring's settings are back", async () => {
    const settings = await admin.meili.index(indexUid).getSettings()
    return settings.filterableAttributes?.includes('visibility') && settings.searchableAttributes?.[0] === 'title'
  })
  await eventually('searches answer from Meilisearch with every match again', healthyBeekeeping)
  // The worker logs what it mended once its whole check is done, a moment after the settings are back.
  await eventually(
    'the log says the settings were re-applied',
    async () => linesMatching(/settings differed/, mark).length,
  )
  t.pass('the log says the settings were re-applied')
})

t.test('a deleted search key is replaced, and searches return to Meilisearch', async (t) => {
  const mark = log.lines().length
  const keys = await admin.meili.getKeys({ limit: 100 })
  const ours = keys.results.find((key) => key.name === `kring-search-${indexUid}`)
  t.ok(ours, 'Kring made a search-only key')
  await admin.meili.deleteKey(ours!.uid)
  await eventually('searches answer from Meilisearch again', healthyBeekeeping)
  const again = await admin.meili.getKeys({ limit: 100 })
  t.ok(
    again.results.some((key) => key.name === `kring-search-${indexUid}`),
    'a new search key exists',
  )
  await eventually(
    'the log says the key was replaced',
    async () => linesMatching(/refused the search key/, mark).length,
  )
  t.pass('the log says the key was replaced')
})

t.test('a paused Meilisearch: searches answer from PostgreSQL, then from Meilisearch once it continues', async (t) => {
  process.kill(meili.pid, 'SIGSTOP')
  const reply = await replyIn(db, others[1], author, null, 'The honeycomb frames need checking.')
  const during = await searchFor('honeycomb')
  t.equal(during.status, 200, 'search still answers')
  t.equal(during.engine, 'postgres', 'from the fallback')
  // Grouped by thread: the thread, with the matching reply under it.
  t.same(during.urls, [`/t/${others[1]}`, `/t/${others[1]}?at=${reply}#p${reply}`], 'which finds the new reply')
  process.kill(meili.pid, 'SIGCONT')
  await eventually('the new reply is found through Meilisearch', async () => {
    const seen = await searchFor('honeycomb')
    return seen.engine === 'meilisearch' && seen.urls.includes(`/t/${others[1]}?at=${reply}#p${reply}`)
  })
  await eventually('the index matches the database', indexMatchesDatabase)
  t.pass('converged without anyone acting')
})

t.test(
  'Meilisearch killed and restarted on an empty data directory: the index is rebuilt on its own, the log stays short',
  async (t) => {
    const mark = log.lines().length
    const pid = meili.pid
    process.kill(pid, 'SIGKILL')
    await eventually('Meilisearch is gone', async () => !isAlive(pid), 10_000)
    const reply = await replyIn(db, others[2], author, null, 'A lantern for the evening inspection.')
    const during = await searchFor('lantern')
    t.equal(during.engine, 'postgres', 'searches answer from PostgreSQL while Meilisearch is away')
    t.same(during.urls, [`/t/${others[2]}`, `/t/${others[2]}?at=${reply}#p${reply}`])

    // Away for a while: the worker goes round every 100 ms, but may warn only at growing intervals.
    const awayMs = 8000
    const awaySince = Date.now()
    await sleep(awayMs)
    const away = Date.now() - awaySince
    const warnings = linesMatching(/Meilisearch is unreachable/, mark)
    // The first failure, then after 0.5, 1, 2, 4 … s: about log2 of the time away, where a warning per round would be 80.
    const bound = 1 + Math.ceil(Math.log2(away / logBackoff.firstMs + 1))
    t.ok(warnings.length >= 1, 'the outage is logged')
    t.ok(warnings.length <= bound, `${warnings.length} warnings in ${away} ms, at most ${bound}`)
    t.ok(
      warnings.every((line) => line.level === 40),
      'as warnings',
    )

    // The same port and master key, but none of the data: no index, no key, no settings.
    rmSync(path.join(dataDir, 'meili'), { recursive: true, force: true })
    // Not asserted empty here: Kring's worker goes round every 100 ms and may already be mending it.
    meili = (await launchMeilisearch({ dataDir, logger: quiet, port }))!

    await eventually('searches answer from Meilisearch with every match again', healthyBeekeeping)
    await eventually('the reply written during the outage is found through Meilisearch', async () => {
      const seen = await searchFor('lantern')
      return seen.engine === 'meilisearch' && seen.urls.includes(`/t/${others[2]}?at=${reply}#p${reply}`)
    })
    await eventually('the index matches the database', indexMatchesDatabase)
    const settings = await admin.meili.index(indexUid).getSettings()
    t.ok(settings.filterableAttributes?.includes('visibility'), "the rebuilt index has Kring's settings")
    t.equal(linesMatching(/rebuilding it from PostgreSQL/, mark).length, 1, 'one rebuild')
    t.equal(linesMatching(/reachable again/, mark).length, 1, 'and one line when Meilisearch is back')
    t.ok(linesMatching(/Meilisearch is unreachable/, mark).length <= bound + 1, 'no burst of warnings once it is back')
  },
)

t.test(
  'while another process holds the rebuild, searchers are told results are incomplete, and a failed document task is not lost',
  async (t) => {
    // Another instance claims the rebuild (and does not get to it), so what Kring shows meanwhile can be seen.
    t.ok(await claimRebuild(db, indexUid, 'another-instance', 300), 'the other instance holds the rebuild')
    t.teardown(() => releaseRebuild(db, indexUid, 'another-instance'))
    // Behind Kring's back the index is replaced by an empty one with another primary key: every document Kring sends
    // to it fails.
    await admin.meili.tasks.waitForTask((await admin.meili.deleteIndex(indexUid)).taskUid)
    await admin.meili.tasks.waitForTask((await admin.meili.createIndex(indexUid, { primaryKey: 'uid' })).taskUid)

    const during = await eventually('the search page says results are incomplete', async () => {
      const seen = await searchFor('beekeeping')
      return seen.incomplete ? seen : null
    })
    t.equal(during.status, 200)
    t.same([...during.urls].sort(), beekeepingUrls, 'and results still come, from PostgreSQL, complete')
    t.equal(during.engine, 'postgres')
    const ready = JSON.parse((await visitor.get('/readyz')).body) as Record<string, unknown>
    t.match(
      ready,
      { status: 'degraded', search: 'incomplete', search_incomplete: /rebuilding|failing|behind/ },
      '/readyz tells the operator that searches are incomplete',
    )

    const reply = await replyIn(db, others[3], author, null, 'Quince jelly from the orchard.')
    const failed = await eventually('the failed document task is recorded on its outbox row', async () => {
      const row = await db
        .selectFrom('search_outbox')
        .select(['attempts', 'last_error'])
        .where('entity_type', '=', 'post')
        .where('entity_id', '=', reply)
        .where('done_at', 'is', null)
        .executeTakeFirst()
      return row && row.attempts > 0 ? row : null
    })
    t.match(failed.last_error, /primary key/i, `the outbox keeps the change with its error: ${failed.last_error}`)
    const quince = await searchFor('quince')
    t.ok(quince.incomplete, 'the note is shown')
    t.ok(quince.urls.includes(`/t/${others[3]}?at=${reply}#p${reply}`), 'and the new reply is found all the same')

    await releaseRebuild(db, indexUid, 'another-instance')
    await eventually('searches answer from Meilisearch with every match again', healthyBeekeeping)
    await eventually('the reply whose task failed is found through Meilisearch', async () => {
      const seen = await searchFor('quince')
      return (
        seen.engine === 'meilisearch' && !seen.incomplete && seen.urls.includes(`/t/${others[3]}?at=${reply}#p${reply}`)
      )
    })
    await eventually('the index matches the database', indexMatchesDatabase)
    t.equal((await admin.meili.index(indexUid).getRawInfo()).primaryKey, 'id', 'the rebuilt index is keyed by id')
  },
)

t.test(
  'after a rebuild run from another process (npm run search:reindex), searches return to Meilisearch',
  async (t) => {
    const mark = log.lines().length
    // What scripts/search-reindex.ts does, from this process with its own client: it holds the claim throughout.
    t.ok(await claimRebuild(db, indexUid, 'reindex-script', 300), 'the script holds the rebuild')
    t.teardown(() => releaseRebuild(db, indexUid, 'reindex-script'))
    const pid = meili.pid
    process.kill(pid, 'SIGKILL')
    await eventually('Meilisearch is gone', async () => !isAlive(pid), 10_000)
    rmSync(path.join(dataDir, 'meili'), { recursive: true, force: true })
    meili = (await launchMeilisearch({ dataDir, logger: quiet, port }))!
    await eventually('Kring sees the index needs rebuilding and leaves it to the script', async () => {
      const seen = await searchFor('beekeeping')
      return seen.incomplete && seen.engine === 'postgres'
    })
    const script = createSearchClient({ url: meili.url, masterKey: meili.masterKey, indexPrefix })
    t.teardown(() => script.close())
    await reindex(db, script)
    await releaseRebuild(db, indexUid, 'reindex-script')
    await eventually('searches answer from Meilisearch with every match again', healthyBeekeeping)
    await eventually('the index matches the database', indexMatchesDatabase)
    t.equal(linesMatching(/rebuilding it from PostgreSQL/, mark).length, 0, 'Kring did not rebuild it a second time')
  },
)

t.test('two instances find the index emptied: one rebuilds it, the other waits for it', async (t) => {
  // A second Kring on the same database and Meilisearch, with its own worker.
  const otherLog = captureLog()
  await buildSearchApp(t, {
    database,
    config: { search: { url: meili.url, masterKey: meili.masterKey, indexPrefix }, logLevel: 'info' },
    worker: { intervalMs: 100, checkIntervalMs: 1000, nudgeDelayMs: 10, logBackoff, rebuildLeaseSeconds: 5 },
    logStream: otherLog.stream,
  })
  const mark = log.lines().length
  await admin.meili.tasks.waitForTask((await admin.meili.index(indexUid).deleteAllDocuments()).taskUid)
  await eventually('searches answer from Meilisearch with every match again', healthyBeekeeping)
  await eventually('the index matches the database', indexMatchesDatabase)
  const rebuilds = [...linesMatching(/rebuilding it from PostgreSQL/, mark), ...otherLog.lines()].filter((line) =>
    /rebuilding it from PostgreSQL/.test(String(line.msg)),
  )
  t.equal(rebuilds.length, 1, 'the index was rebuilt once, by one of them')
})
