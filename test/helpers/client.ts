// A browser-like client over app.inject: keeps cookies, reads CSRF tokens from the forms it was served.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'

export interface Response {
  status: number
  headers: LightMyRequestResponse['headers']
  body: string
  location: string | undefined
}

export class Client {
  readonly cookies = new Map<string, string>()
  lastCsrf: string | null = null
  headers: Record<string, string> = {}

  constructor(readonly app: FastifyInstance) {}

  private requestHeaders(extra: Record<string, string> = {}): Record<string, string> {
    const headers = { ...this.headers, ...extra }
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
    return headers
  }

  private remember(response: LightMyRequestResponse) {
    for (const cookie of response.cookies as { name: string; value: string; expires?: Date; maxAge?: number }[]) {
      const expired =
        (cookie.expires && cookie.expires.getTime() <= Date.now()) || cookie.maxAge === 0 || cookie.value === ''
      if (expired) this.cookies.delete(cookie.name)
      else this.cookies.set(cookie.name, cookie.value)
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(response.body)
    if (token) this.lastCsrf = decodeEntities(token[1])
  }

  private wrap(response: LightMyRequestResponse): Response {
    this.remember(response)
    const location = response.headers.location
    return {
      status: response.statusCode,
      headers: response.headers,
      body: response.body,
      location: typeof location === 'string' ? location : undefined,
    }
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<Response> {
    const response = await this.app.inject({ method: 'GET', url, headers: this.requestHeaders(headers) })
    return this.wrap(response)
  }

  /** Posts a form as a browser would: urlencoded, with the cookies and (unless given) the last CSRF token it saw. */
  async post(
    url: string,
    fields: Record<string, string | string[]> = {},
    options: { csrf?: string | false; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const form = new URLSearchParams()
    for (const [key, value] of Object.entries(fields)) {
      for (const item of Array.isArray(value) ? value : [value]) form.append(key, item)
    }
    const token = options.csrf === undefined ? this.lastCsrf : options.csrf
    if (token && !('_csrf' in fields)) form.append('_csrf', token)
    const response = await this.app.inject({
      method: 'POST',
      url,
      payload: form.toString(),
      headers: this.requestHeaders({ 'content-type': 'application/x-www-form-urlencoded', ...options.headers }),
    })
    return this.wrap(response)
  }

  /** Opens an edit form and saves it with the version it was opened at, as a browser sends its hidden field. */
  async edit(formUrl: string, fields: Record<string, string | string[]>, action = formUrl): Promise<Response> {
    const page = await this.get(formUrl)
    const version = formVersion(page.body)
    return this.post(action, version === null || 'version' in fields ? fields : { ...fields, version })
  }

  /** Opens the page that holds a form, then submits it: the token comes from that very page. */
  async submit(pageUrl: string, action: string, fields: Record<string, string | string[]>): Promise<Response> {
    const page = await this.get(pageUrl)
    if (!this.lastCsrf) throw new Error(`no CSRF token on ${pageUrl} (status ${page.status})`)
    const version = formVersion(page.body)
    return this.post(action, version === null || 'version' in fields ? fields : { ...fields, version })
  }
}

export async function logIn(client: Client, email: string, password: string): Promise<Response> {
  const response = await client.submit('/login', '/login', { email, password })
  if (response.status !== 303) throw new Error(`login as ${email} failed with ${response.status}`)
  return response
}

/** The hidden version an edit form (or its 409 answer) carries, or null when the page has none. */
export function formVersion(body: string): string | null {
  return /<input type="hidden" name="version" value="(\d+)">/.exec(body)?.[1] ?? null
}

/** What a browser does to an attribute value before it submits it. */
export function decodeEntities(value: string): string {
  return value
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
}

/** The breadcrumb trail the layout renders: each item's text, and its link unless it is the page itself. */
export function crumbsOf(body: string): { label: string; href?: string }[] | null {
  const nav = /<nav class="breadcrumbs"[^>]*>([\s\S]*?)<\/nav>/.exec(body)
  if (!nav) return null
  return [
    ...nav[1].matchAll(
      /<li>(?:<a href="([^"]+)">([^<]*)<\/a>|<span aria-current="page">([^<]*)<\/span>|<span>([^<]*)<\/span>)<\/li>/g,
    ),
  ].map((m) =>
    m[1] !== undefined ? { label: decodeEntities(m[2]), href: m[1] } : { label: decodeEntities(m[3] ?? m[4]) },
  )
}
