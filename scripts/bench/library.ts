// The library under load: 10,000 published articles on real PostgreSQL. A visitor's library index (first page, a page
// halfway down by keyset, filtered by kind and theme) and an article page with comments, each against a bare Fastify
// rendering the same view model from memory, as the thread page is measured.
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { generateLibrary, type LibraryData } from './generators/library.js'
import { Browser } from './lib/browser.js'
import { startChild, type ChildServer } from './lib/child.js'
import { benchDatabaseUrl, databaseName, freshMigratedDatabase } from './lib/database.js'
import { measureInterleaved, medianFigures, type Target } from './lib/measure.js'
import { postgresCpuMs } from './lib/postgres-cpu.js'
import {
  noFailuresCheck,
  type Budget,
  type Check,
  type Measurement,
  type Scenario,
  type ScenarioResult,
  type Settings,
} from './lib/scenario.js'
import type { Capture, CapturedPage, ServerInput, ServerReady } from './servers/library.js'

const serverEntry = path.join(path.dirname(fileURLToPath(import.meta.url)), 'servers/library.ts')

/** The issue's minimum for every library page; DESIGN.md sets no target of its own for the library. */
const minimumRatio = 0.4

interface Page {
  id: string
  label: string
  path: string
  kind: 'index' | 'article'
}

function pagesOf(data: LibraryData): Page[] {
  return [
    { id: 'index-first-page', label: 'library index, visitor, first page', path: '/library', kind: 'index' },
    {
      id: 'index-deep-page',
      label: `library index, visitor, ?after= article ${data.deepPosition}`,
      path: `/library?after=${data.deepAfterId}`,
      kind: 'index',
    },
    {
      id: 'index-filtered',
      label: `library index, visitor, ${data.filter.kind}s on ${data.filter.theme}`,
      path: `/library?kind=${data.filter.kind}&theme=${data.filter.theme}`,
      kind: 'index',
    },
    {
      id: 'article-page',
      label: `article page, visitor, ${data.article.comments} comments`,
      path: `/library/${data.article.slug}`,
      kind: 'article',
    },
  ]
}

/** What must be on each page before its figures mean anything. */
function checkPage(page: Page, data: LibraryData, status: number, body: string) {
  const problems: string[] = []
  if (status !== 200) problems.push(`status ${status}`)
  if (page.kind === 'index') {
    const cards = body.match(/<li class="card">/g)?.length ?? 0
    if (cards !== data.pageSize) problems.push(`${cards} articles on the page, expected ${data.pageSize}`)
    const pager = /<nav class="pager"[^>]*>([\s\S]*?)<\/nav>/.exec(body)?.[1] ?? ''
    if (!pager.includes('rel="next"')) problems.push('no link to the next page')
    const deep = page.id === 'index-deep-page'
    if (deep !== /<a href="\/library">/.test(pager))
      problems.push(deep ? 'no link back to the first page' : 'a link back to the first page on the first page')
    if (page.id === 'index-filtered') {
      const practices = body.match(/<span class="badge badge-accent">Practice<\/span>/g)?.length ?? 0
      if (practices !== data.pageSize)
        problems.push(`${practices} practices on the filtered page, expected ${data.pageSize}`)
      if (!body.includes(`<option value="${data.filter.theme}" selected>`))
        problems.push('the theme filter is not shown as chosen')
    }
  } else {
    if (!body.includes(`>${data.article.title}</h1>`)) problems.push('no article title')
    const comments = body.match(/<li id="comment-\d+" class="comment">/g)?.length ?? 0
    if (comments !== data.article.comments)
      problems.push(`${comments} comments on the page, expected ${data.article.comments}`)
    if (!body.includes(`href="/library/${data.article.translationSlug}"`)) problems.push('no link to the translation')
    if (!body.includes('class="practice-fields"')) problems.push('no practice fields')
    if (body.includes('name="body"')) problems.push('a comment form for a visitor')
  }
  if (problems.length) throw new Error(`${page.label} (${page.path}): ${problems.join('; ')}`)
}

