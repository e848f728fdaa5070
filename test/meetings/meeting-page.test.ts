// The meeting page for participants and the planner's page beside it (issue 13, point 6): what each sees, where each
// form returns, a held meeting that keeps its record, and /meetings across the viewer's communities and public ones.
import t from 'tap'
import type { FastifyRequest } from 'fastify'
import { buildTestApp } from '../helpers/app.js'
import { Client, crumbsOf, decodeEntities, logIn } from '../helpers/client.js'
import { createCommunityWith, createUser } from '../helpers/factories.js'
import { supportedLocales, translate } from '../../src/web/i18n.js'
import { HttpError } from '../../src/web/errors.js'
import { cancelMeeting, editMeeting, setAttendance, upvoteQuestion } from '../../src/meetings/commands.js'

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

/** The links of the Meeting / Plan tabs, with the one marked as the current page. */
function tabsOf(body: string) {
  const nav = /<nav class="tabs meeting-tabs"[^>]*>([\s\S]*?)<\/nav>/.exec(body)
  if (!nav) return null
  return [...nav[1].matchAll(/<a href="([^"]+)"( aria-current="page")?>([^<]*)<\/a>/g)].map((m) => ({
    href: m[1],
    current: m[2] !== undefined,
    label: decodeEntities(m[3]),
  }))
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
    t.same(
      tabsOf(shown.body),
      [
        { href: url, current: true, label: en('meeting_page.tab.meeting') },
        { href: `${url}/plan`, current: false, label: en('meeting_page.tab.plan') },
        { href: `${url}/guests`, current: false, label: en('guests.tab') },
      ],
      'the Plan tab for planners; the Meeting tab is the current one',
    )
    t.notMatch(shown.body, `action="${url}/rooms"`, 'no planning forms on the meeting page, even for planners')
    const plan = await planner.get(`${url}/plan`)
    t.equal(plan.status, 200)
    for (const action of ['rooms', 'items', 'cancel', 'summary'])
      t.match(plan.body, `action="${url}/${action}"`, `the ${action} form on the planner page`)
    t.match(plan.body, `href="${url}/edit"`, 'the edit link')
    t.same(
      tabsOf(plan.body),
      [
        { href: url, current: false, label: en('meeting_page.tab.meeting') },
        { href: `${url}/plan`, current: true, label: en('meeting_page.tab.plan') },
        { href: `${url}/guests`, current: false, label: en('guests.tab') },
      ],
      'the tab back to the meeting; the Plan tab is the current one',
    )
    t.match(
      plan.body,
      `<h1 id="meeting-title">${html(en('meeting_page.plan.heading', { title: 'Spring meeting' }))}</h1>`,
    )
    t.match(plan.body, html(en('meetings.time.your_time')), 'the time says whose zone it is in')

    // Every planning form returns to the planner page.
    const room = await planner.post(`${url}/rooms`, {
      name: 'Nederlandstalig',
      language: 'nl',
      facilitator: String(users.ana.id),
      note_taker: '',
    })
    t.equal(room.location, `${url}/plan#rooms`)
    const withRoom = (await planner.get(`${url}/plan`)).body
    t.match(
      withRoom,
      /<li id="room-\d+">\s*<strong lang="nl">Nederlandstalig<\/strong>/,
      'only the room’s name is in its language',
    )
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
  t.match(page.body, html(en('meeting_page.attendance.said_attend', { count: 1 })), 'RSVPs, not a head count')
  t.notMatch(page.body, html(en('meetings.attendance.you_yes')), 'Bram gave no answer')
  const anasPage = await ana.get(url)
  t.match(anasPage.body, html(en('meetings.attendance.you_yes')), 'Ana still sees the answer she gave')
  t.notMatch(anasPage.body, `action="${url}/attendance"`, 'but cannot change it')
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

/** Moves a meeting's time into the past, as when it has taken place. */
const holdMeeting = (db: Awaited<ReturnType<typeof setup>>['db'], id: number) =>
  db
    .updateTable('meetings')
    .set({ starts_at: new Date(`${lastYear}-10-01T12:00:00Z`), ends_at: new Date(`${lastYear}-10-01T13:30:00Z`) })
    .where('id', '=', id)
    .execute()

