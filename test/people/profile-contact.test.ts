// A profile is where one reaches a member: "Send a message" (to someone who shares a community, as /messages allows)
// and block or unblock, never on one's own profile or for visitors.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { createCommunityWith, createUser } from '../helpers/factories.js'
import { loggedIn } from '../helpers/moderation.js'

t.test('message and block from a profile', async (t) => {
  const { app, db } = await buildTestApp(t)
  const greta = await createUser(db, { displayName: 'Greta Vogel' })
  const lena = await createUser(db, { displayName: 'Lena Schmidt' })
  const stranger = await createUser(db, { displayName: 'Sam Stranger' })
  await createCommunityWith(db, { members: [greta, lena] })
  await db.updateTable('users').set({ profile_visibility: 'members' }).where('id', '=', greta.id).execute()

  const client = await loggedIn(app, lena)
  const page = await client.get(`/u/${greta.id}`)
  t.equal(page.status, 200)
  t.match(
    page.body,
    `href="/messages/new?to=${greta.id}">Send a message</a>`,
    'a member of the same community may write',
  )
  t.match(page.body, 'Block Greta Vogel')
  const compose = await client.get(`/messages/new?to=${greta.id}`)
  t.match(compose.body, 'Greta Vogel', 'the link opens a new conversation addressed to her')

  const blocked = await client.post('/settings/blocks', { user_id: String(greta.id) })
  t.equal(blocked.status, 303)
  const afterBlock = await client.get(`/u/${greta.id}`)
  t.match(afterBlock.body, 'Unblock Greta Vogel', 'the profile offers to undo the block')
  t.notMatch(afterBlock.body, 'Send a message', 'no message to someone one blocked')
  t.equal((await client.post(`/settings/blocks/${greta.id}/delete`, {})).status, 303)
  t.match((await client.get(`/u/${greta.id}`)).body, 'Send a message', 'unblocked, writing is offered again')

  const own = await (await loggedIn(app, greta)).get(`/u/${greta.id}`)
  t.notMatch(own.body, 'Send a message', 'not on one’s own profile')
  t.notMatch(own.body, 'Block Greta')

  const other = await (await loggedIn(app, stranger)).get(`/u/${greta.id}`)
  t.equal(other.status, 200, 'the profile is open to all members')
  t.notMatch(other.body, 'Send a message', 'someone who shares no community with her is not offered to write')
  t.match(other.body, 'Block Greta Vogel', 'but may block her')

  await db.updateTable('users').set({ profile_visibility: 'public' }).where('id', '=', greta.id).execute()
  const visitor = await app.inject({ url: `/u/${greta.id}` })
  t.equal(visitor.statusCode, 200)
  t.notMatch(visitor.body, 'Send a message', 'visitors are not offered to write')
  t.notMatch(visitor.body, 'Block Greta')
})
