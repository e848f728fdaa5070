// Search under load: 100,000 documents (threads, replies and library articles in mixed English and Dutch, tagged with
// themes) on real PostgreSQL and the bundled Meilisearch. Records indexing throughput from the outbox against
// Meilisearch's own batch indexing of the same documents, then loads GET /search (1-2 words, with and without facet
// filters) beside Meilisearch answering the same query directly, and the PostgreSQL fallback on the same data.
// This module is also the server process it starts (see lib/child.ts): forked, it serves; imported by run.ts, it does not.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import type { Db } from '../../src/db/connect.js'
import { pathKey } from '../../src/discussions/reply-path.js'
import { createSearchClient, type SearchClient } from '../../src/search/client.js'
import { launchMeilisearch } from '../../src/search/meili-launcher.js'
import { applyIndexSettings, ensureSearchKey, waitForTask } from '../../src/search/settings.js'
import { buildChanges, drainOutbox } from '../../src/search/sync.js'
import { Browser } from './lib/browser.js'
import { serveChild, startChild, type ChildServer } from './lib/child.js'
import { benchDatabaseUrl, databaseName, freshMigratedDatabase } from './lib/database.js'
import { measureInterleaved, medianFigures, type Target } from './lib/measure.js'
import { postgresCpuMs } from './lib/postgres-cpu.js'
import {
  noFailuresCheck,
  type Check,
  type Measurement,
  type Scenario,
  type ScenarioResult,
  type Settings,
} from './lib/scenario.js'

const self = fileURLToPath(import.meta.url)

// --- The server child ----------------------------------------------------------------------------------------------

interface ServerInput {
  databaseUrl: string
  meiliUrl: string
  masterKey: string
  indexPrefix: string
}

serveChild<ServerInput, { url: string }>(async (input) => {
  // env 'test' runs no outbox worker: the index is complete before the load starts, and the worker's polling would
  // only add noise. Everything else is the app as deployed, opening its own pool.
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: input.databaseUrl,
    MEILI_URL: input.meiliUrl,
    MEILI_MASTER_KEY: input.masterKey,
    MEILI_INDEX_PREFIX: input.indexPrefix,
    SESSION_SECRET: randomBytes(32).toString('hex'),
    KRING_DATA_DIR: '/nonexistent-kring-bench-data',
    KRING_DEMO: '0',
    LOG_LEVEL: 'silent',
    PORT: '0',
  })
  const app = await buildApp(config)
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  return { ready: { url }, close: () => app.close() }
})

// --- Data ------------------------------------------------------------------------------------------------------------

