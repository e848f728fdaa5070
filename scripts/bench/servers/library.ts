// The two servers the library benchmark loads, each in its own process (see lib/child.ts): 'app' is the real Kring app
// on the benchmark database; 'baseline' is a bare Fastify with the same view engine rendering the view models the real
// app handed to reply.view, so only queries, session, CSRF and hooks differ. The thread page's server works the same
// way; this one is its own module because a forked server module answers the start message as soon as it is imported.
import Fastify, { type FastifyReply } from 'fastify'
import { buildApp } from '../../../src/app.js'
import { loadConfig, type Config } from '../../../src/config.js'
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
  /** Statements the real app ran for this page, in order. */
  queries: string[]
  appBytes: number
  baselineBytes: number
  /** The baseline renders the very view model the app rendered, so the HTML must match byte for byte. */
  identicalHtml: boolean
}

export interface ServerReady {
  url: string
  pages?: CapturedPage[]
}

/** Through the app's own loader, so a setting added to Config later is filled in as in any deployment. */
function config(databaseUrl: string, sessionSecret: string): Config {
  // env 'test': no search worker in the background; the library index and article pages do not search.
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    SESSION_SECRET: sessionSecret,
    KRING_DATA_DIR: '/nonexistent-kring-bench-data',
    KRING_DEMO: '0',
    LOG_LEVEL: 'silent',
    PORT: '0',
  })
}

async function startApp(input: Extract<ServerInput, { mode: 'app' }>) {
  // No `db` handed in: the app opens its own pool, exactly as in production.
  const app = await buildApp(config(input.databaseUrl, input.sessionSecret))
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  return { ready: { url } satisfies ServerReady, close: () => app.close() }
}

/** Asks the real app for each page and keeps what it handed to reply.view, plus the queries it ran. */
async function capturePages(input: Extract<ServerInput, { mode: 'baseline' }>) {
  let queries: string[] = []
  const db = await openDatabase(input.databaseUrl, (event) => queries.push(event.query.sql))
  // Templates read afresh, which also turns off the pages kept for visitors: every page goes through reply.view here.
  const app = await buildApp({ ...config(input.databaseUrl, input.sessionSecret), cacheTemplates: false }, { db })
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
  }[] = []
  try {
    for (const capture of input.captures) {
      captured = null
      queries = []
      const response = await app.inject({ method: 'GET', url: capture.path, headers: { cookie: capture.cookie } })
      const page = captured as { template: string; data: Record<string, unknown> } | null
      if (!page) throw new Error(`${capture.path} rendered no view (status ${response.statusCode})`)
      pages.push({
        capture,
        template: page.template,
        data: page.data,
        statusCode: response.statusCode,
        body: response.body,
        queries,
      })
    }
  } finally {
    await app.close()
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
      appBytes: Buffer.byteLength(page.body),
      baselineBytes: Buffer.byteLength(response.body),
      identicalHtml: response.body === page.body,
    })
  }
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  return { ready: { url, pages: report } satisfies ServerReady, close: () => app.close() }
}

serveChild<ServerInput, ServerReady>((input) => (input.mode === 'app' ? startApp(input) : startBaseline(input)))
