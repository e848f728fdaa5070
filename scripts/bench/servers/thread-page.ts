// The two servers the thread-page benchmark loads, each in its own process (see lib/child.ts):
// 'app' is the real Kring app on the benchmark database; 'baseline' is a bare Fastify with the same view engine,
// rendering view models captured from the real app, so only queries, session, CSRF and hooks differ.
import Fastify, { type FastifyReply } from 'fastify'
import { buildApp } from '../../../src/app.js'
import type { Config } from '../../../src/config.js'
import { installViews } from '../../../src/web/view.js'
import { serveChild } from '../lib/child.js'
import { openDatabase } from '../lib/database.js'

export interface Capture {
  id: string
  path: string
  cookie: string
}

export type ServerInput =
  | { mode: 'app'; databaseUrl: string; sessionSecret: string }
  | { mode: 'baseline'; databaseUrl: string; sessionSecret: string; captures: Capture[] }

export interface CapturedPage {
  id: string
  path: string
  template: string
  statusCode: number
  /** Statements the real app ran for this page when it rendered it, in order. */
  queries: string[]
  /** Statements it ran when it asked for the page again (a visitor's page is then the one the instance kept). */
  repeatQueries: string[]
  appBytes: number
  baselineBytes: number
  /** The baseline renders the very view model the app rendered, so the HTML must match byte for byte. */
  identicalHtml: boolean
}

export interface ServerReady {
  url: string
  pages?: CapturedPage[]
}

export function benchConfig(databaseUrl: string, sessionSecret: string): Config {
  return {
    env: 'test',
    host: '127.0.0.1',
    port: 0,
    publicUrl: 'http://127.0.0.1',
    trustedProxies: false,
    redis: null,
    session: { maxAgeMs: 30 * 86_400_000, idleMs: 7 * 86_400_000 },
    loginThrottle: { freeFailures: 5, windowMs: 15 * 60_000, maxDelayMs: 15 * 60_000 },
    dataDir: '/nonexistent-kring-bench-data',
    database: { kind: 'postgres', url: databaseUrl },
    heavyReads: { max: 2, queueMax: 20, statementTimeoutMs: 3000 },
    mail: { smtpUrl: null, from: 'Kring <kring@localhost>', concurrency: 5 },
    shutdownTimeoutMs: 10_000,
    // The thread page does not search.
    search: { url: null, masterKey: null, indexPrefix: 'bench_' },
    sessionSecret,
    secureCookies: false,
    seedDemo: false,
    cacheTemplates: true,
    bodyLimitBytes: 256 * 1024,
    rateLimits: { login: { max: 1000, timeWindowMs: 60_000 }, register: { max: 1000, timeWindowMs: 60_000 } },
    moderation: {
      flagThreshold: 3,
      flagsPerMinute: { newAccount: 1000, established: 1000 },
      postsPerMinute: { newAccount: 1000, established: 1000 },
    },
    logLevel: 'silent',
  }
}

async function startApp(input: Extract<ServerInput, { mode: 'app' }>) {
  // No `db` handed in: the app opens its own pool, exactly as in production.
  const app = await buildApp(benchConfig(input.databaseUrl, input.sessionSecret))
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  return { ready: { url } satisfies ServerReady, close: () => app.close() }
}

/** Asks the real app for each page and keeps what it handed to reply.view, plus the queries it ran. */
async function capturePages(input: Extract<ServerInput, { mode: 'baseline' }>) {
  let queries: string[] = []
  const db = await openDatabase(input.databaseUrl, (event) => queries.push(event.query.sql))
  // Templates read afresh, which also turns off the pages kept for visitors: every page goes through reply.view here.
  // The scenario compares what the app under load sends with the baseline's HTML as well.
  const app = await buildApp({ ...benchConfig(input.databaseUrl, input.sessionSecret), cacheTemplates: false }, { db })
  // As under load, to count what a repeated request costs.
  const loaded = await buildApp(benchConfig(input.databaseUrl, input.sessionSecret), { db })
  let captured: { template: string; data: Record<string, unknown> } | null = null
  app.addHook('onRequest', async (_request, reply) => {
    const view = reply.view.bind(reply) as (template: string, data: Record<string, unknown>) => FastifyReply
    ;(reply as unknown as { view: typeof view }).view = (template, data) => {
      captured = { template, data }
      return view(template, data)
    }
  })
  await app.ready()
  const pages: {
    capture: Capture
    template: string
    data: Record<string, unknown>
    statusCode: number
    body: string
    queries: string[]
    repeatQueries: string[]
  }[] = []
  try {
    for (const capture of input.captures) {
      captured = null
      queries = []
      const response = await app.inject({ method: 'GET', url: capture.path, headers: { cookie: capture.cookie } })
      const page = captured as { template: string; data: Record<string, unknown> } | null
      if (!page) throw new Error(`${capture.path} rendered no view (status ${response.statusCode})`)
      const rendered = queries
      queries = []
      await loaded.inject({ method: 'GET', url: capture.path, headers: { cookie: capture.cookie } })
      queries = []
      await loaded.inject({ method: 'GET', url: capture.path, headers: { cookie: capture.cookie } })
      pages.push({
        capture,
        template: page.template,
        data: page.data,
        statusCode: response.statusCode,
        body: response.body,
        queries: rendered,
        repeatQueries: queries,
      })
    }
  } finally {
    await app.close()
    await loaded.close()
    await db.destroy()
  }
  return pages
}

async function startBaseline(input: Extract<ServerInput, { mode: 'baseline' }>) {
  const pages = await capturePages(input)
  const app = Fastify({ logger: false })
  await installViews(app, { cache: true })
  for (const [i, page] of pages.entries()) {
    app.get(`/baseline/${i}`, (_request, reply) => reply.view(page.template, page.data))
  }
  await app.ready()
  const report: CapturedPage[] = []
  for (const [i, page] of pages.entries()) {
    const response = await app.inject({ method: 'GET', url: `/baseline/${i}` })
    report.push({
      id: page.capture.id,
      path: `/baseline/${i}`,
      template: page.template,
      statusCode: page.statusCode,
      queries: page.queries,
      repeatQueries: page.repeatQueries,
      appBytes: Buffer.byteLength(page.body),
      baselineBytes: Buffer.byteLength(response.body),
      identicalHtml: response.body === page.body,
    })
  }
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  return { ready: { url, pages: report } satisfies ServerReady, close: () => app.close() }
}

serveChild<ServerInput, ServerReady>((input) => (input.mode === 'app' ? startApp(input) : startBaseline(input)))