/** mulberry32: the same documents on every run, so figures from different days compare. */
function random(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const themes = [
  ['home-sharing', 'Home sharing', 'Woningdelen'],
  ['intake', 'Intake', 'Intake'],
  ['participation', 'Participation', 'Participatie'],
  ['family-centres', 'Family centres', 'Huizen van het Kind'],
  ['volunteering', 'Volunteering', 'Vrijwilligerswerk'],
  ['loneliness', 'Loneliness', 'Eenzaamheid'],
  ['youth-work', 'Youth work', 'Jeugdwerk'],
  ['housing', 'Housing', 'Wonen'],
  ['evaluation', 'Evaluation', 'Evaluatie'],
  ['training', 'Training', 'Vorming'],
  ['funding', 'Funding', 'Financiering'],
  ['digital-inclusion', 'Digital inclusion', 'Digitale inclusie'],
] as const

const words = {
  en: {
    subjects: [
      'our team',
      'the coordinator',
      'a volunteer',
      'the parents',
      'two students',
      'the host family',
      'our youth workers',
      'the municipality',
      'a social worker',
      'the neighbours',
    ],
    verbs: [
      'organised',
      'evaluated',
      'started',
      'discussed',
      'planned',
      'improved',
      'shared',
      'tested',
      'described',
      'funded',
    ],
    objects: [
      'home visits',
      'the intake interview',
      'a weekly meeting',
      'participation of parents',
      'the volunteer programme',
      'a training for new hosts',
      'the waiting list',
      'digital skills sessions',
      'a loneliness project',
      'housing support',
    ],
    tails: [
      'with good results',
      'in the first month',
      'together with the school',
      'after a difficult start',
      'for older people',
      'in three neighbourhoods',
      'without extra funding',
      'with help from the library',
    ],
    titles: [
      'How we',
      'Why our team',
      'What happened when we',
      'Lessons from the year we',
      'Questions about how we',
      'Ideas for when you',
    ],
  },
  nl: {
    subjects: [
      'ons team',
      'de coördinator',
      'een vrijwilliger',
      'de ouders',
      'twee studenten',
      'het gastgezin',
      'onze jeugdwerkers',
      'de gemeente',
      'een maatschappelijk werker',
      'de buren',
    ],
    verbs: [
      'organiseerde',
      'evalueerde',
      'startte',
      'besprak',
      'plande',
      'verbeterde',
      'deelde',
      'testte',
      'beschreef',
      'financierde',
    ],
    objects: [
      'huisbezoeken',
      'het intakegesprek',
      'een wekelijkse bijeenkomst',
      'participatie van ouders',
      'het vrijwilligersprogramma',
      'een vorming voor nieuwe gastgezinnen',
      'de wachtlijst',
      'sessies digitale vaardigheden',
      'een project tegen eenzaamheid',
      'ondersteuning bij wonen',
    ],
    tails: [
      'met goede resultaten',
      'in de eerste maand',
      'samen met de school',
      'na een moeilijke start',
      'voor ouderen',
      'in drie wijken',
      'zonder extra middelen',
      'met hulp van de bibliotheek',
    ],
    titles: [
      'Hoe wij',
      'Waarom ons team',
      'Wat er gebeurde toen we',
      'Lessen uit het jaar waarin we',
      'Vragen over hoe we',
      'Ideeën voor als je',
    ],
  },
}

type Language = keyof typeof words

function writer(rand: () => number) {
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]
  const sentence = (language: Language) => {
    const w = words[language]
    const text = `${pick(w.subjects)} ${pick(w.verbs)} ${pick(w.objects)} ${pick(w.tails)}.`
    return text.charAt(0).toUpperCase() + text.slice(1)
  }
  return {
    pick,
    language: (): Language => (rand() < 0.6 ? 'en' : 'nl'),
    title: (language: Language) =>
      `${pick(words[language].titles)} ${pick(words[language].objects)} ${pick(words[language].tails)}`,
    body: (language: Language, sentences: number) =>
      Array.from({ length: sentences }, () => sentence(language)).join(' '),
  }
}

