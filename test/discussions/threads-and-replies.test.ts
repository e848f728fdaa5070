import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { Client, decodeEntities, logIn } from '../helpers/client.js'
import { createCommunityWith, createThemeWith, createThreadIn, createUser, replyIn } from '../helpers/factories.js'
import { maxDepth } from '../../src/discussions/reply-path.js'
import { repliesPerPage } from '../../src/discussions/queries.js'

async function setup(t: Parameters<typeof buildTestApp>[0]) {
  const { app, db, database } = await buildTestApp(t)
  const member = await createUser(db, { displayName: 'Hanne' })
  const other = await createUser(db, { displayName: 'Bram' })
  const community = await createCommunityWith(db, { members: [member, other] })
  const client = new Client(app)
  await logIn(client, member.email, member.password)
  return { app, db, database, member, other, community, client }
}

/** The ids of the replies on a page, in the order shown, with their depth class. */
function repliesOn(body: string) {
  return [...body.matchAll(/<li class="reply depth-(\d)[^"]*" id="p(\d+)"[^>]*>/g)].map((m) => ({
    id: Number(m[2]),
    depth: Number(m[1]),
  }))
}

t.test('a member starts a thread with Markdown and themes; it tops the community page', async (t) => {
  const { db, community, client } = await setup(t)
  await createThemeWith(db, 'participation', { en: 'Participation', nl: 'Participatie' })
  await client.get(`/c/${community.slug}/new`)
  const res = await client.post(`/c/${community.slug}/new`, {
    title: 'Reaching fathers',
    body: 'We tried **evening** sessions:\n\n- one\n- two\n\n<script>alert(1)</script>',
    themes: 'participation',
  })
  t.equal(res.status, 303)
  const page = await client.get(res.location!)
  t.match(page.body, '<h1 id="thread-title">Reaching fathers</h1>')
  t.match(page.body, '<strong>evening</strong>')
  t.notMatch(page.body, '<script>alert(1)</script>', 'raw HTML from users never reaches the page')
  t.match(page.body, '<a href="/themes/participation">Participation</a>')
  const list = await client.get(`/c/${community.slug}`)
  t.match(
    list.body,
    /Reaching fathers[\s\S]*started by <a href="\/u\/\d+" class="person">Hanne[^<]*<\/a>[\s\S]*0 replies/,
  )
})

t.test('replies nest, deeper ones go flat with "in reply to", and the tree survives a deletion', async (t) => {
  const { db, member, other, community, client } = await setup(t)
  const threadId = await createThreadIn(db, community.id, member)
  const top = await replyIn(db, threadId, member, null, 'top')
  let parent = top
  const chain = [top]
  for (let i = 0; i < maxDepth + 1; i++) {
    parent = await replyIn(db, threadId, i % 2 ? member : other, parent, `level ${i + 2}`)
    chain.push(parent)
  }
  const second = await replyIn(db, threadId, other, null, 'second top-level')
  const page = await client.get(`/t/${threadId}`)
  const shown = repliesOn(page.body)
  t.same(
    shown.map((r) => r.id),
    [...chain, second],
    'depth-first order',
  )
  t.same(
    shown.map((r) => r.depth),
    [1, 2, 3, 4, 5, 5, 5, 1],
    'indent up to the fixed depth, then flat',
  )
  const flat = chain[chain.length - 1]
  const flatHtml = page.body.slice(page.body.indexOf(`id="p${flat}"`))
  t.match(flatHtml.slice(0, 600), /in reply to (Hanne|Bram)/, 'a flattened reply names whom it answers')

  const mine = chain[2] // written by Hanne, who is logged in
  t.equal((await client.post(`/posts/${mine}/delete`)).status, 303)
  const after = await client.get(`/t/${threadId}`)
  t.same(
    repliesOn(after.body).map((r) => r.id),
    [...chain, second],
    'the deleted reply keeps its place',
  )
  t.match(after.body, 'Reply deleted by its author.')
  t.notMatch(after.body, '<p>level 3</p>', 'its text is gone')
  t.match(after.body, '<p>level 4</p>', 'its answers stay')
  const count = await db
    .selectFrom('threads')
    .select('reply_count')
    .where('id', '=', threadId)
    .executeTakeFirstOrThrow()
  t.equal(count.reply_count, chain.length, 'the count drops by one')
})

