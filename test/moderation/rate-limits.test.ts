// Accounts younger than a week may flag and post fewer times a minute than established members.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { createCommunityWith, createThreadIn, createUser, replyIn } from '../helpers/factories.js'
import { loggedIn } from '../helpers/moderation.js'

t.test('new accounts are limited sooner than established ones', async (t) => {
  const { app, db } = await buildTestApp(t, {
    config: {
      moderation: {
        flagThreshold: 3,
        flagsPerMinute: { newAccount: 2, established: 100 },
        postsPerMinute: { newAccount: 2, established: 100 },
      },
    },
  })
  const newcomer = await createUser(db, { displayName: 'Nina New' })
  const veteran = await createUser(db, { displayName: 'Vera Veteran' })
  const author = await createUser(db, { displayName: 'Arno Author' })
  await db
    .updateTable('users')
    .set({ created_at: new Date(Date.now() - 30 * 86_400_000) })
    .where('id', '=', veteran.id)
    .execute()
  const community = await createCommunityWith(db, { slug: 'limits', members: [newcomer, veteran, author] })
  const threadId = await createThreadIn(db, community.id, author)
  const posts = await Promise.all([1, 2, 3, 4].map((n) => replyIn(db, threadId, author, null, `Reply number ${n}`)))
  const newClient = await loggedIn(app, newcomer)
  const veteranClient = await loggedIn(app, veteran)
  const count = async (table: 'flags' | 'posts', column: 'reporter_id' | 'author_id', userId: number) =>
    (await db.selectFrom(table).select('id').where(column, '=', userId).execute()).length

  t.test('flagging', async (t) => {
    for (const postId of posts.slice(0, 2))
      t.equal(
        (await newClient.post('/flags', { target_type: 'post', target_id: String(postId), reason: 'spam' })).status,
        303,
      )
    const limited = await newClient.post('/flags', { target_type: 'post', target_id: String(posts[2]), reason: 'spam' })
    t.equal(limited.status, 429, 'the third flag in a minute from a new account is refused')
    t.match(limited.body, 'You tried this too often in a short time.')
    t.ok(limited.headers['retry-after'], 'with when to try again')
    t.equal(await count('flags', 'reporter_id', newcomer.id), 2, 'and not recorded')
    for (const postId of posts)
      t.equal(
        (await veteranClient.post('/flags', { target_type: 'post', target_id: String(postId), reason: 'spam' })).status,
        303,
        'an established member flags on',
      )
    t.equal(await count('flags', 'reporter_id', veteran.id), 4)
  })

  t.test('posting', async (t) => {
    t.equal((await newClient.post(`/t/${threadId}/replies`, { body: 'First reply' })).status, 303)
    t.equal((await newClient.post(`/t/${threadId}/replies`, { body: 'Second reply' })).status, 303)
    const limited = await newClient.post(`/t/${threadId}/replies`, { body: 'Third reply within the minute' })
    t.equal(limited.status, 429, 'the third reply in a minute from a new account is refused')
    t.equal(await count('posts', 'author_id', newcomer.id), 2, 'and not written')
    const thread = await newClient.post(`/c/${community.slug}/new`, {
      title: 'A thread after two replies',
      body: 'Third post',
    })
    t.equal(thread.status, 429, 'a thread is a post too: it shares the budget')
    for (let i = 0; i < 4; i++)
      t.equal(
        (await veteranClient.post(`/t/${threadId}/replies`, { body: `Veteran reply ${i}` })).status,
        303,
        'an established member posts on',
      )
    t.equal(await count('posts', 'author_id', veteran.id), 4)
  })
})
