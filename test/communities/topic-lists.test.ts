import t from 'tap'
import { createDraft, transitionArticle } from '../../src/library/commands.js'
import { translate } from '../../src/web/i18n.js'
import { configureReadBuffer, flushReads, visitGapMs } from '../../src/watching/read-buffer.js'
import { buildTestApp } from '../helpers/app.js'
import { Client, decodeEntities, logIn } from '../helpers/client.js'
import {
  createCommunityWith,
  createMeetingIn,
  createThreadIn,
  createUser,
  replyIn,
  type TestUser,
} from '../helpers/factories.js'

type Db = Awaited<ReturnType<typeof buildTestApp>>['db']
type App = Awaited<ReturnType<typeof buildTestApp>>['app']

async function loggedIn(app: App, user: TestUser) {
  const client = new Client(app)
  await logIn(client, user.email, user.password)
  return client
}

/** The rows of a topic list in order, each with its title and the markup of its row. */
function rows(body: string) {
  return [...body.matchAll(/<li class="thread-row[^"]*">([\s\S]*?)<\/li>\s*(?=<li class="thread-row|<\/ol>)/g)].map(
    (m) => ({ title: decodeEntities(/<a href="\/t\/\d+">([^<]*)<\/a>/.exec(m[1])?.[1] ?? ''), html: m[0] }),
  )
}
const titles = (body: string) => rows(body).map((r) => r.title)
const row = (body: string, title: string) => rows(body).find((r) => r.title === title)?.html ?? ''

const newBadge = (locale: 'en' | 'nl' = 'en') =>
  `<span class="badge badge-new">${translate(locale, 'topics.new')}</span>`

async function publish(db: Db, authorId: number, communityId: number, title: string, slug: string, publish = true) {
  const result = await createDraft(db, {
    title,
    slug,
    summary: '',
    kind: 'practice',
    language: 'en',
    body_md: 'An article.',
    community_id: communityId,
    themeIds: [],
    practice: {
      practice_context: null,
      practice_target_group: null,
      practice_country: null,
      practice_what_worked: null,
      practice_what_did_not: null,
      practice_contact: null,
    },
    authorId,
  })
  if (!result.ok) throw new Error('no article')
  if (publish) await transitionArticle(db, result.id, 'publish', null)
  return result.id
}

t.test('two members each see their own new and unread markers; a hidden reply does not count', async (t) => {
  const { app, db } = await buildTestApp(t)
  configureReadBuffer(db, { intervalMs: null })
  const anna = await createUser(db, { displayName: 'Anna Reader' })
  const bart = await createUser(db, { displayName: 'Bart Reader' })
  const writer = await createUser(db, { displayName: 'Wim Writer' })
  const community = await createCommunityWith(db, { members: [anna, bart, writer] })
  const opened = await createThreadIn(db, community.id, writer, { title: 'Opened by Anna' })
  await createThreadIn(db, community.id, writer, { title: 'Opened by nobody' })
  await createThreadIn(db, community.id, anna, { title: 'Started by Anna' })

  const a = await loggedIn(app, anna)
  const b = await loggedIn(app, bart)
  t.equal((await a.get(`/t/${opened}`)).status, 200)
  const first = await replyIn(db, opened, writer, null, 'First reply after Anna read it.')
  const hidden = await replyIn(db, opened, writer, null, 'A reply a moderator hid.')
  await replyIn(db, opened, writer, null, 'Third reply.')
  await db.updateTable('posts').set({ status: 'hidden' }).where('id', '=', hidden).execute()

  const listA = (await a.get(`/c/${community.slug}`)).body
  const openedRow = row(listA, 'Opened by Anna')
  t.match(openedRow, `href="/posts/${first}"`, 'the unread marker leads to the first unread reply')
  t.match(openedRow, translate('en', 'topics.unread', { count: 2 }), 'the hidden reply is not counted')
  t.notMatch(openedRow, 'badge-new', 'a thread Anna opened is not new for her')
  t.match(row(listA, 'Opened by nobody'), newBadge(), 'a thread she never opened is new')
  t.notMatch(row(listA, 'Started by Anna'), 'badge-new', 'her own thread is never new for her')
  t.match(
    row(listA, 'Opened by Anna'),
    translate('en', 'topics.last_activity_by', { name: `<a href="/u/${writer.id}" class="person">Wim Writer</a>` }),
  )

  const listB = (await b.get(`/c/${community.slug}`)).body
  t.match(row(listB, 'Opened by Anna'), newBadge(), 'for Bart the same thread is new')
  t.notMatch(listB, 'badge-unread', 'Bart opened nothing: nothing is unread for him')
  t.match(row(listB, 'Started by Anna'), newBadge())

  // Following the link and coming back: the marker is gone.
  const jump = await a.get(`/posts/${first}`)
  t.equal(jump.status, 303)
  await a.get(jump.location!)
  t.notMatch(row((await a.get(`/c/${community.slug}`)).body, 'Opened by Anna'), 'badge-unread')

  // Visitors see no markers at all.
  const visitor = (await new Client(app).get(`/c/${community.slug}`)).body
  t.notMatch(visitor, 'badge-new')
  t.notMatch(visitor, 'badge-unread')
})

