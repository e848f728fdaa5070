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
  await createCommunityWith(db, {
    slug: 'homeshare',
    name: 'Homeshare',
    visibility,
    moderators: [moderator],
    members: [member],
  })
  await createThemeWith(db, 'matching', { en: 'Matching', nl: 'Koppelen' })
  await createThemeWith(db, 'housing', { en: 'Housing', nl: 'Wonen' })
  const as = async (user: { email: string; password: string }) => {
    const client = new Client(app)
    await logIn(client, user.email, user.password)
    return client
  }
  const clients = {
    moderator: await as(moderator),
    member: await as(member),
    outsider: await as(outsider),
    visitor: new Client(app),
  }
  const planned = await clients.moderator.submit('/c/homeshare/meetings/new', '/c/homeshare/meetings/new', plan())
  if (planned.status !== 303 || !planned.location) throw new Error(`planning failed with ${planned.status}`)
  return { db, ...clients, url: planned.location }
}

const nextYear = new Date().getUTCFullYear() + 1
const plan = (overrides: Record<string, string | string[]> = {}) => ({
  title: 'Matching hosts and tenants',
  topic: 'How do we match well?',
  themes: 'matching',
  starts_at: `${nextYear}-06-18T14:00`,
  ends_at: `${nextYear}-06-18T15:30`,
  time_zone: 'Europe/Amsterdam',
  online_url: 'https://meet.example.org/homeshare',
  agenda: '1. Welcome',
  ...overrides,
})

/** The one event of a meeting's calendar file, as a maintained iCalendar parser reads it. */
function eventIn(ics: string) {
  const event = new ICAL.Event(new ICAL.Component(ICAL.parse(ics) as unknown[]).getFirstSubcomponent('vevent')!)
  return { event, status: event.component.getFirstPropertyValue('status'), sequence: event.sequence }
}

t.test(
  'a moderator edits a meeting: the form shows it in its own zone, the page and the calendar file take the change',
  async (t) => {
    const { moderator, member, url } = await setup(t)
    t.equal(
      eventIn((await member.get(`${url}.ics`)).body).sequence,
      0,
      'a new meeting is the first version of its event',
    )

    t.match(
      (await moderator.get(`${url}/plan`)).body,
      `href="${url}/edit"`,
      'the planner page offers the edit link to its planner',
    )
    t.notMatch((await member.get(url)).body, 'Edit meeting', 'but not to a member')

    moderator.cookies.set('kring_tz', 'Asia/Tokyo')
    const form = await moderator.get(`${url}/edit`)
    t.equal(form.status, 200)
    t.match(form.body, 'Edit the meeting')
    t.match(form.body, `action="${url}/edit"`, 'the form posts back to this meeting')
    t.match(form.body, 'value="Matching hosts and tenants"', 'prefilled with the title')
    t.match(
      form.body,
      `value="${nextYear}-06-18T14:00"`,
      'the start as planned in Amsterdam, not in the editor’s Tokyo time',
    )
    t.match(form.body, '<option value="Europe/Amsterdam" selected>', 'the meeting’s own zone is chosen')
    t.match(form.body, /value="matching" checked/, 'its themes are ticked')
    t.notMatch(form.body, /value="housing" checked/)
    t.match(form.body, '1. Welcome</textarea>', 'the agenda as written')

    const saved = await moderator.edit(
      `${url}/edit`,
      plan({
        title: 'Matching, revisited',
        themes: 'housing',
        starts_at: `${nextYear}-06-18T09:00`,
        ends_at: `${nextYear}-06-18T10:00`,
        time_zone: 'America/New_York',
        agenda: '## New agenda\n\nBring **questions**.',
      }),
    )
    t.equal(saved.status, 303)
    t.equal(saved.location, `${url}/plan`, 'back to the planner page')
    moderator.cookies.set('kring_tz', 'America/New_York')
    const page = await moderator.get(url)
    t.match(page.body, 'The meeting has been updated.')
    t.match(page.body, '<h1 id="meeting-title">Matching, revisited</h1>')
    t.match(page.body, '<strong>questions</strong>', 'the new agenda is rendered')
    t.match(page.body, '09:00', 'the new time, in New York')
    t.match(page.body, 'Housing')
    t.notMatch(page.body, '>Matching</a>', 'the old theme is gone')

    const { event, sequence, status } = eventIn((await member.get(`${url}.ics`)).body)
    t.equal(sequence, 1, 'the edit raises SEQUENCE so calendar apps replace their copy')
    t.equal(status, null, 'an edited meeting is not cancelled')
    t.equal(event.summary, 'Matching, revisited')
    t.equal(event.startDate.toJSDate().toISOString(), `${nextYear}-06-18T13:00:00.000Z`, '09:00 New York summer time')
    t.equal(event.endDate.toJSDate().toISOString(), `${nextYear}-06-18T14:00:00.000Z`)

    await moderator.get(`${url}/edit`)
    await moderator.edit(`${url}/edit`, plan({ title: 'Matching, third take' }))
    t.equal(
      eventIn((await member.get('/c/homeshare/meetings.ics')).body).sequence,
      2,
      'every edit counts, in the community feed too',
    )
  },
)

