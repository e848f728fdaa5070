import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { Client, logIn } from '../helpers/client.js'
import { createUser } from '../helpers/factories.js'

t.test("an unknown page gets a 404 page in the viewer's language", async (t) => {
  const { app } = await buildTestApp(t)
  const client = new Client(app)
  const en = await client.get('/no/such/page')
  t.equal(en.status, 404)
  t.match(en.headers['content-type'], 'text/html')
  t.match(en.body, 'Page not found')
  client.headers['accept-language'] = 'nl'
  const nl = await client.get('/no/such/page')
  t.match(nl.body, 'Pagina niet gevonden')
  t.match(nl.body, '<html lang="nl">')
})

t.test('a logged-in member keeps their header on an error page', async (t) => {
  const { app } = await buildTestApp(t)
  const user = await createUser(app.db, { displayName: 'Griet Claes' })
  const client = new Client(app)
  await logIn(client, user.email, user.password)
  const res = await client.get('/missing')
  t.equal(res.status, 404)
  t.match(res.body, 'Griet Claes')
})

t.test('a POST without a CSRF token is refused and changes nothing', async (t) => {
  const { app, db } = await buildTestApp(t)
  const client = new Client(app)
  await client.get('/register')
  const missing = await client.post(
    '/register',
    { email: 'csrf@example.org', display_name: 'No Token', password: 'a long enough pass' },
    { csrf: false },
  )
  t.equal(missing.status, 403)
  t.match(missing.body, 'This form has expired or was not sent from Kring.')
  const forged = await client.post(
    '/register',
    { email: 'csrf@example.org', display_name: 'Forged', password: 'a long enough pass' },
    { csrf: 'forged-token' },
  )
  t.equal(forged.status, 403)
  const stranger = new Client(app)
  const noCookie = await stranger.post(
    '/register',
    { email: 'csrf@example.org', display_name: 'x', password: 'a long enough pass' },
    { csrf: client.lastCsrf! },
  )
  t.equal(noCookie.status, 403, "another browser's token does not work without its cookie")
  const users = await db.selectFrom('users').select('id').execute()
  t.equal(users.length, 0)
})

t.test('a token minted for a visitor is useless once logged in', async (t) => {
  const { app } = await buildTestApp(t)
  const user = await createUser(app.db)
  const client = new Client(app)
  await client.get('/')
  const visitorToken = client.lastCsrf!
  await logIn(client, user.email, user.password)
  const res = await client.post('/logout', {}, { csrf: visitorToken })
  t.equal(res.status, 403)
})

t.test('malformed, oversized and foreign bodies get clear 4xx pages', async (t) => {
  const { app } = await buildTestApp(t)
  const client = new Client(app)
  client.headers['accept-language'] = 'nl'
  await client.get('/register')
  const duplicated = await client.post('/register', {
    email: ['a@example.org', 'b@example.org'],
    display_name: 'x',
    password: 'a long enough pass',
  })
  t.equal(duplicated.status, 400, 'a field sent twice is malformed')
  t.match(duplicated.body, 'Het formulier was onvolledig')

  const huge = await client.post('/register', {
    email: 'big@example.org',
    display_name: 'x'.repeat(300 * 1024),
    password: 'a long enough pass',
  })
  t.equal(huge.status, 413)
  t.match(
    huge.body,
    'Wat je verstuurde is groter dan Kring in één formulier aanvaardt (hoogstens 256 kB).',
    'the page names the limit',
  )

  const xml = await app.inject({
    method: 'POST',
    url: '/login',
    payload: '<login/>',
    headers: {
      'content-type': 'application/xml',
      cookie: `kring_csrf=${client.cookies.get('kring_csrf')}`,
      'accept-language': 'en',
    },
  })
  t.equal(xml.statusCode, 415)
  t.match(xml.body, 'Kring cannot read this kind of request.')

  const badJson = await app.inject({
    method: 'POST',
    url: '/login',
    payload: '{"email":',
    headers: { 'content-type': 'application/json' },
  })
  t.equal(badJson.statusCode, 400)
  t.notMatch(badJson.body, /at .*\.js:\d+/, 'no stack trace')
})

t.test('a server error shows a friendly page and no internals', async (t) => {
  const { app } = await buildTestApp(t)
  app.get('/test-only/boom', async () => {
    throw new Error('secret internal detail: connection string postgres://x')
  })
  const res = await new Client(app).get('/test-only/boom')
  t.equal(res.status, 500)
  t.match(res.body, 'Something went wrong on our side.')
  t.notMatch(res.body, 'secret internal detail')
  t.notMatch(res.body, 'postgres://')
})

t.test('pages carry security headers and a strict content security policy', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await new Client(app).get('/')
  const csp = String(res.headers['content-security-policy'])
  t.match(csp, "default-src 'self'")
  t.match(csp, "script-src 'self'")
  t.notMatch(csp, 'unsafe-inline')
  t.match(csp, "frame-ancestors 'none'")
  t.equal(res.headers['x-content-type-options'], 'nosniff')
  t.notMatch(res.body, /<script>|<script [^>]*>[^<]/, 'no inline scripts in the page')
  t.notMatch(res.body, / on[a-z]+="/, 'no inline event handlers')
  const cookie = String(res.headers['set-cookie'])
  t.match(cookie, 'HttpOnly')
  t.match(cookie, 'SameSite=Lax')
})

t.test('GET requests never change state: logout over GET does nothing', async (t) => {
  const { app } = await buildTestApp(t)
  const user = await createUser(app.db)
  const client = new Client(app)
  await logIn(client, user.email, user.password)
  const res = await client.get('/logout')
  t.equal(res.status, 404)
  t.match((await client.get('/')).body, user.displayName, 'still logged in')
})
