// Each new message notifies the other participants (collapsed per conversation) and emails them as replies do, per
// their settings, over real SMTP. A member who left is told nothing more, and what waited for them is withdrawn.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { createCommunityWith, createUser } from '../helpers/factories.js'
import { loggedIn } from '../helpers/moderation.js'
import { startSmtp } from '../helpers/smtp.js'

t.test('a message notifies and emails the other participants', async (t) => {
  const smtp = await startSmtp(t)
  const { app, db, config } = await buildTestApp(t, {
    config: { mail: { smtpUrl: smtp.url, from: 'Kring <kring@example.test>', concurrency: 2 } },
  })
  const ana = await createUser(db, { displayName: 'Ana Sender', email: 'ana@example.test' })
  const bea = await createUser(db, { displayName: 'Bea Reader', email: 'bea@example.test', locale: 'nl' })
  const cai = await createUser(db, { displayName: 'Cai Quiet', email: 'cai@example.test' })
  await createCommunityWith(db, { members: [ana, bea, cai] })
  await db
    .updateTable('users')
    .set({ email_preferences: JSON.stringify({ replies: 'never' }) })
    .where('id', '=', cai.id)
    .execute()

  const client = await loggedIn(app, ana)
  const started = await client.post('/messages', {
    to: [String(bea.id), String(cai.id)],
    subject: 'Visit on Friday',
    body: 'Can you **come** at 10? <b>x</b>',
  })
  t.equal(started.status, 303)
  const [, id, messageId] = /\/messages\/(\d+)#message-(\d+)/.exec(started.location!)!
  t.same(await app.mail.drain(), { sent: 1, failed: 0 }, 'one email: Cai wants no email for replies')
  await smtp.waitFor(1)
  const [toBea] = smtp.to('bea@example.test')
  t.ok(toBea)
  t.equal(toBea!.parsed.subject, 'Ana Sender stuurde je een bericht in “Visit on Friday”', 'in her language')
  const text = toBea!.parsed.text ?? ''
  t.match(text, 'Can you come at 10?', 'a plain excerpt of the message')
  t.notMatch(text, '**')
  t.match(text, `${config.publicUrl}/messages/${id}#message-${messageId}`)
  t.equal(smtp.to('ana@example.test').length, 0, 'not the sender')

  const caiClient = await loggedIn(app, cai)
  const caiNotes = await caiClient.get('/notifications')
  t.match(caiNotes.body, 'Ana Sender sent you a message in “Visit on Friday”', 'in the bell all the same')

  await client.post(`/messages/${id}/replies`, { body: 'Or at 11.' })
  const collapsed = await caiClient.get('/notifications')
  t.match(collapsed.body, '2 new messages in “Visit on Friday”', 'collapsed per conversation')

  // Cai leaves: nothing more for him; an email waiting for Bea about a message she can no longer read is withdrawn.
  await caiClient.post(`/messages/${id}/leave`, {})
  const gone = await caiClient.get('/notifications')
  t.notMatch(gone.body, 'Visit on Friday', 'the notifications of a conversation one left are gone')
  await client.post(`/messages/${id}/replies`, { body: 'Third one' })
  const beaClient = await loggedIn(app, bea)
  await beaClient.post(`/messages/${id}/leave`, {})
  const waiting = await db
    .selectFrom('email_outbox')
    .select('id')
    .where('status', '=', 'pending')
    .where('user_id', '=', bea.id)
    .execute()
  t.equal(waiting.length, 0, 'the pending email to Bea was withdrawn when she left')
  const caiCount = await db
    .selectFrom('notifications')
    .select('count')
    .where('user_id', '=', cai.id)
    .where('kind', '=', 'message')
    .executeTakeFirstOrThrow()
  t.equal(caiCount.count, 2, 'no notification after leaving')
})