t.test('"new" is what appeared since the previous visit, and a visit mark is written once per visit', async (t) => {
  const { app, db } = await buildTestApp(t)
  configureReadBuffer(db, { intervalMs: null })
  const member = await createUser(db)
  const writer = await createUser(db)
  const community = await createCommunityWith(db, { members: [member, writer] })
  const older = await createThreadIn(db, community.id, writer, { title: 'Before the last visit' })
  await createThreadIn(db, community.id, writer, { title: 'Since the last visit' })
  const hours = (n: number) => new Date(Date.now() - n * 3600_000)
  await db
    .updateTable('threads')
    .set({ created_at: hours(3) })
    .where('id', '=', older)
    .execute()
  await db
    .insertInto('community_visits')
    .values({
      user_id: member.id,
      community_id: community.id,
      seen_at: hours(2.5),
      last_seen_at: hours(2),
      previous_seen_at: hours(5),
    })
    .execute()

  const client = await loggedIn(app, member)
  const list = (await client.get(`/c/${community.slug}`)).body
  t.match(row(list, 'Since the last visit'), newBadge())
  t.notMatch(row(list, 'Before the last visit'), 'badge-new', 'older than the visit before this one: not new')

  await client.get(`/c/${community.slug}`)
  const flushed = await flushReads(db)
  t.same(flushed, { statements: 1, rows: 1 }, 'two views of one visit are one write')
  const visit = await db
    .selectFrom('community_visits')
    .selectAll()
    .where('user_id', '=', member.id)
    .executeTakeFirstOrThrow()
  t.ok(Date.now() - new Date(visit.seen_at).getTime() < visitGapMs, 'the current visit began now')
  t.ok(
    Math.abs(new Date(visit.previous_seen_at!).getTime() - hours(2.5).getTime()) < 60_000,
    'the last mark became the previous one',
  )

  // Within the same visit the list stays the same: what was new still is, until opened.
  const again = (await client.get(`/c/${community.slug}`)).body
  t.match(row(again, 'Since the last visit'), newBadge())
  t.notMatch(row(again, 'Before the last visit'), 'badge-new')
  t.same(await flushReads(db), { statements: 0, rows: 0 }, 'nothing more to write within the visit')
})

t.test('a thread view is written after a flush; two views are one write that only moves forward', async (t) => {
  const { app, db } = await buildTestApp(t)
  configureReadBuffer(db, { intervalMs: null })
  const member = await createUser(db)
  const writer = await createUser(db)
  const community = await createCommunityWith(db, { members: [member, writer] })
  const thread = await createThreadIn(db, community.id, writer)
  await replyIn(db, thread, writer)
  const last = await replyIn(db, thread, writer)
  const client = await loggedIn(app, member)

  const reads = () => db.selectFrom('thread_reads').selectAll().where('user_id', '=', member.id).execute()
  await client.get(`/t/${thread}`)
  t.same(await reads(), [], 'the page view itself writes nothing')
  await client.get(`/t/${thread}`)
  t.same(await flushReads(db), { statements: 1, rows: 1 }, 'two views are one row in one statement')
  const [position] = await reads()
  t.equal(position?.last_read_post_id, last, 'the position is the last reply shown')

  await db
    .updateTable('thread_reads')
    .set({ last_read_post_id: last + 1000 })
    .execute()
  await client.get(`/t/${thread}`)
  await flushReads(db)
  t.equal((await reads())[0]?.last_read_post_id, last + 1000, 'an older position never moves the mark back')

  // Buffered positions are written when the app closes.
  await client.get(`/t/${thread}`)
  await db.deleteFrom('thread_reads').execute()
  await client.get(`/t/${thread}`)
  await app.close()
  t.equal((await reads())[0]?.last_read_post_id, last)
})

