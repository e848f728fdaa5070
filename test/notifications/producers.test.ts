// Who hears of what directly: a reply tells the author of what it answers (not if they muted the thread); a waiting
// post tells nobody until approved, then its author and its addressee; hidden content tells its author why; articles
// sent back, published and commented on tell their author; a join request answered tells the member who asked.
import t from 'tap'
import type { Db } from '../../src/db/connect.js'
import { buildTestApp } from '../helpers/app.js'
import { createCommunityWith, createThreadIn, createUser, replyIn, type TestUser } from '../helpers/factories.js'
import { writeArticle } from '../helpers/library.js'
import { loggedIn, openItemOf } from '../helpers/moderation.js'

async function texts(db: Db, user: TestUser) {
  const rows = await db
    .selectFrom('notifications')
    .select(['kind', 'data'])
    .where('user_id', '=', user.id)
    .orderBy('id')
    .execute()
  return rows.map((row) => row.kind)
}

t.test('replies and moderation', async (t) => {
  const { app, db } = await buildTestApp(t)
  const ana = await createUser(db, { displayName: 'Ana Starter' })
  const bea = await createUser(db, { displayName: 'Bea Replier' })
  const carl = await createUser(db, { displayName: 'Carl Answerer' })
  const newcomer = await createUser(db, { displayName: 'Nina Newcomer' })
  const moderator = await createUser(db, { displayName: 'Mona Moderator' })
  const community = await createCommunityWith(db, {
    moderators: [moderator],
    members: [ana, bea, carl, newcomer],
    premoderation: 2,
  })
  await db
    .updateTable('community_members')
    .set({ approved_posts: 5 })
    .where('user_id', 'in', [ana.id, bea.id, carl.id, moderator.id])
    .execute()
  const threadId = await createThreadIn(db, community.id, ana, { title: 'Home visits' })
  const beaReply = await replyIn(db, threadId, bea)
  const carlClient = await loggedIn(app, carl)
  const anaClient = await loggedIn(app, ana)

  t.test('a reply to a reply tells the author of that reply, not the thread’s', async (t) => {
    const posted = await carlClient.post(`/t/${threadId}/replies`, { body: 'Agreed', parent_id: String(beaReply) })
    t.equal(posted.status, 303)
    t.same(await texts(db, bea), ['reply'])
    t.same(await texts(db, ana), [], 'the thread’s author hears of it only when watching')
    t.same(await texts(db, carl), [], 'never the actor')
  })

  t.test('a member who muted the thread is not told of replies to them', async (t) => {
    await db
      .insertInto('watches')
      .values({ user_id: ana.id, target_type: 'thread', target_id: threadId, level: 'muted' })
      // Starting the thread made Ana watch it (her default); she changes that to muted.
      .onConflict((oc) => oc.columns(['user_id', 'target_type', 'target_id']).doUpdateSet({ level: 'muted' }))
      .execute()
    await carlClient.post(`/t/${threadId}/replies`, { body: 'To the thread' })
    t.same(await texts(db, ana), [])
    await db.deleteFrom('watches').where('user_id', '=', ana.id).execute()
  })

  t.test('a waiting reply tells nobody until approved; then its author and its addressee', async (t) => {
    const newClient = await loggedIn(app, newcomer)
    const posted = await newClient.post(`/t/${threadId}/replies`, { body: 'My first post' })
    const postId = Number(/\/posts\/(\d+)/.exec(posted.location!)![1])
    t.same(await texts(db, ana), [], 'pending: the thread’s author is not told')
    t.equal(
      Number(
        (
          await db
            .selectFrom('reach_events')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where(({ eb, ref }) => eb(ref('payload', '->>').key('postId' as never), '=', String(postId)))
            .executeTakeFirstOrThrow()
        ).n,
      ),
      0,
      'and no watcher will be',
    )
    const item = await openItemOf(db, 'post', postId)
    const modClient = await loggedIn(app, moderator)
    t.equal((await modClient.post(`/mod/items/${item!.id}`, { action: 'approve' })).status, 303)
    t.same(await texts(db, newcomer), ['post_approved'])
    t.same(await texts(db, ana), ['reply'])
    const page = await newClient.get('/notifications')
    t.match(page.body, 'Your post in “Home visits” was approved')
  })

  t.test('hidden content tells its author why', async (t) => {
    const modClient = await loggedIn(app, moderator)
    await modClient.get(`/t/${threadId}`)
    t.equal((await modClient.post(`/mod/content/post/${beaReply}/hide`, { reason: 'Names a resident' })).status, 303)
    const beaClient = await loggedIn(app, bea)
    const page = await beaClient.get('/notifications')
    t.match(page.body, 'Your post in “Home visits” was hidden: Names a resident')
  })

  t.test('a rejected waiting post is deleted, and its author still reads why', async (t) => {
    const newClient = await loggedIn(app, newcomer)
    const posted = await newClient.post(`/t/${threadId}/replies`, { body: 'Buy cheap watches here' })
    const postId = Number(/\/posts\/(\d+)/.exec(posted.location!)![1])
    const item = await openItemOf(db, 'post', postId)
    const modClient = await loggedIn(app, moderator)
    t.equal((await modClient.post(`/mod/items/${item!.id}`, { action: 'reject', reason: 'Advertising' })).status, 303)
    const page = await newClient.get('/notifications')
    t.match(page.body, 'Your post in “Home visits” was hidden: Advertising')
    t.notMatch((await anaClient.get('/notifications')).body, 'cheap watches', 'nobody else hears of it')
  })
})

