import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { Client, logIn } from '../helpers/client.js'
import { createCommunityWith, createThemeWith, createThreadIn, createUser, replyIn } from '../helpers/factories.js'
import { translate } from '../../src/web/i18n.js'
import { configureReadBuffer, flushReads } from '../../src/watching/read-buffer.js'

const checkedLevel = (body: string, type: string) =>
  new RegExp(`id="watch-${type}-(\\w+)" name="level" value="\\w+" checked`).exec(body)?.[1] ?? null

t.test('a member sets a level on a thread, a community and a theme and sees it on the page', async (t) => {
  const { app, db } = await buildTestApp(t)
  const member = await createUser(db)
  const author = await createUser(db)
  const community = await createCommunityWith(db, { members: [member, author] })
  const threadId = await createThreadIn(db, community.id, author)
  const themeId = await createThemeWith(db, 'intake', { en: 'Intake', nl: 'Intake' })
  const client = new Client(app)
  await logIn(client, member.email, member.password)

  let page = await client.get(`/t/${threadId}`)
  t.equal(checkedLevel(page.body, 'thread'), 'normal', 'no level chosen reads as normal')
  t.match(page.body, 'You are notified of every new post.')
  t.match(page.body, 'only of replies to you and mentions')
  let res = await client.post('/watch', { target_type: 'thread', target_id: String(threadId), level: 'watching' })
  t.equal(res.status, 303)
  t.equal(res.location, `/t/${threadId}`)
  page = await client.get(res.location!)
  t.equal(checkedLevel(page.body, 'thread'), 'watching')
  t.match(page.body, 'You are now watching this.', 'a flash says what changed')
  t.match(page.body, '(now: Watching)')

  await client.get(`/c/${community.slug}`)
  res = await client.post('/watch', { target_type: 'community', target_id: String(community.id), level: 'muted' })
  t.equal(res.location, `/c/${community.slug}`)
  page = await client.get(`/c/${community.slug}`)
  t.equal(checkedLevel(page.body, 'community'), 'muted')

  res = await client.post('/watch', { target_type: 'theme', target_id: String(themeId), level: 'tracking' })
  t.equal(res.location, '/themes/intake')
  page = await client.get('/themes/intake')
  t.equal(checkedLevel(page.body, 'theme'), 'tracking')

  // Changing it again replaces the level.
  res = await client.post('/watch', { target_type: 'thread', target_id: String(threadId), level: 'muted' })
  page = await client.get(`/t/${threadId}`)
  t.equal(checkedLevel(page.body, 'thread'), 'muted')
  const rows = await db.selectFrom('watches').selectAll().where('user_id', '=', member.id).execute()
  t.equal(rows.length, 3)
})

t.test('bad input is a clear 4xx and changes nothing; visitors see no form', async (t) => {
  const { app, db } = await buildTestApp(t)
  const member = await createUser(db)
  const insider = await createUser(db)
  const open = await createCommunityWith(db, { members: [member, insider] })
  const closed = await createCommunityWith(db, { visibility: 'members', members: [insider] })
  const threadId = await createThreadIn(db, open.id, insider)
  const secretThread = await createThreadIn(db, closed.id, insider, { title: 'Secret thread' })
  const visitor = new Client(app)
  const page = await visitor.get(`/t/${threadId}`)
  t.notMatch(page.body, 'action="/watch"', 'no watch form for visitors')
  await visitor.get('/login')
  const anonymous = await visitor.post('/watch', {
    target_type: 'thread',
    target_id: String(threadId),
    level: 'watching',
  })
  t.equal(anonymous.status, 401)

  const client = new Client(app)
  await logIn(client, member.email, member.password)
  await client.get(`/t/${threadId}`)
  const badLevel = await client.post('/watch', { target_type: 'thread', target_id: String(threadId), level: 'loud' })
  t.equal(badLevel.status, 400)
  t.match(badLevel.body, 'Choose one of the watching levels.')
  const badType = await client.post('/watch', { target_type: 'user', target_id: String(threadId), level: 'watching' })
  t.equal(badType.status, 400)
  const badId = await client.post('/watch', { target_type: 'thread', target_id: 'abc', level: 'watching' })
  t.equal(badId.status, 400)
  const missing = await client.post('/watch', { target_type: 'thread', target_id: '999999', level: 'watching' })
  t.equal(missing.status, 404)
  const secret = await client.post('/watch', {
    target_type: 'thread',
    target_id: String(secretThread),
    level: 'watching',
  })
  t.equal(secret.status, 404, 'a thread of a members-only community is not watchable by outsiders')
  const secretCommunity = await client.post('/watch', {
    target_type: 'community',
    target_id: String(closed.id),
    level: 'watching',
  })
  t.equal(secretCommunity.status, 404)
  const noCsrf = await client.post(
    '/watch',
    { target_type: 'thread', target_id: String(threadId), level: 'watching' },
    { csrf: false },
  )
  t.equal(noCsrf.status, 403)
  const rows = await db.selectFrom('watches').selectAll().where('user_id', '=', member.id).execute()
  t.same(rows, [])
})

