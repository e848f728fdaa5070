// Fan-out to watchers after commit: who watches a thread, a community or a theme hears of new replies, threads and
// articles; never the actor, the muted (a mute on the thread beats a watch on its community), those who cannot read
// it, suspended members, or those told directly already; hidden content reaches nobody and is never listed.
import t from 'tap'
import type { Db } from '../../src/db/connect.js'
import type { WatchLevel, WatchTarget } from '../../src/db/database.js'
import { buildTestApp } from '../helpers/app.js'
import {
  createCommunityWith,
  createThemeWith,
  createThreadIn,
  createUser,
  type TestUser,
} from '../helpers/factories.js'
import { writeArticle } from '../helpers/library.js'
import { loggedIn } from '../helpers/moderation.js'

/** Watch rows as the watching settings write them. */
async function watch(db: Db, user: TestUser, type: WatchTarget, id: number, level: WatchLevel) {
  await db
    .insertInto('watches')
    .values({ user_id: user.id, target_type: type, target_id: id, level })
    .onConflict((oc) => oc.columns(['user_id', 'target_type', 'target_id']).doUpdateSet({ level }))
    .execute()
}

async function kindsOf(db: Db, user: TestUser) {
  const rows = await db
    .selectFrom('notifications')
    .select('kind')
    .where('user_id', '=', user.id)
    .orderBy('id')
    .execute()
  return rows.map((row) => row.kind)
}

t.test('a new reply reaches the watchers of its thread and community', async (t) => {
  const { app, db } = await buildTestApp(t)
  const [author, replier, threadWatcher, communityWatcher, muter, tracker, suspended, normal] = await Promise.all(
    ['Author', 'Replier', 'Thread Watcher', 'Community Watcher', 'Muter', 'Tracker', 'Suspended', 'Normal'].map(
      (displayName) => createUser(db, { displayName }),
    ),
  )
  const members = [author, replier, threadWatcher, communityWatcher, muter, tracker, suspended, normal]
  const community = await createCommunityWith(db, { members })
  const threadId = await createThreadIn(db, community.id, author, { title: 'Waiting lists' })
  await watch(db, author, 'thread', threadId, 'watching')
  await watch(db, threadWatcher, 'thread', threadId, 'watching')
  await watch(db, communityWatcher, 'community', community.id, 'watching')
  await watch(db, muter, 'community', community.id, 'watching')
  await watch(db, muter, 'thread', threadId, 'muted')
  await watch(db, tracker, 'thread', threadId, 'tracking')
  await watch(db, normal, 'thread', threadId, 'normal')
  await watch(db, suspended, 'thread', threadId, 'watching')
  await watch(db, replier, 'thread', threadId, 'watching')
  await db.updateTable('users').set({ status: 'suspended' }).where('id', '=', suspended.id).execute()

  const client = await loggedIn(app, replier)
  const posted = await client.post(`/t/${threadId}/replies`, { body: 'We call everyone on the list **monthly**.' })
  t.equal(posted.status, 303)
  t.same(await kindsOf(db, threadWatcher), [], 'watchers hear after commit, from the worker, not in the request')
  const readyz = JSON.parse((await client.get('/readyz')).body) as { reach: { pending: number } }
  t.equal(readyz.reach.pending, 1, '/readyz reports the waiting fan-out')

  const drained = await app.reach.drain()
  t.same(drained, { events: 1, notified: 2, failed: 0 })
  t.same(await kindsOf(db, threadWatcher), ['watched_post'])
  t.same(await kindsOf(db, communityWatcher), ['watched_post'])
  t.same(await kindsOf(db, author), ['reply'], 'the author was told directly, once')
  for (const user of [replier, muter, tracker, normal, suspended])
    t.same(await kindsOf(db, user), [], `${user.displayName} hears nothing`)
  const after = JSON.parse((await client.get('/readyz')).body) as { reach: { pending: number } }
  t.equal(after.reach.pending, 0)

  const watcherClient = await loggedIn(app, threadWatcher)
  const page = await watcherClient.get('/notifications')
  t.match(page.body, 'Replier posted in “Waiting lists”')

  t.test('a second reply collapses with the first', async (t) => {
    await client.post(`/t/${threadId}/replies`, { body: 'And we send a card.' })
    await app.reach.drain()
    t.match((await watcherClient.get('/notifications')).body, '2 new posts in “Waiting lists”')
    t.same(await kindsOf(db, threadWatcher), ['watched_post'], 'one row')
  })

  t.test(
    'a reply hidden before the fan-out reaches nobody; hidden after, it is no longer listed or counted',
    async (t) => {
      const other = await createThreadIn(db, community.id, author, { title: 'Second thread' })
      await watch(db, threadWatcher, 'thread', other, 'watching')
      await watch(db, communityWatcher, 'thread', other, 'watching')
      const first = await client.post(`/t/${other}/replies`, { body: 'Soon hidden' })
      const firstId = Number(/\/posts\/(\d+)/.exec(first.location!)![1])
      await db.updateTable('posts').set({ status: 'hidden' }).where('id', '=', firstId).execute()
      await app.reach.drain()
      const count = async (user: TestUser) =>
        (
          await db
            .selectFrom('notifications')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where('user_id', '=', user.id)
            .where('group_key', '=', `watched:thread:${other}`)
            .executeTakeFirstOrThrow()
        ).n
      t.equal(Number(await count(threadWatcher)), 0, 'nobody heard of the hidden reply')

      const second = await client.post(`/t/${other}/replies`, { body: 'Hidden only later' })
      const secondId = Number(/\/posts\/(\d+)/.exec(second.location!)![1])
      await app.reach.drain()
      t.equal(Number(await count(threadWatcher)), 1)
      const before = await watcherClient.get('/notifications')
      t.match(before.body, 'posted in “Second thread”')
      t.match(before.body, /aria-label="Notifications, 2 unread"/)

      const moderator = await createUser(db)
      await db
        .insertInto('community_members')
        .values({ community_id: community.id, user_id: moderator.id, role: 'moderator', status: 'active' })
        .execute()
      const modClient = await loggedIn(app, moderator)
      await modClient.get(`/t/${other}`)
      const hidden = await modClient.post(`/mod/content/post/${secondId}/hide`, { reason: 'Off topic' })
      t.equal(hidden.status, 303)
      const after = await watcherClient.get('/notifications')
      t.notMatch(after.body, 'Second thread', 'the hidden reply is not listed')
      t.match(after.body, /aria-label="Notifications, 1 unread"/, 'nor counted')
      const item = await db
        .selectFrom('notifications')
        .select('id')
        .where('user_id', '=', threadWatcher.id)
        .where('group_key', '=', `watched:thread:${other}`)
        .executeTakeFirstOrThrow()
      t.equal((await watcherClient.post(`/notifications/${item.id}/open`)).status, 404, 'nor opened')
      // Its author is told why, and sees that notification.
      const authorPage = await client.get('/notifications')
      t.match(authorPage.body, 'Your post in “Second thread” was hidden: Off topic')
    },
  )
})

