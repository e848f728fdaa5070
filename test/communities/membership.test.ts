import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { Client, decodeEntities, logIn } from '../helpers/client.js'
import { createCommunityWith, createUser } from '../helpers/factories.js'

t.test('the directory shows name, description, member count and activity; members-only only to members', async (t) => {
  const { app, db } = await buildTestApp(t)
  const member = await createUser(db)
  await createCommunityWith(db, { slug: 'homeshare', name: 'Homeshare Network', members: [member] })
  await createCommunityWith(db, {
    slug: 'coordinators',
    name: 'Coordinators Circle',
    visibility: 'members',
    members: [member],
  })
  const visitor = await new Client(app).get('/communities')
  t.match(visitor.body, 'Homeshare Network')
  t.match(visitor.body, '1 member')
  t.match(visitor.body, 'A community for <strong>testing</strong>.')
  t.notMatch(visitor.body, 'Coordinators Circle')
  const client = new Client(app)
  await logIn(client, member.email, member.password)
  const mine = await client.get('/communities')
  t.match(mine.body, 'Coordinators Circle')
  t.match(mine.body, 'Members only')
})

t.test('an open community is joined with one click and left again', async (t) => {
  const { app, db } = await buildTestApp(t)
  const moderator = await createUser(db)
  const newcomer = await createUser(db)
  const community = await createCommunityWith(db, { moderators: [moderator] })
  const client = new Client(app)
  await logIn(client, newcomer.email, newcomer.password)
  const page = await client.get(`/c/${community.slug}`)
  t.match(page.body, 'Join this community')
  t.equal((await client.post(`/c/${community.slug}/join`)).status, 303)
  const joined = await client.get(`/c/${community.slug}`)
  t.match(joined.body, 'You are now a member')
  t.match(joined.body, 'Start a thread')
  t.match(joined.body, '2 members')
  await client.post(`/c/${community.slug}/join`)
  t.match((await client.get(`/c/${community.slug}`)).body, 'You are already a member.', 'joining twice changes nothing')
  t.equal((await client.post(`/c/${community.slug}/leave`)).status, 303)
  const left = await client.get(`/c/${community.slug}`)
  t.match(left.body, 'You left the community.')
  t.match(left.body, '1 member')

  const mod = new Client(app)
  await logIn(mod, moderator.email, moderator.password)
  await mod.get(`/c/${community.slug}`)
  const lastMod = await mod.post(`/c/${community.slug}/leave`)
  t.equal(lastMod.status, 403, 'the last moderator cannot leave')
  t.match(lastMod.body, 'last moderator')
})

t.test('requests to join are approved or declined with a reason', async (t) => {
  const { app, db } = await buildTestApp(t)
  const moderator = await createUser(db)
  const asker = await createUser(db, { displayName: 'Asker One' })
  const second = await createUser(db, { displayName: 'Asker Two' })
  const community = await createCommunityWith(db, {
    visibility: 'members',
    joinPolicy: 'request',
    moderators: [moderator],
  })

  // A members-only community on request: outsiders see nothing of it, so they ask through an invitation or a link a member shares.
  const outsider = new Client(app)
  await logIn(outsider, asker.email, asker.password)
  t.equal((await outsider.get(`/c/${community.slug}`)).status, 404)
  const publicOne = await createCommunityWith(db, { joinPolicy: 'request', moderators: [moderator] })
  await outsider.get(`/c/${publicOne.slug}`)
  t.equal((await outsider.post(`/c/${publicOne.slug}/join`, { note: 'I coordinate a centre in Leuven.' })).status, 303)
  t.match((await outsider.get(`/c/${publicOne.slug}`)).body, 'Your request to join is waiting for a moderator.')
  const other = new Client(app)
  await logIn(other, second.email, second.password)
  await other.get(`/c/${publicOne.slug}`)
  await other.post(`/c/${publicOne.slug}/join`, { note: '' })

  const mod = new Client(app)
  await logIn(mod, moderator.email, moderator.password)
  const queue = await mod.get(`/c/${publicOne.slug}/members`)
  t.match(queue.body, 'Asker One')
  t.match(queue.body, 'I coordinate a centre in Leuven.')
  t.equal(
    (await mod.post(`/c/${publicOne.slug}/requests/${asker.id}`, { decision: 'approve', reason: '' })).status,
    303,
  )
  t.equal(
    (
      await mod.post(`/c/${publicOne.slug}/requests/${second.id}`, {
        decision: 'decline',
        reason: 'This circle is for coordinators only.',
      })
    ).status,
    303,
  )
  t.match((await outsider.get(`/c/${publicOne.slug}`)).body, 'Start a thread')
  const declined = await other.get(`/c/${publicOne.slug}`)
  t.match(declined.body, 'Your earlier request was declined.')
  t.match(declined.body, 'This circle is for coordinators only.')

  const nobody = new Client(app)
  await logIn(nobody, second.email, second.password)
  await nobody.get(`/c/${publicOne.slug}`)
  t.equal(
    (await nobody.post(`/c/${publicOne.slug}/requests/${asker.id}`, { decision: 'approve' })).status,
    403,
    'only moderators decide',
  )
})

