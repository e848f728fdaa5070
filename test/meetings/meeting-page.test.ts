// The meeting page for participants and the planner's page beside it (issue 13, point 6): what each sees, where each
// form returns, a held meeting that keeps its record, and /meetings across the viewer's communities and public ones.
import t from 'tap'
import type { FastifyRequest } from 'fastify'
import { buildTestApp } from '../helpers/app.js'
import { Client, logIn } from '../helpers/client.js'
import { createCommunityWith, createUser } from '../helpers/factories.js'
import { translate, type Locale } from '../../src/web/i18n.js'
import { meetingCrumbs } from '../../src/meetings/present.js'

const en = (key: string, vars?: Record<string, string | number>) => translate('en', key, vars)
/** Text as the templates print it: HTML-escaped. */
const html = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#x27;')

async function setup(t: Parameters<typeof buildTestApp>[0]) {
  const { app, db } = await buildTestApp(t)
  const users = {
    planner: await createUser(db, { displayName: 'Pia Planner' }),
    ana: await createUser(db, { displayName: 'Ana Member' }),
    bram: await createUser(db, { displayName: 'Bram Member' }),
    outsider: await createUser(db, { displayName: 'Otto Outsider' }),
  }
  const community = await createCommunityWith(db, {
    slug: 'homeshare',
    name: 'Homeshare',
    moderators: [users.planner],
    members: [users.ana, users.bram],
  })
  const clients = {} as Record<keyof typeof users, Client>
  for (const [name, user] of Object.entries(users)) {
    const client = new Client(app)
    await logIn(client, user.email, user.password)
    clients[name as keyof typeof users] = client
  }
  return { app, db, community, users, ...clients, visitor: new Client(app) }
}

const nextYear = new Date().getUTCFullYear() + 1
const lastYear = new Date().getUTCFullYear() - 1
const planAt = async (client: Client, slug: string, title: string, date: string) => {
  const planned = await client.submit(`/c/${slug}/meetings/new`, `/c/${slug}/meetings/new`, {
    title,
    topic: 'Matching hosts and tenants',
    starts_at: `${date}T14:00`,
    ends_at: `${date}T15:30`,
    time_zone: 'Europe/Amsterdam',
    online_url: 'https://meet.example.org/x',
    agenda: '## Welcome\n\nRound of *names*.',
  })
  if (planned.status !== 303 || !planned.location) throw new Error(`planning failed with ${planned.status}`)
  return planned.location
}

