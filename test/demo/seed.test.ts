import t from 'tap'
import { demoAdmin, demoMemberPassword, recreateDemo, seedDemoIfEmpty } from '../../src/demo/seed.js'
import { buildTestApp } from '../helpers/app.js'
import { Client, logIn } from '../helpers/client.js'
import { createUser } from '../helpers/factories.js'

const quiet = { info: () => {} }

t.test('an empty install gets the demo, and the README credentials work', async (t) => {
  const { app, db } = await buildTestApp(t)
  t.equal(await seedDemoIfEmpty(db, quiet), true)
  const users = await db.selectFrom('users').select(['email', 'site_role', 'locale', 'is_demo']).orderBy('id').execute()
  t.ok(users.length >= 4, 'a few people to meet')
  t.ok(users.every((u) => u.is_demo))
  t.same(new Set(users.map((u) => u.locale)), new Set(['en', 'nl']), 'in English and Dutch')
  t.equal(users.find((u) => u.email === demoAdmin.email)?.site_role, 'admin')

  const admin = new Client(app)
  await logIn(admin, demoAdmin.email, demoAdmin.password)
  t.match((await admin.get('/')).body, 'Anouk Vermeulen')
  const member = new Client(app)
  await logIn(member, 'sofia@kring.example', demoMemberPassword)

  const communities = await db.selectFrom('communities').select(['slug', 'visibility', 'thread_count']).execute()
  t.ok(communities.length >= 2, 'a few communities')
  t.ok(communities.some((c) => c.visibility === 'members') && communities.some((c) => c.visibility === 'public'), 'one public, one members-only')
  t.ok(communities.every((c) => c.thread_count >= 3), 'each with threads')
  const nested = await db.selectFrom('posts').select('id').where('depth', '>=', 3).execute()
  t.ok(nested.length > 0, 'with replies nested several levels deep')
  const visitor = await new Client(app).get('/')
  t.match(visitor.body, 'Recent activity')
  t.match(visitor.body, /href="\/t\/\d+"/, 'a visitor sees a living site')
})

t.test('the demo is not seeded into a database that has people in it', async (t) => {
  const { db } = await buildTestApp(t)
  await createUser(db)
  t.equal(await seedDemoIfEmpty(db, quiet), false)
  t.equal((await db.selectFrom('users').select('id').execute()).length, 1)
})

t.test('re-creating the demo replaces only demo content', async (t) => {
  const { db } = await buildTestApp(t)
  const real = await createUser(db, { email: 'real.person@example.org' })
  await seedDemoIfEmpty(db, quiet)
  await db.updateTable('users').set({ display_name: 'Vandalised' }).where('email', '=', demoAdmin.email).execute()
  await recreateDemo(db)
  const admin = await db.selectFrom('users').select('display_name').where('email', '=', demoAdmin.email).executeTakeFirstOrThrow()
  t.equal(admin.display_name, 'Anouk Vermeulen')
  t.ok(await db.selectFrom('users').select('id').where('id', '=', real.id).executeTakeFirst(), 'real accounts stay')
})
