import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { Client, logIn } from '../helpers/client.js'
import { createCommunityWith, createThreadIn, createUser } from '../helpers/factories.js'
import { captureLog } from '../helpers/log-capture.js'

// Every response is a Kring page: security headers, the viewer's language, a request id in the page, the header and the log.

t.test('bad requests each get a Kring page in Dutch with the security headers and a request id', async (t) => {
  const log = captureLog()
  const { app } = await buildTestApp(t, { config: { logLevel: 'info' }, logStream: log.stream })
  const member = await createUser(app.db)
  const community = await createCommunityWith(app.db, { members: [member] })
  const threadId = await createThreadIn(app.db, community.id, member)
  const cases: { method: string; url: string; status: number; text: string; allow?: string }[] = [
    {
      method: 'PUT',
      url: `/t/${threadId}`,
      status: 405,
      text: 'Dit adres aanvaardt dit soort aanvraag niet.',
      allow: 'GET, HEAD',
    },
    {
      method: 'DELETE',
      url: `/t/${threadId}`,
      status: 405,
      text: 'Dit adres aanvaardt dit soort aanvraag niet.',
      allow: 'GET, HEAD',
    },
    {
      method: 'PATCH',
      url: '/logout',
      status: 405,
      text: 'Dit adres aanvaardt dit soort aanvraag niet.',
      allow: 'POST',
    },
    {
      method: 'PROPFIND',
      url: '/',
      status: 405,
      text: 'Dit adres aanvaardt dit soort aanvraag niet.',
      allow: 'GET, HEAD',
    },
    {
      method: 'OPTIONS',
      url: '/library',
      status: 405,
      text: 'Dit adres aanvaardt dit soort aanvraag niet.',
      allow: 'GET, HEAD',
    },
    { method: 'PUT', url: '/no/such/page', status: 404, text: 'Deze pagina bestaat niet' },
    { method: 'POST', url: '/no/such/page', status: 404, text: 'Deze pagina bestaat niet' },
    { method: 'GET', url: '/t/%E0%A4%A', status: 400, text: 'Dit adres is niet goed geschreven' },
    { method: 'GET', url: '/c/%zz/meetings', status: 400, text: 'Dit adres is niet goed geschreven' },
    { method: 'GET', url: '/search?q=%', status: 400, text: 'Dit adres is niet goed geschreven' },
    { method: 'GET', url: '/members?q=%E0%A4', status: 400, text: 'Dit adres is niet goed geschreven' },
    { method: 'GET', url: `/c/${'x'.repeat(500)}`, status: 404, text: 'Deze pagina bestaat niet' },
  ]
  for (const c of cases) {
    const res = await app.inject({
      method: c.method as 'GET',
      url: c.url,
      headers: { 'accept-language': 'nl', accept: 'text/html' },
    })
    const name = `${c.method} ${c.url.slice(0, 40)}`
    t.equal(res.statusCode, c.status, name)
    t.match(res.headers['content-type'], 'text/html', `${name}: an HTML page`)
    t.match(res.body, '<html lang="nl">', `${name}: in Dutch`)
    t.match(res.body, c.text, name)
    t.notMatch(res.body, 'Dit formulier is verlopen', `${name}: not the form-token page`)
    if (c.allow) t.equal(res.headers.allow, c.allow, `${name}: Allow`)
    t.match(res.headers['content-security-policy'], "default-src 'self'", `${name}: CSP`)
    t.equal(res.headers['x-content-type-options'], 'nosniff', `${name}: nosniff`)
    const id = String(res.headers['x-request-id'])
    t.match(id, /^[0-9a-f-]{36}$/, `${name}: a request id`)
    t.match(res.body, `aanvraagnummer ${id}`, `${name}: the same id on the page`)
    t.ok(
      log.lines().some((line) => line.reqId === id),
      `${name}: and in the log`,
    )
  }
})

t.test('a thread still answers its own methods, and a POST without a token is still refused', async (t) => {
  const { app } = await buildTestApp(t)
  const member = await createUser(app.db)
  const community = await createCommunityWith(app.db, { members: [member] })
  const threadId = await createThreadIn(app.db, community.id, member)
  const client = new Client(app)
  t.equal((await client.get(`/t/${threadId}`)).status, 200)
  t.equal((await app.inject({ method: 'HEAD', url: `/t/${threadId}` })).statusCode, 200)
  await logIn(client, member.email, member.password)
  t.equal(
    (await client.post(`/t/${threadId}/replies`, { body: 'No token' }, { csrf: false })).status,
    403,
    'CSRF still guards real forms',
  )
})

t.test('a request id from a proxy is kept only when it has a safe shape', async (t) => {
  const { app } = await buildTestApp(t)
  const kept = await app.inject({ url: '/healthz', headers: { 'x-request-id': 'lb-7f3a9c01-42' } })
  t.equal(kept.headers['x-request-id'], 'lb-7f3a9c01-42')
  for (const forged of ['short', 'a'.repeat(65), 'id with spaces', 'id"<script>', 'id\u00e9\u00e9\u00e9\u00e9\u00e9']) {
    const res = await app.inject({ url: '/healthz', headers: { 'x-request-id': forged } })
    t.match(res.headers['x-request-id'], /^[0-9a-f-]{36}$/, 'a fresh id instead')
  }
  const first = await app.inject({ url: '/healthz' })
  const second = await app.inject({ url: '/healthz' })
  t.not(first.headers['x-request-id'], second.headers['x-request-id'], 'one id per request')
})

t.test('JSON clients get the request id in the error body', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ method: 'DELETE', url: '/', headers: { accept: 'application/json' } })
  t.equal(res.statusCode, 405)
  const body = res.json() as { requestId: string }
  t.equal(body.requestId, res.headers['x-request-id'])
})
