import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { Client, logIn } from '../helpers/client.js'
import { createUser } from '../helpers/factories.js'

t.test('a member logs in, sees their name, and logs out', async (t) => {
  const { app } = await buildTestApp(t)
  const user = await createUser(app.db, { displayName: 'Wout Peeters' })
  const client = new Client(app)
  const res = await logIn(client, user.email, user.password)
  t.equal(res.location, '/')
  const home = await client.get('/')
  t.match(home.body, 'Wout Peeters')
  t.match(home.body, 'action="/logout"')

  const out = await client.post('/logout')
  t.equal(out.status, 303)
  const after = await client.get('/')
  t.notMatch(after.body, 'Wout Peeters')
  t.match(after.body, 'You are logged out.')
  t.equal((await client.get('/settings')).status, 303, 'settings need a login again')
})

t.test('an unknown email and a wrong password get the same answer', async (t) => {
  const { app } = await buildTestApp(t)
  const user = await createUser(app.db)
  const client = new Client(app)
  const wrongPassword = await client.submit('/login', '/login', { email: user.email, password: 'not the password' })
  const unknownEmail = await client.submit('/login', '/login', {
    email: 'nobody@example.org',
    password: 'not the password',
  })
  t.equal(wrongPassword.status, 401)
  t.equal(unknownEmail.status, 401)
  const message = (body: string) => /<p class="form-error" role="alert">([^<]+)<\/p>/.exec(body)?.[1]
  t.equal(message(wrongPassword.body), 'The email address or password is not correct.')
  t.equal(message(unknownEmail.body), message(wrongPassword.body))
  t.match(wrongPassword.body, `value="${user.email}"`, 'the email is kept in the form')
})

t.test('the session id changes at login and the old one is worthless', async (t) => {
  const { app, db } = await buildTestApp(t)
  const user = await createUser(app.db)
  const client = new Client(app)
  // A session that exists before login (as an attacker could plant): here made by a failed login attempt's visitor session.
  await client.get('/login')
  client.cookies.set('kring_sid', 'planted-session-id')
  await logIn(client, user.email, user.password)
  const sid = client.cookies.get('kring_sid')
  t.ok(sid && sid !== 'planted-session-id', 'a new session cookie is issued')
  const rows = await db.selectFrom('sessions').select(['sid', 'user_id']).execute()
  t.equal(rows.length, 1)
  t.equal(rows[0].user_id, user.id)

  const attacker = new Client(app)
  attacker.cookies.set('kring_sid', 'planted-session-id')
  t.notMatch((await attacker.get('/')).body, user.displayName)
})

t.test('logging out destroys the session on the server', async (t) => {
  const { app, db } = await buildTestApp(t)
  const user = await createUser(app.db)
  const client = new Client(app)
  await logIn(client, user.email, user.password)
  const stolenCookie = client.cookies.get('kring_sid')!
  await client.get('/')
  await client.post('/logout')
  const remaining = await db.selectFrom('sessions').select('sid').execute()
  t.equal(remaining.length, 0, 'no session row is left')

  const replay = new Client(app)
  replay.cookies.set('kring_sid', stolenCookie)
  const page = await replay.get('/settings')
  t.equal(page.status, 303, 'the old cookie no longer logs anyone in')
})

t.test('after login the member returns to a local page only', async (t) => {
  const { app } = await buildTestApp(t)
  const user = await createUser(app.db)
  const client = new Client(app)
  const toSettings = await client.get('/settings')
  t.equal(toSettings.location, '/login?next=%2Fsettings')
  const login = await client.get('/login?next=%2Fsettings')
  t.match(login.body, 'name="next" value="/settings"')
  const res = await client.post('/login', { email: user.email, password: user.password, next: '/settings' })
  t.equal(res.location, '/settings')

  const other = new Client(app)
  await other.get('/login')
  for (const next of ['https://evil.example/', '//evil.example/', '/\\evil.example', 'javascript:alert(1)']) {
    const r = await other.post('/login', { email: user.email, password: user.password, next })
    t.equal(r.location, '/', `refuses ${next}`)
    await other.post('/logout')
    await other.get('/login')
  }
})

t.test('a POST after the session expired asks to log in again', async (t) => {
  const { app, db } = await buildTestApp(t)
  const user = await createUser(app.db)
  const client = new Client(app)
  await logIn(client, user.email, user.password)
  await client.get('/settings')
  // The session expires on the server while the form is open.
  await db
    .updateTable('sessions')
    .set({ expires_at: new Date(Date.now() - 1000) })
    .execute()
  const res = await client.post('/settings', { display_name: 'Changed' })
  t.equal(res.status, 401)
  t.match(res.body, 'your session may have expired')
  t.match(res.body, 'href="/login"')
  const row = await db.selectFrom('users').select('display_name').where('id', '=', user.id).executeTakeFirstOrThrow()
  t.equal(row.display_name, user.displayName, 'nothing changed')
})
