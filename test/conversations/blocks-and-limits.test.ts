// Who may not write: a member someone blocked (to them, or where they take part), a suspended or unverified member,
// and new accounts past their daily and hourly limits. Every refusal is a clear page that keeps the text.
import t from 'tap'
import { suspendUser } from '../../src/moderation/commands.js'
import { conversationLimits } from '../../src/conversations/policy.js'
import { buildTestApp } from '../helpers/app.js'
import { createCommunityWith, createUser } from '../helpers/factories.js'
import { loggedIn } from '../helpers/moderation.js'

const idOf = (location: string | undefined) => Number(/\/messages\/(\d+)/.exec(location ?? '')![1])
const cannot = 'You cannot message this member.'

t.test('a blocked member cannot write to the blocker, and nobody is told more', async (t) => {
  const { app, db } = await buildTestApp(t)
  const ana = await createUser(db, { displayName: 'Ana Blocker' })
  const bob = await createUser(db, { displayName: 'Bob Pest' })
  const cai = await createUser(db, { displayName: 'Cai Third' })
  await createCommunityWith(db, { members: [ana, bob, cai] })
  const bobClient = await loggedIn(app, bob)
  const started = await bobClient.post('/messages', {
    to: [String(ana.id), String(cai.id)],
    subject: 'Group',
    body: 'First',
  })
  const id = idOf(started.location)

  const anaClient = await loggedIn(app, ana)
  const page = await anaClient.get(`/messages/${id}`)
  t.match(page.body, 'Block Bob Pest', 'the conversation offers to block the others')
  const blocked = await anaClient.post('/settings/blocks', { user_id: String(bob.id) })
  t.equal(blocked.status, 303)
  t.equal(blocked.location, '/settings/blocks')
  const list = await anaClient.get('/settings/blocks')
  t.match(list.body, 'The member is blocked.')
  t.match(list.body, 'Bob Pest')
  t.equal((await anaClient.post('/settings/blocks', { user_id: String(bob.id) })).status, 303, 'twice is fine')
  t.match((await anaClient.get(`/messages/${id}`)).body, 'Unblock Bob Pest')

  const notifications = await db.selectFrom('notifications').select('id').where('user_id', '=', ana.id).execute()
  const reply = await bobClient.post(`/messages/${id}/replies`, { body: 'Kept reply text' })
  t.equal(reply.status, 403, 'no reply where the blocker takes part')
  t.match(reply.body, cannot)
  t.match(reply.body, 'Kept reply text')
  const start = await bobClient.post('/messages', { to: String(ana.id), subject: 'Again', body: 'Kept start text' })
  t.equal(start.status, 403, 'no new conversation with the blocker')
  t.match(start.body, cannot)
  t.match(start.body, 'Kept start text')
  const add = await bobClient.post('/messages', {
    to: [String(cai.id), String(ana.id)],
    subject: 'Add',
    body: 'Kept group text',
  })
  t.equal(add.status, 403, 'nor add them to a group')
  const after = await db.selectFrom('notifications').select('id').where('user_id', '=', ana.id).execute()
  t.equal(after.length, notifications.length, 'the blocker is not notified by them')
  t.match((await bobClient.get(`/messages/${id}`)).body, 'Block Ana Blocker', 'his page looks as before')

  // The blocker still writes; others still write to Bob.
  t.equal((await anaClient.post(`/messages/${id}/replies`, { body: 'From Ana' })).status, 303)
  const caiClient = await loggedIn(app, cai)
  t.equal((await caiClient.post('/messages', { to: String(bob.id), subject: 'Hi', body: 'Hi' })).status, 303)

  t.equal((await anaClient.post('/settings/blocks', { user_id: String(ana.id) })).status, 400, 'not oneself')
  t.equal((await anaClient.post('/settings/blocks', { user_id: '999999' })).status, 404)
  t.equal((await anaClient.post('/settings/blocks', { user_id: 'nobody' })).status, 400)

  const unblocked = await anaClient.post(`/settings/blocks/${bob.id}/delete`, {})
  t.equal(unblocked.status, 303)
  const empty = await anaClient.get('/settings/blocks')
  t.match(empty.body, 'The member is no longer blocked.')
  t.match(empty.body, 'You have not blocked anyone.')
  t.equal((await bobClient.post(`/messages/${id}/replies`, { body: 'Back' })).status, 303)
})

