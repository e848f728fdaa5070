// Heavy posts (issue 11, point 4): (a) every text of the pathological corpus (lib/pathological-texts.ts) posted as a
// reply through the real HTTP form on real PostgreSQL, with the time until the reply is stored, and its render's CPU
// time in this process; (b) an ordinary thread page for a logged-in member, quiet and while 5 clients keep posting the
// worst of those texts to another thread of the same community.
// Budgets: every stored text in under 200 ms, every render under 50 ms of CPU, the page's p97.5 under 500 ms (the
// issue asks p95; autocannon reports p90 and p97.5, so the stricter one is held to it).
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { checkMarkdown, renderMarkdown } from '../../src/markdown/render.js'
import { startThread } from '../../src/discussions/commands.js'
import { generateThread, type ThreadData } from './generators/thread.js'
import { Browser, decodeEntities } from './lib/browser.js'
import { startChild, type ChildServer } from './lib/child.js'
import { benchDatabaseUrl, databaseName, freshMigratedDatabase } from './lib/database.js'
import { measureInterleaved, medianFigures, median, type Target } from './lib/measure.js'
import { pathologicalTexts, type PathologicalText } from './lib/pathological-texts.js'
import { postgresCpuMs } from './lib/postgres-cpu.js'
import {
  noFailuresCheck,
  type Check,
  type Measurement,
  type Scenario,
  type ScenarioResult,
  type Settings,
} from './lib/scenario.js'
import type { ServerInput, ServerReady } from './servers/thread-page.js'

const serverEntry = path.join(path.dirname(fileURLToPath(import.meta.url)), 'servers/thread-page.ts')

const storeBudgetMs = 200
const renderBudgetMs = 50
const pageBudgetMs = 500
const posters = 5
/** How many of the slowest texts the posters cycle through. */
const worstCount = 5
/** Posts per corpus entry for its store time (the median is kept). */
const storeRepeats = 3

interface EntryFigures {
  name: string
  shape: string
  bytes: number
  accepted: boolean
  refusal: string | null
  renderCpuMs: number
  storeMs: number | null
  storeRuns: number[]
}

/** CPU time of one render in this process: the least of three texts differing only in their last characters, each
 * new to renderMarkdown (which keeps recent renders). */
function renderCpuMs(body: string): number {
  let best = Infinity
  for (let cut = 0; cut < 3; cut++) {
    const text = cut ? body.slice(0, -cut) : body
    const before = process.cpuUsage()
    renderMarkdown(text)
    const used = process.cpuUsage(before)
    best = Math.min(best, (used.user + used.system) / 1000)
  }
  return best
}

/** A logged-in member's browser that replies to a thread as its form does: CSRF token from the page, then POST. */
class Poster {
  private token = ''
  constructor(
    private readonly browser: Browser,
    private readonly threadId: number,
  ) {}

  async open() {
    const page = await this.browser.get(`/t/${this.threadId}`)
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)
    if (!token) throw new Error(`no reply form on /t/${this.threadId} (status ${page.status})`)
    this.token = decodeEntities(token[1])
  }

  /** Milliseconds until the reply is stored (its 303), or the status it was refused with. */
  async reply(body: string): Promise<{ ms: number; status: number }> {
    const form = new URLSearchParams({ body, parent_id: '', submission_key: '', _csrf: this.token })
    const started = performance.now()
    const response = await fetch(new URL(`/t/${this.threadId}/replies`, this.browser.origin), {
      method: 'POST',
      body: form.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: this.browser.cookieHeader() },
      redirect: 'manual',
    })
    await response.arrayBuffer()
    return { ms: performance.now() - started, status: response.status }
  }
}

async function logIn(origin: string, email: string, password: string): Promise<Browser> {
  const browser = new Browser(origin)
  const response = await browser.submit('/login', { email, password })
  if (response.status !== 303 || !browser.cookies.has('kring_sid'))
    throw new Error(`login as ${email} failed: status ${response.status}`)
  return browser
}