t.test('filters: latest with pinned first, unanswered, and mine for members only', async (t) => {
  const { app, db } = await buildTestApp(t)
  const member = await createUser(db)
  const writer = await createUser(db)
  const community = await createCommunityWith(db, { members: [member, writer] })
  const pinned = await createThreadIn(db, community.id, writer, { title: 'Pinned house rules' })
  const answered = await createThreadIn(db, community.id, writer, { title: 'Answered question' })
  const open = await createThreadIn(db, community.id, writer, { title: 'Open question' })
  const mine = await createThreadIn(db, community.id, member, { title: 'Started by me' })
  const replied = await createThreadIn(db, community.id, writer, { title: 'Replied to by me' })
  const answer = await replyIn(db, answered, member)
  await replyIn(db, replied, member)
  await replyIn(db, open, writer)
  await db.updateTable('threads').set({ pinned: true }).where('id', '=', pinned).execute()
  await db.updateTable('threads').set({ answer_post_id: answer }).where('id', '=', answered).execute()
  await db.updateTable('threads').set({ status: 'hidden' }).where('id', '=', mine).execute()
  const hiddenMine = mine
  const visibleMine = await createThreadIn(db, community.id, member, { title: 'Also started by me' })

  const client = await loggedIn(app, member)
  const latest = (await client.get(`/c/${community.slug}`)).body
  t.equal(titles(latest)[0], 'Pinned house rules', 'pinned first in latest')
  t.match(latest, `<a href="/c/${community.slug}" aria-current="page">${translate('en', 'topics.filter.latest')}</a>`)
  t.match(row(latest, 'Answered question'), `badge-answered">${translate('en', 'topics.answered')}`)
  t.match(row(latest, 'Pinned house rules'), 'badge-pinned')

  const unanswered = (await client.get(`/c/${community.slug}?filter=unanswered`)).body
  t.match(unanswered, `aria-current="page">${translate('en', 'topics.filter.unanswered')}</a>`)
  t.notOk(titles(unanswered).includes('Answered question'))
  t.ok(titles(unanswered).includes('Open question'))
  t.equal(titles(unanswered).at(-1), 'Pinned house rules', 'not pinned first: by last activity')

  const minePage = (await client.get(`/c/${community.slug}?filter=mine`)).body
  t.same(titles(minePage).sort(), ['Also started by me', 'Answered question', 'Replied to by me'].sort())
  t.notOk(titles(minePage).includes('Started by me'), `the hidden thread ${hiddenMine} stays out of the list`)
  t.match(minePage, `<a href="/t/${visibleMine}">Also started by me</a>`, 'my visible thread is listed under mine')

  // Visitors have no "mine": the link is absent and the filter falls back to latest.
  const visitor = new Client(app)
  const visitorPage = (await visitor.get(`/c/${community.slug}?filter=mine`)).body
  t.notMatch(visitorPage, `?filter=mine"`)
  t.equal(titles(visitorPage)[0], 'Pinned house rules')
  t.match(
    (await client.get(`/c/${community.slug}?filter=unanswered`, { 'accept-language': 'nl' })).body,
    translate('nl', 'topics.filter.unanswered'),
  )
})

t.test('every filter pages with its own keyset', async (t) => {
  const { app, db } = await buildTestApp(t)
  const member = await createUser(db)
  const community = await createCommunityWith(db, { members: [member] })
  const ids: number[] = []
  for (let i = 0; i < 33; i++) ids.push(await createThreadIn(db, community.id, member, { title: `Thread ${i}` }))
  // Distinct activity times, newest last created; the oldest is pinned.
  for (const [i, id] of ids.entries())
    await db
      .updateTable('threads')
      .set({ last_post_at: new Date(Date.now() - (33 - i) * 60_000), pinned: i === 0 })
      .where('id', '=', id)
      .execute()
  const client = await loggedIn(app, member)
  for (const filter of ['latest', 'unanswered', 'mine']) {
    const path = filter === 'latest' ? `/c/${community.slug}` : `/c/${community.slug}?filter=${filter}`
    const first = (await client.get(path)).body
    const next = /<a rel="next" href="([^"]+)"/.exec(first)?.[1]
    t.ok(next, `${filter}: a next page`)
    const second = (await client.get(decodeEntities(next!))).body
    const all = [...titles(first), ...titles(second)]
    t.equal(titles(first).length, 30, `${filter}: 30 on the first page`)
    t.equal(new Set(all).size, 33, `${filter}: every thread once over both pages`)
    if (filter === 'latest') t.equal(all[0], 'Thread 0', 'the pinned thread leads')
    else t.equal(all[0], 'Thread 32', `${filter}: by last activity`)
    if (filter !== 'latest') t.match(decodeEntities(next!), `filter=${filter}`)
    t.notMatch(second, 'rel="next"')
  }
})