t.test('invitation links expire and run out', async (t) => {
  const { app, db } = await buildTestApp(t)
  const moderator = await createUser(db)
  const [first, second, third] = [await createUser(db), await createUser(db), await createUser(db)]
  const community = await createCommunityWith(db, {
    visibility: 'members',
    joinPolicy: 'invite',
    moderators: [moderator],
  })
  const mod = new Client(app)
  await logIn(mod, moderator.email, moderator.password)
  await mod.get(`/c/${community.slug}/invites`)
  const bad = await mod.post(`/c/${community.slug}/invites`, { days: '0', max_uses: '9999' })
  t.equal(bad.status, 422)
  t.match(bad.body, 'Choose between 1 and 90 days.')
  const made = await mod.post(`/c/${community.slug}/invites`, { days: '7', max_uses: '2' })
  const link = decodeEntities(/id="new-link" type="text" readonly value="([^"]+)"/.exec(made.body)![1])
  const path = new URL(link).pathname
  t.match(path, /^\/invite\/[A-Za-z0-9_-]+$/)

  const join = async (user: typeof first) => {
    const c = new Client(app)
    await logIn(c, user.email, user.password)
    await c.get(path)
    return { client: c, res: await c.post(path) }
  }
  const a = await join(first)
  t.equal(a.res.location, `/c/${community.slug}`)
  t.equal(
    (await a.client.get(`/c/${community.slug}`)).status,
    200,
    'the invited member reads the members-only community',
  )
  await join(second)
  const c = await join(third)
  t.equal(c.res.status, 403, 'the third use is refused')
  t.match(c.res.body, 'used as often as allowed')

  await db
    .updateTable('community_invites')
    .set({ expires_at: new Date(Date.now() - 1000), max_uses: 100 })
    .execute()
  const late = new Client(app)
  await logIn(late, third.email, third.password)
  const expiredPage = await late.get(path)
  t.match(expiredPage.body, 'This invitation link has expired.')
  t.equal((await late.post(path)).status, 403)
  t.equal((await new Client(app).get('/invite/not-a-real-token-123')).status, 404)

  const nonMod = new Client(app)
  await logIn(nonMod, first.email, first.password)
  t.equal((await nonMod.get(`/c/${community.slug}/invites`)).status, 403, 'members do not make invitation links')
})

t.test('an admin creates and edits communities and appoints moderators', async (t) => {
  const { app, db } = await buildTestApp(t)
  const admin = await createUser(db, { siteRole: 'admin' })
  const member = await createUser(db, { displayName: 'Future Moderator' })
  const client = new Client(app)
  await logIn(client, admin.email, admin.password)
  await client.get('/admin/communities/new')
  const invalid = await client.post('/admin/communities/new', {
    name: '',
    slug: 'Bad Slug!',
    description: '',
    visibility: 'secret',
    join_policy: 'open',
  })
  t.equal(invalid.status, 422)
  t.match(invalid.body, 'Give the community a name.')
  t.match(invalid.body, 'Use lowercase letters, digits and single hyphens')
  const created = await client.post('/admin/communities/new', {
    name: 'School Absence Together',
    slug: '',
    description: 'Parents and **professionals**.',
    visibility: 'public',
    join_policy: 'open',
  })
  t.equal(created.location, '/c/school-absence-together', 'the web address is made from the name')
  const taken = await client.post('/admin/communities/new', {
    name: 'Again',
    slug: 'school-absence-together',
    description: '',
    visibility: 'public',
    join_policy: 'open',
  })
  t.equal(taken.status, 409)
  t.match(taken.body, 'already uses this web address')

  await client.get('/c/school-absence-together/edit')
  const edited = await client.post('/c/school-absence-together/edit', {
    name: 'School Absence Together',
    slug: 'school-absence',
    description: 'Updated',
    visibility: 'members',
    join_policy: 'request',
  })
  t.equal(edited.location, '/c/school-absence')
  t.equal((await new Client(app).get('/c/school-absence')).status, 404, 'now members-only')

  const { id } = await db
    .selectFrom('communities')
    .select('id')
    .where('slug', '=', 'school-absence')
    .executeTakeFirstOrThrow()
  const { addMember } = await import('../../src/communities/commands.js')
  await addMember(db, id, member.id)
  await client.get('/c/school-absence/members')
  t.equal((await client.post(`/c/school-absence/members/${member.id}/role`, { role: 'moderator' })).status, 303)
  const row = await db
    .selectFrom('community_members')
    .select('role')
    .where('user_id', '=', member.id)
    .executeTakeFirstOrThrow()
  t.equal(row.role, 'moderator')

  const plain = new Client(app)
  await logIn(plain, member.email, member.password)
  t.equal((await plain.get('/admin/communities/new')).status, 403, 'only admins create communities')
  await plain.get('/')
  t.equal(
    (await plain.post(`/c/school-absence/members/${member.id}/role`, { role: 'member' })).status,
    403,
    'only admins change roles',
  )
})