t.test('library articles and their comments', async (t) => {
  const { app, db } = await buildTestApp(t)
  const author = await createUser(db, { displayName: 'Sofia Author' })
  const moderator = await createUser(db, { displayName: 'Rev Iewer' })
  const reader = await createUser(db, { displayName: 'Rea Der' })
  await createCommunityWith(db, { slug: 'homeshare', moderators: [moderator], members: [author, reader] })
  const authorClient = await loggedIn(app, author)
  const modClient = await loggedIn(app, moderator)
  const url = (await writeArticle(authorClient, { community: 'homeshare' })).location!
  await authorClient.get(url)
  await authorClient.post(`${url}/submit`)
  await modClient.get(url)
  t.equal((await modClient.post(`${url}/return`, { comment: 'Please add a <contact>.' })).status, 303)
  let page = await authorClient.get('/notifications')
  t.match(page.body, '“Intake interviews with two coordinators” was sent back to you: Please add a &lt;contact&gt;.')
  await authorClient.post(`${url}/submit`)
  await modClient.get(url)
  await modClient.post(`${url}/publish`)
  page = await authorClient.get('/notifications')
  t.match(page.body, '“Intake interviews with two coordinators” was published')

  const readerClient = await loggedIn(app, reader)
  await readerClient.get(url)
  t.equal((await readerClient.post(`${url}/comments`, { body: 'Very useful, thank you.' })).status, 303)
  await readerClient.get(url)
  await readerClient.post(`${url}/comments`, { body: 'One more question.' })
  page = await authorClient.get('/notifications')
  t.match(page.body, '2 new comments on “Intake interviews with two coordinators”')
})

t.test('a join request answered tells the member who asked, in their language', async (t) => {
  const { app, db } = await buildTestApp(t)
  const moderator = await createUser(db)
  const asker = await createUser(db, { locale: 'nl' })
  const other = await createUser(db)
  const community = await createCommunityWith(db, {
    name: 'Gesloten kring',
    joinPolicy: 'request',
    moderators: [moderator],
  })
  const askerClient = await loggedIn(app, asker)
  const otherClient = await loggedIn(app, other)
  await askerClient.get(`/c/${community.slug}`)
  t.equal((await askerClient.post(`/c/${community.slug}/join`, { note: 'Graag' })).status, 303)
  await otherClient.get(`/c/${community.slug}`)
  await otherClient.post(`/c/${community.slug}/join`, { note: 'Please' })
  const modClient = await loggedIn(app, moderator)
  await modClient.get(`/c/${community.slug}/members`)
  t.equal(
    (await modClient.post(`/c/${community.slug}/requests/${asker.id}`, { decision: 'approve', reason: '' })).status,
    303,
  )
  await modClient.post(`/c/${community.slug}/requests/${other.id}`, { decision: 'decline', reason: 'Full' })
  t.match(
    (await askerClient.get('/notifications')).body,
    'Je vraag om lid te worden van Gesloten kring is beantwoord: je bent nu lid',
  )
  t.match((await otherClient.get('/notifications')).body, 'Your request to join Gesloten kring was answered: declined')
})

t.test('one event, one notification: a reply that mentions the thread’s author tells her once', async (t) => {
  const { app, db } = await buildTestApp(t)
  const ana = await createUser(db, { displayName: 'Ana Starter' })
  const bea = await createUser(db, { displayName: 'Bea Replier' })
  const carl = await createUser(db, { displayName: 'Carl Suspended' })
  const community = await createCommunityWith(db, { members: [ana, bea, carl] })
  await db.updateTable('community_members').set({ approved_posts: 5 }).execute()
  const anaClient = await loggedIn(app, ana)
  const started = await anaClient.submit(`/c/${community.slug}/new`, `/c/${community.slug}/new`, {
    title: 'First house visits',
    body: 'What do you ask first?',
  })
  t.equal(started.status, 303)
  const threadId = Number(/\/t\/(\d+)/.exec(started.location!)![1])
  const beaClient = await loggedIn(app, bea)
  const posted = await beaClient.post(`/t/${threadId}/replies`, {
    body: 'Good question @[Ana Starter], we ask about pets.',
  })
  t.equal(posted.status, 303)
  await app.reach.drain()
  t.same(await texts(db, ana), ['mention'], 'the mention, not also the reply or the watched post')
  const emails = await db.selectFrom('email_outbox').select('kind').where('to_address', '=', ana.email).execute()
  t.same(
    emails.map((row) => row.kind),
    ['notification.mention'],
  )

  await db.updateTable('users').set({ status: 'suspended', suspended_until: null }).where('id', '=', carl.id).execute()
  t.equal((await beaClient.post(`/t/${threadId}/replies`, { body: 'And @[Carl Suspended]?' })).status, 303)
  t.same(await texts(db, carl), ['mention'], 'a suspended member keeps the item for later')
  t.equal(
    (await db.selectFrom('email_outbox').select('id').where('to_address', '=', carl.email).execute()).length,
    0,
    'but gets no email while suspended',
  )
})