t.test('a long thread pages by keyset without losing the nesting', async (t) => {
  const { db, member, other, community, client, database } = await setup(t)
  const threadId = await createThreadIn(db, community.id, member)
  const ids: number[] = []
  for (let i = 0; i < repliesPerPage + 20; i++) {
    const parent = i % 3 === 0 || ids.length === 0 ? null : ids[ids.length - 1]
    ids.push(await replyIn(db, threadId, i % 2 ? member : other, parent, `reply number ${i}`))
  }
  const first = await client.get(`/t/${threadId}`)
  const firstIds = repliesOn(first.body).map((r) => r.id)
  t.equal(firstIds.length, repliesPerPage)
  const next = /rel="next" href="([^"]+)"/.exec(first.body)?.[1]
  t.ok(next, 'a link to later replies')
  const second = await client.get(decodeEntities(next!))
  const secondIds = repliesOn(second.body).map((r) => r.id)
  t.equal(firstIds.length + secondIds.length, ids.length, 'every reply on exactly one page')
  t.same(
    [...firstIds, ...secondIds].sort((a, b) => a - b),
    [...ids].sort((a, b) => a - b),
  )
  t.notMatch(second.body, 'class="post opening-post"', 'the opening post is on the first page only')
  t.match(second.body, 'rel="prev"', 'a link back to earlier replies')
  const back = /rel="prev" href="([^"]+)"/.exec(second.body)![1]
  t.same(
    repliesOn((await client.get(decodeEntities(back))).body).map((r) => r.id),
    firstIds,
    'earlier replies lead back to the first page',
  )

  // A constant number of queries per page, whatever the number of replies shown.
  const visitor = new Client(client.app)
  database.queries.reset()
  await visitor.get(`/t/${threadId}?at=${ids[ids.length - 1]}`)
  const fewQueries = database.queries.count
  database.queries.reset()
  await visitor.get(`/t/${threadId}`)
  t.equal(
    database.queries.count,
    fewQueries,
    `a page of 1 reply and a page of ${repliesPerPage} cost the same number of queries (${fewQueries})`,
  )
  t.ok(fewQueries <= 6, 'and that number is small')
})

t.test('double-submitting the same form creates one reply and one thread', async (t) => {
  const { db, member, community, client } = await setup(t)
  const threadId = await createThreadIn(db, community.id, member)
  const page = await client.get(`/t/${threadId}`)
  const key = /name="submission_key" value="([^"]+)"/.exec(page.body)![1]
  const [a, b] = await Promise.all([
    client.post(`/t/${threadId}/replies`, { body: 'Only once please', submission_key: key }),
    client.post(`/t/${threadId}/replies`, { body: 'Only once please', submission_key: key }),
  ])
  const again = await client.post(`/t/${threadId}/replies`, { body: 'Only once please', submission_key: key })
  t.same([a.status, b.status, again.status], [303, 303, 303])
  t.equal(a.location, again.location, 'the resubmission lands on the first reply')
  const replies = await db.selectFrom('posts').select('id').where('thread_id', '=', threadId).execute()
  t.equal(replies.length, 1)

  const form = await client.get(`/c/${community.slug}/new`)
  const threadKey = /name="submission_key" value="([^"]+)"/.exec(form.body)![1]
  await client.post(`/c/${community.slug}/new`, { title: 'Once', body: 'Once', submission_key: threadKey })
  await client.post(`/c/${community.slug}/new`, { title: 'Once', body: 'Once', submission_key: threadKey })
  const threads = await db.selectFrom('threads').select('id').where('title', '=', 'Once').execute()
  t.equal(threads.length, 1)
})

