// /settings/profile: saving what a profile shows, and the refusals that keep the text (422).
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { Client, decodeEntities } from '../helpers/client.js'
import { createThemeWith, createUser } from '../helpers/factories.js'
import { loggedIn } from '../helpers/moderation.js'

const good = {
  organisation: 'Kind en Gezin',
  country: 'NL',
  languages: ['nl', 'de'],
  bio: 'I match **hosts** with students.',
  visibility: 'public',
  show_organisation: '1',
  show_country: '1',
  themes: ['homeshare'],
}

t.test('a member saves their profile and sees it on /u/:id', async (t) => {
  const { app, db } = await buildTestApp(t)
  await createThemeWith(db, 'homeshare', { en: 'Homeshare', nl: 'Woningdelen' })
  const member = await createUser(db, { displayName: 'Noor Bakker' })
  const visitor = new Client(app)
  t.equal((await visitor.get('/settings/profile')).status, 303, 'a visitor is sent to log in')
  const client = await loggedIn(app, member)
  const form = await client.get('/settings/profile')
  t.equal(form.status, 200)
  t.match(form.body, 'name="visibility" value="members" checked', 'members is the default')
  const saved = await client.post('/settings/profile', good)
  t.equal(saved.status, 303)
  t.equal(saved.location, '/settings/profile')
  const row = await db.selectFrom('users').selectAll().where('id', '=', member.id).executeTakeFirstOrThrow()
  t.same(row.languages, ['nl', 'de'])
  t.equal(row.bio_html, '<p>I match <strong>hosts</strong> with students.</p>\n')
  t.equal(row.profile_visibility, 'public')
  const page = await visitor.get(`/u/${member.id}`)
  t.equal(page.status, 200)
  t.match(page.body, 'Kind en Gezin')
  t.match(page.body, 'Netherlands')
  t.match(page.body, 'Dutch, German')
  t.match(page.body, '<strong>hosts</strong>')
  t.match(page.body, '<a href="/themes/homeshare">Homeshare</a>')
  t.match(page.body, '0 endorsements')

  const again = await client.get('/settings/profile')
  t.match(again.body, 'value="homeshare" checked')
  t.match(again.body, 'value="nl" checked')
  t.notMatch(again.body, 'value="fr" checked')

  const none = await client.post('/settings/profile', { visibility: 'members' })
  t.equal(none.status, 303, 'unchecking everything is allowed')
  const cleared = await db.selectFrom('users').selectAll().where('id', '=', member.id).executeTakeFirstOrThrow()
  t.same(cleared.languages, [])
  t.equal(cleared.show_organisation, false)
  t.equal(
    (await db.selectFrom('user_expertise').selectAll().where('user_id', '=', member.id).execute()).length,
    0,
    'the theme is withdrawn',
  )
  const settings = await client.get('/settings')
  t.match(settings.body, '<a href="/settings/profile">', 'the settings tabs lead to the profile')
  const own = await client.get(`/u/${member.id}`)
  t.match(own.body, '<a href="/settings/profile">', 'and so does one’s own profile')
})

t.test('bad input is a 422 with the text kept', async (t) => {
  const { app, db } = await buildTestApp(t)
  await createThemeWith(db, 'homeshare', { en: 'Homeshare' })
  const member = await createUser(db)
  const client = await loggedIn(app, member)
  await client.get('/settings/profile')
  const cases: [string, Record<string, string | string[]>, string][] = [
    ['bidi in organisation', { organisation: 'evil\u202Egro' }, 'organisation-error'],
    ['control character in bio', { bio: 'hello\u0007 there' }, 'bio-error'],
    ['organisation too long', { organisation: 'x'.repeat(121) }, 'organisation-error'],
    ['bio too long', { bio: 'y'.repeat(4001) }, 'bio-error'],
    ['unknown country', { country: 'XX' }, 'Choose a country from the list.'],
    ['unknown language', { languages: ['en', 'xx'] }, 'Choose languages from the list.'],
    ['unknown theme', { themes: ['nope'] }, 'Choose themes from the list.'],
    ['unknown visibility', { visibility: 'everyone' }, 'Choose who may see your profile.'],
  ]
  for (const [name, fields, message] of cases) {
    const res = await client.post('/settings/profile', {
      ...good,
      bio: 'Kept bio text',
      ...fields,
    })
    t.equal(res.status, 422, name)
    t.match(decodeEntities(res.body), message, name)
    const bio = typeof fields.bio === 'string' ? fields.bio : 'Kept bio text'
    t.match(decodeEntities(res.body), `>${bio.slice(0, 40)}`, `${name}: the bio is kept`)
  }
  const row = await db.selectFrom('users').select('bio').where('id', '=', member.id).executeTakeFirstOrThrow()
  t.equal(row.bio, null, 'nothing was saved')
  const noCsrf = await client.post('/settings/profile', good, { csrf: false })
  t.equal(noCsrf.status, 403)
})

t.test('the bio saved from /settings is rendered for the profile too', async (t) => {
  const { app, db } = await buildTestApp(t)
  const member = await createUser(db)
  const client = await loggedIn(app, member)
  await client.get('/settings')
  const res = await client.post('/settings', {
    display_name: member.displayName,
    organisation: '',
    country: '',
    bio: 'From *settings*',
    locale: '',
    time_zone: '',
  })
  t.equal(res.status, 303)
  const page = await client.get(`/u/${member.id}`)
  t.match(page.body, 'From <em>settings</em>')
})
