import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { Client, logIn } from '../helpers/client.js'
import { createUser } from '../helpers/factories.js'

const day = 86_400_000
const hour = 3_600_000

type Db = Awaited<ReturnType<typeof buildTestApp>>['db']

async function loggedIn(t: Parameters<typeof buildTestApp>[0]) {
  // Idle 3 days, absolute 10: short enough to tell apart from the defaults.
  const { app, db } = await buildTestApp(t, { config: { session: { idleMs: 3 * day, maxAgeMs: 10 * day } } })
  const user = await createUser(db)
  const browser = new Client(app)
  await logIn(browser, user.email, user.password)
  const sid = (await db.selectFrom('sessions').select('sid').where('user_id', '=', user.id).executeTakeFirstOrThrow())
    .sid
  return { app, db, user, browser, sid }
}

/** Moves a session back in time, as if it had been made `loginAgo` ago and last extended so that it ends in `endsIn`. */
async function age(db: Db, sid: string, options: { loginAgo: number; endsIn: number }) {
  const row = await db.selectFrom('sessions').select('data').where('sid', '=', sid).executeTakeFirstOrThrow()
  const data = (typeof row.data === 'string' ? JSON.parse(row.data) : row.data) as Record<string, any>
  const expires = new Date(Date.now() + options.endsIn)
  data.loggedInAt = Date.now() - options.loginAgo
  data.seenOn = '2000-01-01'
  data.idleEndsAt = expires.getTime()
  await db
    .updateTable('sessions')
    .set({ data: JSON.stringify(data), expires_at: expires })
    .where('sid', '=', sid)
    .execute()
}

const expiresAt = async (db: Db, sid: string) =>
  (await db.selectFrom('sessions').select('expires_at').where('sid', '=', sid).executeTakeFirst())?.expires_at.getTime()

t.test('a new login ends after the idle time, not the absolute one', async (t) => {
  const { db, sid } = await loggedIn(t)
  const ends = (await expiresAt(db, sid))!
  t.ok(Math.abs(ends - (Date.now() + 3 * day)) < 60_000, 'the session row ends 3 days from now')
})

t.test('using Kring moves the idle end forward', async (t) => {
  const { db, browser, sid } = await loggedIn(t)
  await age(db, sid, { loginAgo: 2 * day, endsIn: 2 * hour })
  const page = await browser.get('/settings')
  t.equal(page.status, 200)
  const ends = (await expiresAt(db, sid))!
  t.ok(Math.abs(ends - (Date.now() + 3 * day)) < 60_000, 'the end is again 3 days away')
})

t.test('a session left idle past its end is logged out', async (t) => {
  const { db, browser, sid } = await loggedIn(t)
  await age(db, sid, { loginAgo: 4 * day, endsIn: -1000 })
  t.equal((await browser.get('/settings')).status, 303, 'settings ask for a login again')
})

t.test('an active session still ends at the absolute lifetime', async (t) => {
  const { db, browser, sid, user } = await loggedIn(t)
  await age(db, sid, { loginAgo: 10 * day + 1000, endsIn: 2 * day })
  const page = await browser.get('/settings')
  t.equal(page.status, 303, 'past 10 days since the login: logged out, however recent the last request')
  t.notOk(
    await db.selectFrom('sessions').select('sid').where('user_id', '=', user.id).executeTakeFirst(),
    'and the session row is gone',
  )
})

t.test('the idle end never moves past the absolute end', async (t) => {
  const { db, browser, sid } = await loggedIn(t)
  await age(db, sid, { loginAgo: 9 * day, endsIn: hour })
  t.equal((await browser.get('/settings')).status, 200)
  const ends = (await expiresAt(db, sid))!
  t.ok(Math.abs(ends - (Date.now() + day)) < 60_000, 'extended only to 10 days after the login')
})
