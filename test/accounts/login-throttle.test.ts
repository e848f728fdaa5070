import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { Client } from '../helpers/client.js'
import { createUser } from '../helpers/factories.js'

const message = (body: string) => /<p class="form-error" role="alert">([^<]+)<\/p>/.exec(body)?.[1]

t.test(
  'after five failed logins an account waits a growing delay, answered as a 429 page saying how long',
  async (t) => {
    const { app, db } = await buildTestApp(t)
    const user = await createUser(db)
    // A new browser, and so a new address's worth of cookies, for every guess: the throttle is per account.
    const attempt = async (password: string) =>
      new Client(app).submit('/login', '/login', { email: user.email, password })
    for (let i = 1; i <= 5; i++)
      t.equal((await attempt(`guess number ${i}`)).status, 401, `failure ${i} is an ordinary refusal`)

    // The delay is what the database holds; the page says what is left of it, which a slow machine may have eaten
    // into by a second between the failure and this request.
    const delaySeconds = async () => {
      const row = await db.selectFrom('login_throttles').selectAll().executeTakeFirstOrThrow()
      return Math.round((new Date(row.locked_until!).getTime() - new Date(row.last_failed_at).getTime()) / 1000)
    }
    t.equal(await delaySeconds(), 2, 'a wait of two seconds')
    const throttled = await attempt(user.password)
    t.equal(throttled.status, 429, 'even the right password waits now')
    t.ok(['1', '2'].includes(String(throttled.headers['retry-after'])), 'Retry-After says what is left of it')
    t.match(
      message(throttled.body),
      /^Too many failed attempts to log in to this account\. Wait (2 seconds|1 second), then try again\.$/,
    )
    t.match(throttled.body, `value="${user.email}"`, 'the email is kept in the form')

    // The wait passes (moved back in the database rather than slept): the next failure doubles it.
    await db
      .updateTable('login_throttles')
      .set({ locked_until: new Date(Date.now() - 1000) })
      .execute()
    t.equal((await attempt('guess number 6')).status, 401)
    t.equal(await delaySeconds(), 4, 'the delay doubles')
    const longer = await attempt(user.password)
    t.equal(longer.status, 429)
    t.ok(['3', '4'].includes(String(longer.headers['retry-after'])), 'and the page says so')

    // The owner is never locked out for good: once the wait passes, the right password logs in and clears the count.
    await db
      .updateTable('login_throttles')
      .set({ locked_until: new Date(Date.now() - 1000) })
      .execute()
    t.equal((await attempt(user.password)).status, 303)
    t.equal(
      (await db.selectFrom('login_throttles').select('email_key').execute()).length,
      0,
      'a successful login resets the count',
    )
    t.equal((await attempt('one more wrong guess')).status, 401, 'and the next mistake is an ordinary one again')
  },
)

t.test('the throttle is the same for an unknown email, and other accounts are not affected', async (t) => {
  const { app, db } = await buildTestApp(t)
  const other = await createUser(db)
  const attempt = async (email: string, password: string) =>
    new Client(app).submit('/login', '/login', { email, password })
  for (let i = 0; i < 5; i++) await attempt('nobody@example.org', 'some guess here')
  t.equal(
    (await attempt('nobody@example.org', 'some guess here')).status,
    429,
    'an unknown email is throttled too, so the delay tells nothing',
  )
  t.equal((await attempt('NOBODY@example.org', 'some guess here')).status, 429, 'the count is per normalised email')
  t.equal((await attempt(other.email, other.password)).status, 303, 'another account logs in as usual')
})

t.test('failures spread over time start again after the window', async (t) => {
  const { app, db } = await buildTestApp(t)
  const user = await createUser(db)
  const attempt = async (password: string) =>
    new Client(app).submit('/login', '/login', { email: user.email, password })
  for (let i = 0; i < 4; i++) await attempt('a wrong guess')
  await db
    .updateTable('login_throttles')
    .set({ last_failed_at: new Date(Date.now() - 16 * 60_000) })
    .execute()
  t.equal((await attempt('a wrong guess')).status, 401)
  t.equal((await attempt('a wrong guess')).status, 401, 'four old failures no longer count')
})

