import t from 'tap'
import { translate } from '../../src/web/i18n.js'
import { configureReadBuffer, flushReads } from '../../src/watching/read-buffer.js'
import { buildTestApp } from '../helpers/app.js'
import { Client, decodeEntities, logIn } from '../helpers/client.js'
import { createCommunityWith, createThreadIn, createUser, replyIn, type TestUser } from '../helpers/factories.js'

type App = Awaited<ReturnType<typeof buildTestApp>>['app']

async function loggedIn(app: App, user: TestUser) {
  const client = new Client(app)
  await logIn(client, user.email, user.password)
  return client
}

function rows(body: string) {
  return [...body.matchAll(/<li class="thread-row[^"]*">([\s\S]*?)<\/li>\s*(?=<li class="thread-row|<\/ol>)/g)].map(
    (m) => ({ title: decodeEntities(/<a href="\/t\/\d+">([^<]*)<\/a>/.exec(m[1])?.[1] ?? ''), html: m[0] }),
  )
}
const titles = (body: string) => rows(body).map((r) => r.title)
const row = (body: string, title: string) => rows(body).find((r) => r.title === title)?.html ?? ''
const hours = (n: number) => new Date(Date.now() - n * 3600_000)
type Db = Awaited<ReturnType<typeof buildTestApp>>['db']
/** The member's visit mark as if kept from earlier visits. */
async function visited(
  db: Db,
  userId: number,
  communityId: number,
  mark: { seen_at: Date; last_seen_at: Date; previous_seen_at: Date },
) {
  await db
    .insertInto('community_visits')
    .values({ user_id: userId, community_id: communityId, ...mark })
    .onConflict((oc) => oc.columns(['user_id', 'community_id']).doUpdateSet(mark))
    .execute()
}
const until = async (check: () => Promise<boolean>) => {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 20))
}

t.test('a hidden last reply shows neither its author nor its time in the topic list', async (t) => {
  const { app, db } = await buildTestApp(t)
  const starter = await createUser(db, { displayName: 'Stella Starter' })
  const replier = await createUser(db, { displayName: 'Harry Hidden' })
  const community = await createCommunityWith(db, { members: [starter, replier] })
  const thread = await createThreadIn(db, community.id, starter, { title: 'Quiet thread' })
  await db
    .updateTable('threads')
    .set({ created_at: hours(48) })
    .where('id', '=', thread)
    .execute()
  const reply = await replyIn(db, thread, replier)
  t.match(row((await new Client(app).get(`/c/${community.slug}`)).body, 'Quiet thread'), 'Harry Hidden')
  await db.updateTable('posts').set({ status: 'hidden' }).where('id', '=', reply).execute()

  const listed = row((await new Client(app).get(`/c/${community.slug}`)).body, 'Quiet thread')
  t.notMatch(listed, 'Harry Hidden', 'the hidden reply does not name its author')
  t.match(
    listed,
    translate('en', 'topics.last_activity_by', {
      name: `<a href="/u/${starter.id}" class="person">Stella Starter</a>`,
    }),
    'the thread is the last',
  )
  const shown = /datetime="([^"]+)"/.exec(listed)?.[1]
  t.ok(shown && Date.now() - new Date(shown).getTime() > 47 * 3600_000, 'the time is the thread’s own')
})

t.test('the list page writes nothing and reads the member’s buffered positions', async (t) => {
  const { app, db } = await buildTestApp(t)
  configureReadBuffer(db, { intervalMs: null })
  const member = await createUser(db)
  const writer = await createUser(db)
  const community = await createCommunityWith(db, { members: [member, writer] })
  await visited(db, member.id, community.id, { seen_at: hours(3), last_seen_at: hours(3), previous_seen_at: hours(4) })
  const read = await createThreadIn(db, community.id, writer, { title: 'Read just now' })
  const client = await loggedIn(app, member)
  await client.get(`/t/${read}`)
  const later = await replyIn(db, read, writer)

  const list = (await client.get(`/c/${community.slug}`)).body
  t.notMatch(row(list, 'Read just now'), 'badge-new', 'a thread opened (still buffered) is not new')
  t.match(row(list, 'Read just now'), `href="/posts/${later}"`, 'the reply after the buffered position is unread')
  t.same(await db.selectFrom('thread_reads').selectAll().execute(), [], 'the list page wrote no read position')
})