t.test(
  'participants get the meeting without the planning tools; planners reach those through the Plan tab',
  async (t) => {
    const { db, users, planner, ana, bram, outsider } = await setup(t)
    const url = await planAt(planner, 'homeshare', 'Spring meeting', `${nextYear}-06-10`)

    ana.cookies.set('kring_tz', 'America/New_York')
    const page = await ana.get(url)
    t.equal(page.status, 200)
    t.match(page.body, '08:00', 'the time in the viewer’s zone (14:00 in Amsterdam)')
    t.match(page.body, html(en('meetings.time.organiser_time')), 'and the organiser’s beside it')
    t.match(page.body, 'Round of <em>names</em>', 'the agenda')
    for (const action of ['rooms', 'items', 'cancel', 'summary'])
      t.notMatch(page.body, `action="${url}/${action}"`, `no ${action} form for participants`)
    t.notMatch(page.body, `href="${url}/plan"`, 'no Plan tab for participants')
    t.match(page.body, `action="${url}/attendance"`, 'the RSVP form')

    t.equal((await ana.post(`${url}/attendance`, { answer: 'yes' })).status, 303)
    t.match((await ana.get(url)).body, html(en('meetings.attendance.you_yes')), 'the viewer’s own RSVP')
    t.equal((await ana.post(`${url}/questions`, { question: 'Who pays for insurance?' })).status, 303)
    await bram.get(url)
    const question = await db.selectFrom('meeting_questions').select('id').executeTakeFirstOrThrow()
    t.equal((await bram.post(`${url}/questions/${question.id}/upvote`)).status, 303, 'an upvote before the meeting')

    t.equal((await ana.get(`${url}/plan`)).status, 403, 'members do not plan')
    t.equal((await outsider.get(`${url}/plan`)).status, 403)

    const shown = await planner.get(url)
    t.match(shown.body, `href="${url}/plan"`, 'the Plan tab for planners')
    t.match(shown.body, 'aria-current="page"', 'the current tab is marked')
    t.notMatch(shown.body, `action="${url}/rooms"`, 'no planning forms on the meeting page, even for planners')
    const plan = await planner.get(`${url}/plan`)
    t.equal(plan.status, 200)
    for (const action of ['rooms', 'items', 'cancel', 'summary'])
      t.match(plan.body, `action="${url}/${action}"`, `the ${action} form on the planner page`)
    t.match(plan.body, `href="${url}/edit"`, 'the edit link')
    t.match(plan.body, `href="${url}"`, 'the tab back to the meeting')

    // Every planning form returns to the planner page.
    const room = await planner.post(`${url}/rooms`, {
      name: 'Nederlandstalig',
      language: 'nl',
      facilitator: String(users.ana.id),
      note_taker: '',
    })
    t.equal(room.location, `${url}/plan#rooms`)
    const item = await planner.post(`${url}/items`, { text: 'Draft a welcome guide', owner: String(users.ana.id) })
    t.equal(item.location, `${url}/plan#items`)
    const itemId = (await db.selectFrom('meeting_action_items').select('id').executeTakeFirstOrThrow()).id
    await planner.get(`${url}/plan`)
    const fromPlan = await planner.post(`${url}/items/${itemId}/status`, { status: 'done', return_to: `${url}/plan` })
    t.equal(fromPlan.location, `${url}/plan#items`, 'a status changed on the planner page returns there')
    await ana.get(url)
    const fromMeeting = await ana.post(`${url}/items/${itemId}/status`, { status: 'open' })
    t.equal(fromMeeting.location, `${url}#items`, 'the owner, on the meeting page, returns to it')
    const elsewhere = await ana.post(`${url}/items/${itemId}/status`, {
      status: 'open',
      return_to: 'https://evil.example',
    })
    t.equal(elsewhere.location, `${url}#items`, 'no redirect off the meeting')

    // Participants read the rooms and the items on the meeting page.
    const read = (await bram.get(url)).body
    t.match(read, 'Nederlandstalig')
    t.match(read, 'Draft a welcome guide')
    t.notMatch(read, `/rooms/`, 'no room edit or delete for a participant')

    const edited = await planner.edit(`${url}/edit`, {
      title: 'Spring meeting, moved',
      topic: 'Matching hosts and tenants',
      starts_at: `${nextYear}-03-10T15:00`,
      ends_at: `${nextYear}-03-10T16:30`,
      time_zone: 'Europe/Amsterdam',
      online_url: 'https://meet.example.org/x',
      agenda: '',
    })
    t.equal(edited.location, `${url}/plan`, 'editing returns to the planner page')
    await planner.get(`${url}/plan`)
    const cancelled = await planner.post(`${url}/cancel`, { reason: 'Too few people' })
    t.equal(cancelled.location, `${url}/plan`, 'cancelling returns to the planner page')
    const after = await planner.get(`${url}/plan`)
    t.match(after.body, html(en('meetings.cancelled.notice')))
    t.notMatch(after.body, `action="${url}/rooms"`, 'a cancelled meeting takes no more rooms')
  },
)

t.test('a held meeting keeps its attendance and votes, and shows its summary and outcomes first', async (t) => {
  const { db, users, planner, ana, bram } = await setup(t)
  const url = await planAt(planner, 'homeshare', 'Autumn meeting', `${nextYear}-10-01`)
  await ana.get(url)
  await ana.post(`${url}/questions`, { question: 'How do we vet hosts?' })
  await ana.post(`${url}/attendance`, { answer: 'yes' })
  await planner.get(`${url}/plan`)
  await planner.post(`${url}/items`, { text: 'Write the vetting checklist', owner: String(users.bram.id) })
  // The meeting takes place: its time passes.
  const id = Number(url.split('/').pop())
  await db
    .updateTable('meetings')
    .set({ starts_at: new Date(`${lastYear}-10-01T12:00:00Z`), ends_at: new Date(`${lastYear}-10-01T13:30:00Z`) })
    .where('id', '=', id)
    .execute()
  const question = await db.selectFrom('meeting_questions').select('id').executeTakeFirstOrThrow()

  const page = await bram.get(url)
  t.equal(page.status, 200)
  t.match(page.body, html(en('meeting_page.held.notice')), 'the page says the meeting was held')
  t.match(page.body, html(en('meeting_page.attendance.attended', { count: 1 })))
  t.notMatch(page.body, `action="${url}/attendance"`, 'no RSVP form')
  t.notMatch(page.body, `/upvote"`, 'no upvote buttons')
  const order = ['id="summary"', 'id="items"', 'id="attendance"', 'id="questions"'].map((a) => page.body.indexOf(a))
  t.ok(
    order.every((at, i) => at > 0 && (i === 0 || at > order[i - 1])),
    'summary, then outcomes, then attendance and questions',
  )
  t.match(page.body, 'Write the vetting checklist')

  const rsvp = await bram.post(`${url}/attendance`, { answer: 'yes' })
  t.equal(rsvp.status, 409, 'attendance no longer changes')
  t.match(rsvp.body, html(en('meeting_page.error.held_attendance')))
  const upvote = await bram.post(`${url}/questions/${question.id}/upvote`)
  t.equal(upvote.status, 409, 'no more upvotes')
  t.match(upvote.body, html(en('meeting_page.error.held_upvote')))
  t.equal((await db.selectFrom('meeting_question_votes').selectAll().execute()).length, 0, 'nothing was written')
  t.same(
    (await db.selectFrom('meeting_attendance').select('user_id').execute()).map((r) => r.user_id),
    [users.ana.id],
    'the attendance stays as it was',
  )

  // Outcomes are still followed up: the owner closes their item.
  const itemId = (await db.selectFrom('meeting_action_items').select('id').executeTakeFirstOrThrow()).id
  t.equal((await bram.post(`${url}/items/${itemId}/status`, { status: 'done' })).status, 303)
})