t.test('members-only communities: only active members hear of a reply', async (t) => {
  const { app, db } = await buildTestApp(t)
  const author = await createUser(db)
  const replier = await createUser(db, { displayName: 'Rita' })
  const member = await createUser(db)
  const former = await createUser(db)
  const community = await createCommunityWith(db, { visibility: 'members', members: [author, replier, member, former] })
  const threadId = await createThreadIn(db, community.id, author, { title: 'Closed circle' })
  await watch(db, member, 'thread', threadId, 'watching')
  await watch(db, former, 'thread', threadId, 'watching')
  await watch(db, former, 'community', community.id, 'watching')
  // Left the community, the watch rows remain.
  await db.deleteFrom('community_members').where('user_id', '=', former.id).execute()
  const client = await loggedIn(app, replier)
  t.equal((await client.post(`/t/${threadId}/replies`, { body: 'Inside only' })).status, 303)
  await app.reach.drain()
  t.same(await kindsOf(db, member), ['watched_post'])
  t.same(await kindsOf(db, former), [], 'a former member cannot read it, so is not told')
})

t.test('new threads reach watchers of the community and of the themes they are tagged with', async (t) => {
  const { app, db } = await buildTestApp(t)
  const author = await createUser(db, { displayName: 'Starter' })
  const communityWatcher = await createUser(db)
  const themeWatcher = await createUser(db)
  const mutedCommunity = await createUser(db)
  const outsider = await createUser(db)
  const community = await createCommunityWith(db, {
    name: 'Family centres',
    members: [author, communityWatcher, themeWatcher, mutedCommunity],
  })
  const members = await createCommunityWith(db, { visibility: 'members', members: [author] })
  const themeId = await createThemeWith(db, 'participation', { en: 'Participation', nl: 'Participatie' })
  await watch(db, communityWatcher, 'community', community.id, 'watching')
  await watch(db, themeWatcher, 'theme', themeId, 'watching')
  await watch(db, mutedCommunity, 'theme', themeId, 'watching')
  await watch(db, mutedCommunity, 'community', community.id, 'muted')
  await watch(db, outsider, 'theme', themeId, 'watching')

  const client = await loggedIn(app, author)
  await client.get(`/c/${community.slug}/new`)
  const started = await client.post(`/c/${community.slug}/new`, {
    title: 'Parents on the board',
    body: 'How do you get parents to join?',
    themes: 'participation',
  })
  t.equal(started.status, 303)
  await app.reach.drain()
  t.same(await kindsOf(db, communityWatcher), ['watched_thread'])
  t.same(await kindsOf(db, themeWatcher), ['watched_thread'])
  t.same(await kindsOf(db, outsider), ['watched_thread'], 'a public community is readable by any member of Kring')
  t.same(await kindsOf(db, mutedCommunity), [], 'a muted community is not heard of through its themes either')
  const page = await (await loggedIn(app, themeWatcher)).get('/notifications')
  t.match(page.body, 'New thread in Family centres: “Parents on the board”')

  await client.get(`/c/${members.slug}/new`)
  await client.post(`/c/${members.slug}/new`, { title: 'Members only', body: 'Closed', themes: 'participation' })
  await app.reach.drain()
  t.same(await kindsOf(db, outsider), ['watched_thread'], 'a thread in a members-only community: not for outsiders')
})

