import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { Client } from '../helpers/client.js'
import { createUser } from '../helpers/factories.js'
import { verifyFromOutbox } from '../helpers/account-mail.js'

t.test('a visitor registers and, once the address is confirmed, is logged in', async (t) => {
  const { app, db } = await buildTestApp(t)
  const client = new Client(app)
  const page = await client.get('/register')
  t.equal(page.status, 200)
  t.match(page.body, /<form action="\/register" method="post"/)
  t.match(page.body, /name="_csrf" value="[^"]+"/, 'the form carries a CSRF token')

  const res = await client.post('/register', {
    email: 'Ineke@Example.org',
    display_name: 'Ineke de Vries',
    password: 'a long enough pass',
  })
  t.equal(res.status, 303)
  t.equal(res.location, '/register/sent', 'first: check your email')
  const verified = await verifyFromOutbox(client, db, 'ineke@example.org')
  t.equal(verified.location, '/settings', 'new members are invited to fill in their profile')
  const settings = await client.get('/settings')
  t.equal(settings.status, 200)
  t.match(settings.body, 'Ineke de Vries')
  t.match(settings.body, 'Your email address is confirmed. Welcome!')
  const row = await db
    .selectFrom('users')
    .select(['email', 'password_hash'])
    .where('email', '=', 'ineke@example.org')
    .executeTakeFirstOrThrow()
  t.match(row.password_hash, /^scrypt\$/, 'the password is stored as a scrypt hash')
  t.notMatch(row.password_hash, 'a long enough pass')
})

t.test('the form explains each problem and keeps what was typed', async (t) => {
  const { app, db } = await buildTestApp(t)
  const client = new Client(app)
  await client.get('/register')
  const res = await client.post('/register', {
    email: 'not-an-email',
    display_name: 'Kees <b>Bold</b>',
    password: 'short',
  })
  t.equal(res.status, 422)
  t.match(res.body, 'Enter a valid email address')
  t.match(res.body, 'Your password needs at least 10 characters.')
  t.match(res.body, 'value="Kees &lt;b&gt;Bold&lt;/b&gt;"', 'the name is kept, escaped')
  t.notMatch(res.body, 'value="short"', 'the password is never echoed back')
  const { count } = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow()
  t.equal(Number(count), 0, 'nothing was written')
})

t.test('an email address can only be registered once, whatever its case, and the form does not say so', async (t) => {
  const { app } = await buildTestApp(t)
  await createUser(app.db, { email: 'ann@example.org' })
  const client = new Client(app)
  await client.get('/register')
  const res = await client.post('/register', {
    email: 'ANN@example.org',
    display_name: 'Ann',
    password: 'another long password',
  })
  t.equal(res.status, 303)
  t.equal(res.location, '/register/sent', 'the same answer as for a new address (test/accounts/verify.test.ts)')
  const rows = await app.db
    .selectFrom('users')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['email']), '=', 'ann@example.org'))
    .execute()
  t.equal(rows.length, 1)
})

t.test('the registration page speaks Dutch to a Dutch browser', async (t) => {
  const { app } = await buildTestApp(t)
  const client = new Client(app)
  client.headers['accept-language'] = 'nl-BE,nl;q=0.9,en;q=0.5'
  const page = await client.get('/register')
  t.match(page.body, '<html lang="nl">')
  t.match(page.body, 'Account maken')
  const res = await client.post('/register', {
    email: 'x@example.org',
    display_name: '',
    password: 'a long enough pass',
  })
  t.equal(res.status, 422)
  t.match(res.body, 'Vul de naam in die anderen zullen zien.')
})

t.test('a member who registers in Dutch keeps Dutch after logging in elsewhere', async (t) => {
  const { app } = await buildTestApp(t)
  const client = new Client(app)
  client.headers['accept-language'] = 'nl'
  await client.submit('/register', '/register', {
    email: 'nl@example.org',
    display_name: 'Joke',
    password: 'a long enough pass',
  })
  const other = new Client(app)
  other.headers['accept-language'] = 'en'
  await other.submit('/login', '/login', { email: 'nl@example.org', password: 'a long enough pass' })
  const home = await other.get('/')
  t.match(home.body, '<html lang="nl">', "the account's language wins over the browser's")
})
