import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { Client, logIn } from '../helpers/client.js'
import { createCommunityWith, createThreadIn, createUser, replyIn } from '../helpers/factories.js'

t.test('the home page shows recent activity from the communities the viewer may read', async (t) => {
  const { app, db } = await buildTestApp(t)
  const member = await createUser(db)
  const open = await createCommunityWith(db, { name: 'Open Circle', members: [member] })
  const closed = await createCommunityWith(db, { name: 'Closed Circle', visibility: 'members', members: [member] })
  const older = await createThreadIn(db, open.id, member, { title: 'Public conversation' })
  await createThreadIn(db, closed.id, member, { title: 'Private conversation' })
  await replyIn(db, older, member)

  const visitor = await new Client(app).get('/')
  t.match(visitor.body, 'Recent activity')
  t.match(visitor.body, 'Public conversation')
  t.notMatch(visitor.body, 'Private conversation')
  const client = new Client(app)
  await logIn(client, member.email, member.password)
  const home = await client.get('/')
  t.match(home.body, /Public conversation[\s\S]*Private conversation/, 'most recent activity first')
})

t.test('admins manage themes with a label per language', async (t) => {
  const { app, db } = await buildTestApp(t)
  const admin = await createUser(db, { siteRole: 'admin' })
  const client = new Client(app)
  await logIn(client, admin.email, admin.password)
  await client.get('/admin/themes')
  t.equal(
    (await client.post('/admin/themes', { slug: 'participation', label_en: 'Participation', label_nl: 'Participatie' }))
      .status,
    303,
  )
  const dupe = await client.post('/admin/themes', { slug: 'participation', label_en: 'Again', label_nl: '' })
  t.equal(dupe.status, 409)
  t.match(dupe.body, 'A theme with this web address already exists.')
  t.equal((await client.post('/admin/themes', { slug: 'x y', label_en: 'Bad', label_nl: '' })).status, 422)
  t.equal(
    (await client.post('/admin/themes', { slug: 'no-english', label_en: '', label_nl: 'Alleen Nederlands' })).status,
    422,
  )

  const { id } = await db.selectFrom('tags').select('id').where('slug', '=', 'participation').executeTakeFirstOrThrow()
  t.equal(
    (
      await client.post(`/admin/themes/${id}`, {
        label_en: 'Participation of citizens',
        label_nl: 'Burgerparticipatie',
      })
    ).status,
    303,
  )
  const community = await createCommunityWith(db, { members: [admin] })
  await client.get(`/c/${community.slug}/new`)
  const created = await client.post(`/c/${community.slug}/new`, {
    title: 'Tagged',
    body: 'Body',
    themes: 'participation',
  })
  const threadPage = created.location!
  t.match(
    (await new Client(app).get(threadPage, { 'accept-language': 'nl' })).body,
    '>Burgerparticipatie</a>',
    'Dutch readers see the Dutch label',
  )
  t.match((await new Client(app).get(threadPage)).body, '>Participation of citizens</a>')

  const member = await createUser(db)
  const plain = new Client(app)
  await logIn(plain, member.email, member.password)
  t.equal((await plain.get('/admin/themes')).status, 403)
})