export const scenario: Scenario = {
  name: 'library',
  description:
    'GET /library (first page, keyset page halfway down, filtered by kind and theme) and GET /library/:slug with comments, 10,000 published articles on real PostgreSQL, vs. a bare Fastify route rendering the same view model from memory',

  async run(settings: Settings, log): Promise<ScenarioResult> {
    // A database of its own, so this scenario never drops the one another scenario (or another run of it) is using.
    const url = new URL(benchDatabaseUrl())
    url.pathname = `/${databaseName(url.toString())}_library`
    const databaseUrl = url.toString()
    const database = databaseName(databaseUrl)
    log(`generating data in ${database}`)
    const db = await freshMigratedDatabase(databaseUrl)
    let data: LibraryData
    try {
      data = await generateLibrary(db, { articles: 10_000 })
    } finally {
      await db.destroy()
    }
    log(
      `  ${data.articles} published articles (${Object.entries(data.articlesByKind)
        .map(([k, n]) => `${n} ${k}`)
        .join(', ')}), ${data.articleTags} theme tags, ${data.users} authors in ${data.seconds}s`,
    )
    log(
      `  filter ${data.filter.kind} × ${data.filter.theme}: ${data.filter.matching} articles; article ${data.article.slug} with ${data.article.comments} comments`,
    )

    // Both servers check signed cookies, so they share one secret.
    const sessionSecret = randomBytes(32).toString('hex')
    const children: ChildServer<ServerReady>[] = []
    try {
      const app = await startChild<ServerInput, ServerReady>(serverEntry, { mode: 'app', databaseUrl, sessionSecret })
      children.push(app)
      const origin = app.ready.url

      // Browser-like: a visitor carries the cookies the first page set (the CSRF secret of the footer's forms).
      const visitor = new Browser(origin)
      await visitor.get('/library')
      const cookie = visitor.cookieHeader()
      const pages = pagesOf(data)
      for (const page of pages) {
        const response = await fetch(new URL(page.path, origin), { headers: { cookie }, redirect: 'manual' })
        checkPage(page, data, response.status, await response.text())
        if (response.headers.getSetCookie().length)
          log(
            `  note: ${page.id} sets cookies on every request: ${response.headers
              .getSetCookie()
              .map((c) => c.split('=')[0])
              .join(', ')}`,
          )
      }

      const captures: Capture[] = pages.map((page) => ({ id: page.id, path: page.path, cookie }))
      const baseline = await startChild<ServerInput, ServerReady>(serverEntry, {
        mode: 'baseline',
        databaseUrl,
        sessionSecret,
        captures,
      })
      children.push(baseline)
      const captured = new Map<string, CapturedPage>(baseline.ready.pages!.map((p) => [p.id, p]))

      const targets: Target[] = []
      for (const page of pages) {
        targets.push({
          id: `baseline:${page.id}`,
          url: new URL(captured.get(page.id)!.path, baseline.ready.url).toString(),
          cpu: async () => ({ server: await baseline.cpuMs(), postgres: null }),
        })
        targets.push({
          id: page.id,
          url: new URL(page.path, origin).toString(),
          headers: { cookie },
          cpu: async () => ({ server: await app.cpuMs(), postgres: postgresCpuMs(database) }),
        })
      }
      log(
        `measuring ${targets.length} targets: ${settings.runs} × ${settings.duration}s each, ${settings.connections} connections`,
      )
      const runs = await measureInterleaved(targets, settings, log)

      const measurements: Measurement[] = []
      const budgets: Budget[] = []
      const checks: Check[] = []
      for (const page of pages) {
        const capture = captured.get(page.id)!
        const appRuns = runs.get(page.id)!
        const baseRuns = runs.get(`baseline:${page.id}`)!
        const appFigures = medianFigures(appRuns)
        const base = medianFigures(baseRuns)
        measurements.push({
          id: `baseline:${page.id}`,
          label: `baseline for ${page.id}: bare Fastify + @fastify/view, view model from memory`,
          kind: 'baseline',
          path: capture.path,
          figures: base,
          runs: baseRuns,
        })
        measurements.push({
          id: page.id,
          label: page.label,
          kind: 'app',
          path: page.path,
          figures: appFigures,
          runs: appRuns,
          notes: [
            `${capture.queries.length} queries per request`,
            `${capture.appBytes} bytes of HTML`,
            ...capture.queries.map((q) => `query: ${q}`),
          ],
        })
        const ratio = appFigures.requestsPerSec / base.requestsPerSec
        const appCpu =
          appFigures.cpuMsPerRequest.server === null
            ? null
            : appFigures.cpuMsPerRequest.server + (appFigures.cpuMsPerRequest.postgres ?? 0)
        const cpuRatio = appCpu && base.cpuMsPerRequest.server !== null ? base.cpuMsPerRequest.server / appCpu : null
        budgets.push({
          name: `${page.label} ≥ ${minimumRatio * 100}% of its baseline`,
          measurement: page.id,
          baseline: `baseline:${page.id}`,
          ratio,
          cpuRatio,
          minimum: minimumRatio,
          target: null,
          pass: ratio >= minimumRatio,
          meetsTarget: null,
        })
        checks.push({
          name: `${page.id}: baseline HTML identical to the app's`,
          value: capture.identicalHtml ? 1 : 0,
          expectation: '1',
          ok: capture.identicalHtml,
          enforced: true,
        })
        checks.push(noFailuresCheck(page.id, appFigures), noFailuresCheck(`baseline:${page.id}`, base))
      }
      const rps = (id: string) => measurements.find((m) => m.id === id)!.figures.requestsPerSec
      // DESIGN.md: keyset pagination, so a page halfway down costs what page 1 costs. Noise makes this a signal, not a gate.
      checks.push({
        name: 'index deep page req/s ÷ first page req/s',
        value: rps('index-deep-page') / rps('index-first-page'),
        expectation: '≥ 0.8',
        ok: rps('index-deep-page') / rps('index-first-page') >= 0.8,
        enforced: false,
      })
      checks.push({
        name: 'index filtered req/s ÷ first page req/s',
        value: rps('index-filtered') / rps('index-first-page'),
        expectation: '≥ 0.8',
        ok: rps('index-filtered') / rps('index-first-page') >= 0.8,
        enforced: false,
      })

      return { scenario: 'library', description: this.description, data: { ...data }, measurements, budgets, checks }
    } finally {
      for (const child of children.reverse()) await child.stop()
    }
  },
}
