import t from 'tap'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { launchMeilisearch } from '../../src/search/meili-launcher.js'
import { outboxBacklog } from '../../src/search/outbox.js'
import { Client, logIn } from '../helpers/client.js'
import { createCommunityWith, createUser } from '../helpers/factories.js'
import { buildSearchApp, q, resultUrls } from './helpers.js'

const quiet = { info: () => {}, warn: () => {} }

/** Checks a condition until it holds: the wait is on the real thing (a search result, a row), bounded. */
async function eventually<T>(
  what: string,
  check: () => Promise<T | null | undefined | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

t.test(
  'a reply written while Meilisearch is down is answered by the fallback, and becomes searchable when it is back, with no one acting',
  async (t) => {
    // Our own Meilisearch, so stopping it disturbs no other test.
    const dataDir = mkdtempSync(path.join(tmpdir(), 'kring-outage-'))
    let meili = (await launchMeilisearch({ dataDir, logger: quiet }))!
    t.teardown(() => meili.stop())
    const port = Number(new URL(meili.url).port)

    const { app, db } = await buildSearchApp(t, {
      config: { search: { url: meili.url, masterKey: meili.masterKey, indexPrefix: 'outage_' } },
      // The real background worker, with timings short enough for a test.
      worker: { intervalMs: 100, backoff: { baseMs: 100, maxMs: 400 }, nudgeDelayMs: 10 },
    })
    const author = await createUser(db)
    const community = await createCommunityWith(db, { visibility: 'public', members: [author] })
    const client = new Client(app)
    await logIn(client, author.email, author.password)

    const started = await client.submit(`/c/${community.slug}/new`, `/c/${community.slug}/new`, {
      title: 'Lighthouse keepers and volunteers',
      body: 'How do you keep volunteers for years?',
    })
    t.equal(started.status, 303)
    const threadUrl = started.location!
    await eventually('the new thread is searchable through Meilisearch', async () => {
      const page = await client.get(q('lighthouse'))
      return !page.body.includes('search-limited') && resultUrls(page.body).includes(threadUrl)
    })

    // The thread is searchable a moment before the worker marks its row done; stopping Meilisearch in between would fail
    // that row instead, and a worker that knows Meilisearch is away only checks its health until it returns.
    await eventually('the outbox is empty', async () => (await outboxBacklog(db)).pending === 0)
    await meili.stop()
    t.equal(await app.searchClient!.isHealthy(), false, 'Meilisearch is down')

    const replied = await client.submit(threadUrl, `${threadUrl}/replies`, {
      body: 'Our zeppelin rota keeps volunteers for years.',
    })
    t.equal(replied.status, 303, 'writing does not depend on Meilisearch')

    const fallback = await client.get(q('zeppelin'))
    t.equal(fallback.status, 200, 'search still answers')
    t.match(fallback.body, 'search-limited', 'and says plainly that results are limited')
    t.equal(
      resultUrls(fallback.body).filter((url) => /\?at=\d+#p\d+$/.test(url)).length,
      1,
      'the fallback finds the new reply in PostgreSQL, under its thread',
    )
    t.match(fallback.body, /<mark>zeppelin<\/mark>/i, 'with the match highlighted')

    // Bounded generously: on a loaded CI machine the worker's first attempt waits for its HTTP timeout to Meilisearch.
    const failing = await eventually(
      'the worker recorded the failure',
      async () => {
        const row = await db
          .selectFrom('search_outbox')
          .select(['attempts', 'last_error', 'next_attempt_at'])
          .where('entity_type', '=', 'post')
          .where('done_at', 'is', null)
          .executeTakeFirst()
        return row && row.attempts > 0 ? row : null
      },
      120_000,
    )
    t.ok(failing.last_error, `the error is recorded: ${failing.last_error}`)
    const ready = (await app.inject('/readyz')).json<{
      search: string
      outbox: { pending: number; oldest_age_seconds: number }
    }>()
    t.equal(ready.search, 'unavailable')
    t.ok(ready.outbox.pending >= 1, 'readiness reports the backlog')
    t.type(ready.outbox.oldest_age_seconds, 'number')

    // Back on the same address, with the data it had.
    meili = (await launchMeilisearch({ dataDir, logger: quiet, port }))!
    await eventually('the reply is searchable through Meilisearch again', async () => {
      const page = await client.get(q('zeppelin'))
      return (
        !page.body.includes('search-limited') &&
        resultUrls(page.body).filter((url) => /\?at=\d+#p\d+$/.test(url)).length === 1
      )
    })
    t.pass('the index converged without anyone acting')
    // The document is searchable a moment before the worker marks its row done.
    await eventually('the outbox is empty', async () => (await outboxBacklog(db)).pending === 0)
    t.same(await outboxBacklog(db), { pending: 0, failing: 0, oldestAgeSeconds: null }, 'and the outbox is empty')
  },
)

t.test('with no Meilisearch configured at all, search answers from PostgreSQL', async (t) => {
  const { app, db } = await buildSearchApp(t, { config: { search: { url: null, masterKey: null, indexPrefix: '' } } })
  t.equal(app.searchClient, null)
  const author = await createUser(db)
  const community = await createCommunityWith(db, { visibility: 'public', members: [author] })
  const secret = await createCommunityWith(db, { visibility: 'members', members: [author] })
  const { createThreadIn } = await import('../helpers/factories.js')
  const open = await createThreadIn(db, community.id, author, { title: 'Marimba lessons in the family centre' })
  await createThreadIn(db, secret.id, author, { title: 'Marimba budget, members only' })
  const page = await new Client(app).get(q('marimba'))
  t.equal(page.status, 200)
  t.match(page.body, 'search-limited')
  t.same(resultUrls(page.body), [`/t/${open}`], 'the same visibility rules hold in the fallback')
})
