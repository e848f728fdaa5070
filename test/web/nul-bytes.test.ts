import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { Client, logIn } from '../helpers/client.js'
import { createCommunityWith, createThreadIn, createUser } from '../helpers/factories.js'

// PostgreSQL refuses U+0000 in text. A NUL anywhere in a request is taken out at the edge: the rest of the text is kept.

t.test('a reply and a new thread with NUL bytes are saved without them', async (t) => {
  const { app, db } = await buildTestApp(t)
  const member = await createUser(app.db)
  const community = await createCommunityWith(app.db, { members: [member] })
  const threadId = await createThreadIn(app.db, community.id, member)
  const client = new Client(app)
  await logIn(client, member.email, member.password)

  const replied = await client.submit(`/t/${threadId}`, `/t/${threadId}/replies`, {
    body: 'We start\u0000 with a home\u0000 visit.',
  })
  t.equal(replied.status, 303)
  const reply = await db
    .selectFrom('posts')
    .select('body_md')
    .where('thread_id', '=', threadId)
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow()
  t.equal(reply.body_md, 'We start with a home visit.')

  const started = await client.submit(`/c/${community.slug}/new`, `/c/${community.slug}/new`, {
    title: 'Intake\u0000 forms',
    body: '\u0000Which ones do you use?',
  })
  t.equal(started.status, 303)
  const thread = await db
    .selectFrom('threads')
    .select(['title', 'body_md'])
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow()
  t.same(thread, { title: 'Intake forms', body_md: 'Which ones do you use?' })
})

t.test('a profile with NUL bytes in every field is saved without them', async (t) => {
  const { app, db } = await buildTestApp(t)
  const user = await createUser(app.db)
  const client = new Client(app)
  await logIn(client, user.email, user.password)
  const res = await client.submit('/settings', '/settings', {
    display_name: 'Lotte\u0000 Maes',
    organisation: 'Huis\u0000 van het Kind',
    country: 'BE\u0000',
    bio: 'Ik werk\u0000 met gezinnen.',
    locale: 'nl\u0000',
    time_zone: 'Europe/Brussels\u0000',
  })
  t.equal(res.status, 303)
  const row = await db
    .selectFrom('users')
    .select(['display_name', 'organisation', 'country', 'bio', 'locale', 'time_zone'])
    .where('id', '=', user.id)
    .executeTakeFirstOrThrow()
  t.same(row, {
    display_name: 'Lotte Maes',
    organisation: 'Huis van het Kind',
    country: 'BE',
    bio: 'Ik werk met gezinnen.',
    locale: 'nl',
    time_zone: 'Europe/Brussels',
  })
})

t.test('NUL in a query parameter or a path segment answers the page, not a 500', async (t) => {
  const { app } = await buildTestApp(t)
  const member = await createUser(app.db)
  const community = await createCommunityWith(app.db, { members: [member] })
  const threadId = await createThreadIn(app.db, community.id, member, { title: 'Home visits in winter' })
  const client = new Client(app)

  const search = await client.get('/search?q=home%00%20visits')
  t.equal(search.status, 200)
  t.match(search.body, 'value="home visits"', 'the query is kept, without the NUL')
  const fallbackFilters = await client.get('/search?q=%00&type=%00thread&community=%00')
  t.not(fallbackFilters.status, 500)
  t.ok(fallbackFilters.status < 500, `search filters: ${fallbackFilters.status}`)

  const thread = await client.get(`/t/${threadId}%00`)
  t.equal(thread.status, 200, 'the thread path with a NUL still finds the thread')
  t.match(thread.body, 'Home visits in winter')
  const communityPage = await client.get(`/c/${community.slug}%00`)
  t.equal(communityPage.status, 200)
  const members = await client.get(`/members?q=%00x&country=%00`)
  t.ok(members.status < 500, `member directory: ${members.status}`)
  const library = await client.get('/library/%00nothing')
  t.equal(library.status, 404)
})

t.test('NUL in a login or registration form keeps the form working', async (t) => {
  const { app, db } = await buildTestApp(t)
  const client = new Client(app)
  const registered = await client.submit('/register', '/register', {
    email: 'nul\u0000@example.org',
    display_name: 'Nul\u0000 Byte',
    password: 'a long enough password',
  })
  t.equal(registered.status, 303)
  const user = await db.selectFrom('users').select(['email', 'display_name']).executeTakeFirstOrThrow()
  t.same(user, { email: 'nul@example.org', display_name: 'Nul Byte' })
  const stranger = new Client(app)
  const login = await stranger.submit('/login', '/login', { email: '\u0000nul@example.org', password: 'wrong\u0000' })
  t.equal(login.status, 401, 'a wrong password is a wrong password')
  t.match(login.body, 'value="nul@example.org"', 'the email is kept in the form')
})
