// The permission matrix: visitor, non-member, member, moderator, admin × read, post, reply, edit, delete,
// in a public and a members-only community, through the real HTTP interface.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { Client, logIn } from '../helpers/client.js'
import { createCommunityWith, createThreadIn, createUser, replyIn, type TestUser } from '../helpers/factories.js'

type Role = 'visitor' | 'non-member' | 'member' | 'moderator' | 'admin'
const roles: Role[] = ['visitor', 'non-member', 'member', 'moderator', 'admin']

t.test('permission matrix', async (t) => {
  const { app, db } = await buildTestApp(t)
  const people: Record<Exclude<Role, 'visitor'>, TestUser> = {
    'non-member': await createUser(db, { displayName: 'Outsider' }),
    member: await createUser(db, { displayName: 'Member' }),
    moderator: await createUser(db, { displayName: 'Moderator' }),
    admin: await createUser(db, { displayName: 'Admin', siteRole: 'admin' }),
  }
  const author = await createUser(db, { displayName: 'Original Author' })
  const clients = new Map<Role, Client>()
  for (const role of roles) {
    const client = new Client(app)
    if (role !== 'visitor') await logIn(client, people[role].email, people[role].password)
    clients.set(role, client)
  }

  for (const visibility of ['public', 'members'] as const) {
    const community = await createCommunityWith(db, {
      visibility,
      moderators: [people.moderator],
      members: [people.member, author],
    })
    const threadId = await createThreadIn(db, community.id, author, { title: `Thread in ${visibility}` })

    for (const role of roles) {
      const client = clients.get(role)!
      const label = `${role} in a ${visibility} community`
      const mayRead = visibility === 'public' || role === 'member' || role === 'moderator' || role === 'admin'
      const mayWrite = role === 'member' || role === 'moderator' || role === 'admin'
      const mayModerate = role === 'moderator' || role === 'admin'

      // read
      const communityPage = await client.get(`/c/${community.slug}`)
      t.equal(communityPage.status, mayRead ? 200 : 404, `${label}: community page`)
      const threadPage = await client.get(`/t/${threadId}`)
      t.equal(threadPage.status, mayRead ? 200 : 404, `${label}: thread page`)
      if (!mayRead) t.notMatch(threadPage.body, `Thread in ${visibility}`, `${label}: no hint of the content`)
      const directory = await client.get('/communities')
      t.equal(directory.body.includes(`/c/${community.slug}"`), mayRead, `${label}: listed in the directory`)
      if (mayRead && !mayWrite) {
        t.match(
          threadPage.body,
          role === 'visitor' ? 'Log in to reply.' : 'Join this community to reply.',
          `${label}: told what to do`,
        )
      }

      // post a thread
      const newForm = await client.get(`/c/${community.slug}/new`)
      t.equal(
        newForm.status,
        role === 'visitor' ? 303 : mayWrite ? 200 : mayRead ? 403 : 404,
        `${label}: new thread form`,
      )
      await client.get('/')
      const posted = await client.post(`/c/${community.slug}/new`, { title: `New by ${role}`, body: 'Hello there' })
      t.equal(
        posted.status,
        role === 'visitor' ? 401 : mayWrite ? 303 : mayRead ? 403 : 404,
        `${label}: start a thread`,
      )

      // reply
      await client.get('/')
      const replied = await client.post(`/t/${threadId}/replies`, { body: `Reply by ${role}` })
      t.equal(replied.status, role === 'visitor' ? 401 : mayWrite ? 303 : mayRead ? 403 : 404, `${label}: reply`)

      // edit and delete someone else's reply
      const othersReply = await replyIn(db, threadId, author, null, `Reply by the author for ${role}`)
      await client.get('/')
      const editOther = await client.edit(`/posts/${othersReply}/edit`, { body: 'Changed by someone else' })
      t.equal(
        editOther.status,
        role === 'visitor' ? 401 : mayModerate ? 303 : mayRead ? 403 : 404,
        `${label}: edit another's reply`,
      )
      const deleteOther = await client.post(`/posts/${othersReply}/delete`)
      t.equal(
        deleteOther.status,
        role === 'visitor' ? 401 : mayModerate ? 303 : mayRead ? 403 : 404,
        `${label}: delete another's reply`,
      )
      const row = await db
        .selectFrom('posts')
        .select(['body_md', 'status'])
        .where('id', '=', othersReply)
        .executeTakeFirstOrThrow()
      t.equal(row.status, mayModerate ? 'deleted' : 'visible', `${label}: the reply's state`)
      if (!mayModerate) t.equal(row.body_md, `Reply by the author for ${role}`, `${label}: nothing changed`)

      // edit and delete one's own reply
      if (mayWrite) {
        const own = await replyIn(db, threadId, people[role as Exclude<Role, 'visitor'>], null, 'My own words')
        await client.get('/')
        t.equal(
          (await client.edit(`/posts/${own}/edit`, { body: 'My own words, improved' })).status,
          303,
          `${label}: edit own reply`,
        )
        t.equal((await client.post(`/posts/${own}/delete`)).status, 303, `${label}: delete own reply`)
      }
    }
  }
})

t.test('a member who left can no longer write, and a suspended member only reads', async (t) => {
  const { app, db } = await buildTestApp(t)
  const member = await createUser(db)
  const moderator = await createUser(db)
  const community = await createCommunityWith(db, { moderators: [moderator], members: [member] })
  const threadId = await createThreadIn(db, community.id, moderator)
  const client = new Client(app)
  await logIn(client, member.email, member.password)
  await client.get(`/c/${community.slug}`)
  t.equal((await client.post(`/c/${community.slug}/leave`)).status, 303)
  await client.get('/')
  t.equal((await client.post(`/t/${threadId}/replies`, { body: 'Still here?' })).status, 403)

  await db
    .updateTable('users')
    .set({ status: 'suspended', suspended_until: null })
    .where('id', '=', moderator.id)
    .execute()
  const suspended = new Client(app)
  await logIn(suspended, moderator.email, moderator.password)
  const page = await suspended.get(`/t/${threadId}`)
  t.equal(page.status, 200, 'a suspended member still reads')
  t.match(page.body, 'Your account is suspended')
  t.equal((await suspended.post(`/t/${threadId}/replies`, { body: 'Let me in' })).status, 403)
})