t.test(
  'only planners edit: members are refused, visitors sent to log in, outsiders of a members-only community find nothing',
  async (t) => {
    const { member, visitor, url } = await setup(t)
    const refused = await member.get(`${url}/edit`)
    t.equal(refused.status, 403)
    t.match(refused.body, 'Only moderators of this community can do this.')
    await member.get(url)
    t.equal((await member.edit(`${url}/edit`, plan({ title: 'Hijacked' }))).status, 403)
    t.equal((await member.post(`${url}/cancel`, { reason: 'no' })).status, 403, 'nor do they cancel')

    const login = await visitor.get(`${url}/edit`)
    t.equal(login.status, 303)
    t.match(login.location, /^\/login/)
    await visitor.get(url)
    const visitorPost = await visitor.edit(`${url}/edit`, plan({ title: 'Hijacked' }))
    t.equal(visitorPost.status, 401, 'a visitor’s post is refused: they are not logged in')

    const page = await member.get(url)
    t.match(page.body, 'Matching hosts and tenants', 'the meeting is as planned')
    t.notMatch(page.body, 'Hijacked')
    t.notMatch(page.body, 'This meeting was cancelled')
    t.equal(eventIn((await member.get(`${url}.ics`)).body).sequence, 0)
  },
)

t.test('a members-only community’s meeting cannot be edited by outsiders: it does not exist for them', async (t) => {
  const { outsider, url } = await setup(t, 'members')
  t.equal((await outsider.get(`${url}/edit`)).status, 404)
  await outsider.get('/')
  t.equal((await outsider.edit(`${url}/edit`, plan({ title: 'Hijacked' }))).status, 404)
  t.equal((await outsider.post(`${url}/cancel`, {})).status, 404)
})

t.test('a bad edit gets a 422 with the text kept, and the meeting stays as it was', async (t) => {
  const { moderator, member, url } = await setup(t)
  await moderator.get(`${url}/edit`)
  const backwards = await moderator.edit(
    `${url}/edit`,
    plan({ title: 'Kept title', ends_at: `${nextYear}-06-18T13:00` }),
  )
  t.equal(backwards.status, 422)
  t.match(backwards.body, 'The meeting must end after it starts.')
  t.match(backwards.body, 'value="Kept title"', 'the title is kept')
  t.match(backwards.body, `value="${nextYear}-06-18T13:00"`, 'so is the wrong end time, to correct')
  t.match(backwards.body, `action="${url}/edit"`, 'the form still edits this meeting')
  const zone = await moderator.edit(`${url}/edit`, plan({ time_zone: 'Mars/Olympus' }))
  t.equal(zone.status, 422)
  t.match(zone.body, 'Choose a time zone from the list.')
  const theme = await moderator.edit(`${url}/edit`, plan({ themes: 'no-such-theme', agenda: 'My *careful* agenda' }))
  t.equal(theme.status, 422)
  t.match(theme.body, 'One of the chosen themes does not exist.')
  t.match(theme.body, 'My *careful* agenda</textarea>', 'the agenda text is kept')

  const page = await member.get(url)
  t.match(page.body, '<h1 id="meeting-title">Matching hosts and tenants</h1>', 'nothing changed')
  t.equal(eventIn((await member.get(`${url}.ics`)).body).sequence, 0)
})

