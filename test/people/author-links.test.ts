// Author names link to profiles on the main pages (thread, library article and comments, meeting questions, moderation
// queue), the same for every visitor; a member's hidden organisation and country leave the thread page too.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { Client } from '../helpers/client.js'
import { createCommunityWith, createThreadIn, createUser, replyIn } from '../helpers/factories.js'
import { loggedIn } from '../helpers/moderation.js'

const link = (id: number, name: string) => `<a href="/u/${id}" class="person">${name}</a>`

t.test('thread pages link the opening post and replies to their authors', async (t) => {
  const { app, db } = await buildTestApp(t)
  const author = await createUser(db, { displayName: 'Tess Author' })
  const replier = await createUser(db, { displayName: 'Rik Replier' })
  const community = await createCommunityWith(db, { members: [author, replier] })
  await db.updateTable('users').set({ organisation: 'Hidden Org', country: 'FR' }).where('id', '=', author.id).execute()
  const threadId = await createThreadIn(db, community.id, author)
  await replyIn(db, threadId, replier)

  const first = await new Client(app).get(`/t/${threadId}`)
  const second = await new Client(app).get(`/t/${threadId}`)
  t.equal(first.status, 200)
  for (const page of [first, second]) {
    t.match(page.body, link(author.id, 'Tess Author'))
    t.match(page.body, link(replier.id, 'Rik Replier'))
  }
  t.match(first.body, 'Hidden Org')

  await db
    .updateTable('users')
    .set({ show_organisation: false, show_country: false })
    .where('id', '=', author.id)
    .execute()
  const after = await new Client(app).get(`/t/${threadId}`)
  t.notMatch(after.body, 'Hidden Org', 'the kept visitor page follows the member’s choice at once')
  t.notMatch(after.body, 'France')
  const member = await loggedIn(app, replier)
  t.notMatch((await member.get(`/t/${threadId}`)).body, 'Hidden Org')
})

t.test('the profile lists only the posts the viewer may read', async (t) => {
  const { app, db } = await buildTestApp(t)
  const author = await createUser(db, { displayName: 'Pam Poster' })
  const outsider = await createUser(db)
  await db.updateTable('users').set({ profile_visibility: 'public' }).where('id', '=', author.id).execute()
  const open = await createCommunityWith(db, { members: [author] })
  const closed = await createCommunityWith(db, { visibility: 'members', members: [author] })
  const openThread = await createThreadIn(db, open.id, author, { title: 'Open thread title' })
  await createThreadIn(db, closed.id, author, { title: 'Closed thread title' })
  const hiddenThread = await createThreadIn(db, open.id, author, { title: 'Hidden thread title' })
  await db.updateTable('threads').set({ status: 'hidden' }).where('id', '=', hiddenThread).execute()
  await replyIn(db, openThread, author, null, 'A visible reply')

  const visitor = await new Client(app).get(`/u/${author.id}`)
  t.match(visitor.body, 'Open thread title')
  t.match(visitor.body, 'Reply in “Open thread title”')
  t.notMatch(visitor.body, 'Closed thread title')
  t.notMatch(visitor.body, 'Hidden thread title')
  t.notMatch(visitor.body, closed.slug, 'a members-only community is not named to outsiders')
  const stranger = await loggedIn(app, outsider)
  t.notMatch((await stranger.get(`/u/${author.id}`)).body, 'Closed thread title')
  const self = await loggedIn(app, author)
  const own = await self.get(`/u/${author.id}`)
  t.match(own.body, 'Closed thread title', 'a fellow member (here: themself) sees it')
  t.match(own.body, `/c/${closed.slug}`)
  t.notMatch(own.body, 'Hidden thread title')
})
