// A small, bounded load on a real Kring server over HTTP: a few clients reading thread and library pages, searching,
// replying and editing, as visitors and as logged-in members. Records every response (status, when it was sent and
// answered) and every write Kring acknowledged, for a test to check against the database after a fault.
import { decodeEntities } from './client.js'

export interface Sample {
  client: string
  kind: 'thread' | 'library' | 'search' | 'reply' | 'edit' | 'form'
  /** 0: no HTTP answer at all (the connection failed or timed out). */
  status: number
  sentAt: number
  answeredAt: number
}

export interface AcknowledgedWrite {
  kind: 'reply' | 'edit'
  postId: number
  body: string
  at: number
}

/** Cookies and the last CSRF token, as a browser keeps them; fetch with redirects left to the caller. */
class HttpClient {
  readonly cookies = new Map<string, string>()
  csrf: string | null = null

  constructor(
    private readonly base: string,
    private readonly extraHeaders: Record<string, string> = {},
  ) {}

  async request(
    path: string,
    form?: Record<string, string>,
  ): Promise<{ status: number; body: string; location: string | null }> {
    const headers: Record<string, string> = { accept: 'text/html', ...this.extraHeaders }
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
    let body: string | undefined
    if (form) {
      headers['content-type'] = 'application/x-www-form-urlencoded'
      body = new URLSearchParams({ ...form, ...(this.csrf ? { _csrf: this.csrf } : {}) }).toString()
    }
    const response = await fetch(`${this.base}${path}`, {
      method: form ? 'POST' : 'GET',
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(20_000),
    })
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';')
      const at = pair.indexOf('=')
      const name = pair.slice(0, at).trim()
      const value = pair.slice(at + 1).trim()
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(cookie)) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
    const text = await response.text()
    const token = /name="_csrf" value="([^"]+)"/.exec(text)
    if (token) this.csrf = decodeEntities(token[1])
    return { status: response.status, body: text, location: response.headers.get('location') }
  }
}

export interface LoadMember {
  email: string
  password: string
}

export interface SteadyLoad {
  samples: Sample[]
  writes: AcknowledgedWrite[]
  /** Bodies of writes sent but not acknowledged: they may or may not have been stored. */
  unacknowledged: string[]
  /** Stops every client and waits for its request in flight. */
  stop(): Promise<void>
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export async function logInOverHttp(
  base: string,
  member: LoadMember,
  headers?: Record<string, string>,
): Promise<HttpClient> {
  const client = new HttpClient(base, headers)
  await client.request('/login')
  const answer = await client.request('/login', { email: member.email, password: member.password })
  if (answer.status !== 303) throw new Error(`login as ${member.email} failed with ${answer.status}`)
  return client
}

/**
 * Starts `visitors` reading clients and one writing client per member, each waiting `pauseMs` between requests, so the
 * load stays bounded whatever the server does.
 */
export async function startSteadyLoad(options: {
  port: number
  threadId: number
  members: LoadMember[]
  visitors?: number
  /** Between a visitor's requests. */
  pauseMs?: number
  /** Between a member's writes: keep it above what the posting rate limit allows. */
  writerPauseMs?: number
  /** Sent with every request (e.g. x-forwarded-proto from a trusted proxy, for a production-like server). */
  headers?: Record<string, string>
}): Promise<SteadyLoad> {
  const base = `http://127.0.0.1:${options.port}`
  const pauseMs = options.pauseMs ?? 40
  const samples: Sample[] = []
  const writes: AcknowledgedWrite[] = []
  const unacknowledged: string[] = []
  let running = true

  const timed = async (client: string, kind: Sample['kind'], send: () => Promise<{ status: number }>) => {
    const sentAt = Date.now()
    let status = 0
    try {
      status = (await send()).status
    } catch {
      status = 0
    }
    samples.push({ client, kind, status, sentAt, answeredAt: Date.now() })
    return status
  }

  const visitor = async (name: string) => {
    const client = new HttpClient(base, options.headers)
    for (let i = 0; running; i++) {
      const pick = i % 3
      if (pick === 0) await timed(name, 'thread', () => client.request(`/t/${options.threadId}`))
      else if (pick === 1) await timed(name, 'library', () => client.request('/library'))
      else await timed(name, 'search', () => client.request(`/search?q=${i % 2 === 0 ? 'panel' : 'reply'}`))
      await pause(pauseMs)
    }
  }

  const writer = async (name: string, client: HttpClient) => {
    let mine: number | null = null
    for (let i = 0; running; i++) {
      let page = { status: 0, body: '', location: null as string | null }
      await timed(name, 'form', async () => (page = await client.request(`/t/${options.threadId}`)))
      const submissionKey = /name="submission_key" value="([^"]*)"/.exec(page.body)?.[1] ?? ''
      if (page.status === 200 && i % 3 !== 2) {
        const body = `Load reply ${name} ${i}`
        let answer = { status: 0, body: '', location: null as string | null }
        await timed(name, 'reply', async () => {
          answer = await client.request(`/t/${options.threadId}/replies`, {
            body,
            parent_id: '',
            submission_key: submissionKey,
          })
          return answer
        })
        const postId = answer.status === 303 ? /^\/posts\/(\d+)/.exec(answer.location ?? '')?.[1] : undefined
        if (postId) {
          mine = Number(postId)
          writes.push({ kind: 'reply', postId: mine, body, at: Date.now() })
        } else unacknowledged.push(body)
      } else if (mine !== null) {
        const postId = mine
        let form = { status: 0, body: '' }
        await timed(name, 'form', async () => (form = await client.request(`/posts/${postId}/edit`)))
        const version = /name="version" value="(\d+)"/.exec(form.body)?.[1]
        if (version) {
          const body = `Load edit ${name} ${i}`
          const status = await timed(name, 'edit', () => client.request(`/posts/${postId}/edit`, { body, version }))
          if (status === 303) writes.push({ kind: 'edit', postId, body, at: Date.now() })
          else unacknowledged.push(body)
        }
      }
      await pause(options.writerPauseMs ?? 1000)
    }
  }

  const members = await Promise.all(options.members.map((member) => logInOverHttp(base, member, options.headers)))
  const clients = [
    ...Array.from({ length: options.visitors ?? 2 }, (_, i) => visitor(`visitor${i}`)),
    ...members.map((client, i) => writer(`member${i}`, client)),
  ]
  return {
    samples,
    writes,
    unacknowledged,
    async stop() {
      running = false
      await Promise.all(clients)
    },
  }
}
