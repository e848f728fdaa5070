import ICAL from 'ical.js'
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { Client, logIn } from '../helpers/client.js'
import { createCommunityWith, createThemeWith, createUser } from '../helpers/factories.js'

async function setup(t: Parameters<typeof buildTestApp>[0], visibility: 'public' | 'members' = 'public') {
  const { app, db } = await buildTestApp(t)
  const moderator = await createUser(db, { displayName: 'Mod Erator' })
  const member = await createUser(db, { displayName: 'Plain Member' })
  const outsider = await createUser(db, { displayName: 'Out Sider' })
  const community = await createCommunityWith(db, {
    slug: 'homeshare',
    name: 'Homeshare',
    visibility,
    moderators: [moderator],
    members: [member],
  })
  await createThemeWith(db, 'matching', { en: 'Matching', nl: 'Koppelen' })
  const as = async (user: { email: string; password: string }) => {
    const client = new Client(app)
    await logIn(client, user.email, user.password)
    return client
  }
  return {
    app,
    db,
    community,
    moderator: await as(moderator),
    member: await as(member),
    outsider: await as(outsider),
    visitor: new Client(app),
  }
}

const nextYear = new Date().getUTCFullYear() + 1
const plan = (overrides: Record<string, string | string[]> = {}) => ({
  title: 'Matching, tenants; and hosts',
  topic: 'How do we match well?',
  themes: 'matching',
  starts_at: `${nextYear}-06-18T14:00`,
  ends_at: `${nextYear}-06-18T15:30`,
  time_zone: 'Europe/Amsterdam',
  online_url: 'https://meet.example.org/homeshare',
  agenda: '1. Welcome\n2. **Break-out rooms**',
  ...overrides,
})

t.test('a moderator plans a meeting; members see it in their own zone with the organiser’s beside it', async (t) => {
  const { db, moderator, member, visitor } = await setup(t)
  const created = await moderator.submit('/c/homeshare/meetings/new', '/c/homeshare/meetings/new', plan())
  t.equal(created.status, 303)
  t.match(created.location, /^\/meetings\/\d+$/)
  const url = created.location!
  const row = await db.selectFrom('meetings').selectAll().executeTakeFirstOrThrow()
  t.equal(row.starts_at.toISOString(), `${nextYear}-06-18T12:00:00.000Z`, 'stored in UTC from the organiser’s zone')
  t.equal(row.time_zone, 'Europe/Amsterdam')
  t.match(row.agenda_html, '<strong>Break-out rooms</strong>')
  t.ok(
    await db.selectFrom('moderation_log').select('id').where('action', '=', 'meeting.create').executeTakeFirst(),
    'the act is logged',
  )

  member.cookies.set('kring_tz', 'America/New_York')
  const page = await member.get(url)
  t.equal(page.status, 200)
  t.match(page.body, '08:00', 'New York: 08:00 your time')
  t.match(page.body, '14:00', 'beside it the organiser’s 14:00')
  t.match(page.body, 'Organiser&#x27;s time', 'labelled as the organiser’s')
  t.match(page.body, 'https://meet.example.org/homeshare', 'members see the online link')
  t.match(page.body, 'Matching', 'themes are shown')

  member.cookies.set('kring_tz', 'Asia/Tokyo')
  t.match((await member.get(url)).body, '21:00', 'Tokyo: 21:00')
  member.cookies.set('kring_tz', 'Europe/Amsterdam')
  const same = await member.get(url)
  t.notMatch(same.body, 'Organiser&#x27;s time', 'no second time when the zones agree')

  const visitorPage = await visitor.get(url)
  t.equal(visitorPage.status, 200, 'a public community’s meetings are public')
  t.notMatch(visitorPage.body, 'meet.example.org', 'but the online link is for members only')
  t.match(visitorPage.body, '12:00', 'a visitor sees UTC')

  const list = await visitor.get('/c/homeshare/meetings')
  t.match(list.body, 'Upcoming meetings')
  t.match(list.body, 'Matching, tenants; and hosts')
  t.match((await visitor.get('/c/homeshare')).body, '/c/homeshare/meetings', 'the community page links to its meetings')
})

