import t from 'tap'
import { httpRequest, rawRequest, type RawResponse } from '../helpers/raw-http.js'
import { startServer } from '../helpers/server-process.js'

/** A browser over raw sockets: keeps cookies and the last form token, sends forms urlencoded. */
class SocketBrowser {
  cookies = new Map<string, string>()
  csrf = ''
  constructor(readonly port: number) {}

  private headers(extra: Record<string, string> = {}) {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
    return { ...(cookie ? { Cookie: cookie } : {}), Accept: 'text/html', ...extra }
  }

  private keep(response: RawResponse) {
    for (const line of response.headers['set-cookie'] ?? []) {
      const [pair] = line.split(';')
      const at = pair.indexOf('=')
      const value = pair.slice(at + 1)
      if (value === '') this.cookies.delete(pair.slice(0, at))
      else this.cookies.set(pair.slice(0, at), value)
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(response.body)
    if (token) this.csrf = token[1]
    return response
  }

  async get(path: string) {
    return this.keep(await httpRequest(this.port, { path, headers: this.headers() }))
  }

  async post(path: string, fields: Record<string, string>) {
    const body = new URLSearchParams({ ...fields, _csrf: this.csrf }).toString()
    return this.keep(
      await httpRequest(this.port, {
        method: 'POST',
        path,
        body,
        headers: this.headers({ 'Content-Type': 'application/x-www-form-urlencoded' }),
      }),
    )
  }
}

/** A value as an assertion name: plain ASCII, since a U+2028 or a # would garble the TAP stream itself. */
const show = (value: string) =>
  JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value).replace(
    /[^\x20-\x7e]|#/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )

t.test('the real server survives a battery of hostile requests and the same process answers afterwards', async (t) => {
  const server = await startServer(t)
  const { port } = server
  const browser = new SocketBrowser(port)

  // The request that used to end the process: an anonymous registration returning to a path with U+2028 in it.
  await browser.get('/register')
  const registered = await browser.post('/register', {
    email: 'hostile@example.org',
    display_name: 'Hostile Tester',
    password: 'a long enough password',
    next: '/t/1\u2028',
  })
  t.equal(registered.status, 303, 'registered')
  t.same(registered.headers.location, ['/register/sent'], 'asked to check their email')
  // An unconfirmed member may log in; the login returns to the same kind of address.
  await browser.get('/login')
  const loggedIn = await browser.post('/login', {
    email: 'hostile@example.org',
    password: 'a long enough password',
    next: '/t/1\u2028',
  })
  t.equal(loggedIn.status, 303, 'logged in')
  t.same(loggedIn.headers.location, ['/t/1%E2%80%A8'], 'the return address is kept, percent-encoded')

  // Odd return addresses: local ones are kept (encoded), anything that could leave Kring or inject a header is refused.
  const targets: [string, string][] = [
    ['/\u2028', '/%E2%80%A8'],
    ['/caf\u00e9 menu?q=\u00fc#top', '/caf%C3%A9%20menu?q=%C3%BC#top'],
    ['/\u{1F600}', '/%F0%9F%98%80'],
    ['/\u007f', '/'],
    ['/\u0085next', '/'],
    ['//evil.example/', '/'],
    ['/\\evil.example', '/'],
    ['/\t/evil.example', '/'],
    ['https://evil.example/', '/'],
    ['/\r\nSet-Cookie: pwned=1', '/'],
    ['/%0d%0aSet-Cookie:%20pwned=1', '/%0d%0aSet-Cookie:%20pwned=1'],
    ['/' + 'a'.repeat(5000), '/'],
  ]
  for (const [next, expected] of targets) {
    await browser.get('/')
    for (const locale of ['nl', 'xx']) {
      const res = await browser.post('/language', { locale, next })
      t.equal(res.status, 303, `language switch to ${show(next)} (${locale})`)
      t.same(res.headers.location, [expected], `returns to ${show(expected)}`)
      t.notOk(
        (res.headers['set-cookie'] ?? []).some((c) => c.startsWith('pwned')),
        'no injected cookie',
      )
    }
    const loggedIn = await browser.get(`/login?next=${encodeURIComponent(next)}`)
    t.equal(loggedIn.status, 303, 'a member opening the login page is sent on')
    t.same(loggedIn.headers.location, [expected], `and from the login page to ${show(expected)}`)
  }

  const hostile: { name: string; send: () => Promise<RawResponse>; status: number | number[] }[] = [
    { name: 'PUT on a thread', send: () => httpRequest(port, { method: 'PUT', path: '/t/1', body: 'x' }), status: 405 },
    { name: 'DELETE on a thread', send: () => httpRequest(port, { method: 'DELETE', path: '/t/1' }), status: 405 },
    { name: 'PATCH on the home page', send: () => httpRequest(port, { method: 'PATCH', path: '/' }), status: 405 },
    { name: 'PROPFIND', send: () => httpRequest(port, { method: 'PROPFIND', path: '/t/1' }), status: 405 },
    { name: 'a method Node does not know', send: () => httpRequest(port, { method: 'BREW', path: '/' }), status: 400 },
    { name: 'a broken %-escape in a path', send: () => httpRequest(port, { path: '/t/%E0%A4%A' }), status: 400 },
    { name: 'a lone % in a query', send: () => httpRequest(port, { path: '/search?q=%' }), status: 400 },
    {
      name: 'a truncated UTF-8 escape in a query',
      send: () => httpRequest(port, { path: '/login?next=%F0%9F' }),
      status: 400,
    },
    { name: 'an escaped NUL in a query', send: () => httpRequest(port, { path: '/search?q=%00care%00' }), status: 200 },
    { name: 'an escaped NUL in a path', send: () => httpRequest(port, { path: '/t/1%00' }), status: 404 },
    {
      name: 'a raw NUL in the request line',
      send: () => rawRequest(port, 'GET /a\u0000b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
      status: 400,
    },
    {
      name: 'a header folded over two lines',
      send: () => rawRequest(port, 'GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n injected: 1\r\nConnection: close\r\n\r\n'),
      status: 400,
    },
    {
      name: 'a cookie header of 20 KB',
      send: () => httpRequest(port, { path: '/', headers: { Cookie: `kring_sid=${'x'.repeat(20_000)}` } }),
      status: 431,
    },
    {
      name: 'a long forged session cookie',
      send: () => httpRequest(port, { path: '/', headers: { Cookie: `kring_sid=${'s%3A' + 'y'.repeat(4000)}` } }),
      status: 200,
    },
    {
      name: 'cookies that are no cookies of ours',
      send: () =>
        httpRequest(port, {
          path: '/',
          headers: {
            Cookie: 'kring_sid=%E0%A4%A; kring_csrf=@@@; kring_lang=zz; kring_flash=s:bad.sig; kring_tz=Mars/Base; =;;',
          },
        }),
      status: 200,
    },
    {
      name: 'latin-1 bytes in Accept-Language',
      send: () => httpRequest(port, { path: '/', headers: { 'Accept-Language': 'nl\u00ff,\u00e9;q=2' } }),
      status: 200,
    },
    {
      name: 'a forged Host',
      send: () => rawRequest(port, 'GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n'),
      status: 200,
    },
    {
      name: 'a non-numeric Content-Length',
      send: () =>
        rawRequest(port, 'POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\nConnection: close\r\n\r\n'),
      status: 400,
    },
    {
      name: 'a form body with broken escapes',
      send: () =>
        httpRequest(port, {
          method: 'POST',
          path: '/login',
          body: 'email=%&password=%E0%A4%A&_csrf=%',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        }),
      status: [400, 403],
    },
    {
      name: 'a path of 6,000 characters',
      send: () => httpRequest(port, { path: '/' + 'a/'.repeat(3000) }),
      status: 404,
    },
    {
      name: 'a path segment past the router limit',
      send: () => httpRequest(port, { path: '/c/' + 'x'.repeat(5000) }),
      status: 404,
    },
    {
      name: 'dot segments out of /static',
      send: () => httpRequest(port, { path: '/static/../package.json' }),
      status: [403, 404],
    },
    {
      name: 'escaped dot segments out of /static',
      send: () => httpRequest(port, { path: '/static/%2e%2e/%2e%2e/package.json' }),
      status: [403, 404],
    },
    {
      name: 'a forged request id',
      send: () => httpRequest(port, { path: '/nope', headers: { 'X-Request-Id': 'evil\u00ff id' } }),
      status: 404,
    },
  ]
  for (const request of hostile) {
    const res = await request.send()
    t.not(res.empty, true, `${request.name}: answered`)
    t.ok(([] as number[]).concat(request.status).includes(res.status), `${request.name}: ${res.status}`)
    t.match(res.headers['x-request-id']?.[0] ?? '', /^[0-9a-f-]{36}$/, `${request.name}: a request id of ours`)
    t.same(res.headers['x-content-type-options'], ['nosniff'], `${request.name}: security headers`)
    t.ok(res.headers['content-security-policy'], `${request.name}: a content security policy`)
    t.notMatch(res.body, '"name": "kring"', `${request.name}: no file from outside /static`)
  }

  const health = await httpRequest(port, { path: '/healthz' })
  t.equal(health.status, 200, 'still serving')
  t.equal(server.child.exitCode, null, 'the process never exited')
  const line = await server.logLineFor(health.headers['x-request-id'][0])
  t.equal(line.pid, server.child.pid, 'the process that answered is the one started at the beginning')
  t.notOk(
    server.logLines().some((entry) => entry.level === 60),
    'nothing fatal was logged',
  )
})
