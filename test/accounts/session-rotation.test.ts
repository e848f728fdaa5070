import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { Client, logIn } from '../helpers/client.js'
import { createCommunityWith, createUser } from '../helpers/factories.js'

t.test('a form token taken before a logout is refused after logging in again in the same browser', async (t) => {
  const { app, db } = await buildTestApp(t)
  const user = await createUser(db)
  const browser = new Client(app)
  await logIn(browser, user.email, user.password)
  await browser.get('/settings')
  const oldToken = browser.lastCsrf!
  const oldSecret = browser.cookies.get('kring_csrf')
  t.ok(oldToken && oldSecret)

  await browser.post('/logout')
  t.not(browser.cookies.get('kring_csrf'), oldSecret, 'logging out drops the CSRF secret')
  await logIn(browser, user.email, user.password)
  t.not(browser.cookies.get('kring_csrf'), oldSecret, 'logging in mints a new one')

  const stale = await browser.post('/settings', { display_name: 'Changed By A Stale Form' }, { csrf: oldToken })
  t.equal(stale.status, 403, 'the old token is refused')
  const row = await db.selectFrom('users').select('display_name').where('id', '=', user.id).executeTakeFirstOrThrow()
  t.equal(row.display_name, user.displayName, 'and nothing changed')

  await browser.get('/settings')
  const fresh = await browser.post('/settings', { display_name: 'Changed By A Fresh Form' })
  t.equal(fresh.status, 303, 'a form opened after the login works')
})

t.test('a form token from a visitor page does not survive the login', async (t) => {
  const { app, db } = await buildTestApp(t)
  const user = await createUser(db)
  const browser = new Client(app)
  await browser.get('/login')
  const visitorSecret = browser.cookies.get('kring_csrf')
  await browser.post('/login', { email: user.email, password: user.password })
  t.not(browser.cookies.get('kring_csrf'), visitorSecret)
})

t.test(
  'changing the password gives this browser a new session id and CSRF secret, and ends the other sessions',
  async (t) => {
    const { app, db } = await buildTestApp(t)
    const user = await createUser(db)
    const browser = new Client(app)
    const laptop = new Client(app)
    await logIn(browser, user.email, user.password)
    await logIn(laptop, user.email, user.password)
    const sidBefore = browser.cookies.get('kring_sid')
    await browser.get('/settings/password')
    const tokenBefore = browser.lastCsrf!
    const changed = await browser.post('/settings/password', {
      current_password: user.password,
      new_password: 'a new sentence of mine',
      confirm_password: 'a new sentence of mine',
    })
    t.equal(changed.status, 303)
    const sidAfter = browser.cookies.get('kring_sid')
    t.ok(sidAfter && sidAfter !== sidBefore, 'a new session id')
    t.match((await browser.get('/settings')).body, user.email, 'still logged in')

    const old = new Client(app)
    old.cookies.set('kring_sid', sidBefore!)
    t.equal((await old.get('/settings')).status, 303, 'the old session id is worthless')
    t.equal((await laptop.get('/settings')).status, 303, 'the other browser is logged out')

    const stale = await browser.post('/settings', { display_name: 'Stale' }, { csrf: tokenBefore })
    t.equal(stale.status, 403, 'a form token from before the change is refused')
  },
)

t.test(
  'after an admin changes their role the member gets a new session id on their next request, with the new role',
  async (t) => {
    const { app, db } = await buildTestApp(t)
    const admin = await createUser(db, { siteRole: 'admin' })
    const moderator = await createUser(db)
    const member = await createUser(db)
    const community = await createCommunityWith(db, { moderators: [moderator], members: [member] })
    const browser = new Client(app)
    await logIn(browser, member.email, member.password)
    const sidBefore = browser.cookies.get('kring_sid')!
    t.equal((await browser.get('/mod')).status, 403, 'not a moderator yet')

    const mod = new Client(app)
    await logIn(mod, admin.email, admin.password)
    await mod.get(`/c/${community.slug}/members`)
    const promoted = await mod.post(`/c/${community.slug}/members/${member.id}/role`, { role: 'moderator' })
    t.equal(promoted.status, 303)

    const next = await browser.get('/mod')
    t.equal(next.status, 200, 'the next request carries the new role')
    const sidAfter = browser.cookies.get('kring_sid')
    t.ok(sidAfter && sidAfter !== sidBefore, 'and a new session id')
    const old = new Client(app)
    old.cookies.set('kring_sid', sidBefore)
    t.equal((await old.get('/settings')).status, 303, 'the id from before the change no longer logs anyone in')
    t.equal((await browser.get('/settings')).status, 200, 'the member stays logged in')
    const again = browser.cookies.get('kring_sid')
    await browser.get('/')
    t.equal(browser.cookies.get('kring_sid'), again, 'one new id, not one per request')
  },
)
