// Email and reach (issue 12, speed): (a) what 1,000 watchers add to a reply request: replies posted through the real
// form on real PostgreSQL to a thread that 1,000 members watch and to one nobody watches, interleaved, with the reach
// worker running in the same process (the fan-out happens after commit, in the worker); (b) how fast the mail worker
// sends the outbox to a local SMTP server (smtp-server, the one the tests use), from enqueued to accepted.
// Budgets: the watched thread's p95 at most 10 ms above the unwatched one's; at least 200 messages/s.
// Runs in this process through app.inject / the app's own SMTP transport: the figures compare two requests of one
// app and one worker, so no second server process is needed.
import { randomBytes } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'
import { buildApp } from '../../src/app.js'
import { hashPassword } from '../../src/accounts/password.js'
import type { Db } from '../../src/db/connect.js'
import { enqueueEmails, type OutgoingEmail } from '../../src/mail/compose.js'
import { renderEmail } from '../../src/mail/layout.js'
import { decodeEntities } from './lib/browser.js'
import { databaseName, freshMigratedDatabase, openDatabase } from './lib/database.js'
import { median } from './lib/measure.js'
import type { Check, Scenario, ScenarioResult, Settings } from './lib/scenario.js'
import { benchConfig } from './servers/thread-page.js'

const watcherCount = 1000
const addedP95BudgetMs = 10
const sendRateBudget = 200

/** Its own database by default, so that it never drops one another scenario is using. */
function emailDatabaseUrl(): string {
  const set = process.env.BENCH_DATABASE_URL?.trim()
  return set || 'postgres://postgres@127.0.0.1:5432/kring_bench_email'
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0
}