t.test('starting watches, replying tracks, and a reply never downgrades a chosen level', async (t) => {
  const { app, db } = await buildTestApp(t)
  const starter = await createUser(db)
  const replier = await createUser(db)
  const community = await createCommunityWith(db, { members: [starter, replier] })
  const level = async (userId: number, threadId: number) =>
    (
      await db
        .selectFrom('watches')
        .select('level')
        .where('user_id', '=', userId)
        .where('target_type', '=', 'thread')
        .where('target_id', '=', threadId)
        .executeTakeFirst()
    )?.level ?? null

  const client = new Client(app)
  await logIn(client, starter.email, starter.password)
  const started = await client.submit(`/c/${community.slug}/new`, `/c/${community.slug}/new`, {
    title: 'Home visits',
    body: 'How do you plan them?',
    submission_key: '',
  })
  t.equal(started.status, 303)
  const threadId = Number(/\/t\/(\d+)/.exec(started.location!)![1])
  t.equal(await level(starter.id, threadId), 'watching', 'the starter watches their thread')
  const page = await client.get(started.location!)
  t.equal(checkedLevel(page.body, 'thread'), 'watching')

  // Replying to one's own watched thread keeps watching.
  await replyIn(db, threadId, starter)
  t.equal(await level(starter.id, threadId), 'watching')

  const other = new Client(app)
  await logIn(other, replier.email, replier.password)
  await other.get(`/t/${threadId}`)
  const replied = await other.post(`/t/${threadId}/replies`, {
    body: 'We plan them weekly.',
    parent_id: '',
    submission_key: '',
  })
  t.equal(replied.status, 303)
  t.equal(await level(replier.id, threadId), 'tracking', 'a replier tracks')

  await other.post('/watch', { target_type: 'thread', target_id: String(threadId), level: 'muted' })
  await replyIn(db, threadId, replier)
  t.equal(await level(replier.id, threadId), 'muted', 'a muted thread stays muted after another reply')
})

t.test('members choose their defaults in settings', async (t) => {
  const { app, db } = await buildTestApp(t)
  const member = await createUser(db)
  const community = await createCommunityWith(db, { members: [member] })
  const client = new Client(app)
  await logIn(client, member.email, member.password)
  let page = await client.get('/settings/watching')
  t.equal(page.status, 200)
  t.match(page.body, /id="watch_on_start-watching" name="watch_on_start" value="watching" checked/)
  t.match(page.body, /id="watch_on_reply-tracking" name="watch_on_reply" value="tracking" checked/)
  const bad = await client.post('/settings/watching', { watch_on_start: 'always', watch_on_reply: 'normal' })
  t.equal(bad.status, 400)
  t.match(bad.body, 'Choose one of the watching levels.')
  const saved = await client.post('/settings/watching', { watch_on_start: 'tracking', watch_on_reply: 'normal' })
  t.equal(saved.status, 303)
  page = await client.get('/settings/watching')
  t.match(page.body, 'Your watching defaults are saved.')
  t.match(page.body, /id="watch_on_start-tracking" name="watch_on_start" value="tracking" checked/)
  t.match(page.body, /id="watch_on_reply-normal" name="watch_on_reply" value="normal" checked/)

  const threadId = await createThreadIn(db, community.id, member)
  await replyIn(db, threadId, member)
  const rows = await db.selectFrom('watches').select(['target_id', 'level']).where('user_id', '=', member.id).execute()
  t.same(rows, [{ target_id: threadId, level: 'tracking' }], 'the chosen start default, and normal stores nothing')

  const nl = await client.get('/settings/watching', { 'accept-language': 'nl' })
  t.equal(nl.status, 200)
})

t.test('thread lists show the unread replies of an opened thread, linking to the first unread one', async (t) => {
  const { app, db } = await buildTestApp(t)
  configureReadBuffer(db, { intervalMs: null })
  const reader = await createUser(db)
  const writer = await createUser(db)
  const community = await createCommunityWith(db, { members: [reader, writer] })
  const tracked = await createThreadIn(db, community.id, writer, { title: 'Tracked thread' })
  const plain = await createThreadIn(db, community.id, writer, { title: 'Plain thread' })
  const client = new Client(app)
  await logIn(client, reader.email, reader.password)
  await client.get(`/t/${tracked}`)
  await client.post('/watch', { target_type: 'thread', target_id: String(tracked), level: 'tracking' })
  await client.get(`/t/${tracked}`)

  const first = await replyIn(db, tracked, writer)
  await replyIn(db, tracked, writer)
  await replyIn(db, tracked, writer)
  await replyIn(db, plain, writer)
  let list = await client.get(`/c/${community.slug}`)
  const label = translate('en', 'topics.unread.link_label', { count: 3, title: 'Tracked thread' })
  t.match(
    list.body,
    `href="/posts/${first}" aria-label="${label}">${translate('en', 'topics.unread', { count: 3 })}</a>`,
  )
  t.equal((list.body.match(/class="badge badge-unread"/g) ?? []).length, 1, 'only the opened thread counts')

  const jump = await client.get(`/posts/${first}`)
  t.equal(jump.status, 303)
  await client.get(jump.location!)
  list = await client.get(`/c/${community.slug}`)
  t.notMatch(list.body, 'badge-unread', 'reading the thread clears the count')

  // Reading an older page later never moves the mark back.
  await flushReads(db)
  const before = await db.selectFrom('thread_reads').selectAll().where('user_id', '=', reader.id).executeTakeFirst()
  await client.get(`/t/${tracked}?before=${first}`)
  await flushReads(db)
  const after = await db.selectFrom('thread_reads').selectAll().where('user_id', '=', reader.id).executeTakeFirst()
  t.equal(after!.last_read_post_id, before!.last_read_post_id)

  const visitor = new Client(app)
  await visitor.get(`/t/${tracked}`)
  await flushReads(db)
  t.equal(
    Number(
      (await db
        .selectFrom('thread_reads')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirst())!.n,
    ),
    1,
  )

  // In Dutch too.
  await replyIn(db, tracked, writer)
  list = await client.get(`/c/${community.slug}`, { 'accept-language': 'nl' })
  t.match(list.body, translate('nl', 'topics.unread', { count: 1 }))
})
