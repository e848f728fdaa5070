// A participant flags a private message: admins (site moderators) see that message only in the queue, never the rest
// of the conversation, and hide or restore it; the author sees it hidden with the reason, the others no longer see it.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { createCommunityWith, createUser } from '../helpers/factories.js'
import { loggedIn } from '../helpers/moderation.js'

t.test('a flagged message goes to the admins, alone, and can be hidden and restored', async (t) => {
  const { app, db } = await buildTestApp(t)
  const ana = await createUser(db, { displayName: 'Ana Flagger' })
  const rob = await createUser(db, { displayName: 'Rob Rude' })
  const eve = await createUser(db, { displayName: 'Eve Else' })
  const admin = await createUser(db, { displayName: 'Ada Admin', siteRole: 'admin' })
  const moderator = await createUser(db, { displayName: 'Mo Community' })
  await createCommunityWith(db, { members: [ana, rob, eve], moderators: [moderator] })
  const anaClient = await loggedIn(app, ana)
  const started = await anaClient.post('/messages', {
    to: String(rob.id),
    subject: 'Private matter',
    body: 'A private first message about Mrs K.',
  })
  const id = Number(/\/messages\/(\d+)/.exec(started.location!)![1])
  const robClient = await loggedIn(app, rob)
  const sent = await robClient.post(`/messages/${id}/replies`, { body: 'Something rude and hurtful' })
  const messageId = Number(/#message-(\d+)/.exec(sent.location!)![1])

  const page = await anaClient.get(`/messages/${id}`)
  t.match(page.body, `name="target_type" value="message"><input type="hidden" name="target_id" value="${messageId}"`)
  const eveClient = await loggedIn(app, eve)
  const outsider = await eveClient.post('/flags', {
    target_type: 'message',
    target_id: String(messageId),
    reason: 'abuse',
  })
  t.equal(outsider.status, 404, 'only participants can flag it')
  const own = await robClient.post('/flags', { target_type: 'message', target_id: String(messageId), reason: 'spam' })
  t.equal(own.status, 400, 'not one’s own')

  const flagged = await anaClient.post('/flags', {
    target_type: 'message',
    target_id: String(messageId),
    reason: 'abuse',
    note: 'Please look',
  })
  t.equal(flagged.status, 303)
  t.equal(flagged.location, `/messages/${id}`)

  const adminClient = await loggedIn(app, admin)
  const queue = await adminClient.get('/mod')
  t.match(queue.body, 'Private message in “Private matter”')
  t.match(queue.body, 'Something rude and hurtful', 'the flagged message')
  t.match(queue.body, 'Rob Rude')
  t.notMatch(queue.body, 'A private first message', 'nothing else of the conversation')
  t.notMatch(queue.body, `href="/messages/${id}`, 'and no link into it')
  t.equal((await adminClient.get(`/messages/${id}`)).status, 404, 'the admin cannot open the conversation')
  const moderatorClient = await loggedIn(app, moderator)
  t.notMatch((await moderatorClient.get('/mod')).body, 'Something rude', 'a community moderator does not review it')
  const refused = await moderatorClient.post(`/mod/content/message/${messageId}/hide`, { reason: 'No' })
  t.equal(refused.status, 403)

  const item = await db
    .selectFrom('review_items')
    .select('id')
    .where('target_type', '=', 'message')
    .where('target_id', '=', messageId)
    .executeTakeFirstOrThrow()
  const hidden = await adminClient.post(`/mod/items/${item.id}`, { action: 'hide', reason: 'Abusive language' })
  t.equal(hidden.status, 303)
  const anaView = await anaClient.get(`/messages/${id}`)
  t.notMatch(anaView.body, 'Something rude', 'hidden from the other participants')
  const robView = await robClient.get(`/messages/${id}`)
  t.match(robView.body, 'Something rude', 'its author still sees it')
  t.match(robView.body, 'A moderator hid this message; only you see it. Reason: Abusive language')
  const robNotes = await robClient.get('/notifications')
  t.match(robNotes.body, 'Private matter', 'the author is told')
  const log = await adminClient.get('/mod/log')
  t.match(log.body, 'Private message in “Private matter”', 'the log names it')

  const restored = await adminClient.post(`/mod/content/message/${messageId}/restore`, { reason: 'On second thought' })
  t.equal(restored.status, 303)
  t.equal(restored.location, '/mod')
  t.match((await anaClient.get(`/messages/${id}`)).body, 'Something rude', 'back for everyone')
  const again = await adminClient.post(`/mod/content/message/${messageId}/hide`, { reason: 'Hide again' })
  t.equal(again.status, 303)
  t.notMatch((await anaClient.get(`/messages/${id}`)).body, 'Something rude')
})
