// An email about a reply that waits in the outbox (SMTP away, or simply not drained yet) is withdrawn when a moderator
// hides the reply, in the same transaction: the excerpt of hidden content never goes out afterwards.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { createCommunityWith, createThreadIn, createUser } from '../helpers/factories.js'
import { loggedIn } from '../helpers/moderation.js'
import { startSmtp } from '../helpers/smtp.js'

t.test('hiding a reply withdraws the reply email still waiting in the outbox', async (t) => {
  const smtp = await startSmtp(t)
  const { app, db } = await buildTestApp(t, {
    config: { mail: { smtpUrl: smtp.url, from: 'Kring <kring@example.test>', concurrency: 2 } },
  })
  const ana = await createUser(db, { displayName: 'Ana Starter', email: 'ana@example.test' })
  const bea = await createUser(db, { displayName: 'Bea Replier', email: 'bea@example.test' })
  const mod = await createUser(db, { displayName: 'Mo Derator', email: 'mod@example.test' })
  const community = await createCommunityWith(db, { members: [ana, bea, mod], moderators: [mod] })
  const threadId = await createThreadIn(db, community.id, ana, { title: 'Home visits' })

  const posted = await (await loggedIn(app, bea)).post(`/t/${threadId}/replies`, { body: 'My phone is 0612345678' })
  t.equal(posted.status, 303)
  const postId = Number(/\/posts\/(\d+)/.exec(posted.location!)![1])
  await app.reach.drain()
  const queued = await db
    .selectFrom('email_outbox')
    .select(['to_address', 'subject_type', 'subject_id', 'status'])
    .where('to_address', '=', 'ana@example.test')
    .execute()
  t.same(queued, [{ to_address: 'ana@example.test', subject_type: 'post', subject_id: postId, status: 'pending' }])

  const hidden = await (await loggedIn(app, mod)).post(`/mod/content/post/${postId}/hide`, { reason: 'Phone number' })
  t.equal(hidden.status, 303)
  t.equal(
    (await db.selectFrom('email_outbox').select('id').where('to_address', '=', 'ana@example.test').execute()).length,
    0,
    'the pending email about the hidden reply is gone',
  )
  await app.mail.drain()
  t.same(smtp.to('ana@example.test'), [], 'nothing about the hidden reply reaches Ana')
})

t.test("deleting one's own reply withdraws its waiting email too", async (t) => {
  const smtp = await startSmtp(t)
  const { app, db } = await buildTestApp(t, {
    config: { mail: { smtpUrl: smtp.url, from: 'Kring <kring@example.test>', concurrency: 2 } },
  })
  const ana = await createUser(db, { displayName: 'Ana Starter', email: 'ana@example.test' })
  const bea = await createUser(db, { displayName: 'Bea Replier', email: 'bea@example.test' })
  const community = await createCommunityWith(db, { members: [ana, bea] })
  const threadId = await createThreadIn(db, community.id, ana, { title: 'Home visits' })
  const client = await loggedIn(app, bea)
  const posted = await client.post(`/t/${threadId}/replies`, { body: 'Sent too soon' })
  const postId = Number(/\/posts\/(\d+)/.exec(posted.location!)![1])
  await app.reach.drain()
  t.equal((await db.selectFrom('email_outbox').select('id').execute()).length, 1, 'the reply email waits')
  t.equal((await client.post(`/posts/${postId}/delete`)).status, 303)
  await app.mail.drain()
  t.same(smtp.to('ana@example.test'), [], 'nothing about the deleted reply goes out')
})