t.test('suspended and unverified members cannot start or reply', async (t) => {
  const { app, db } = await buildTestApp(t)
  const admin = await createUser(db, { siteRole: 'admin' })
  const ana = await createUser(db)
  const bea = await createUser(db)
  await createCommunityWith(db, { members: [ana, bea] })
  const client = await loggedIn(app, ana)
  const id = idOf((await client.post('/messages', { to: String(bea.id), subject: 'S', body: 'One' })).location)
  await suspendUser(db, { userId: ana.id, adminId: admin.id, reason: 'Spam', until: new Date(Date.now() + 864e5) })
  const reply = await client.post(`/messages/${id}/replies`, { body: 'Suspended text' })
  t.equal(reply.status, 403)
  t.match(reply.body, 'Your account is suspended: you can read, but not write.')
  t.match(reply.body, 'Suspended text')
  const start = await client.post('/messages', { to: String(bea.id), subject: 'S', body: 'Suspended start' })
  t.equal(start.status, 403)
  t.match(start.body, 'Suspended start')

  await db.updateTable('users').set({ email_verified_at: null }).where('id', '=', bea.id).execute()
  const beaClient = await loggedIn(app, bea)
  const unverified = await beaClient.post(`/messages/${id}/replies`, { body: 'Unverified text' })
  t.equal(unverified.status, 403)
  t.match(unverified.body, 'Please confirm your email address first')
  t.match(unverified.body, 'Unverified text')
  const rows = await db.selectFrom('messages').select('id').execute()
  t.equal(rows.length, 1, 'nothing was written')
})

t.test('new accounts start a few conversations a day and send a few messages an hour', async (t) => {
  const { app, db } = await buildTestApp(t)
  const ana = await createUser(db)
  const bea = await createUser(db)
  await createCommunityWith(db, { members: [ana, bea] })
  const client = await loggedIn(app, ana)
  const { conversationsPerDay, messagesPerHour } = conversationLimits.newAccount
  let id = 0
  for (let i = 0; i < conversationsPerDay; i++) {
    const started = await client.post('/messages', { to: String(bea.id), subject: `S${i}`, body: 'Hello' })
    t.equal(started.status, 303)
    id = idOf(started.location)
  }
  const refused = await client.post('/messages', { to: String(bea.id), subject: 'One more', body: 'Kept limit text' })
  t.equal(refused.status, 429)
  t.match(refused.body, `as many conversations as Kring allows in a day (${conversationsPerDay})`)
  t.match(refused.body, 'Kept limit text')

  for (let i = conversationsPerDay; i < messagesPerHour; i++)
    t.equal((await client.post(`/messages/${id}/replies`, { body: `Reply ${i}` })).status, 303)
  const tooMany = await client.post(`/messages/${id}/replies`, { body: 'Kept hourly text' })
  t.equal(tooMany.status, 429)
  t.match(tooMany.body, `as many messages as Kring allows in an hour (${messagesPerHour})`)
  t.match(tooMany.body, 'Kept hourly text')

  // An established account is past the tight limits.
  await db
    .updateTable('users')
    .set({ created_at: new Date(Date.now() - 30 * 864e5) })
    .where('id', '=', ana.id)
    .execute()
  t.equal((await client.post(`/messages/${id}/replies`, { body: 'Established' })).status, 303)
  t.equal((await client.post('/messages', { to: String(bea.id), subject: 'More', body: 'Fine' })).status, 303)
})