t.test('calendar files: escaped, folded, CRLF; the link only for members', async (t) => {
  const { moderator, member, visitor } = await setup(t)
  const created = await moderator.submit(
    '/c/homeshare/meetings/new',
    '/c/homeshare/meetings/new',
    plan({ agenda: `Line one, with a comma; and more\n${'long '.repeat(40)}` }),
  )
  const id = created.location!.split('/').pop()
  const ics = await member.get(`/meetings/${id}.ics`)
  t.equal(ics.status, 200)
  t.match(ics.headers['content-type'], 'text/calendar')
  t.match(ics.headers['content-disposition'], `meeting-${id}.ics`)
  t.ok(ics.body.startsWith('BEGIN:VCALENDAR\r\n'))
  t.notMatch(ics.body.replace(/\r\n/g, ''), /[\r\n]/, 'CRLF line endings only')
  for (const line of ics.body.split('\r\n')) t.ok(Buffer.byteLength(line) <= 75, 'folded at 75 octets')
  const unfolded = ics.body.replace(/\r\n /g, '')
  t.match(unfolded, 'SUMMARY:Matching\\, tenants\\; and hosts\r\n')
  t.match(unfolded, 'Line one\\, with a comma\\; and more\\n')
  t.match(unfolded, `DTSTART:${nextYear}0618T120000Z`)
  t.match(unfolded, 'LOCATION:https://meet.example.org/homeshare')
  t.notMatch((await visitor.get(`/meetings/${id}.ics`)).body, 'meet.example.org', 'visitors get no link')

  // A maintained iCalendar parser reads back exactly what the organiser wrote.
  const parsed = new ICAL.Component(ICAL.parse(ics.body) as unknown[])
  const event = new ICAL.Event(parsed.getFirstSubcomponent('vevent')!)
  t.equal(event.summary, 'Matching, tenants; and hosts', 'the parser reads the title back unescaped')
  t.match(event.description, 'Line one, with a comma; and more\n', 'and the agenda with its newline')
  t.equal(event.startDate.toJSDate().toISOString(), `${nextYear}-06-18T12:00:00.000Z`)

  const feed = await visitor.get('/c/homeshare/meetings.ics')
  t.equal(feed.status, 200)
  t.equal(feed.body.match(/BEGIN:VEVENT/g)?.length, 1)
  t.equal((await visitor.get('/meetings/999999.ics')).status, 404)
})

t.test('bad plans get a 422 with the input kept, and change nothing', async (t) => {
  const { db, moderator, member } = await setup(t)
  await moderator.get('/c/homeshare/meetings/new')
  const backwards = await moderator.post('/c/homeshare/meetings/new', plan({ ends_at: `${nextYear}-06-18T13:00` }))
  t.equal(backwards.status, 422)
  t.match(backwards.body, 'The meeting must end after it starts.')
  t.match(backwards.body, 'value="Matching, tenants; and hosts"', 'the input is kept')
  const zone = await moderator.post('/c/homeshare/meetings/new', plan({ time_zone: 'Mars/Olympus' }))
  t.equal(zone.status, 422)
  t.match(zone.body, 'Choose a time zone from the list.')
  t.equal((await moderator.post('/c/homeshare/meetings/new', plan({ starts_at: 'soon' }))).status, 422)
  t.equal((await moderator.post('/c/homeshare/meetings/new', plan({ online_url: 'javascript:alert(1)' }))).status, 422)
  t.equal((await moderator.post('/c/homeshare/meetings/new', plan({ title: '' }))).status, 422)
  t.equal((await moderator.post('/c/homeshare/meetings/new', plan({ themes: 'no-such-theme' }))).status, 422)
  await member.get('/c/homeshare')
  t.equal((await member.post('/c/homeshare/meetings/new', plan())).status, 403, 'members do not plan meetings')
  t.equal(
    (await moderator.post('/c/homeshare/meetings/new', plan(), { csrf: false })).status,
    403,
    'no CSRF token, no meeting',
  )
  t.equal(
    (await db.selectFrom('meetings').select(db.fn.countAll().as('n')).executeTakeFirstOrThrow()).n,
    0,
    'nothing was stored',
  )
})

t.test('a members-only community’s meetings do not exist for outsiders, .ics included', async (t) => {
  const { moderator, member, outsider, visitor } = await setup(t, 'members')
  const created = await moderator.submit('/c/homeshare/meetings/new', '/c/homeshare/meetings/new', plan())
  const url = created.location!
  t.equal((await member.get(url)).status, 200)
  t.equal((await member.get(`${url}.ics`)).status, 200)
  for (const [who, client] of [
    ['visitor', visitor],
    ['outsider', outsider],
  ] as const) {
    t.equal((await client.get(url)).status, 404, `${who}: meeting page`)
    t.equal((await client.get(`${url}.ics`)).status, 404, `${who}: meeting .ics`)
    t.equal((await client.get('/c/homeshare/meetings')).status, 404, `${who}: list`)
    t.equal((await client.get('/c/homeshare/meetings.ics')).status, 404, `${who}: feed`)
  }
})