t.test('the writes themselves refuse a held meeting: attendance and upvotes close by default', async (t) => {
  const { db, users, planner, ana } = await setup(t)
  const url = await planAt(planner, 'homeshare', 'Winter meeting', `${nextYear}-01-20`)
  const id = Number(url.split('/').pop())
  await ana.get(url)
  await ana.post(`${url}/questions`, { question: 'Who keeps the keys?' })
  const question = await db.selectFrom('meeting_questions').select('id').executeTakeFirstOrThrow()
  // The meeting ends after the page was read and before the write's transaction: only the transaction can tell.
  await holdMeeting(db, id)

  const refusedWith = (e: unknown) => (e instanceof HttpError ? `${e.statusCode} ${e.messageKey}` : String(e))
  t.equal(
    await setAttendance(db, { meetingId: id, userId: users.bram.id, attending: true, delegateId: null }).then(
      () => 'saved',
      refusedWith,
    ),
    '409 meeting_page.error.held_attendance',
    'an answer to a held meeting is refused without being asked to',
  )
  t.equal(
    await upvoteQuestion(db, question.id, users.bram.id).then(() => 'saved', refusedWith),
    '409 meeting_page.error.held_upvote',
    'so is an upvote',
  )
  t.equal((await db.selectFrom('meeting_attendance').selectAll().execute()).length, 0, 'no answer stored')
  t.equal((await db.selectFrom('meeting_question_votes').selectAll().execute()).length, 0, 'no vote stored')

  // Only a caller that says so (the demo's seed, recording a past meeting) writes to a held meeting.
  await setAttendance(db, { meetingId: id, userId: users.bram.id, attending: true, delegateId: null, allowHeld: true })
  t.same((await upvoteQuestion(db, question.id, users.bram.id, { allowHeld: true })).ok, true)
})

t.test('a held meeting is no longer cancelled or moved, from the Plan page or a form opened before', async (t) => {
  const { db, community, users, planner } = await setup(t)
  const url = await planAt(planner, 'homeshare', 'Summer meeting', `${nextYear}-07-01`)
  const id = Number(url.split('/').pop())
  // Forms opened while the meeting was still to come.
  const form = await planner.get(`${url}/edit`)
  const version = /name="version" value="(\d+)"/.exec(form.body)?.[1] ?? ''
  await holdMeeting(db, id)
  const before = await db.selectFrom('meetings').selectAll().where('id', '=', id).executeTakeFirstOrThrow()

  const plan = await planner.get(`${url}/plan`)
  t.equal(plan.status, 200)
  t.notMatch(plan.body, `action="${url}/cancel"`, 'no cancel form for a held meeting')
  t.match(plan.body, html(en('meeting_page.plan.held_fixed')))
  t.match(plan.body, `action="${url}/items"`, 'its record is still kept up')

  const cancel = await planner.post(`${url}/cancel`, { reason: 'Nobody <came> after all' })
  t.equal(cancel.status, 409, 'a cancel from a page opened before is refused')
  t.match(cancel.body, html(en('meeting_page.error.held_cancel')))
  t.match(cancel.body, html('Nobody <came> after all'), 'the reason written is given back')

  const moved = await planner.post(`${url}/edit`, {
    title: 'Summer meeting, renamed',
    topic: 'Matching hosts and tenants',
    starts_at: `${nextYear}-08-01T14:00`,
    ends_at: `${nextYear}-08-01T15:30`,
    time_zone: 'Europe/Amsterdam',
    online_url: '',
    agenda: 'What we *agreed*',
    version,
  })
  t.equal(moved.status, 409, 'a new time for a held meeting is refused')
  t.match(moved.body, html(en('meeting_page.error.held_time')))
  t.match(moved.body, 'value="Summer meeting, renamed"', 'the title written is kept')
  t.match(moved.body, 'What we *agreed*', 'and the agenda')
  t.notMatch(moved.body, 'id="starts_at"', 'the form no longer offers the time')

  const after = await db.selectFrom('meetings').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
  t.equal(after.cancelled_at, null, 'not cancelled')
  t.same([after.starts_at, after.ends_at, after.title], [before.starts_at, before.ends_at, before.title], 'not moved')

  // The transaction refuses too, whoever calls it.
  t.same(
    await cancelMeeting(db, { meetingId: id, actorId: users.planner.id, communityId: community.id, reason: null }),
    { ok: false, reason: 'held' },
  )
  t.same(
    await editMeeting(db, {
      meetingId: id,
      actorId: users.planner.id,
      communityId: community.id,
      themeIds: [],
      version: Number(version),
      data: {
        title: 'Summer meeting',
        topic: '',
        startsAt: new Date(before.starts_at.getTime() + 3600_000),
        endsAt: new Date(before.ends_at.getTime() + 3600_000),
        timeZone: before.time_zone,
        onlineUrl: null,
        agendaMd: '',
      },
    }),
    { ok: false, reason: 'held' },
  )

  // Its title and agenda are still corrected, with the time it took place at.
  const corrected = await planner.submit(`${url}/edit`, `${url}/edit`, {
    title: 'Summer meeting, as held',
    topic: 'Matching hosts and tenants',
    starts_at: /name="starts_at" value="([^"]+)"/.exec(moved.body)?.[1] ?? '',
    ends_at: /name="ends_at" value="([^"]+)"/.exec(moved.body)?.[1] ?? '',
    time_zone: 'Europe/Amsterdam',
    online_url: '',
    agenda: 'What we *agreed*',
  })
  t.equal(corrected.status, 303, 'a correction of a held meeting’s text is saved')
  const saved = await db.selectFrom('meetings').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
  t.equal(saved.title, 'Summer meeting, as held')
  t.same([saved.starts_at, saved.ends_at], [before.starts_at, before.ends_at], 'at the time it took place')
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
  t.ok(
    mine.body.indexOf(html(en('meeting_page.overview.upcoming_mine'))) <
      mine.body.indexOf(html(en('meeting_page.overview.upcoming_public'))),
    'my communities’ meetings come first',
  )

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

