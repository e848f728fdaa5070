// A burst of expensive searches (Meilisearch down, the PostgreSQL fallback answering) cannot starve thread pages:
// the gate runs a few, queues a few more and refuses the rest at once with the 503 page and Retry-After.
import t from 'tap'
import pg from 'pg'
import { sql } from 'kysely'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { heavyReadsApplicationName } from '../../src/db/heavy-reads.js'
import { buildTestApp } from '../helpers/app.js'
import { createCommunityWith, createThreadIn, createUser } from '../helpers/factories.js'
import { captureLog } from '../helpers/log-capture.js'
import type { Db } from '../../src/db/connect.js'

/** The assertions a test's \`t\` offers that these checks use. */
type Assertions = Pick<typeof t, 'equal' | 'ok' | 'match' | 'notMatch'>

const refusalWarning = 'heavy reads are being refused with 503: too many at once, or their statements run too long'

const onServer = Boolean(process.env.DATABASE_URL)
// No Meilisearch at all: every search is answered by the PostgreSQL fallback.
const noMeilisearch = { url: null, masterKey: null, indexPrefix: '' }

async function forumWithAThread(db: Db) {
  const author = await createUser(db)
  const community = await createCommunityWith(db, { visibility: 'public', members: [author] })
  const threadId = await createThreadIn(db, community.id, author, {
    title: 'Lighthouse keepers and volunteers',
    body: 'How do you keep lighthouse volunteers for years?',
  })
  return `/t/${threadId}`
}

const search = (app: FastifyInstance, words = 'lighthouse') =>
  app.inject({ method: 'GET', url: `/search?q=${encodeURIComponent(words)}` })

/** A request whose answer the test can check for without waiting on it. */
function tracked(response: Promise<LightMyRequestResponse>) {
  const entry = { done: false, response }
  void response.then(() => (entry.done = true))
  return entry
}