t.test('a moderator cancels a meeting: everyone sees it, calendars remove it, taking part is closed', async (t) => {
  const { moderator, member, visitor, url } = await setup(t)
  await member.get(url)
  await member.post(`${url}/questions`, { question: 'Who pays for insurance?' })
  const questionId = /\/questions\/(\d+)\/upvote/.exec((await moderator.get(url)).body)?.[1]
  t.ok(questionId, 'the moderator may upvote the member’s question before the cancellation')
  t.match((await member.get(url)).body, 'I will attend', 'members are asked whether they attend')

  const tooLong = await moderator.post(`${url}/cancel`, { reason: 'x'.repeat(501) })
  t.equal(tooLong.status, 422)
  t.match(tooLong.body, 'This is 501 characters long; the limit is 500 characters.')
  t.match(tooLong.body, `${'x'.repeat(501)}</textarea>`, 'the reason given back to copy')
  t.notMatch((await member.get(url)).body, 'This meeting was cancelled', 'a refused cancel changes nothing')

  await moderator.get(url)
  const cancelled = await moderator.post(`${url}/cancel`, { reason: 'The venue <b>flooded</b>.' })
  t.equal(cancelled.status, 303)
  t.equal(cancelled.location, `${url}/plan`, 'back to the planner page')
  const modPage = await moderator.get(`${url}/plan`)
  t.match(modPage.body, 'The meeting has been cancelled.')
  t.notMatch(modPage.body, 'Edit meeting', 'a cancelled meeting offers no edit link')
  t.notMatch(modPage.body, `action="${url}/cancel"`, 'nor a second cancel')

  for (const [who, client] of [
    ['member', member],
    ['visitor', visitor],
  ] as const) {
    const page = await client.get(url)
    t.match(page.body, 'This meeting was cancelled.', `${who} sees the notice`)
    t.match(page.body, 'Reason: The venue &lt;b&gt;flooded&lt;/b&gt;.', `${who} sees the reason, as text`)
  }
  const memberPage = await member.get(url)
  t.notMatch(memberPage.body, 'I will attend', 'no attendance form')
  t.notMatch(memberPage.body, 'Your question for the meeting', 'no question form')
  t.match(memberPage.body, 'Who pays for insurance?', 'questions already asked stay readable')

  const list = await visitor.get('/c/homeshare/meetings')
  t.match(
    list.body,
    /Matching hosts and tenants<\/a> <span class="badge">cancelled<\/span>/,
    'the list marks it cancelled',
  )

  const single = eventIn((await member.get(`${url}.ics`)).body)
  t.equal(single.status, 'CANCELLED', 'the calendar file says it is cancelled')
  t.equal(single.sequence, 1, 'as a newer version of the event')
  const feed = await visitor.get('/c/homeshare/meetings.ics')
  t.equal(eventIn(feed.body).status, 'CANCELLED', 'so does the community feed')

  await member.get(url)
  const attend = await member.post(`${url}/attendance`, { answer: 'yes' })
  t.equal(attend.status, 409)
  t.match(attend.body, 'This meeting was cancelled: attending, asking questions and upvoting are closed.')
  t.equal((await member.post(`${url}/questions`, { question: 'Still on?' })).status, 409)
  await moderator.get(url)
  t.equal((await moderator.post(`${url}/questions/${questionId}/upvote`)).status, 409)
  const after = await member.get(url)
  t.notMatch(after.body, 'Still on?', 'the refused question was not added')
  t.match(after.body, '0 people attend.', 'nobody was signed up')
  t.match(after.body, '0 votes', 'the question got no vote')

  const twice = await moderator.post(`${url}/cancel`, { reason: 'Again' })
  t.equal(twice.status, 409, 'cancelling twice is refused')
  t.match(twice.body, 'This meeting was cancelled: it can no longer be edited or cancelled.')
  const still = await member.get(url)
  t.match(still.body, 'The venue &lt;b&gt;flooded&lt;/b&gt;.', 'the first reason stands')
  t.notMatch(still.body, 'Reason: Again')
  t.equal(eventIn((await member.get(`${url}.ics`)).body).sequence, 1, 'and the event version did not move')
})

t.test('a cancelled meeting cannot be edited', async (t) => {
  const { moderator, member, url } = await setup(t)
  await moderator.get(url)
  t.equal((await moderator.post(`${url}/cancel`, {})).status, 303, 'the reason is optional')
  const page = await member.get(url)
  t.match(page.body, 'This meeting was cancelled.')
  t.notMatch(page.body, 'Reason:', 'no reason line without a reason')

  const form = await moderator.get(`${url}/edit`)
  t.equal(form.status, 409)
  t.match(form.body, 'This meeting was cancelled: it can no longer be edited or cancelled.')
  await moderator.get(url)
  t.equal((await moderator.post(`${url}/edit`, plan({ title: 'Back on' }))).status, 409)
  t.notMatch((await member.get(url)).body, 'Back on', 'the title did not change')
})

t.test(
  'the next meeting follows up the open items of the last meeting that took place, not of a cancelled one',
  async (t) => {
    const { moderator, url } = await setup(t)
    await moderator.get(url)
    t.equal(
      (await moderator.post(`${url}/items`, { text: 'Write the welcome guide', owner: '', due_on: '' })).status,
      303,
    )
    const cancelled = await moderator.submit(
      '/c/homeshare/meetings/new',
      '/c/homeshare/meetings/new',
      plan({ title: 'Autumn session', starts_at: `${nextYear}-09-18T14:00`, ends_at: `${nextYear}-09-18T15:30` }),
    )
    await moderator.get(cancelled.location!)
    t.equal((await moderator.post(`${cancelled.location!}/cancel`, { reason: 'Too few people' })).status, 303)
    const next = await moderator.submit(
      '/c/homeshare/meetings/new',
      '/c/homeshare/meetings/new',
      plan({ title: 'Winter session', starts_at: `${nextYear}-12-18T14:00`, ends_at: `${nextYear}-12-18T15:30` }),
    )
    const page = await moderator.get(next.location!)
    t.match(
      page.body,
      `<a href="${url}">Matching hosts and tenants</a>`,
      'the follow-up names the meeting that took place',
    )
    t.match(page.body, 'Write the welcome guide', 'and lists its open item')
    t.notMatch(page.body, 'Autumn session', 'the cancelled meeting is passed over')
  },
)