t.test('the read buffer flushes on its timer, and a failed flush loses no position', async (t) => {
  const { app, db } = await buildTestApp(t)
  configureReadBuffer(db, { intervalMs: 10 })
  const member = await createUser(db)
  const writer = await createUser(db)
  const community = await createCommunityWith(db, { members: [member, writer] })
  const thread = await createThreadIn(db, community.id, writer)
  const first = await replyIn(db, thread, writer)
  const client = await loggedIn(app, member)
  const reads = () => db.selectFrom('thread_reads').selectAll().where('user_id', '=', member.id).execute()

  await client.get(`/t/${thread}`)
  await until(async () => (await reads()).length === 1)
  t.equal((await reads())[0]?.last_read_post_id, first, 'the timer wrote the position')

  configureReadBuffer(db, { intervalMs: null })
  const second = await replyIn(db, thread, writer)
  await client.get(`/t/${thread}`)
  await db.schema.alterTable('thread_reads').renameTo('thread_reads_away').execute()
  await t.rejects(flushReads(db), 'the write fails')
  await db.schema.alterTable('thread_reads_away').renameTo('thread_reads').execute()
  t.equal((await reads())[0]?.last_read_post_id, first)
  t.same(await flushReads(db), { statements: 1, rows: 1 }, 'the failed entry is written by the next flush')
  t.equal((await reads())[0]?.last_read_post_id, second)
})

t.test('a visit lasts while the member keeps coming back within the gap', async (t) => {
  const { app, db } = await buildTestApp(t)
  configureReadBuffer(db, { intervalMs: null })
  const member = await createUser(db)
  const writer = await createUser(db)
  const community = await createCommunityWith(db, { members: [member, writer] })
  const thread = await createThreadIn(db, community.id, writer, { title: 'Posted during the visit' })
  await db
    .updateTable('threads')
    .set({ created_at: new Date(Date.now() - 30 * 60_000) })
    .where('id', '=', thread)
    .execute()
  // The visit began 40 minutes ago and the member looked 10 minutes ago: still the same visit.
  await visited(db, member.id, community.id, {
    seen_at: new Date(Date.now() - 40 * 60_000),
    last_seen_at: new Date(Date.now() - 10 * 60_000),
    previous_seen_at: hours(5),
  })
  const client = await loggedIn(app, member)
  t.match(row((await client.get(`/c/${community.slug}`)).body, 'Posted during the visit'), 'badge-new')
  await flushReads(db)
  const visit = await db
    .selectFrom('community_visits')
    .selectAll()
    .where('user_id', '=', member.id)
    .executeTakeFirstOrThrow()
  t.ok(Date.now() - new Date(visit.seen_at).getTime() > 39 * 60_000, 'no new visit began')
  t.ok(Date.now() - new Date(visit.last_seen_at).getTime() < 60_000, 'the latest view is kept')
  t.match(row((await client.get(`/c/${community.slug}`)).body, 'Posted during the visit'), 'badge-new', 'still new')
})

