import t from 'tap'
import { sql } from 'kysely'
import { deletePost, deleteThread, editThread } from '../../src/discussions/commands.js'
import { Client, logIn } from '../helpers/client.js'
import { createCommunityWith, createThreadIn, createUser, replyIn } from '../helpers/factories.js'
import { writeArticle } from '../helpers/library.js'
import { buildSearchApp, q, resultUrls } from './helpers.js'

t.test('a visitor finds public discussions and never members-only, hidden, pending or deleted content', async (t) => {
  const { app, db, sync } = await buildSearchApp(t)
  const author = await createUser(db)
  const open = await createCommunityWith(db, { visibility: 'public', members: [author] })
  const closed = await createCommunityWith(db, { visibility: 'members', members: [author] })
  const publicThread = await createThreadIn(db, open.id, author, {
    title: 'Kangaroo care in public',
    body: 'Open to everyone.',
  })
  const secretThread = await createThreadIn(db, closed.id, author, {
    title: 'Kangaroo care behind closed doors',
    body: 'Members only.',
  })
  const secretReply = await replyIn(db, publicThread, author, null, 'A kangaroo reply in the open')
  const closedReply = await replyIn(db, secretThread, author, null, 'A kangaroo reply among members')
  const hiddenThread = await createThreadIn(db, open.id, author, { title: 'Kangaroo hidden thread' })
  const pendingReply = await replyIn(db, publicThread, author, null, 'A kangaroo reply still waiting for review')
  await sync()

  const visitor = new Client(app)
  let page = await visitor.get(q('kangaroo'))
  t.equal(page.status, 200)
  let urls = resultUrls(page.body)
  t.ok(urls.includes(`/t/${publicThread}`), 'the public thread is found')
  t.ok(urls.includes(`/t/${publicThread}?at=${secretReply}#p${secretReply}`), 'a public reply is found')
  t.notOk(urls.includes(`/t/${secretThread}`), 'the members-only thread is not')
  t.notOk(
    urls.some((u) => u.includes(`p${closedReply}`)),
    'nor its replies',
  )
  t.notMatch(page.body, 'behind closed doors')
  t.notMatch(page.body, 'among members')

  // Moderation (not built yet) changes status directly; it must enqueue like any command.
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('threads').set({ status: 'hidden' }).where('id', '=', hiddenThread).execute()
    await trx.updateTable('posts').set({ status: 'pending' }).where('id', '=', pendingReply).execute()
    const { enqueueSearch } = await import('../../src/search/outbox.js')
    await enqueueSearch(trx, 'thread', hiddenThread)
    await enqueueSearch(trx, 'post', pendingReply)
  })
  await sync()
  urls = resultUrls((await visitor.get(q('kangaroo'))).body)
  t.notOk(urls.includes(`/t/${hiddenThread}`), 'a hidden thread left the index')
  t.notOk(
    urls.some((u) => u.includes(`p${pendingReply}`)),
    'a pending reply left the index',
  )

  await deletePost(db, { postId: secretReply, deletedBy: author.id })
  await sync()
  urls = resultUrls((await visitor.get(q('kangaroo'))).body)
  t.notOk(
    urls.some((u) => u.includes(`p${secretReply}`)),
    'a deleted reply left the index',
  )

  await deleteThread(db, { threadId: publicThread, deletedBy: author.id })
  await sync()
  page = await visitor.get(q('kangaroo'))
  t.same(resultUrls(page.body), [], 'a deleted thread takes its replies with it')
  t.match(page.body, 'Nothing found for')
})

t.test('a member also finds the members-only communities they belong to, and no others', async (t) => {
  const { app, db, sync } = await buildSearchApp(t)
  const member = await createUser(db)
  const outsider = await createUser(db)
  const mine = await createCommunityWith(db, { visibility: 'members', members: [member] })
  const theirs = await createCommunityWith(db, { visibility: 'members', members: [outsider] })
  const mineThread = await createThreadIn(db, mine.id, member, { title: 'Respite weekends for carers' })
  const theirsThread = await createThreadIn(db, theirs.id, outsider, { title: 'Respite budget talks' })
  await sync()

  const client = new Client(app)
  await logIn(client, member.email, member.password)
  const urls = resultUrls((await client.get(q('respite'))).body)
  t.ok(urls.includes(`/t/${mineThread}`), 'their own community is searchable')
  t.notOk(urls.includes(`/t/${theirsThread}`), 'another members-only community is not')

  // Asking for the other community explicitly narrows within what may be read: nothing.
  const narrowed = await client.get(q('respite', `&community=${theirs.id}`))
  t.equal(narrowed.status, 200)
  t.same(resultUrls(narrowed.body), [])
  t.notMatch(narrowed.body, 'Respite budget')
})

t.test('a change the index has not caught up with yet is filtered out on the way to the page', async (t) => {
  const { app, db, sync } = await buildSearchApp(t)
  const author = await createUser(db)
  const community = await createCommunityWith(db, { visibility: 'public', members: [author] })
  const threadId = await createThreadIn(db, community.id, author, { title: 'Weaving circles in the library' })
  await sync()
  t.same(resultUrls((await new Client(app).get(q('weaving'))).body), [`/t/${threadId}`])
  // The community goes members-only; until its documents are rebuilt, the database check keeps them off the page.
  await sql`update communities set visibility = 'members' where id = ${community.id}`.execute(db)
  t.same(resultUrls((await new Client(app).get(q('weaving'))).body), [], 'hidden right away, before any sync')
  await editThread(db, {
    threadId,
    editorId: author.id,
    title: 'Weaving circles, renamed',
    bodyMd: 'New text',
    themeIds: [],
    version: 1,
  })
  await sync()
  const member = new Client(app)
  await logIn(member, author.email, author.password)
  t.same(resultUrls((await member.get(q('renamed'))).body), [`/t/${threadId}`], 'a member sees the rebuilt document')
})

t.test('an article from a members-only community is found by visitors without naming that community', async (t) => {
  const { app, db, sync } = await buildSearchApp(t)
  const author = await createUser(db)
  const moderator = await createUser(db)
  await createCommunityWith(db, {
    slug: 'quiet-circle',
    name: 'Quiet Circle',
    visibility: 'members',
    members: [author],
    moderators: [moderator],
  })
  const writer = new Client(app)
  await logIn(writer, author.email, author.password)
  const reviewer = new Client(app)
  await logIn(reviewer, moderator.email, moderator.password)
  const url = (await writeArticle(writer, { title: 'Wombat welcome visits', community: 'quiet-circle' })).location!
  await writer.post(`${url}/submit`)
  await reviewer.get(url)
  t.equal((await reviewer.post(`${url}/publish`)).status, 303)
  await sync()

  const page = await new Client(app).get(q('wombat'))
  t.same(resultUrls(page.body), [url], 'the published article is found')
  t.notMatch(page.body, 'Quiet Circle', 'its members-only community is named neither in the hit nor in the facets')
  const member = await writer.get(q('wombat'))
  t.match(member.body, 'Quiet Circle', 'a member sees where it came from')
})