t.test('a newly published article reaches the watchers of its themes', async (t) => {
  const { app, db } = await buildTestApp(t)
  const author = await createUser(db, { displayName: 'Sofia Author' })
  const moderator = await createUser(db)
  const themeWatcher = await createUser(db)
  await createCommunityWith(db, { slug: 'homeshare', moderators: [moderator], members: [author] })
  const themeId = await createThemeWith(db, 'matching', { en: 'Matching' })
  await watch(db, themeWatcher, 'theme', themeId, 'watching')
  const authorClient = await loggedIn(app, author)
  const created = await writeArticle(authorClient, { community: 'homeshare', themes: 'matching' })
  const url = created.location!
  await authorClient.get(url)
  await authorClient.post(`${url}/submit`)
  await app.reach.drain()
  t.same(await kindsOf(db, themeWatcher), [], 'not while in review')
  const modClient = await loggedIn(app, moderator)
  await modClient.get(url)
  t.equal((await modClient.post(`${url}/publish`)).status, 303)
  await app.reach.drain()
  t.same(await kindsOf(db, themeWatcher), ['watched_article'])
  t.same(await kindsOf(db, author), ['article_published'], 'the author is told it was published')
  const page = await (await loggedIn(app, themeWatcher)).get('/notifications')
  t.match(page.body, 'New in the library: “Intake interviews with two coordinators”')
})

t.test('a thousand watchers are told in a few statements', async (t) => {
  const { app, db } = await buildTestApp(t)
  const author = await createUser(db)
  const replier = await createUser(db)
  const community = await createCommunityWith(db, { members: [author, replier] })
  const threadId = await createThreadIn(db, community.id, author)
  const hash = (
    await db.selectFrom('users').select('password_hash').where('id', '=', author.id).executeTakeFirstOrThrow()
  ).password_hash
  const watchers = await db
    .insertInto('users')
    .values(
      Array.from({ length: 1000 }, (_, i) => ({
        email: `watcher-${i}@example.org`,
        display_name: `Watcher ${i}`,
        password_hash: hash,
      })),
    )
    .returning('id')
    .execute()
  await db
    .insertInto('watches')
    .values(
      watchers.map((row) => ({
        user_id: row.id,
        target_type: 'thread' as const,
        target_id: threadId,
        level: 'watching' as const,
      })),
    )
    .execute()
  const client = await loggedIn(app, replier)
  t.equal((await client.post(`/t/${threadId}/replies`, { body: 'Hello all' })).status, 303)
  const drained = await app.reach.drain()
  t.equal(drained.notified, 1000)
  const { n } = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('kind', '=', 'watched_post')
    .executeTakeFirstOrThrow()
  t.equal(Number(n), 1000)
  const mail = await db
    .selectFrom('email_outbox')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('kind', '=', 'notification.watched_post')
    .executeTakeFirstOrThrow()
  t.equal(Number(mail.n), 1000, 'and each gets the email they asked for')
})