function isBusyPage(t: Assertions, response: LightMyRequestResponse, what: string) {
  t.equal(response.statusCode, 503, `${what}: the 503 page, not a 500`)
  t.ok(Number(response.headers['retry-after']) >= 1, `${what}: says when to try again`)
  t.match(response.body, 'Search is very busy right now; try again in a moment', `${what}: says why, plainly`)
  t.notMatch(response.body, /at \w+ \(|Error:/, `${what}: no stack trace`)
}

t.test(
  'excess searches are refused at once while the gate is full; queued ones are answered when it frees',
  async (t) => {
    const log = captureLog()
    const { app, db } = await buildTestApp(t, {
      config: {
        search: noMeilisearch,
        heavyReads: { max: 2, queueMax: 3, statementTimeoutMs: 120_000 },
        logLevel: 'info',
      },
      logStream: log.stream,
    })
    const threadUrl = await forumWithAThread(db)
    t.equal((await search(app)).statusCode, 200, 'the fallback answers while the gate is free')

    // Two heavy reads that run until the test lets them go fill both slots (on either database).
    let letGo = () => {}
    const held = new Promise<void>((resolve) => (letGo = resolve))
    const holders = [app.heavyReads.run(() => held), app.heavyReads.run(() => held)]
    t.same(app.heavyReads.load, { running: 2, waiting: 0 })

    const queued = [1, 2, 3].map(() => tracked(search(app)))
    for (let i = 0; i < 50 && app.heavyReads.load.waiting < 3; i++) await new Promise((r) => setTimeout(r, 20))
    t.same(app.heavyReads.load, { running: 2, waiting: 3 }, 'three searches wait for a turn')

    // Answered while the slots are still held: "at once" is structural, not a stopwatch.
    const excess = await Promise.all([1, 2, 3, 4].map(() => search(app)))
    excess.forEach((response, i) => isBusyPage(t, response, `excess search ${i + 1}`))
    t.match(excess[0].body, 'lighthouse', 'the refused search is given back to the reader')
    t.notOk(
      queued.some((q) => q.done),
      'the queued searches are still waiting',
    )

    const thread = await app.inject({ method: 'GET', url: threadUrl })
    t.equal(thread.statusCode, 200, 'the thread page answers meanwhile')

    // The sitemap lists up to 50,000 pages for anyone who asks: it is a heavy read too.
    const sitemap = await app.inject({ method: 'GET', url: '/sitemap.xml' })
    t.equal(sitemap.statusCode, 503, 'the sitemap waits its turn like a search: refused while the gate is full')
    t.ok(Number(sitemap.headers['retry-after']) >= 1, 'and a crawler is told when to come back')
    t.match(sitemap.body, 'This page is very busy right now')

    const dutch = await app.inject({
      method: 'GET',
      url: '/search?q=lighthouse',
      headers: { 'accept-language': 'nl' },
    })
    t.equal(dutch.statusCode, 503)
    t.match(dutch.body, 'Zoeken is op dit moment erg druk', 'in the reader’s language')

    letGo()
    await Promise.all(holders)
    for (const [i, q] of queued.entries()) {
      const response = await q.response
      t.equal(response.statusCode, 200, `queued search ${i + 1} is answered once a slot frees`)
      t.match(response.body, '/t/', 'with its result')
    }
    t.same(app.heavyReads.load, { running: 0, waiting: 0 }, 'no slot is leaked')
    const sitemapAgain = await app.inject({ method: 'GET', url: '/sitemap.xml' })
    t.equal(sitemapAgain.statusCode, 200, 'the sitemap is served again')
    t.match(sitemapAgain.body, threadUrl)

    const warnings = log.lines().filter((line) => line.msg === refusalWarning)
    t.equal(warnings.length, 1, 'one warning for the burst, not one per refused request')
    t.notOk(
      log.lines().some((line) => line.level === 50),
      'no refusal is logged as a failed request',
    )
  },
)

t.test(
  'a search still waiting for a turn when Kring stops gets the 503 page, not an answer that never comes',
  async (t) => {
    const { app, db } = await buildTestApp(t, {
      config: { search: noMeilisearch, heavyReads: { max: 1, queueMax: 5, statementTimeoutMs: 120_000 } },
    })
    await forumWithAThread(db)
    let letGo = () => {}
    const holder = app.heavyReads.run(() => new Promise<void>((resolve) => (letGo = resolve)))
    const waiting = search(app)
    for (let i = 0; i < 50 && app.heavyReads.load.waiting < 1; i++) await new Promise((r) => setTimeout(r, 20))
    t.same(app.heavyReads.load, { running: 1, waiting: 1 })

    const closing = app.heavyReads.close()
    isBusyPage(t, await waiting, 'the waiting search')
    letGo()
    await holder
    await closing
  },
)

t.test('a heavy read refused where no call site renders it still gets the 503 page with Retry-After', async (t) => {
  const { app } = await buildTestApp(t, {
    config: { search: noMeilisearch, heavyReads: { max: 1, queueMax: 0, statementTimeoutMs: 120_000 } },
  })
  // A route of this test's own, standing in for a future heavy read that forgets to catch the refusal.
  app.get('/test/heavy-list', async () => app.heavyReads.run(async (db) => (await sql`select 1`.execute(db)).rows))
  let letGo = () => {}
  const holder = app.heavyReads.run(() => new Promise<void>((resolve) => (letGo = resolve)))
  const refused = await app.inject({ method: 'GET', url: '/test/heavy-list' })
  t.equal(refused.statusCode, 503)
  t.ok(Number(refused.headers['retry-after']) >= 1, 'with Retry-After')
  t.match(refused.body, 'Temporarily unavailable', 'the 503 page, not the 500 one')
  t.match(refused.body, 'This page is very busy right now', 'saying why')
  letGo()
  await holder
  t.equal((await app.inject({ method: 'GET', url: '/test/heavy-list' })).statusCode, 200)
})

if (onServer) {
  t.test(
    'searches stuck on a lock time out as 503 on connections of their own, while thread pages keep answering 200',
    async (t) => {
      const log = captureLog()
      const { app, db, database } = await buildTestApp(t, {
        config: {
          search: noMeilisearch,
          heavyReads: { max: 2, queueMax: 2, statementTimeoutMs: 4000 },
          logLevel: 'info',
        },
        logStream: log.stream,
      })
      const threadUrl = await forumWithAThread(db)
      t.equal((await search(app)).statusCode, 200)

      // The thread page reads no library articles; every fallback search does.
      const blocker = new pg.Client({
        connectionString: (database.config as { url: string }).url,
        application_name: 'test-blocker',
      })
      await blocker.connect()
      t.teardown(() => blocker.end().catch(() => {}))
      await blocker.query('begin')
      await blocker.query('lock table articles in access exclusive mode')

      const running = [1, 2].map(() => tracked(search(app)))
      const waitingOnTheLock = async () => {
        const { rows } = await sql<{ application_name: string; n: number }>`
          select application_name, count(*)::int as n from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock' group by application_name`.execute(db)
        return Object.fromEntries(rows.map((row) => [row.application_name, row.n]))
      }
      for (let i = 0; i < 500 && (await waitingOnTheLock())[heavyReadsApplicationName] !== 2; i++)
        await new Promise((r) => setTimeout(r, 10))
      t.same(
        await waitingOnTheLock(),
        { [heavyReadsApplicationName]: 2 },
        'two searches are stuck, on heavy-read connections only',
      )

      const queued = [1, 2].map(() => tracked(search(app)))
      for (let i = 0; i < 100 && app.heavyReads.load.waiting < 2; i++) await new Promise((r) => setTimeout(r, 10))
      const excess = await Promise.all([1, 2, 3, 4, 5, 6].map(() => search(app)))
      t.notOk(
        running.some((r) => r.done),
        'the excess was answered while the stuck searches still waited on the lock',
      )
      excess.forEach((response, i) => isBusyPage(t, response, `excess search ${i + 1}`))

      for (let i = 0; i < 5; i++) {
        const thread = await app.inject({ method: 'GET', url: threadUrl })
        t.equal(thread.statusCode, 200, `thread page ${i + 1} answers while searches are stuck`)
      }
      const stuck = await waitingOnTheLock()
      t.same(
        stuck,
        { [heavyReadsApplicationName]: 2 },
        'never more heavy-read connections than the limit, none of the pages’',
      )

      for (const [i, r] of [...running, ...queued].entries())
        isBusyPage(t, await r.response, `stuck search ${i + 1}, after the statement timeout`)

      await blocker.query('commit')
      const again = await search(app)
      t.equal(again.statusCode, 200, 'once the lock is gone, searches work again')
      t.match(again.body, threadUrl)
      t.same(app.heavyReads.load, { running: 0, waiting: 0 })
      t.equal(log.lines().filter((line) => line.msg === refusalWarning).length, 1, 'one warning for the whole burst')
      t.notOk(
        log.lines().some((line) => line.level === 50),
        'neither the refusals nor the statement timeouts are logged as failed requests',
      )
    },
  )
}