t.test('muted threads count no unread; a hidden answer is no answer; an approved thread is new', async (t) => {
  const { app, db } = await buildTestApp(t)
  configureReadBuffer(db, { intervalMs: null })
  const member = await createUser(db)
  const writer = await createUser(db)
  const community = await createCommunityWith(db, { members: [member, writer] })
  const muted = await createThreadIn(db, community.id, writer, { title: 'Muted thread' })
  const answered = await createThreadIn(db, community.id, writer, { title: 'Answer hidden' })
  const held = await createThreadIn(db, community.id, writer, { title: 'Held then approved' })
  const client = await loggedIn(app, member)
  await client.get(`/t/${muted}`)
  await flushReads(db)
  await replyIn(db, muted, writer)
  await db
    .insertInto('watches')
    .values({ user_id: member.id, target_type: 'thread', target_id: muted, level: 'muted' })
    .execute()
  const answer = await replyIn(db, answered, writer)
  await db.updateTable('threads').set({ answer_post_id: answer }).where('id', '=', answered).execute()
  await db.updateTable('posts').set({ status: 'hidden' }).where('id', '=', answer).execute()
  await db
    .updateTable('threads')
    .set({ created_at: hours(3) })
    .where('id', '=', held)
    .execute()
  await db
    .insertInto('review_items')
    .values({
      target_type: 'thread',
      target_id: held,
      community_id: community.id,
      kind: 'queued',
      status: 'approved',
      resolution: 'approve',
      resolved_at: new Date(),
    })
    .execute()
  await visited(db, member.id, community.id, { seen_at: hours(2), last_seen_at: hours(2), previous_seen_at: hours(6) })

  const list = (await client.get(`/c/${community.slug}`)).body
  t.notMatch(row(list, 'Muted thread'), 'badge-unread', 'a muted thread shows no unread count')
  t.notMatch(row(list, 'Answer hidden'), 'badge-answered', 'a hidden answer is no answer')
  t.match(row(list, 'Held then approved'), 'badge-new', 'new from its approval, not its creation')
  t.ok(titles((await client.get(`/c/${community.slug}?filter=unanswered`)).body).includes('Answer hidden'))
})

t.test('outsiders: no activity of a listed closed community, and no join to an unlisted one', async (t) => {
  const { app, db } = await buildTestApp(t)
  const member = await createUser(db)
  const outsider = await createUser(db)
  const open = await createCommunityWith(db, { name: 'Open Forum', members: [member] })
  const circle = await createCommunityWith(db, {
    name: 'Listed Circle',
    visibility: 'members',
    joinPolicy: 'request',
    members: [member],
  })
  const hidden = await createCommunityWith(db, {
    name: 'Hidden Circle',
    visibility: 'members',
    joinPolicy: 'request',
  })
  await db.updateTable('communities').set({ listed: true }).where('id', '=', circle.id).execute()
  await createThreadIn(db, circle.id, member)
  await createThreadIn(db, open.id, member)
  await db
    .updateTable('communities')
    .set({ last_activity_at: hours(48) })
    .where('id', '=', open.id)
    .execute()
  await db.updateTable('communities').set({ last_activity_at: new Date() }).where('id', '=', circle.id).execute()

  const card = (body: string, name: string) =>
    [...body.matchAll(/<li class="card community-card">[\s\S]*?<\/li>/g)].map((m) => m[0]).find((c) => c.includes(name))
  const count = translate('en', 'communities.thread_count', { count: 1 })
  for (const client of [new Client(app), await loggedIn(app, outsider)]) {
    const directory = (await client.get('/communities')).body
    t.notMatch(card(directory, 'Listed Circle'), count, 'no thread count for outsiders')
    t.notMatch(card(directory, 'Listed Circle'), translate('en', 'communities.last_activity'), 'no last activity')
    t.match(card(directory, 'Open Forum'), count)
    t.ok(directory.indexOf('Open Forum') < directory.indexOf('Listed Circle'), 'sorted as without activity')
  }
  const insider = (await (await loggedIn(app, member)).get('/communities')).body
  t.match(card(insider, 'Listed Circle'), count, 'members see it')

  const outside = await loggedIn(app, outsider)
  const asked = await outside.submit('/communities', `/c/${hidden.slug}/join`, { note: 'Let me in.' })
  t.equal(asked.status, 404, 'an unlisted members-only community does not exist for outsiders')
  const row = await db
    .selectFrom('community_members')
    .select('status')
    .where('community_id', '=', hidden.id)
    .where('user_id', '=', outsider.id)
    .executeTakeFirst()
  t.equal(row, undefined, 'no request was made')
})
