import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { verifyFromOutbox } from '../helpers/account-mail.js'
import { Client } from '../helpers/client.js'
import { createUser } from '../helpers/factories.js'
import { attachment } from '../../src/web/response-guard.js'
import { safeLocalPath } from '../../src/web/view.js'

// What a header can carry (Node's rule): the encoded target must pass it, or writing the redirect would throw.
const headerSafe = /^[\t\x20-\x7e\x80-\xff]*$/

const local: [string, string][] = [
  ['/t/12#reply-3', '/t/12#reply-3'],
  ['/t/1\u2028', '/t/1%E2%80%A8'],
  ['/t/1\u2029x', '/t/1%E2%80%A9x'],
  ['/zoek?q=caf\u00e9 au lait', '/zoek?q=caf%C3%A9%20au%20lait'],
  ['/\u0141\u00f3d\u017a', '/%C5%81%C3%B3d%C5%BA'],
  ['/\ufeffbom', '/%EF%BB%BFbom'],
  ['/\u{1F600}', '/%F0%9F%98%80'],
  ['/\uff0f\uff0fevil.example', '/%EF%BC%8F%EF%BC%8Fevil.example'],
]
const refused = [
  '//evil.example',
  '/\\evil.example',
  '/\t/evil.example',
  '/\n/evil.example',
  'https://evil.example',
  'javascript:alert(1)',
  '/\u007f',
  '/a\u0085b',
  '/a\u0000b',
  '/\r\nSet-Cookie: a=b',
  '/a\ud800',
  '/a\udc00b',
  '/' + 'x'.repeat(2001),
  '',
  'relative/path',
]

t.test('a return address is kept when it is local, percent-encoded where a header could not carry it', async (t) => {
  for (const [value, expected] of local) {
    t.equal(safeLocalPath(value), expected, JSON.stringify(value).replace(/[^\x20-\x7e]/g, '?'))
    t.match(safeLocalPath(value), headerSafe)
  }
  for (const value of refused)
    t.equal(
      safeLocalPath(value, '/home'),
      '/home',
      `refused: ${JSON.stringify(value)
        .slice(0, 30)
        .replace(/[^\x20-\x7e]/g, '?')}`,
    )
  t.equal(safeLocalPath(['/a']), '/', 'not a string')
})

t.test('registration, login and the language switch return to odd local addresses without a 500', async (t) => {
  const { app } = await buildTestApp(t)
  const user = await createUser(app.db, { password: 'the member password 1' })

  const visitor = new Client(app)
  for (const [next, expected] of [
    ['/t/1\u2028', '/t/1%E2%80%A8'],
    ['//evil.example', '/'],
    ['/\u007f', '/'],
  ]) {
    await visitor.get('/')
    const switched = await visitor.post('/language', { locale: 'nl', next })
    t.equal(switched.status, 303)
    t.equal(switched.location, expected)
    const unknown = await visitor.post('/language', { locale: '\u2028', next })
    t.equal(unknown.status, 303, 'an unknown language changes nothing and still returns')
    t.equal(unknown.location, expected)
  }

  const newcomer = new Client(app)
  const registered = await newcomer.submit('/register', '/register', {
    email: 'odd@example.org',
    display_name: 'Odd Return',
    password: 'a long enough password',
    next: '/c/zorg\u2028',
  })
  t.equal(registered.status, 303)
  t.equal(registered.location, '/register/sent')
  // The return address travels in the verification link and is where the confirmed member lands.
  const verified = await verifyFromOutbox(newcomer, app.db, 'odd@example.org')
  t.equal(verified.location, '/c/zorg%E2%80%A8')

  const member = new Client(app)
  const login = await member.submit('/login?next=%2Fsearch%3Fq%3D%E2%80%A8', '/login', {
    email: user.email,
    password: user.password,
    next: '/search?q=\u2028\u00e9',
  })
  t.equal(login.status, 303)
  t.equal(login.location, '/search?q=%E2%80%A8%C3%A9')
  const again = await member.get(`/login?next=${encodeURIComponent('/library\u2028')}`)
  t.equal(again.status, 303, 'a member opening the login page is sent on')
  t.equal(again.location, '/library%E2%80%A8')
})

t.test('the login form carries a return address as the page can print it', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await new Client(app).get(`/login?next=${encodeURIComponent('/t/9\u2028')}`)
  t.equal(res.status, 200)
  t.match(res.body, 'name="next" value="/t/9%E2%80%A8"')
})

t.test('a header value Node would refuse never reaches it: dropped, logged, and the page still answers', async (t) => {
  const { app } = await buildTestApp(t)
  app.get('/test-only/bad-header', async (_request, reply) => reply.header('x-note', 'caf\u00e9 \u2028').send('fine'))
  app.get('/test-only/bad-redirect', async (_request, reply) => reply.redirect('/somewhere\u2028', 303))
  app.get('/test-only/bad-header-name', async (request, reply) => {
    // A session to save makes the write happen in the session store's callback, where a throw used to end the process.
    request.session.seenOn = 'a session to save'
    return reply.header('bad name', 'x').send('never sent')
  })
  const header = await app.inject({ url: '/test-only/bad-header' })
  t.equal(header.statusCode, 200)
  t.equal(header.body, 'fine')
  t.notOk(header.headers['x-note'], 'the header was left out')
  const redirect = await app.inject({ url: '/test-only/bad-redirect' })
  t.equal(redirect.statusCode, 303)
  t.equal(redirect.headers.location, '/', 'a redirect that cannot be sent goes home')
  const name = await app.inject({ url: '/test-only/bad-header-name' })
  t.equal(name.statusCode, 500)
  t.match(name.body, `Request id: ${name.headers['x-request-id']}`)
  t.equal(name.headers['x-content-type-options'], 'nosniff')
  t.equal((await app.inject({ url: '/healthz' })).statusCode, 200, 'the app keeps serving')
})

t.test('a download name with quotes and letters beyond ASCII becomes a header Node accepts', async (t) => {
  const value = attachment('zorg "\u0141\u00f3d\u017a"\u2028.ics')
  t.match(value, headerSafe)
  t.equal(
    value,
    `attachment; filename="zorg ___d___.ics"; filename*=UTF-8''zorg%20%22%C5%81%C3%B3d%C5%BA%22%E2%80%A8.ics`,
  )
  t.equal(attachment('meeting-12.ics'), `attachment; filename="meeting-12.ics"; filename*=UTF-8''meeting-12.ics`)
})
