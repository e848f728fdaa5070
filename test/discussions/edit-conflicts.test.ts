// Two tabs or two people editing one thread or reply: the later save from an older copy is a 409 that loses nothing.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { Client, formVersion, logIn } from '../helpers/client.js'
import { createCommunityWith, createThreadIn, createUser, replyIn } from '../helpers/factories.js'

t.test('a stale thread edit answers 409 with the newer text shown and the own text kept', async (t) => {
  const { app, db } = await buildTestApp(t)
  const author = await createUser(db, { displayName: 'Ines' })
  const moderator = await createUser(db, { displayName: 'Mo' })
  const community = await createCommunityWith(db, { members: [author], moderators: [moderator] })
  const threadId = await createThreadIn(db, community.id, author, { title: 'Intake in pairs', body: 'First body' })
  const tabA = new Client(app)
  const tabB = new Client(app)
  await logIn(tabA, author.email, author.password)
  await logIn(tabB, moderator.email, moderator.password)

  const formA = await tabA.get(`/t/${threadId}/edit`)
  const formB = await tabB.get(`/t/${threadId}/edit`)
  const version = formVersion(formA.body)
  t.ok(version, 'the edit form carries its version')
  t.equal(formVersion(formB.body), version)

  t.equal(
    (
      await tabA.post(`/t/${threadId}/edit`, {
        title: 'Intake in pairs',
        body: 'The **author** wrote this',
        version: version!,
      })
    ).status,
    303,
  )
  const stale = await tabB.post(`/t/${threadId}/edit`, {
    title: 'Intake in threes',
    body: 'The moderator *rewrote* this',
    version: version!,
  })
  t.equal(stale.status, 409)
  t.match(stale.body, 'Someone else saved a newer version')
  t.match(stale.body, 'The <strong>author</strong> wrote this', 'the newer version, rendered')
  t.match(stale.body, 'The moderator *rewrote* this</textarea>', 'the own text kept in the form')
  t.match(stale.body, 'value="Intake in threes"')
  const current = await db
    .selectFrom('threads')
    .select(['title', 'body_md'])
    .where('id', '=', threadId)
    .executeTakeFirstOrThrow()
  t.same(current, { title: 'Intake in pairs', body_md: 'The **author** wrote this' }, 'nothing overwritten')

  // The 409 page carries the version it showed: saving the merged text from it goes through.
  const merged = await tabB.post(`/t/${threadId}/edit`, {
    title: 'Intake in pairs',
    body: 'Merged text',
    version: formVersion(stale.body)!,
  })
  t.equal(merged.status, 303)
  t.equal(
    (await db.selectFrom('threads').select('body_md').where('id', '=', threadId).executeTakeFirstOrThrow()).body_md,
    'Merged text',
  )
  t.equal(
    (await tabA.post(`/t/${threadId}/edit`, { title: 'Again', body: 'From the old tab', version: version! })).status,
    409,
    'the first tab is stale now',
  )
})

t.test("a stale reply edit answers 409 in the editor's language; a current one saves", async (t) => {
  const { app, db } = await buildTestApp(t)
  const author = await createUser(db, { locale: 'nl' })
  const community = await createCommunityWith(db, { members: [author] })
  const threadId = await createThreadIn(db, community.id, author)
  const replyId = await replyIn(db, threadId, author, null, 'Original reply')
  const tabA = new Client(app)
  const tabB = new Client(app)
  await logIn(tabA, author.email, author.password)
  await logIn(tabB, author.email, author.password)
  const version = formVersion((await tabA.get(`/posts/${replyId}/edit`)).body)!
  t.equal(formVersion((await tabB.get(`/posts/${replyId}/edit`)).body), version)

  t.equal((await tabA.post(`/posts/${replyId}/edit`, { body: 'Written in tab *A*', version })).status, 303)
  const stale = await tabB.post(`/posts/${replyId}/edit`, { body: 'Written in tab B', version })
  t.equal(stale.status, 409)
  t.match(stale.body, 'Iemand anders heeft een nieuwere versie bewaard')
  t.match(stale.body, 'Written in tab <em>A</em>')
  t.match(stale.body, 'Written in tab B</textarea>')
  t.equal(
    (await db.selectFrom('posts').select('body_md').where('id', '=', replyId).executeTakeFirstOrThrow()).body_md,
    'Written in tab *A*',
  )
  const revisions = await db.selectFrom('post_revisions').select('id').where('post_id', '=', replyId).execute()
  t.equal(revisions.length, 1, 'a refused save keeps no revision')
})

t.test('a missing or garbled version is answered like a stale one, with the text kept', async (t) => {
  const { app, db } = await buildTestApp(t)
  const author = await createUser(db)
  const community = await createCommunityWith(db, { members: [author] })
  const threadId = await createThreadIn(db, community.id, author, { title: 'Kept title', body: 'Kept body' })
  const replyId = await replyIn(db, threadId, author, null, 'Kept reply')
  const client = new Client(app)
  await logIn(client, author.email, author.password)
  await client.get(`/t/${threadId}/edit`)
  for (const version of [undefined, '', 'abc', '-1', '0', '1.5', '99999999999', ['1', '2']]) {
    const fields: Record<string, string | string[]> = version === undefined ? {} : { version }
    const label = JSON.stringify(version ?? 'missing')
    const thread = await client.post(`/t/${threadId}/edit`, {
      title: 'New title',
      body: `Thread text ${label}`,
      ...fields,
    })
    t.equal(thread.status, 409, `thread, version ${label}`)
    t.match(thread.body, `Thread text ${label.replace(/"/g, '&quot;')}</textarea>`)
    const reply = await client.post(`/posts/${replyId}/edit`, { body: `Reply text ${label}`, ...fields })
    t.equal(reply.status, 409, `reply, version ${label}`)
    t.match(reply.body, 'Kept reply', 'the current text shown')
  }
  t.equal(
    (await db.selectFrom('threads').select('body_md').where('id', '=', threadId).executeTakeFirstOrThrow()).body_md,
    'Kept body',
  )
  t.equal(
    (await db.selectFrom('posts').select('body_md').where('id', '=', replyId).executeTakeFirstOrThrow()).body_md,
    'Kept reply',
  )
})

t.test('two saves from one version at the same moment: one goes through, the other is a 409', async (t) => {
  const { app, db } = await buildTestApp(t)
  const author = await createUser(db)
  const community = await createCommunityWith(db, { members: [author] })
  const threadId = await createThreadIn(db, community.id, author)
  const replyId = await replyIn(db, threadId, author, null, 'Start')
  const tabs = [new Client(app), new Client(app), new Client(app)]
  for (const tab of tabs) await logIn(tab, author.email, author.password)
  const versions = await Promise.all(
    tabs.map(async (tab) => formVersion((await tab.get(`/posts/${replyId}/edit`)).body)!),
  )
  const saves = await Promise.all(
    tabs.map((tab, i) => tab.post(`/posts/${replyId}/edit`, { body: `Tab ${i}`, version: versions[i] })),
  )
  t.same(saves.map((s) => s.status).sort(), [303, 409, 409])
  const row = await db
    .selectFrom('posts')
    .select(['body_md', 'version'])
    .where('id', '=', replyId)
    .executeTakeFirstOrThrow()
  t.equal(row.body_md, `Tab ${saves.findIndex((s) => s.status === 303)}`)
  t.equal(row.version, 2)
})