async function generate(db: Db) {
  const password = `bench ${randomBytes(6).toString('hex')}`
  const passwordHash = await hashPassword(password)
  const [replier] = await db
    .insertInto('users')
    .values({ email: 'replier@bench.test', display_name: 'Bench Replier', password_hash: passwordHash })
    .returning('id')
    .execute()
  const watchers = await db
    .insertInto('users')
    .values(
      Array.from({ length: watcherCount }, (_, i) => ({
        email: `watcher-${i}@bench.test`,
        display_name: `Watcher ${i}`,
        password_hash: passwordHash,
      })),
    )
    .returning('id')
    .execute()
  const community = await db
    .insertInto('communities')
    .values({
      slug: 'bench',
      name: 'Bench circle',
      description_md: '',
      description_html: '',
      visibility: 'public',
      join_policy: 'open',
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db
    .insertInto('community_members')
    .values({ community_id: community.id, user_id: replier.id, status: 'active', joined_at: new Date() })
    .execute()
  const thread = async (title: string) =>
    (
      await db
        .insertInto('threads')
        .values({
          community_id: community.id,
          author_id: replier.id,
          title,
          body_md: 'Body',
          body_html: '<p>Body</p>',
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id
  const watched = await thread('Watched by a thousand')
  const quiet = await thread('Watched by nobody')
  for (let i = 0; i < watchers.length; i += 500)
    await db
      .insertInto('watches')
      .values(
        watchers.slice(i, i + 500).map((row) => ({
          user_id: row.id,
          target_type: 'thread' as const,
          target_id: watched,
          level: 'watching' as const,
        })),
      )
      .execute()
  return { email: 'replier@bench.test', password, watched, quiet }
}

/** A logged-in browser over app.inject: cookies and the form's CSRF token. */
class InjectBrowser {
  private cookies = new Map<string, string>()
  token = ''
  constructor(private readonly app: Awaited<ReturnType<typeof buildApp>>) {}

  private cookieHeader() {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }

  async request(method: 'GET' | 'POST', url: string, form?: Record<string, string>) {
    const response = await this.app.inject({
      method,
      url,
      headers: {
        cookie: this.cookieHeader(),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      payload: form ? new URLSearchParams({ ...form, _csrf: this.token }).toString() : undefined,
    })
    for (const cookie of response.cookies as { name: string; value: string }[])
      this.cookies.set(cookie.name, cookie.value)
    const token = /name="_csrf" value="([^"]+)"/.exec(response.body)
    if (token) this.token = decodeEntities(token[1])
    return response
  }
}

async function measureReplies(settings: Settings, log: (line: string) => void, url: string) {
  const db = await openDatabase(url)
  const data = await generate(db)
  await db.destroy()
  const base = benchConfig(url, randomBytes(32).toString('hex'))
  // The posting rate limit is not what this measures: one member writes hundreds of replies here.
  const config = {
    ...base,
    moderation: { ...base.moderation, postsPerMinute: { newAccount: 100_000, established: 100_000 } },
  }
  const app = await buildApp(config, { mailWorker: false, reachWorker: {} })
  await app.ready()
  try {
    const browser = new InjectBrowser(app)
    await browser.request('GET', '/login')
    const login = await browser.request('POST', '/login', { email: data.email, password: data.password })
    if (login.statusCode !== 303) throw new Error(`login failed: ${login.statusCode}`)
    await browser.request('GET', `/t/${data.quiet}`)
    const perTarget = Math.max(20, Math.round(settings.duration * 20 * settings.runs))
    const times = { watched: [] as number[], quiet: [] as number[] }
    // Interleaved, so that whatever else the machine does weighs on both alike; a few first ones warm up.
    for (let i = -5; i < perTarget; i++) {
      for (const target of ['watched', 'quiet'] as const) {
        const started = performance.now()
        const response = await browser.request('POST', `/t/${data[target]}/replies`, {
          body: `Reply ${i} to ${target}`,
        })
        const ms = performance.now() - started
        if (response.statusCode !== 303) throw new Error(`reply answered ${response.statusCode}`)
        if (i >= 0) times[target].push(ms)
      }
    }
    const drained = await app.reach.drain()
    const figures = (list: number[]) => ({
      p50: median(list),
      p95: percentile(list, 95),
      max: Math.max(...list),
      count: list.length,
    })
    const result = { watched: figures(times.watched), quiet: figures(times.quiet), fannedOutAfter: drained }
    log(
      `  reply p95: ${result.watched.p95.toFixed(1)} ms with ${watcherCount} watchers, ${result.quiet.p95.toFixed(1)} ms with none (${perTarget} each)`,
    )
    return result
  } finally {
    await app.close()
  }
}

async function startCountingSmtp() {
  let received = 0
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      stream.on('data', () => {})
      stream.on('end', () => {
        received++
        callback()
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.server.address() as AddressInfo
  return {
    url: `smtp://127.0.0.1:${port}`,
    received: () => received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

async function measureSending(settings: Settings, log: (line: string) => void, url: string) {
  const smtp = await startCountingSmtp()
  const config = benchConfig(url, randomBytes(32).toString('hex'))
  const app = await buildApp(
    { ...config, mail: { ...config.mail, smtpUrl: smtp.url, concurrency: 10 } },
    { mailWorker: false, reachWorker: false },
  )
  await app.ready()
  try {
    await app.db.deleteFrom('email_outbox').execute()
    const count = Math.max(500, Math.round(settings.duration * 200))
    const body = renderEmail('en', {
      heading: 'Bench Replier replied in “Watched by a thousand”',
      paragraphs: ['A reply of ordinary length, as a plain-text excerpt.'],
      action: { label: 'Open in Kring', url: 'http://127.0.0.1/posts/1' },
    })
    const emails: OutgoingEmail[] = Array.from({ length: count }, (_, i) => ({
      to: `watcher-${i}@bench.test`,
      kind: 'notification.watched_post',
      locale: 'en',
      subject: 'Bench Replier posted in “Watched by a thousand”',
      conversation: 'thread-1',
      unsubscribeUrl: 'http://127.0.0.1/unsubscribe/x.y',
      ...body,
    }))
    await app.db.transaction().execute((trx) => enqueueEmails(trx, config, emails))
    const started = performance.now()
    const result = await app.mail.drain()
    const seconds = (performance.now() - started) / 1000
    const rate = result.sent / seconds
    log(
      `  mail worker: ${result.sent} sent in ${seconds.toFixed(2)} s = ${rate.toFixed(0)} messages/s (${smtp.received()} received)`,
    )
    return { count, sent: result.sent, failed: result.failed, received: smtp.received(), seconds, messagesPerSec: rate }
  } finally {
    await app.close()
    await smtp.close()
  }
}

export const scenario: Scenario = {
  name: 'email',
  description: `a reply in a thread with ${watcherCount} watchers vs none (fan-out after commit), and the mail worker's sending rate to a local SMTP server`,

  async run(settings: Settings, log): Promise<ScenarioResult> {
    const url = emailDatabaseUrl()
    log(`generating data in ${databaseName(url)}`)
    const db = await freshMigratedDatabase(url)
    await db.destroy()
    const replies = await measureReplies(settings, log, url)
    const sending = await measureSending(settings, log, url)
    const added = replies.watched.p95 - replies.quiet.p95
    const checks: Check[] = [
      {
        name: `reply p95 added by ${watcherCount} watchers (ms)`,
        value: added,
        expectation: `< ${addedP95BudgetMs}`,
        ok: added < addedP95BudgetMs,
        enforced: true,
      },
      {
        name: 'mail worker messages/s to a local SMTP server',
        value: sending.messagesPerSec,
        expectation: `>= ${sendRateBudget}`,
        ok: sending.messagesPerSec >= sendRateBudget && sending.failed === 0,
        enforced: true,
      },
      {
        name: 'watchers told after the replies (fan-out in the worker)',
        value: replies.fannedOutAfter.failed,
        expectation: '0 failed',
        ok: replies.fannedOutAfter.failed === 0,
        enforced: true,
      },
    ]
    return {
      scenario: 'email',
      description: this.description,
      data: {
        watchers: watcherCount,
        replies,
        sending,
        budgets: { addedP95Ms: addedP95BudgetMs, messagesPerSec: sendRateBudget },
      },
      measurements: [],
      budgets: [],
      checks,
    }
  },
}