async function measureCorpus(poster: Poster, log: (line: string) => void): Promise<EntryFigures[]> {
  const figures: EntryFigures[] = []
  for (const entry of pathologicalTexts) {
    // Measured first: the check after it reuses that render. The check here only names a refusal; whether a text is
    // accepted is the server's answer (a render over the time limit there may not be one here, or the other way).
    const cpu = renderCpuMs(entry.body)
    const check = checkMarkdown(entry.body)
    const runs: number[] = []
    let accepted = false
    for (let i = 0; i < storeRepeats; i++) {
      // Each post a text of its own, so the server's kept renders do not help it; one cut short may no longer be
      // accepted (a definition without its last character, say) and is not timed.
      const text = i ? entry.body.slice(0, -i) : entry.body
      const { ms, status } = await poster.reply(text)
      if (status !== 303 && status !== 422) throw new Error(`${entry.name}: the server answered ${status}`)
      if (i === 0) accepted = status === 303
      if (!accepted) break
      if (status === 303) runs.push(ms)
    }
    const store = runs.length ? median(runs) : null
    const refusal = accepted ? null : check.ok ? 'refused by the server (over its render limit there)' : check.reason
    figures.push({
      name: entry.name,
      shape: entry.shape,
      bytes: Buffer.byteLength(entry.body, 'utf8'),
      accepted,
      refusal,
      renderCpuMs: cpu,
      storeMs: store,
      storeRuns: runs,
    })
    log(
      `  ${entry.name.padEnd(34)} render ${cpu.toFixed(1).padStart(7)} ms cpu  ${store === null ? `refused: ${refusal}` : `stored in ${store.toFixed(1)} ms`}`,
    )
  }
  return figures
}

/** Posters that keep replying with the given texts until stopped; what they saw. */
function keepPosting(list: Poster[], texts: PathologicalText[]) {
  let running = true
  const stored: number[] = []
  let failures = 0
  const loops = list.map(async (poster, p) => {
    for (let i = p; running; i++) {
      const text = texts[i % texts.length]
      const { ms, status } = await poster.reply(`${text.body.slice(0, -8)}${String(i).padStart(8, '0')}`)
      if (status === 303) stored.push(ms)
      else failures++
    }
  })
  return {
    async stop() {
      running = false
      await Promise.all(loops)
      return { posts: stored.length, failures, medianStoreMs: stored.length ? median(stored) : null }
    },
  }
}