t.test('bad input gets a clear 4xx, keeps the text, and changes nothing', async (t) => {
  const { app, db, member, other, community, client } = await setup(t)
  const threadId = await createThreadIn(db, community.id, member)
  const elsewhere = await createThreadIn(db, community.id, other)
  const foreignReply = await replyIn(db, elsewhere, other)
  const before = await db.selectFrom('posts').select('id').execute()

  await client.get(`/c/${community.slug}/new`)
  const empty = await client.post(`/c/${community.slug}/new`, { title: '   ', body: 'Some body text' })
  t.equal(empty.status, 422)
  t.match(empty.body, 'Give your thread a title.')
  t.match(empty.body, 'Some body text', 'the body is kept')
  const long = await client.post(`/c/${community.slug}/new`, { title: 'x'.repeat(10_000), body: 'Kept body' })
  t.equal(long.status, 422)
  t.match(long.body, 'This is 10,000 characters long; the limit is 200 characters.')
  const unknownTheme = await client.post(`/c/${community.slug}/new`, {
    title: 'Fine title',
    body: 'Body',
    themes: ['no-such-theme'],
  })
  t.equal(unknownTheme.status, 422)
  t.match(unknownTheme.body, 'One of the chosen themes does not exist')
  t.match(unknownTheme.body, 'value="Fine title"')
  const huge = await client.post(`/c/${community.slug}/new`, { title: 'Huge', body: 'a'.repeat(65 * 1024) })
  t.equal(huge.status, 422)
  t.match(huge.body, 'This text is 66,560 bytes long; the limit is 65,536 bytes (64 KB).')
  t.match(huge.body, `${'a'.repeat(65 * 1024)}</textarea>`, 'the text kept')
  const nested = await client.post(`/t/${threadId}/replies`, { body: '>'.repeat(5000) + ' deep' })
  t.equal(nested.status, 422)
  t.match(nested.body, 'nests quotes or lists too deeply')

  const crossThread = await client.post(`/t/${threadId}/replies`, {
    body: 'To a reply elsewhere',
    parent_id: String(foreignReply),
  })
  t.equal(crossThread.status, 400)
  t.match(crossThread.body, 'is not part of this thread')
  t.match(crossThread.body, 'To a reply elsewhere', 'the reply text is kept')
  t.equal((await client.post(`/t/${threadId}/replies`, { body: 'x', parent_id: '-3' })).status, 400)
  t.equal((await client.post(`/t/${threadId}/replies`, { body: '   ' })).status, 422)

  for (const cursor of ['abc', '-1', '0', '99999999999999', '1.5']) {
    const res = await client.get(`/t/${threadId}?after=${cursor}`)
    t.equal(res.status, 400, `cursor ${cursor}`)
    t.match(res.body, 'not valid')
    t.equal((await client.get(`/c/${community.slug}?after=${cursor}`)).status, 400, `community cursor ${cursor}`)
  }
  t.equal((await client.get('/t/abc')).status, 404)
  t.equal((await client.get('/t/99999999')).status, 404)

  const othersReply = await replyIn(db, threadId, other, null, 'Not yours')
  const editOther = await client.edit(`/posts/${othersReply}/edit`, { body: 'Mine now' })
  t.equal(editOther.status, 403)
  t.match(editOther.body, 'You can only change your own posts.')

  await client.post(`/t/${threadId}/delete`)
  const inDeleted = await client.post(`/t/${threadId}/replies`, { body: 'Anyone there?' })
  t.equal(inDeleted.status, 410)
  t.equal((await client.get(`/t/${threadId}`)).status, 410)

  const after = await db.selectFrom('posts').select('id').execute()
  t.equal(after.length, before.length + 1, 'only the factory reply was added')
  void app
})

t.test('a locked thread takes no replies from members, but moderators may still answer', async (t) => {
  const { app, db, member, community, client } = await setup(t)
  const moderator = await createUser(db)
  const { addMember } = await import('../../src/communities/commands.js')
  await addMember(db, community.id, moderator.id, 'moderator')
  const threadId = await createThreadIn(db, community.id, member)
  await db.updateTable('threads').set({ locked: true }).where('id', '=', threadId).execute()
  const page = await client.get(`/t/${threadId}`)
  t.match(page.body, 'This thread is locked')
  t.equal((await client.post(`/t/${threadId}/replies`, { body: 'Let me add' })).status, 403)
  const mod = new Client(app)
  await logIn(mod, moderator.email, moderator.password)
  await mod.get(`/t/${threadId}`)
  t.equal((await mod.post(`/t/${threadId}/replies`, { body: 'Closing note from the moderator' })).status, 303)
})

t.test('preview renders without saving, in place and as a round trip', async (t) => {
  const { db, member, community, client } = await setup(t)
  const threadId = await createThreadIn(db, community.id, member)
  await client.get(`/t/${threadId}`)
  const roundTrip = await client.post(`/t/${threadId}/replies`, { body: 'Is this **right**?', preview: '1' })
  t.equal(roundTrip.status, 200)
  t.match(roundTrip.body, /class="preview"[\s\S]*<strong>right<\/strong>/)
  t.match(roundTrip.body, 'Is this **right**?</textarea>', 'the text stays in the form')
  const inPlace = await client.post('/preview', { body: '[link](https://example.org)' })
  t.match(inPlace.body, 'rel=\\"nofollow ugc noopener\\"')
  const replies = await db.selectFrom('posts').select('id').where('thread_id', '=', threadId).execute()
  t.equal(replies.length, 0, 'nothing was posted')
})