t.test('/meetings lists upcoming meetings of my communities and public ones, in my time', async (t) => {
  const { db, users, planner, ana, outsider, visitor } = await setup(t)
  await createCommunityWith(db, {
    slug: 'coordinators',
    name: 'Coordinators circle',
    visibility: 'members',
    moderators: [users.planner],
    members: [users.ana],
  })
  await planAt(planner, 'homeshare', 'Public spring meeting', `${nextYear}-03-10`)
  await planAt(planner, 'coordinators', 'Closed circle meeting', `${nextYear}-02-10`)
  await planAt(planner, 'homeshare', 'Last year’s meeting', `${lastYear}-03-10`)

  ana.cookies.set('kring_tz', 'Asia/Tokyo')
  const mine = await ana.get('/meetings')
  t.equal(mine.status, 200)
  t.match(mine.body, 'Closed circle meeting', 'a meeting of my members-only community')
  t.match(mine.body, 'Public spring meeting', 'and a public one')
  t.ok(mine.body.indexOf('Closed circle meeting') < mine.body.indexOf('Public spring meeting'), 'soonest first')
  t.match(mine.body, '22:00', 'in the viewer’s zone (Tokyo)')
  t.notMatch(mine.body, html('Last year’s meeting'), 'past meetings are not listed')
  t.match(mine.body, 'href="/c/homeshare/meetings#past-title"', 'a link to the past meetings of the community')
  t.match(mine.body, html(en('meeting_page.overview.mine')))

  for (const [who, client] of [
    ['a visitor', visitor],
    ['an outsider', outsider],
  ] as const) {
    const page = await client.get('/meetings')
    t.equal(page.status, 200)
    t.match(page.body, 'Public spring meeting', `${who} sees public meetings`)
    t.notMatch(page.body, 'Closed circle', `${who} never sees a members-only community’s meetings`)
    t.notMatch(page.body, 'href="/c/coordinators', `${who} gets no link to it`)
  }
})

t.test('breadcrumbs run from the communities to the page itself, which is not a link', async (t) => {
  for (const locale of ['en', 'nl'] as Locale[]) {
    const request = { t: (key: string, vars?: Record<string, string>) => translate(locale, key, vars) }
    const crumbs = meetingCrumbs(
      request as unknown as FastifyRequest,
      { slug: 'homeshare', name: 'Homeshare' },
      { id: 7, title: 'Spring meeting' },
      { label: translate(locale, 'meeting_page.plan.title') },
    )
    t.same(crumbs, [
      { label: translate(locale, 'communities.directory.title'), href: '/communities' },
      { label: 'Homeshare', href: '/c/homeshare' },
      { label: translate(locale, 'meetings.list.heading'), href: '/c/homeshare/meetings' },
      { label: 'Spring meeting', href: '/meetings/7' },
      { label: translate(locale, 'meeting_page.plan.title') },
    ])
    const meetingOnly = meetingCrumbs(
      request as unknown as FastifyRequest,
      { slug: 'homeshare', name: 'Homeshare' },
      { id: 7, title: 'Spring meeting' },
    )
    t.same(meetingOnly.at(-1), { label: 'Spring meeting' }, 'the meeting page ends on the meeting, unlinked')
  }
})