export const scenario: Scenario = {
  name: 'heavy-posts',
  description:
    'the pathological-text corpus posted as replies on real PostgreSQL (store time, render CPU), and a member thread page while 5 clients post the worst of it',

  async run(settings: Settings, log): Promise<ScenarioResult> {
    const databaseUrl = benchDatabaseUrl()
    const database = databaseName(databaseUrl)
    log(`generating data in ${database}`)
    const db = await freshMigratedDatabase(databaseUrl)
    let data: ThreadData
    let heavyThreadId: number
    try {
      data = await generateThread(db, { users: 30, replies: 200 })
      const heavy = await startThread(db, {
        communityId: data.communityId,
        authorId: data.member.id,
        title: 'Where the heavy replies go',
        bodyMd: 'Replies to this thread are the benchmark’s pathological texts.',
        themeIds: [],
        submissionKey: null,
      })
      heavyThreadId = heavy.threadId!
    } finally {
      await db.destroy()
    }

    const children: ChildServer<ServerReady>[] = []
    try {
      const sessionSecret = randomBytes(32).toString('hex')
      const app = await startChild<ServerInput, ServerReady>(serverEntry, { mode: 'app', databaseUrl, sessionSecret })
      children.push(app)
      const origin = app.ready.url
      const posterList: Poster[] = []
      for (let i = 0; i < posters; i++) {
        const poster = new Poster(await logIn(origin, data.member.email, data.member.password), heavyThreadId)
        await poster.open()
        posterList.push(poster)
      }

      log(`(a) ${pathologicalTexts.length} pathological texts as replies, ${storeRepeats} posts each`)
      const corpus = await measureCorpus(posterList[0], log)
      const worst = [...corpus]
        .filter((entry) => entry.accepted)
        .sort((a, b) => (b.storeMs ?? 0) + b.renderCpuMs - ((a.storeMs ?? 0) + a.renderCpuMs))
        .slice(0, worstCount)
        .map((entry) => pathologicalTexts.find((text) => text.name === entry.name)!)
      log(`(b) the thread page while ${posters} clients post: ${worst.map((w) => w.name).join(', ')}`)

      const reader = await logIn(origin, data.member.email, data.member.password)
      const pagePath = `/t/${data.threadId}`
      const page = await reader.get(pagePath)
      if (page.status !== 200 || !page.body.includes(`action="/t/${data.threadId}/replies"`))
        throw new Error(`the member's thread page answered ${page.status} without its reply form`)
      const target = (id: string): Target => ({
        id,
        url: new URL(pagePath, origin).toString(),
        headers: { cookie: reader.cookieHeader() },
        cpu: async () => ({ server: await app.cpuMs(), postgres: postgresCpuMs(database) }),
      })
      const quiet = await measureInterleaved([target('thread-page-quiet')], settings, log)
      const posting = keepPosting(posterList, worst)
      const loaded = await measureInterleaved([target('thread-page-while-heavy-posts')], settings, log)
      const posted = await posting.stop()
      log(
        `  posters stored ${posted.posts} replies (median ${posted.medianStoreMs?.toFixed(1)} ms), ${posted.failures} refused`,
      )

      const measurements: Measurement[] = [
        {
          id: 'thread-page-quiet',
          label: 'thread page, logged-in member, nobody posting',
          kind: 'baseline',
          path: pagePath,
          figures: medianFigures(quiet.get('thread-page-quiet')!),
          runs: quiet.get('thread-page-quiet')!,
        },
        {
          id: 'thread-page-while-heavy-posts',
          label: `thread page, logged-in member, while ${posters} clients post the ${worstCount} worst texts`,
          kind: 'app',
          path: pagePath,
          figures: medianFigures(loaded.get('thread-page-while-heavy-posts')!),
          runs: loaded.get('thread-page-while-heavy-posts')!,
          notes: [`posters: ${worst.map((w) => w.name).join(', ')}`, `${posted.posts} replies stored meanwhile`],
        },
      ]
      const checks: Check[] = []
      for (const entry of corpus) {
        checks.push({
          name: `${entry.name}: render CPU ms`,
          value: entry.renderCpuMs,
          expectation: `< ${renderBudgetMs}`,
          ok: entry.renderCpuMs < renderBudgetMs,
          enforced: entry.accepted,
        })
        if (entry.storeMs !== null)
          checks.push({
            name: `${entry.name}: store ms (HTTP reply until its 303)`,
            value: entry.storeMs,
            expectation: `< ${storeBudgetMs}`,
            ok: entry.storeMs < storeBudgetMs,
            enforced: true,
          })
      }
      const underLoad = measurements[1].figures
      checks.push({
        name: 'thread page p97.5 ms while heavy posts are stored',
        value: underLoad.latencyMs.p97_5,
        expectation: `< ${pageBudgetMs}`,
        // No page answered at all is no pass.
        ok: underLoad.requests > 0 && underLoad.latencyMs.p97_5 < pageBudgetMs,
        enforced: true,
      })
      for (const m of measurements) checks.push(noFailuresCheck(m.id, m.figures))
      checks.push({
        name: 'heavy replies refused while the page was measured (a text cut short may be)',
        value: posted.failures,
        expectation: '0',
        ok: posted.failures === 0,
        enforced: false,
      })

      return {
        scenario: 'heavy-posts',
        description: this.description,
        data: {
          threadId: data.threadId,
          heavyThreadId,
          replies: data.replies,
          budgets: { storeMs: storeBudgetMs, renderCpuMs: renderBudgetMs, pageP97_5Ms: pageBudgetMs },
          corpus,
          posters: { count: posters, texts: worst.map((w) => w.name), ...posted },
        },
        measurements,
        budgets: [],
        checks,
      }
    } finally {
      for (const child of children.reverse()) await child.stop()
    }
  },
}