t.test('/meetings keeps my own communities in sight, however many public meetings there are', async (t) => {
  const { db, users, planner, ana } = await setup(t)
  const busy = await createCommunityWith(db, {
    slug: 'busy',
    name: 'A busy public circle',
    moderators: [users.outsider],
  })
  const soon = Date.now() + 3600_000
  const row = (i: number, at: number, extra: Record<string, unknown> = {}) => ({
    community_id: busy.id,
    organiser_id: users.outsider.id,
    title: `Busy meeting ${i}`,
    topic: '',
    starts_at: new Date(at + i * 60_000),
    ends_at: new Date(at + i * 60_000 + 3600_000),
    time_zone: 'UTC',
    agenda_md: '',
    agenda_html: '',
    ...extra,
  })
  // Sixty public meetings, all sooner than Ana's own one, and cancelled meetings sooner still.
  await db
    .insertInto('meetings')
    .values(Array.from({ length: 60 }, (_, i) => row(i, soon)))
    .execute()
  await db
    .insertInto('meetings')
    .values(Array.from({ length: 5 }, (_, i) => row(100 + i, soon - 30 * 60_000, { cancelled_at: new Date() })))
    .execute()
  await planAt(planner, 'homeshare', 'Our own meeting', `${nextYear}-12-01`)
  // Fifty-five public communities with past meetings, all named before Ana's.
  for (let i = 0; i < 55; i++) {
    const c = await createCommunityWith(db, { slug: `archive-${i}`, name: `Archive ${String(i).padStart(2, '0')}` })
    await db
      .insertInto('meetings')
      .values({ ...row(i, Date.now() - 30 * 24 * 3600_000), community_id: c.id })
      .execute()
  }
  const pastOwn = await planAt(planner, 'homeshare', 'Our past meeting', `${lastYear}-12-01`)
  t.ok(pastOwn)

  const page = (await ana.get('/meetings')).body
  const mineAt = page.indexOf('id="overview-mine"')
  const publicAt = page.indexOf('id="overview-public"')
  t.ok(mineAt > 0 && publicAt > mineAt, 'my communities first, then public ones')
  const ownAt = page.indexOf('Our own meeting')
  t.ok(ownAt > mineAt && ownAt < publicAt, 'my own meeting is listed, in my section')
  t.match(page, 'Busy meeting 0', 'public meetings are listed too')
  t.notMatch(page, 'Busy meeting 50<', 'up to the bound')
  t.notMatch(page, /Busy meeting 10\d/, 'cancelled meetings are not listed')
  t.match(page, html(en('meeting_page.overview.more', { count: 50 })), 'with a note that there are more')

  const pastLinks = [...page.matchAll(/href="\/c\/([^/"]+)\/meetings#past-title"/g)].map((m) => m[1])
  t.equal(pastLinks[0], 'homeshare', 'my own community comes first among the past meetings')
  t.equal(pastLinks.length, 50, 'a bounded list')
  t.match(page, html(en('meeting_page.overview.past_more', { count: 50 })), 'which says there are more')
})

t.test('breadcrumbs of the meeting, plan and edit pages, in every language', async (t) => {
  const { db, users, planner } = await setup(t)
  const url = await planAt(planner, 'homeshare', 'Spring meeting', `${nextYear}-06-10`)
  for (const locale of supportedLocales) {
    await db.updateTable('users').set({ locale }).where('id', '=', users.planner.id).execute()
    const tr = (key: string, vars?: Record<string, string>) => translate(locale, key, vars)
    const trail = [
      { label: tr('nav.crumb.home'), href: '/' },
      { label: tr('communities.directory.title'), href: '/communities' },
      { label: 'Homeshare', href: '/c/homeshare' },
      { label: tr('meetings.list.heading'), href: '/c/homeshare/meetings' },
    ]
    t.same(crumbsOf((await planner.get(url)).body), [...trail, { label: 'Spring meeting' }], `${locale}: meeting`)
    const withMeeting = [...trail, { label: 'Spring meeting', href: url }]
    t.same(
      crumbsOf((await planner.get(`${url}/plan`)).body),
      [...withMeeting, { label: tr('meeting_page.plan.title') }],
      `${locale}: plan`,
    )
    t.same(
      crumbsOf((await planner.get(`${url}/edit`)).body),
      [
        ...withMeeting,
        { label: tr('meeting_page.plan.title'), href: `${url}/plan` },
        { label: tr('meetings.edit.title') },
      ],
      `${locale}: edit form`,
    )
  }
})
