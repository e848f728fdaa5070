// Turning a thread into a draft never cuts it: a draft over the article limit is refused (422) with the limit named
// and the moderator's choice of replies kept, so that choosing fewer makes it fit.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { Client, logIn } from '../helpers/client.js'
import { createCommunityWith, createThreadIn, createUser, replyIn } from '../helpers/factories.js'

t.test('a draft from a thread over the limit is refused with the limit named and the choice kept', async (t) => {
  const { app, db } = await buildTestApp(t)
  const moderatorUser = await createUser(db, { displayName: 'Mod Erator' })
  const member = await createUser(db, { displayName: 'Mia Member' })
  const community = await createCommunityWith(db, { moderators: [moderatorUser], members: [member] })
  const threadId = await createThreadIn(db, community.id, member, {
    title: 'A long discussion',
    body: `Opening. ${'o'.repeat(40_000)}`,
  })
  const first = await replyIn(db, threadId, member, null, `First reply. ${'f'.repeat(20_000)}`)
  const second = await replyIn(db, threadId, member, null, `Second reply. ${'s'.repeat(20_000)} The very end.`)
  const moderator = new Client(app)
  await logIn(moderator, moderatorUser.email, moderatorUser.password)
  await moderator.get(`/t/${threadId}/to-library`)

  const both = await moderator.post(`/t/${threadId}/to-library`, { replies: [String(first), String(second)] })
  t.equal(both.status, 422, 'too long for an article: refused, not cut')
  t.match(
    both.body,
    /The draft would be 80,\d{3} bytes long; the limit is 65,536 bytes \(64 KB\)\. Choose fewer replies\./,
  )
  t.match(both.body, `value="${first}" checked>`, 'the first reply is still chosen')
  t.match(both.body, `value="${second}" checked>`, 'the second too')
  t.equal((await db.selectFrom('articles').select('id').execute()).length, 0, 'and no draft was made')

  const fewer = await moderator.post(`/t/${threadId}/to-library`, { replies: String(first) })
  t.equal(fewer.status, 303, 'with one reply fewer it fits')
  const article = await db.selectFrom('articles').select('body_md').executeTakeFirstOrThrow()
  t.match(article.body_md, 'First reply.')
  t.ok(article.body_md.endsWith('f'.repeat(100)), 'the draft holds the whole chosen text')
})
