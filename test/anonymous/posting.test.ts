// Posting without a name: the checkbox where the community allows it, the row it writes, refusals where it does not.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { createCommunityWith, createThreadIn, createUser } from '../helpers/factories.js'
import { loggedIn } from '../helpers/moderation.js'
import { anonymousCommunity } from './fixture.js'

t.test('the thread and reply forms offer "post as" only where the community allows it', async (t) => {
  const { app, db } = await buildTestApp(t)
  const { community, parent } = await anonymousCommunity(db)
  const client = await loggedIn(app, parent)
  const form = await client.get(`/c/${community.slug}/new`)
  t.match(form.body, /<input type="checkbox" id="anonymous" name="anonymous" value="1"/)
  t.match(form.body, 'Post as “a parent in this community”')

  const started = await client.post(`/c/${community.slug}/new`, {
    title: 'School refuses to call back',
    body: 'My son has not been at school for three weeks.',
    anonymous: '1',
  })
  t.equal(started.status, 303)
  const thread = await db
    .selectFrom('threads')
    .select(['id', 'anonymous', 'author_id'])
    .where('title', '=', 'School refuses to call back')
    .executeTakeFirstOrThrow()
  t.ok(thread.anonymous, 'stored on the row')
  t.equal(thread.author_id, parent.id, 'the author is still the author')

  const page = await client.get(`/t/${thread.id}`)
  t.match(page.body, /id="reply-anonymous" name="anonymous"/, 'the reply box offers it too')
  const replyPage = await client.get(`/t/${thread.id}/reply`)
  t.match(replyPage.body, /id="reply-anonymous"/, 'and the reply page')
  const replied = await client.post(`/t/${thread.id}/replies`, { body: 'An update: still nothing.', anonymous: '1' })
  t.equal(replied.status, 303)
  const named = await client.post(`/t/${thread.id}/replies`, { body: 'This one with my name.' })
  t.equal(named.status, 303)
  const posts = await db
    .selectFrom('posts')
    .select(['body_md', 'anonymous'])
    .where('thread_id', '=', thread.id)
    .orderBy('id')
    .execute()
  t.same(
    posts.map((p) => p.anonymous),
    [true, false],
  )

  // Editing keeps the choice: the edit form has no checkbox, the row stays anonymous.
  const edit = await client.get(`/t/${thread.id}/edit`)
  t.notMatch(edit.body, 'name="anonymous"')
  const saved = await client.edit(`/t/${thread.id}/edit`, {
    title: 'School refuses to call back',
    body: 'Edited: three weeks now.',
  })
  t.equal(saved.status, 303)
  const after = await db.selectFrom('threads').select('anonymous').where('id', '=', thread.id).executeTakeFirstOrThrow()
  t.ok(after.anonymous)
})

t.test('where it is not allowed: no checkbox, and a forged field is refused with the text kept', async (t) => {
  const { app, db } = await buildTestApp(t)
  const member = await createUser(db)
  const community = await createCommunityWith(db, { members: [member] })
  const threadId = await createThreadIn(db, community.id, member)
  const client = await loggedIn(app, member)
  const form = await client.get(`/c/${community.slug}/new`)
  t.notMatch(form.body, 'name="anonymous"')
  t.notMatch((await client.get(`/t/${threadId}`)).body, 'name="anonymous"')

  const forged = await client.post(`/c/${community.slug}/new`, {
    title: 'Forged',
    body: 'Kept text of the thread',
    anonymous: '1',
  })
  t.equal(forged.status, 422)
  t.match(forged.body, 'This community does not allow posting without a name.')
  t.match(forged.body, 'Kept text of the thread')
  const forgedReply = await client.post(`/t/${threadId}/replies`, { body: 'Kept text of the reply', anonymous: '1' })
  t.equal(forgedReply.status, 422)
  t.match(forgedReply.body, 'This community does not allow posting without a name.')
  t.match(forgedReply.body, 'Kept text of the reply')
  const count = await db
    .selectFrom('posts')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('thread_id', '=', threadId)
    .executeTakeFirstOrThrow()
  t.equal(Number(count.n), 0, 'nothing was written')
  t.notOk(await db.selectFrom('threads').select('id').where('title', '=', 'Forged').executeTakeFirst())

  // In Dutch too.
  await db.updateTable('users').set({ locale: 'nl' }).where('id', '=', member.id).execute()
  const dutch = await loggedIn(app, member)
  const refused = await dutch.post(`/t/${threadId}/replies`, { body: 'Tekst', anonymous: '1' })
  t.match(refused.body, 'Deze community staat plaatsen zonder naam niet toe.')
})