t.test('the community page shows its description, moderators, next meeting and newest articles', async (t) => {
  const { app, db } = await buildTestApp(t)
  const moderator = await createUser(db, { displayName: 'Mona Moderator' })
  const community = await createCommunityWith(db, { moderators: [moderator] })
  const meeting = await createMeetingIn(db, community.id, moderator)
  await publish(db, moderator.id, community.id, 'Intake checklist', 'intake-checklist')
  await publish(db, moderator.id, community.id, 'A draft nobody reads', 'draft-article', false)
  const page = (await new Client(app).get(`/c/${community.slug}`)).body
  t.match(page, 'A community for <strong>testing</strong>.')
  t.match(page, 'Mona Moderator')
  t.match(page, translate('en', 'topics.moderators.label', { count: 1 }))
  t.match(page, translate('en', 'topics.next_meeting.title'))
  t.match(page, `href="/meetings/${meeting}"`)
  t.match(page, '<a href="/library/intake-checklist">Intake checklist</a>')
  t.notMatch(page, 'A draft nobody reads')
  t.match(page, `<link rel="alternate" type="application/atom+xml"`)
  t.match(page, `href="/feeds/c/${community.slug}/threads.atom"`)
})

t.test(
  'a listed members-only community: outsiders see what it is about and ask to join, never its content',
  async (t) => {
    const { app, db } = await buildTestApp(t)
    const moderator = await createUser(db, { displayName: 'Circle Keeper' })
    const member = await createUser(db)
    const outsider = await createUser(db)
    const community = await createCommunityWith(db, {
      name: 'Coordinators Circle',
      visibility: 'members',
      joinPolicy: 'request',
      moderators: [moderator],
      members: [member],
    })
    const thread = await createThreadIn(db, community.id, member, { title: 'Secret agenda' })
    // createMeetingIn names its meeting 'Intake circle'; members see it on the page (checked below).
    const meeting = await createMeetingIn(db, community.id, moderator)
    await publish(db, moderator.id, community.id, 'Circle article', 'circle-article')
    const unlisted = await createCommunityWith(db, { name: 'Hidden Circle', visibility: 'members' })

    // Unlisted: still a 404 for outsiders.
    t.equal((await new Client(app).get(`/c/${community.slug}`)).status, 404)

    // An admin marks it listed through the edit form.
    const admin = await createUser(db, { siteRole: 'admin' })
    const adminClient = await loggedIn(app, admin)
    const saved = await adminClient.submit(`/c/${community.slug}/edit`, `/c/${community.slug}/edit`, {
      name: 'Coordinators Circle',
      slug: community.slug,
      description: 'The circle of **coordinators**.',
      visibility: 'members',
      join_policy: 'request',
      listed: 'on',
    })
    t.equal(saved.status, 303)
    t.match((await adminClient.get(`/c/${community.slug}/edit`)).body, /id="listed" name="listed"[^>]* checked/)

    const visitor = new Client(app)
    const directory = (await visitor.get('/communities')).body
    t.match(directory, 'Coordinators Circle', 'listed: in the directory')
    t.notMatch(directory, 'Hidden Circle')
    t.equal((await visitor.get(`/c/${unlisted.slug}`)).status, 404)

    const asVisitor = await visitor.get(`/c/${community.slug}`)
    t.equal(asVisitor.status, 200)
    t.match(asVisitor.body, 'The circle of <strong>coordinators</strong>.')
    t.match(asVisitor.body, 'Circle Keeper')
    t.match(asVisitor.body, `href="/login?next=/c/${community.slug}"`, 'visitors are sent to log in first')
    const outsiderSees = (body: string, who: string) => {
      t.notMatch(body, 'Secret agenda', `${who}: no threads`)
      t.notMatch(body, 'Intake circle', `${who}: no meeting`)
      t.notMatch(body, `/meetings/${meeting}`, `${who}: no meeting link`)
      t.notMatch(body, 'Circle article', `${who}: no articles`)
      t.notMatch(body, `/c/${community.slug}/meetings`)
      t.notMatch(body, 'application/atom+xml')
    }
    outsiderSees(asVisitor.body, 'visitor')
    t.equal((await visitor.get(`/t/${thread}`)).status, 404, 'its threads stay out of reach')
    t.equal((await visitor.get(`/c/${community.slug}/meetings`)).status, 404)
    t.equal((await visitor.get(`/c/${community.slug}/members`)).status, 404)

    const outside = await loggedIn(app, outsider)
    const asOutsider = (await outside.get(`/c/${community.slug}`)).body
    outsiderSees(asOutsider, 'logged-in non-member')
    t.match(asOutsider, translate('en', 'topics.listed.outsider'))
    const asked = await outside.submit(`/c/${community.slug}`, `/c/${community.slug}/join`, {
      note: 'I coordinate too.',
    })
    t.equal(asked.status, 303)
    const pending = await db
      .selectFrom('community_members')
      .select('status')
      .where('user_id', '=', outsider.id)
      .where('community_id', '=', community.id)
      .executeTakeFirst()
    t.equal(pending?.status, 'pending', 'the request goes through the approval flow')
    t.notMatch((await outside.get(`/c/${community.slug}`)).body, 'Secret agenda', 'pending is still outside')

    const inside = await loggedIn(app, member)
    const asMember = (await inside.get(`/c/${community.slug}`)).body
    t.match(asMember, 'Secret agenda')
    t.match(asMember, 'Circle article')
    t.match(asMember, 'Intake circle', 'members see the meeting the outsiders do not')
    t.match(asMember, `href="/meetings/${meeting}"`)
    t.notMatch(asMember, 'application/atom+xml', 'a members-only community has no public feed')
  },
)