t.test('parallel guesses cannot all slip in before the count is written', async (t) => {
  const { app, db } = await buildTestApp(t)
  const user = await createUser(db)
  const browsers = await Promise.all(
    Array.from({ length: 12 }, async () => {
      const browser = new Client(app)
      await browser.get('/login')
      return browser
    }),
  )
  const statuses = await Promise.all(
    browsers.map((b, i) => b.post('/login', { email: user.email, password: `parallel guess ${i}` })),
  )
  const refused = statuses.filter((r) => r.status === 401).length
  t.equal(refused, 5, 'five guesses were checked')
  t.equal(statuses.filter((r) => r.status === 429).length, 7, 'the others had to wait')
})

t.test("the owner's browser, known from an earlier login, is not held back by a stranger's guesses", async (t) => {
  const { app, db } = await buildTestApp(t)
  const user = await createUser(db)
  const owner = new Client(app)
  const login = await owner.submit('/login', '/login', { email: user.email, password: user.password })
  t.equal(login.status, 303)
  const setCookie = [login.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('kring_device='))
  t.match(setCookie, /HttpOnly/, 'a successful login leaves a device cookie, out of reach of scripts')
  t.match(setCookie, /SameSite=Lax/)
  t.match(setCookie, /Max-Age=\d{8}/, 'kept for a long time')
  t.notOk(decodeURIComponent(setCookie ?? '').includes(user.email), 'which does not carry the email')
  t.equal((await owner.submit('/', '/logout', {})).status, 303)
  t.match((await owner.get('/')).body, 'You are logged out.')
  t.ok(owner.cookies.get('kring_device'), 'logging out keeps the device cookie')

  const attacker = new Client(app)
  for (let i = 1; i <= 5; i++) await attacker.submit('/login', '/login', { email: user.email, password: `guess ${i}` })
  const refused = await attacker.submit('/login', '/login', { email: user.email, password: 'guess 6' })
  t.equal(refused.status, 429, "the stranger's browser is throttled")
  const lockedUntil = async () =>
    await db.selectFrom('login_throttles').select(['locked_until', 'failures']).executeTakeFirstOrThrow()

  const before = await lockedUntil()
  t.equal(
    (await owner.submit('/login', '/login', { email: user.email, password: 'a typo of the owner' })).status,
    401,
    "a mistake from the owner's browser is an ordinary refusal",
  )
  t.same(await lockedUntil(), before, 'and does not lengthen the wait the stranger sees')
  t.equal(
    (await owner.submit('/login', '/login', { email: user.email, password: user.password })).status,
    303,
    'the owner logs in at once with the right password',
  )
  t.equal(
    (await attacker.submit('/login', '/login', { email: user.email, password: user.password })).status,
    429,
    "while the stranger's browser still waits, even with the right password",
  )
})

t.test('a forged device cookie, or one from another account, does not skip the throttle', async (t) => {
  const { app, db } = await buildTestApp(t)
  const user = await createUser(db)
  const other = await createUser(db)
  const otherBrowser = new Client(app)
  await otherBrowser.submit('/login', '/login', { email: other.email, password: other.password })
  const ownerBrowser = new Client(app)
  await ownerBrowser.submit('/login', '/login', { email: user.email, password: user.password })
  const signed = ownerBrowser.cookies.get('kring_device') ?? ''
  const otherSigned = otherBrowser.cookies.get('kring_device') ?? ''
  t.ok(signed && otherSigned)

  const attacker = new Client(app)
  for (let i = 1; i <= 5; i++) await attacker.submit('/login', '/login', { email: user.email, password: `guess ${i}` })
  const withCookie = async (value: string) => {
    const browser = new Client(app)
    browser.cookies.set('kring_device', value)
    return (await browser.submit('/login', '/login', { email: user.email, password: user.password })).status
  }
  const unsignedValue = decodeURIComponent(signed).replace(/\.[^.]*$/, '')
  t.equal(await withCookie(encodeURIComponent(unsignedValue)), 429, 'the value without its signature')
  t.equal(await withCookie(encodeURIComponent(`${unsignedValue}x.${'A'.repeat(43)}`)), 429, 'a made-up signature')
  t.equal(await withCookie('anything'), 429, 'any other value')
  t.equal(await withCookie(otherSigned), 429, "another account's device cookie")
  t.equal(await withCookie(signed), 303, "while this account's own device cookie does skip it")
})
