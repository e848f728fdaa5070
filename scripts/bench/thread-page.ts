// Thread page under load: a thread of 1,000 nested replies on real PostgreSQL, pages of 50, for a visitor (first page
// and one halfway down) and a logged-in member, each against a bare Fastify rendering the same view model from memory.
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { generateThread, type ThreadData } from './generators/thread.js'
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
import type { Capture, CapturedPage, ServerInput, ServerReady } from './servers/thread-page.js'

const serverEntry = path.join(path.dirname(fileURLToPath(import.meta.url)), 'servers/thread-page.ts')

/** The minimum for every thread page; DESIGN.md's targets beside it. */
const minimumRatio = 0.4
const memberTarget = 0.6
const visitorTarget = 3

interface Page {
  id: string
  label: string
  path: string
  who: 'visitor' | 'member'
  target: number
}

function pagesOf(data: ThreadData): Page[] {
  return [
    {
      id: 'visitor-first-page',
      label: 'thread page, visitor, first page',
      path: `/t/${data.threadId}`,
      who: 'visitor',
      target: visitorTarget,
    },
    {
      id: 'visitor-deep-page',
      label: `thread page, visitor, ?after= reply ${data.middleReplyPosition}`,
      path: `/t/${data.threadId}?after=${data.middleReplyId}`,
      who: 'visitor',
      target: visitorTarget,
    },
    {
      id: 'member-first-page',
      label: 'thread page, logged-in member, first page',
      path: `/t/${data.threadId}`,
      who: 'member',
      target: memberTarget,
    },
  ]
}