interface SearchData {
  documents: number
  threads: number
  replies: number
  articles: number
  membersOnlyThreads: number
  themes: number
  seconds: number
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

export async function generate(db: Db, total: number): Promise<SearchData> {
  const started = Date.now()
  const rand = random(20261125)
  const w = writer(rand)
  // 15% threads, 75% replies, 10% articles: the mix of a forum with a library beside it.
  const threadCount = Math.round(total * 0.15)
  const articleCount = Math.round(total * 0.1)
  const replyCount = total - threadCount - articleCount

  const users = await db
    .insertInto('users')
    .values(
      Array.from({ length: 50 }, (_, i) => ({
        email: `bench-search-${i}@example.org`,
        display_name: `Bench author ${i}`,
        password_hash: 'x',
      })),
    )
    .returning('id')
    .execute()
  const communityRows = await db
    .insertInto('communities')
    .values([
      { slug: 'homeshare-network', name: 'Homeshare Network', visibility: 'public' as const },
      { slug: 'family-centre-coordinators', name: 'Family-centre coordinators', visibility: 'public' as const },
      { slug: 'participation-practice', name: 'Participation in practice', visibility: 'public' as const },
      { slug: 'closed-circle', name: 'Closed circle', visibility: 'members' as const },
    ])
    .returning(['id', 'visibility'])
    .execute()
  const tagIds: number[] = []
  for (const [slug, en, nl] of themes) {
    const tag = await db.insertInto('tags').values({ slug, kind: 'theme' }).returning('id').executeTakeFirstOrThrow()
    await db
      .insertInto('tag_labels')
      .values([
        { tag_id: tag.id, locale: 'en', label: en },
        { tag_id: tag.id, locale: 'nl', label: nl },
      ])
      .execute()
    tagIds.push(tag.id)
  }
  const dayMs = 86_400_000
  const epoch = Date.UTC(2024, 0, 1)
  const when = () => new Date(epoch + Math.floor(rand() * 700 * dayMs))

  const threadIds: number[] = []
  let membersOnly = 0
  for (let i = 0; i < threadCount; i += 1000) {
    const rows = Array.from({ length: Math.min(1000, threadCount - i) }, () => {
      const language = w.language()
      const community = rand() < 0.1 ? communityRows[3] : communityRows[Math.floor(rand() * 3)]
      if (community.visibility === 'members') membersOnly++
      const body = w.body(language, 3 + Math.floor(rand() * 8))
      const at = when()
      return {
        community_id: community.id,
        author_id: w.pick(users).id,
        title: w.title(language),
        body_md: body,
        body_html: `<p>${escapeHtml(body)}</p>`,
        created_at: at,
        last_post_at: at,
      }
    })
    const inserted = await db.insertInto('threads').values(rows).returning('id').execute()
    threadIds.push(...inserted.map((r) => r.id))
  }
  const threadTags = threadIds.flatMap((threadId) => {
    const n = Math.floor(rand() * 3)
    return [...new Set(Array.from({ length: n }, () => w.pick(tagIds)))].map((tag_id) => ({
      thread_id: threadId,
      tag_id,
    }))
  })
  for (let i = 0; i < threadTags.length; i += 5000)
    await db
      .insertInto('thread_tags')
      .values(threadTags.slice(i, i + 5000))
      .execute()

  for (let i = 0; i < replyCount; i += 2000) {
    const rows = Array.from({ length: Math.min(2000, replyCount - i) }, (_, j) => {
      const language = w.language()
      const body = w.body(language, 1 + Math.floor(rand() * 6))
      // Top-level replies with a unique path per row; the tree's shape does not matter to search.
      return {
        thread_id: w.pick(threadIds),
        author_id: w.pick(users).id,
        body_md: body,
        body_html: `<p>${escapeHtml(body)}</p>`,
        path: pathKey(i + j + 1),
        depth: 1,
        created_at: when(),
      }
    })
    await db.insertInto('posts').values(rows).execute()
  }

  const articleIds: number[] = []
  for (let i = 0; i < articleCount; i += 1000) {
    const rows = Array.from({ length: Math.min(1000, articleCount - i) }, (_, j) => {
      const language = w.language()
      const body = w.body(language, 8 + Math.floor(rand() * 20))
      const at = when()
      return {
        slug: `bench-article-${i + j}`,
        title: w.title(language),
        summary: w.body(language, 1),
        kind: 'practice' as const,
        language,
        body_md: body,
        body_html: `<p>${escapeHtml(body)}</p>`,
        body_text: body,
        status: 'published' as const,
        author_id: w.pick(users).id,
        community_id: rand() < 0.5 ? w.pick(communityRows.slice(0, 3)).id : null,
        published_at: at,
        updated_at: at,
      }
    })
    const inserted = await db.insertInto('articles').values(rows).returning('id').execute()
    articleIds.push(...inserted.map((r) => r.id))
  }
  const articleTags = articleIds.flatMap((articleId) =>
    [...new Set(Array.from({ length: 1 + Math.floor(rand() * 2) }, () => w.pick(tagIds)))].map((tag_id) => ({
      article_id: articleId,
      tag_id,
    })),
  )
  for (let i = 0; i < articleTags.length; i += 5000)
    await db
      .insertInto('article_tags')
      .values(articleTags.slice(i, i + 5000))
      .execute()
  await sql`analyze`.execute(db)
  return {
    documents: total,
    threads: threadCount,
    replies: replyCount,
    articles: articleCount,
    membersOnlyThreads: membersOnly,
    themes: themes.length,
    seconds: Math.round((Date.now() - started) / 100) / 10,
  }
}

// --- Indexing --------------------------------------------------------------------------------------------------------

/** Meilisearch's own rate: the same documents, already built, added in large batches to a fresh index. */
async function meiliBatchRate(db: Db, search: SearchClient, uid: string, log: (line: string) => void) {
  const rows = [
    ...(await db.selectFrom('threads').select('id').execute()).map((r) => ({ entity_type: 'thread', entity_id: r.id })),
    ...(await db.selectFrom('articles').select('id').execute()).map((r) => ({
      entity_type: 'article',
      entity_id: r.id,
    })),
  ]
  const docs = []
  for (let i = 0; i < rows.length; i += 1000) docs.push(...(await buildChanges(db, rows.slice(i, i + 1000))).upserts)
  await applyIndexSettings(db, search, uid)
  log(`  Meilisearch alone: ${docs.length} documents in batches of 10,000`)
  const started = Date.now()
  const tasks: number[] = []
  for (let i = 0; i < docs.length; i += 10_000)
    tasks.push((await search.meili.index(uid).addDocuments(docs.slice(i, i + 10_000), { primaryKey: 'id' })).taskUid)
  for (const task of tasks) await waitForTask(search, task, 30 * 60_000)
  const seconds = (Date.now() - started) / 1000
  await waitForTask(search, (await search.meili.deleteIndex(uid)).taskUid)
  return { documents: docs.length, seconds, perSecond: docs.length / seconds }
}

/** Kring's rate: the outbox holds a row per thread and article, as a replay after an outage would; the drain builds
 * each thread's document and its replies' from the database and waits until Meilisearch has applied every batch. */
async function outboxRate(db: Db, search: SearchClient) {
  await sql`insert into search_outbox (entity_type, entity_id) select 'thread', id from threads union all select 'article', id from articles`.execute(
    db,
  )
  const started = Date.now()
  const result = await drainOutbox(db, search, { batchSize: 500 })
  const seconds = (Date.now() - started) / 1000
  if (result.error) throw new Error(`the outbox drain failed: ${result.error}`)
  const stats = await search.meili.index(search.indexUid).getStats()
  return {
    rows: result.synced,
    documents: stats.numberOfDocuments,
    seconds,
    perSecond: stats.numberOfDocuments / seconds,
  }
}

// --- Load ------------------------------------------------------------------------------------------------------------

interface Query {
  id: string
  label: string
  path: string
}

const queries: Query[] = [
  { id: 'search-1-word', label: 'search, visitor, 1 word', path: '/search?q=participatie' },
  { id: 'search-2-words', label: 'search, visitor, 2 words', path: '/search?q=home+visits' },
  {
    id: 'search-theme-filter',
    label: 'search, visitor, 1 word + theme',
    path: '/search?q=volunteer&theme=volunteering',
  },
  {
    id: 'search-language-type',
    label: 'search, visitor, 1 word + language + type',
    path: '/search?q=ouders&language=nl&type=post',
  },
]

/** What must be on each page before its figures mean anything. */
function checkPage(label: string, body: string, status: number, fallback: boolean) {
  const problems: string[] = []
  if (status !== 200) problems.push(`status ${status}`)
  const hits = body.match(/<li class="card search-hit/g)?.length ?? 0
  if (hits === 0) problems.push('no results')
  if (fallback !== body.includes('search-limited'))
    problems.push(fallback ? 'not answered by the fallback' : 'answered by the fallback')
  if (!fallback && !body.includes('class="facet facet-type"')) problems.push('no facets')
  if (body.includes('Closed circle')) problems.push('members-only content shown to a visitor')
  if (problems.length) throw new Error(`${label}: ${problems.join('; ')}`)
  return hits
}

export const scenario: Scenario = {
  name: 'search',
  description:
    'GET /search at 100,000 documents (threads, replies, articles; English and Dutch; themes) on real PostgreSQL and the bundled Meilisearch, 1-2 word queries with and without facet filters, beside Meilisearch answering directly and the PostgreSQL fallback; indexing throughput from the outbox vs. Meilisearch batch indexing',

  async run(settings: Settings, log): Promise<ScenarioResult> {
    const total = Number(process.env.BENCH_SEARCH_DOCUMENTS ?? 100_000)
    const url = new URL(benchDatabaseUrl())
    url.pathname = `/${databaseName(url.toString())}_search`
    const databaseUrl = url.toString()
    const database = databaseName(databaseUrl)
    const meiliDir = mkdtempSync(path.join(tmpdir(), 'kring-bench-meili-'))
    const meili = await launchMeilisearch({
      dataDir: meiliDir,
      logger: { info: () => {}, warn: (_o, m) => log(`  meilisearch: ${m}`) },
    })
    if (!meili) throw new Error('the bundled Meilisearch is not available on this platform')
    const indexPrefix = 'bench_'
    const search = createSearchClient({ url: meili.url, masterKey: meili.masterKey, indexPrefix })
    const children: ChildServer<{ url: string }>[] = []
    try {
      log(`generating ${total} documents in ${database}`)
      const db = await freshMigratedDatabase(databaseUrl)
      let data: SearchData
      let batch: Awaited<ReturnType<typeof meiliBatchRate>>
      let outbox: Awaited<ReturnType<typeof outboxRate>>
      try {
        data = await generate(db, total)
        log(
          `  ${data.threads} threads (${data.membersOnlyThreads} members-only), ${data.replies} replies, ${data.articles} articles in ${data.seconds}s`,
        )
        log('indexing')
        batch = await meiliBatchRate(db, search, `${indexPrefix}batch`, log)
        log(`  Meilisearch alone: ${batch.perSecond.toFixed(0)} documents/s`)
        await applyIndexSettings(db, search)
        outbox = await outboxRate(db, search)
        log(
          `  from the outbox: ${outbox.documents} documents from ${outbox.rows} rows in ${outbox.seconds.toFixed(1)}s, ${outbox.perSecond.toFixed(0)} documents/s`,
        )
      } finally {
        await db.destroy()
      }

      const app = await startChild<ServerInput, { url: string }>(self, {
        databaseUrl,
        meiliUrl: meili.url,
        masterKey: meili.masterKey,
        indexPrefix,
      })
      children.push(app)
      // Nothing listens on port 9 (discard): the same app with Meilisearch away answers from PostgreSQL.
      const fallback = await startChild<ServerInput, { url: string }>(self, {
        databaseUrl,
        meiliUrl: 'http://127.0.0.1:9',
        masterKey: meili.masterKey,
        indexPrefix,
      })
      children.push(fallback)

      const visitor = new Browser(app.ready.url)
      await visitor.get('/search')
      const cookie = visitor.cookieHeader()
      const hits: Record<string, number> = {}
      for (const [index, query] of queries.entries()) {
        // The fallback knows no language for threads and replies, so the last query is Meilisearch's alone.
        for (const [server, isFallback] of index < 3
          ? ([
              [app, false],
              [fallback, true],
            ] as const)
          : ([[app, false]] as const)) {
          const response = await fetch(new URL(query.path, server.ready.url), { headers: { cookie } })
          hits[`${isFallback ? 'fallback' : 'meilisearch'}:${query.id}`] = checkPage(
            `${query.label}${isFallback ? ' (fallback)' : ''}`,
            await response.text(),
            response.status,
            isFallback,
          )
        }
      }

      const searchKey = await ensureSearchKey(search, meili.masterKey)
      const direct = (q: string, filter: string) => {
        const params = new URLSearchParams({
          q,
          hitsPerPage: '20',
          facets: 'type,tags,language,community',
          attributesToHighlight: 'title,text',
          attributesToCrop: 'text',
          cropLength: '36',
          filter,
        })
        return `${meili.url}/indexes/${search.indexUid}/search?${params}`
      }
      const targets: Target[] = [
        // What Meilisearch alone costs for the same query, filter and facets: the floor under the page.
        {
          id: 'meilisearch-direct',
          url: direct('participatie', 'visibility IN ["public"]'),
          headers: { authorization: `Bearer ${searchKey}` },
          cpu: async () => ({ server: null, postgres: null }),
        },
        ...queries.map((query) => ({
          id: query.id,
          url: new URL(query.path, app.ready.url).toString(),
          headers: { cookie },
          cpu: async () => ({ server: await app.cpuMs(), postgres: postgresCpuMs(database) }),
        })),
        ...queries.slice(0, 3).map((query) => ({
          id: `fallback:${query.id}`,
          url: new URL(query.path, fallback.ready.url).toString(),
          headers: { cookie },
          cpu: async () => ({ server: await fallback.cpuMs(), postgres: postgresCpuMs(database) }),
        })),
      ]
      log(
        `measuring ${targets.length} targets: ${settings.runs} × ${settings.duration}s each, ${settings.connections} connections`,
      )
      const runs = await measureInterleaved(targets, settings, log)
      // DESIGN.md's latency target is for one client: the same page, one connection at a time.
      log('measuring one client')
      const single = await measureInterleaved(
        [{ ...targets[1], id: 'search-1-word:one-client' }],
        { ...settings, connections: 1, warmup: Math.min(settings.warmup, 2) },
        log,
      )
      for (const [id, figures] of single) runs.set(id, figures)

      const measurements: Measurement[] = []
      for (const target of targets) {
        const query = queries.find((q) => target.id === q.id || target.id === `fallback:${q.id}`)
        measurements.push({
          id: target.id,
          label: query
            ? `${query.label}${target.id.startsWith('fallback:') ? ', PostgreSQL fallback' : ''}`
            : 'Meilisearch answering the 1-word query directly (search key, same filter and facets)',
          kind: target.id === 'meilisearch-direct' ? 'baseline' : 'app',
          path: target.url.replace(/^https?:\/\/[^/]+/, ''),
          figures: medianFigures(runs.get(target.id)!),
          runs: runs.get(target.id)!,
        })
      }
      const oneClient = medianFigures(runs.get('search-1-word:one-client')!)
      measurements.push({
        id: 'search-1-word:one-client',
        label: 'search, visitor, 1 word, one connection',
        kind: 'app',
        path: queries[0].path,
        figures: oneClient,
        runs: runs.get('search-1-word:one-client')!,
      })

      const checks: Check[] = []
      for (const m of measurements) checks.push(noFailuresCheck(m.id, m.figures))
      // The budget: p95 under 50 ms end to end. autocannon reports p97.5, a stricter stand-in.
      for (const m of measurements.filter((m) => m.kind === 'app' && !m.id.startsWith('fallback:'))) {
        checks.push({
          name: `${m.id}: p97.5 latency (ms) at ${m.id.endsWith('one-client') ? 1 : settings.connections} connection(s)`,
          value: m.figures.latencyMs.p97_5,
          expectation: '< 50',
          ok: m.figures.latencyMs.p97_5 < 50,
          enforced: true,
        })
      }
      // DESIGN.md's targets, reported: p50 < 5 ms and p95 < 15 ms for one client, ≥ 400 req/s at 20 connections.
      checks.push({
        name: 'search-1-word, one client: p50 latency (ms)',
        value: oneClient.latencyMs.p50,
        expectation: '< 5 (design target)',
        ok: oneClient.latencyMs.p50 < 5,
        enforced: false,
      })
      checks.push({
        name: 'search-1-word, one client: p97.5 latency (ms)',
        value: oneClient.latencyMs.p97_5,
        expectation: '< 15 (design target)',
        ok: oneClient.latencyMs.p97_5 < 15,
        enforced: false,
      })
      const rps = measurements.find((m) => m.id === 'search-1-word')!.figures.requestsPerSec
      checks.push({
        name: `search-1-word: req/s at ${settings.connections} connections`,
        value: rps,
        expectation: '≥ 400 (design target)',
        ok: rps >= 400,
        enforced: false,
      })
      const indexingRatio = outbox.perSecond / batch.perSecond
      checks.push({
        name: 'indexing: documents/s from the outbox ÷ Meilisearch batch indexing',
        value: indexingRatio,
        expectation: '≥ 0.8 (design target)',
        ok: indexingRatio >= 0.8,
        enforced: false,
      })

      return {
        scenario: 'search',
        description: this.description,
        data: { ...data, hits, indexing: { meilisearchBatch: batch, outbox } },
        measurements,
        budgets: [],
        checks,
      }
    } finally {
      for (const child of children.reverse()) await child.stop()
      search.close()
      await meili.stop()
      rmSync(meiliDir, { recursive: true, force: true })
    }
  },
}
