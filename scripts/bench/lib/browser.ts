// Just enough of a browser to set up a benchmark: keeps cookies and submits forms with the CSRF token they carry.

export interface Page {
  status: number
  body: string
  location: string | null
  setCookies: string[]
}

/** What a browser does to an attribute value before it submits it (Handlebars escapes `=` as `&#x3D;`, for one). */
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

export class Browser {
  readonly cookies = new Map<string, string>()

  constructor(readonly origin: string) {}

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }

  private async send(path: string, init: RequestInit): Promise<Page> {
    const headers = new Headers(init.headers)
    if (this.cookies.size) headers.set('cookie', this.cookieHeader())
    const response = await fetch(new URL(path, this.origin), { ...init, headers, redirect: 'manual' })
    const setCookies = response.headers.getSetCookie()
    for (const line of setCookies) {
      const [pair, ...attributes] = line.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      const expired = value === '' || attributes.some((a) => /^\s*max-age=0\s*$/i.test(a))
      if (expired) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
    return {
      status: response.status,
      body: await response.text(),
      location: response.headers.get('location'),
      setCookies,
    }
  }

  get(path: string): Promise<Page> {
    return this.send(path, { method: 'GET' })
  }

  /** Opens the page that holds the form, then posts it with that page's `_csrf`, as a person would. */
  async submit(path: string, fields: Record<string, string>): Promise<Page> {
    const form = await this.get(path)
    const token = /name="_csrf" value="([^"]+)"/.exec(form.body)
    if (!token) throw new Error(`no CSRF token in the form at ${path} (status ${form.status})`)
    const body = new URLSearchParams({ ...fields, _csrf: decodeEntities(token[1]) })
    return this.send(path, {
      method: 'POST',
      body: body.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
  }
}