t.test(
  'a feed of new public threads per community, and rel=alternate on library, theme and community pages',
  async (t) => {
    const { app, db } = await buildTestApp(t)
    const member = await createUser(db, { displayName: 'Feed Writer' })
    const community = await createCommunityWith(db, { members: [member] })
    const closed = await createCommunityWith(db, { visibility: 'members', members: [member] })
    await createThreadIn(db, community.id, member, { title: 'A public question' })
    const hidden = await createThreadIn(db, community.id, member, { title: 'A hidden question' })
    const pending = await createThreadIn(db, community.id, member, { title: 'A pending question' })
    const deleted = await createThreadIn(db, community.id, member, { title: 'A deleted question' })
    await db.updateTable('threads').set({ status: 'hidden' }).where('id', '=', hidden).execute()
    await db.updateTable('threads').set({ status: 'pending' }).where('id', '=', pending).execute()
    await db.updateTable('threads').set({ status: 'deleted' }).where('id', '=', deleted).execute()

    const visitor = new Client(app)
    const feed = await visitor.get(`/feeds/c/${community.slug}/threads.atom`)
    t.equal(feed.status, 200)
    t.match(feed.headers['content-type'], 'application/atom+xml')
    t.match(feed.body, '<title type="text">A public question</title>')
    t.match(feed.body, '<name>Feed Writer</name>')
    for (const title of ['A hidden question', 'A pending question', 'A deleted question']) t.notMatch(feed.body, title)
    t.equal((await visitor.get(`/feeds/c/${closed.slug}/threads.atom`)).status, 404, 'members-only: no feed')
    t.equal((await visitor.get('/feeds/c/no-such-community/threads.atom')).status, 404)

    const alternate = /<link rel="alternate" type="application\/atom\+xml"[^>]*href="([^"]+)"/
    t.equal(
      alternate.exec((await visitor.get(`/c/${community.slug}`)).body)?.[1],
      `/feeds/c/${community.slug}/threads.atom`,
    )
    t.equal(alternate.exec((await visitor.get('/library')).body)?.[1], '/feeds/library.atom')
    t.equal(
      alternate.exec((await visitor.get(`/library?community=${community.slug}`)).body)?.[1],
      `/feeds/c/${community.slug}.atom`,
    )
  },
)