/** What must be on each page before its figures mean anything. */
function checkPage(page: Page, data: ThreadData, status: number, body: string) {
  const problems: string[] = []
  if (status !== 200) problems.push(`status ${status}`)
  const replies = body.match(/<li class="reply depth-/g)?.length ?? 0
  if (replies !== data.pageSize) problems.push(`${replies} replies on the page, expected ${data.pageSize}`)
  const replyForm = body.includes(`action="/t/${data.threadId}/replies"`)
  if (page.who === 'member' && !replyForm) problems.push('no reply form: not logged in as a member?')
  if (page.who === 'visitor' && replyForm) problems.push('a reply form for a visitor')
  const deep = page.id === 'visitor-deep-page'
  if (deep !== body.includes('rel="prev"'))
    problems.push(deep ? 'no link to earlier replies' : 'a link to earlier replies on the first page')
  if (deep === body.includes('id="opening"'))
    problems.push(deep ? 'the opening post on a later page' : 'no opening post')
  if (problems.length) throw new Error(`${page.label} (${page.path}): ${problems.join('; ')}`)
}

async function logIn(origin: string, email: string, password: string): Promise<Browser> {
  const browser = new Browser(origin)
  const response = await browser.submit('/login', { email, password })
  if (response.status !== 303 || !browser.cookies.has('kring_sid'))
    throw new Error(`login as ${email} failed: status ${response.status}`)
  // As a browser does: follow the redirect. Logging in rotates the CSRF cookie, and the page after it sets the new one;
  // without it every measured request would lack the cookie and be answered with a fresh secret and a Set-Cookie.
  await browser.get(response.location ?? '/')
  if (!browser.cookies.has('kring_csrf')) throw new Error(`no CSRF cookie after logging in as ${email}`)
  return browser
}

export const scenario: Scenario = {
  name: 'thread-page',
  description:
    'GET /t/:id of a 1,000-reply thread (50 per page) on real PostgreSQL vs. a bare Fastify route rendering the same view model from memory',

  async run(settings: Settings, log): Promise<ScenarioResult> {
    const databaseUrl = benchDatabaseUrl()
    const database = databaseName(databaseUrl)
    log(`generating data in ${database}`)
    const started = Date.now()
    const db = await freshMigratedDatabase(databaseUrl)
    let data: ThreadData
    try {
      data = await generateThread(db, { users: 30, replies: 1000 })
    } finally {
      await db.destroy()
    }
    log(
      `  ${data.users} users, thread ${data.threadId} with ${data.replies} replies (${data.topLevelReplies} top-level, longest chain ${data.longestChain}) in ${((Date.now() - started) / 1000).toFixed(1)}s`,
    )

    // Both servers check signed cookies, so they share one secret.
    const sessionSecret = randomBytes(32).toString('hex')
    const children: ChildServer<ServerReady>[] = []
    try {
      const app = await startChild<ServerInput, ServerReady>(serverEntry, { mode: 'app', databaseUrl, sessionSecret })
      children.push(app)
      const origin = app.ready.url

      // Browser-like: a visitor carries the CSRF cookie the first page set; a member also the session cookie.
      const visitor = new Browser(origin)
      await visitor.get(`/t/${data.threadId}`)
      const member = await logIn(origin, data.member.email, data.member.password)
      const pages = pagesOf(data)
      const cookieFor = (page: Page) => (page.who === 'member' ? member : visitor).cookieHeader()
      for (const page of pages) {
        const response = await fetch(new URL(page.path, origin), {
          headers: { cookie: cookieFor(page) },
          redirect: 'manual',
        })
        checkPage(page, data, response.status, await response.text())
        if (response.headers.getSetCookie().length)
          log(
            `  note: ${page.id} sets cookies on every request: ${response.headers
              .getSetCookie()
              .map((c) => c.split('=')[0])
              .join(', ')}`,
          )
      }

      const captures: Capture[] = pages.map((page) => ({ id: page.id, path: page.path, cookie: cookieFor(page) }))
      const baseline = await startChild<ServerInput, ServerReady>(serverEntry, {
        mode: 'baseline',
        databaseUrl,
        sessionSecret,
        captures,
      })
      children.push(baseline)
      const captured = new Map<string, CapturedPage>(baseline.ready.pages!.map((p) => [p.id, p]))

      // What the app sends under load (for a visitor, the page it kept) against the baseline, but for the CSRF token
      // and the reply form's submission key, which are new on every request.
      const withoutToken = (html: string) =>
        html.replace(/name="(_csrf|submission_key)" value="[^"]*"/g, 'name="$1" value=""')
      const servedAsBaseline = new Map<string, boolean>()
      for (const page of pages) {
        const fromApp = await (await fetch(new URL(page.path, origin), { headers: { cookie: cookieFor(page) } })).text()
        const fromBaseline = await (await fetch(new URL(captured.get(page.id)!.path, baseline.ready.url))).text()
        servedAsBaseline.set(page.id, withoutToken(fromApp) === withoutToken(fromBaseline))
      }

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
          headers: { cookie: cookieFor(page) },
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
        const app = medianFigures(appRuns)
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
          figures: app,
          runs: appRuns,
          notes: [
            `${capture.queries.length} queries to render the page`,
            ...capture.queries.map((q) => `query: ${q}`),
            `${capture.repeatQueries.length} queries when asked again`,
            ...capture.repeatQueries.map((q) => `query again: ${q}`),
          ],
        })
        const ratio = app.requestsPerSec / base.requestsPerSec
        const appCpu =
          app.cpuMsPerRequest.server === null ? null : app.cpuMsPerRequest.server + (app.cpuMsPerRequest.postgres ?? 0)
        const cpuRatio = appCpu && base.cpuMsPerRequest.server !== null ? base.cpuMsPerRequest.server / appCpu : null
        budgets.push({
          name: `${page.label} ≥ ${minimumRatio * 100}% of its baseline`,
          measurement: page.id,
          baseline: `baseline:${page.id}`,
          ratio,
          cpuRatio,
          minimum: minimumRatio,
          target: page.target,
          pass: ratio >= minimumRatio,
          meetsTarget: ratio >= page.target,
        })
        checks.push({
          name: `${page.id}: baseline HTML identical to the app's`,
          value: capture.identicalHtml ? 1 : 0,
          expectation: '1',
          ok: capture.identicalHtml,
          enforced: true,
        })
        const same = servedAsBaseline.get(page.id)!
        checks.push({
          name: `${page.id}: what the app serves under load is the baseline's HTML (per-request tokens aside)`,
          value: same ? 1 : 0,
          expectation: '1',
          ok: same,
          enforced: true,
        })
        checks.push(noFailuresCheck(page.id, app), noFailuresCheck(`baseline:${page.id}`, base))
      }
      const first = measurements.find((m) => m.id === 'visitor-first-page')!.figures.requestsPerSec
      const deep = measurements.find((m) => m.id === 'visitor-deep-page')!.figures.requestsPerSec
      // DESIGN.md: keyset pagination, so a page halfway down costs what page 1 costs. Noise makes this a signal, not a gate.
      checks.push({
        name: 'visitor deep page req/s ÷ first page req/s',
        value: deep / first,
        expectation: '≥ 0.8',
        ok: deep / first >= 0.8,
        enforced: false,
      })

      return {
        scenario: 'thread-page',
        description: this.description,
        data: { ...data, member: { id: data.member.id, email: data.member.email } },
        measurements,
        budgets,
        checks,
      }
    } finally {
      for (const child of children.reverse()) await child.stop()
    }
  },
}
