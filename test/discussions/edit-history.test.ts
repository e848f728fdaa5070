import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { Client, logIn } from '../helpers/client.js'
import { createCommunityWith, createThemeWith, createThreadIn, createUser, replyIn } from '../helpers/factories.js'

t.test('authors edit their thread and reply; everyone sees the marker and the history', async (t) => {
  const { app, db } = await buildTestApp(t)
  const author = await createUser(db, { displayName: 'Ines' })
  const community = await createCommunityWith(db, { members: [author] })
  await createThemeWith(db, 'matching', { en: 'Matching', nl: 'Matching' })
  const threadId = await createThreadIn(db, community.id, author, { title: 'First title', body: 'First body' })
  const replyId = await replyIn(db, threadId, author, null, 'First reply text')
  const client = new Client(app)
  await logIn(client, author.email, author.password)

  const form = await client.get(`/t/${threadId}/edit`)
  t.match(form.body, 'value="First title"')
  t.match(form.body, 'First body</textarea>')
  t.equal(
    (await client.edit(`/t/${threadId}/edit`, { title: 'Better title', body: 'Better **body**', themes: 'matching' }))
      .status,
    303,
  )
  t.equal((await client.edit(`/posts/${replyId}/edit`, { body: 'Second reply text' })).status, 303)
  t.equal((await client.edit(`/posts/${replyId}/edit`, { body: 'Third reply text' })).status, 303)

  const visitor = new Client(app)
  const page = await visitor.get(`/t/${threadId}`)
  t.match(page.body, 'Better title')
  t.match(page.body, 'Better <strong>body</strong>')
  t.match(page.body, `<a href="/t/${threadId}/history" class="edited">edited <time datetime="`)
  t.match(page.body, `<a href="/posts/${replyId}/history" class="edited">edited <time datetime="`)
  t.match(page.body, '>Matching</a>', 'themes changed with the edit')

  const threadHistory = await visitor.get(`/t/${threadId}/history`)
  t.equal(threadHistory.status, 200)
  t.match(threadHistory.body, /Current version[\s\S]*Better title[\s\S]*First title[\s\S]*First body/)
  const replyHistory = await visitor.get(`/posts/${replyId}/history`)
  t.match(
    replyHistory.body,
    /Third reply text[\s\S]*Second reply text[\s\S]*First reply text/,
    'newest first, every version kept',
  )

  const invalid = await client.edit(`/posts/${replyId}/edit`, { body: '' })
  t.equal(invalid.status, 422)
  const revisions = await db.selectFrom('post_revisions').select('id').where('post_id', '=', replyId).execute()
  t.equal(revisions.length, 2, 'a refused edit keeps no revision')
})

t.test("a moderator's edit is attributed to the moderator", async (t) => {
  const { app, db } = await buildTestApp(t)
  const author = await createUser(db, { displayName: 'Ines' })
  const moderator = await createUser(db, { displayName: 'Mo Derator' })
  const community = await createCommunityWith(db, { members: [author], moderators: [moderator] })
  const threadId = await createThreadIn(db, community.id, author)
  const replyId = await replyIn(db, threadId, author, null, 'Contains a phone number 0470 12 34 56')
  const mod = new Client(app)
  await logIn(mod, moderator.email, moderator.password)
  await mod.get(`/posts/${replyId}/edit`)
  t.equal((await mod.edit(`/posts/${replyId}/edit`, { body: 'Contains a phone number [removed]' })).status, 303)
  const page = await new Client(app).get(`/t/${threadId}`)
  t.match(page.body, 'edited by Mo Derator')
  const history = await new Client(app).get(`/posts/${replyId}/history`)
  t.match(history.body, /Version of[\s\S]*Ines/, 'the earlier version is attributed to its author')
})
