import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { Client, logIn } from '../helpers/client.js'
import { createUser } from '../helpers/factories.js'

t.test('a member edits their profile', async (t) => {
  const { app, db } = await buildTestApp(t)
  const user = await createUser(app.db)
  const client = new Client(app)
  await logIn(client, user.email, user.password)
  const res = await client.submit('/settings', '/settings', {
    display_name: 'Lotte Maes',
    organisation: 'Huis van het Kind Brugge',
    country: 'BE',
    bio: 'Ik werk met gezinnen.',
    locale: 'nl',
    time_zone: 'Europe/Brussels',
  })
  t.equal(res.status, 303)
  const page = await client.get('/settings')
  t.match(page.body, 'Je profiel is bewaard.', 'the notice is in the newly chosen language')
  t.match(page.body, '<html lang="nl">')
  t.match(page.body, 'value="Lotte Maes"')
  t.match(page.body, '<option value="BE" selected>België</option>', "country names are in the viewer's language")
  t.match(page.body, '<option selected>Europe/Brussels</option>')
  t.match(page.body, 'Ik werk met gezinnen.')
  const row = await db.selectFrom('users').selectAll().where('id', '=', user.id).executeTakeFirstOrThrow()
  t.same(
    { name: row.display_name, org: row.organisation, country: row.country, locale: row.locale, tz: row.time_zone },
    { name: 'Lotte Maes', org: 'Huis van het Kind Brugge', country: 'BE', locale: 'nl', tz: 'Europe/Brussels' },
  )
})

t.test('invalid profile fields are explained and nothing is saved', async (t) => {
  const { app, db } = await buildTestApp(t)
  const user = await createUser(app.db)
  const client = new Client(app)
  await logIn(client, user.email, user.password)
  const res = await client.submit('/settings', '/settings', {
    display_name: 'Kept Name',
    organisation: 'x'.repeat(121),
    country: 'XX',
    bio: 'y'.repeat(1001),
    locale: 'fr-XX',
    time_zone: 'Mars/Olympus',
  })
  t.equal(res.status, 422)
  for (const message of [
    'Choose a country from the list.',
    'Choose a time zone from the list.',
    'Choose a language from the list.',
    'This is 121 characters long; the limit is 120 characters.',
    'This is 1,001 characters long; the limit is 1,000 characters.',
  ]) {
    t.match(res.body, message)
  }
  t.match(res.body, 'value="Kept Name"', 'what was typed stays in the form')
  t.match(res.body, `${'y'.repeat(1001)}</textarea>`, 'the long bio too')
  const row = await db.selectFrom('users').select('display_name').where('id', '=', user.id).executeTakeFirstOrThrow()
  t.equal(row.display_name, user.displayName)
})

t.test("dates are shown in the viewer's time zone", async (t) => {
  const { app, db } = await buildTestApp(t)
  const user = await createUser(app.db)
  // A fixed moment: 2026-03-01 12:00 UTC is 13:00 in Brussels and 21:00 in Tokyo.
  await db.updateTable('users').set({ time_zone: 'Asia/Tokyo' }).where('id', '=', user.id).execute()
  const { createHandlebars } = await import('../../src/web/view.js')
  const hbs = createHandlebars()
  const render = hbs.compile('{{datetime when}}')
  const moment = new Date('2026-03-01T12:00:00Z')
  t.match(
    render({ when: moment, _locale: 'en', _timeZone: 'Asia/Tokyo' }),
    /<time datetime="2026-03-01T12:00:00.000Z">1 Mar 2026, 21:00<\/time>/,
  )
  t.match(render({ when: moment, _locale: 'nl', _timeZone: 'Europe/Brussels' }), /1 mrt 2026.* 13:00/)
  t.match(render({ when: moment, _locale: 'en' }), /12:00/, 'visitors without a zone see UTC')
})

t.test('a member changes their password; other devices are signed out', async (t) => {
  const { app } = await buildTestApp(t)
  const user = await createUser(app.db)
  const laptop = new Client(app)
  const phone = new Client(app)
  await logIn(laptop, user.email, user.password)
  await logIn(phone, user.email, user.password)

  const wrong = await laptop.submit('/settings/password', '/settings/password', {
    current_password: 'wrong one!!',
    new_password: 'new password 2026',
    confirm_password: 'new password 2026',
  })
  t.equal(wrong.status, 422)
  t.match(wrong.body, 'Your current password is not correct.')
  const mismatch = await laptop.submit('/settings/password', '/settings/password', {
    current_password: user.password,
    new_password: 'new password 2026',
    confirm_password: 'new password 2027',
  })
  t.match(mismatch.body, 'The two new passwords are not the same.')

  const ok = await laptop.submit('/settings/password', '/settings/password', {
    current_password: user.password,
    new_password: 'new password 2026',
    confirm_password: 'new password 2026',
  })
  t.equal(ok.status, 303)
  t.match((await laptop.get('/settings')).body, 'Your password is changed.', 'this device stays logged in')
  t.equal((await phone.get('/settings')).status, 303, 'the other device must log in again')

  const fresh = new Client(app)
  t.equal(
    (await fresh.submit('/login', '/login', { email: user.email, password: user.password })).status,
    401,
    'the old password no longer works',
  )
  await logIn(fresh, user.email, 'new password 2026')
})

t.test('the footer switches the language for visitors and members', async (t) => {
  const { app, db } = await buildTestApp(t)
  const visitor = new Client(app)
  const home = await visitor.get('/')
  t.match(home.body, '<html lang="en">')
  t.match(home.body, 'action="/language"')
  const res = await visitor.post('/language', { locale: 'nl', next: '/register' })
  t.equal(res.location, '/register')
  t.match((await visitor.get('/register')).body, 'Account maken')

  const user = await createUser(app.db, { locale: 'en' })
  const member = new Client(app)
  await logIn(member, user.email, user.password)
  await member.get('/')
  await member.post('/language', { locale: 'nl', next: '/' })
  const row = await db.selectFrom('users').select('locale').where('id', '=', user.id).executeTakeFirstOrThrow()
  t.equal(row.locale, 'nl', "a member's choice is saved with the profile")
  t.equal(
    (await member.post('/language', { locale: 'xx', next: 'https://evil.example' })).location,
    '/',
    'an unknown language changes nothing and the redirect stays local',
  )
})

t.test('the browser reports its time zone for visitors', async (t) => {
  const { app } = await buildTestApp(t)
  const visitor = new Client(app)
  await visitor.get('/')
  t.equal((await visitor.post('/time-zone', { time_zone: 'Not/AZone' })).status, 400)
  t.equal((await visitor.post('/time-zone', { time_zone: 'America/New_York' })).status, 200)
  t.equal(visitor.cookies.get('kring_tz'), 'America/New_York')
})
