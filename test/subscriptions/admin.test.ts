// Subscriber addresses are personal data: /admin/subscribers is for admins only, pages by keyset and deletes for real;
// no other page (search, member directory, feeds) shows them.
import t from 'tap'
import { Client } from '../helpers/client.js'
import { createUser } from '../helpers/factories.js'
import { buildTestApp } from '../helpers/app.js'
import { loggedIn } from '../helpers/moderation.js'

async function seedSubscribers(db: Awaited<ReturnType<typeof buildTestApp>>['db'], count: number) {
  const rows = await db
    .insertInto('subscribers')
    .values(Array.from({ length: count }, (_, i) => ({ email: `reader${i}@example.test`, locale: 'en' })))
    .returning('id')
    .execute()
  await db
    .insertInto('subscriptions')
    .values(
      rows.map((row) => ({ subscriber_id: row.id, target_type: 'library' as const, status: 'confirmed' as const })),
    )
    .execute()
  return rows.map((row) => row.id)
}

t.test('visitors are sent to log in and members are refused', async (t) => {
  const { app, db } = await buildTestApp(t)
  await seedSubscribers(db, 1)
  const visitor = await new Client(app).get('/admin/subscribers')
  t.equal(visitor.status, 303)
  t.match(visitor.location, /^\/login\?next=/)
  const member = await loggedIn(app, await createUser(db))
  const page = await member.get('/admin/subscribers')
  t.equal(page.status, 403)
  t.notMatch(page.body, /reader0@example.test/)
  const ids = await db.selectFrom('subscribers').select('id').execute()
  t.equal((await member.post(`/admin/subscribers/${ids[0].id}/delete`)).status, 403)
  t.equal((await db.selectFrom('subscribers').selectAll().execute()).length, 1, 'nothing was deleted')
})

t.test('an admin pages through the subscribers and deletes one with all its subscriptions', async (t) => {
  const { app, db } = await buildTestApp(t)
  const ids = await seedSubscribers(db, 60)
  const admin = await loggedIn(app, await createUser(db, { siteRole: 'admin' }))
  const first = await admin.get('/admin/subscribers')
  t.equal(first.status, 200)
  t.equal(first.headers['cache-control'], 'no-store')
  t.match(first.body, /reader59@example.test/)
  t.notMatch(first.body, /reader9@example.test</, 'the oldest are on the next page')
  const next = /href="(\/admin\/subscribers\?before=\d+)"/.exec(first.body)?.[1]
  t.ok(next, 'a link to the next page')
  const second = await admin.get(next!)
  t.match(second.body, /reader0@example.test/)
  t.notMatch(second.body, /reader59@example.test/)
  t.equal((await admin.get('/admin/subscribers?before=abc')).status, 400)

  const deleted = await admin.post(`/admin/subscribers/${ids[0]}/delete`)
  t.equal(deleted.status, 303)
  const after = await admin.get(deleted.location!)
  t.match(after.body, /The subscriber and all their subscriptions are deleted/)
  t.equal((await db.selectFrom('subscribers').where('id', '=', ids[0]).selectAll().execute()).length, 0)
  t.equal((await db.selectFrom('subscriptions').where('subscriber_id', '=', ids[0]).selectAll().execute()).length, 0)
  t.equal((await admin.post('/admin/subscribers/999999/delete')).status, 303, 'deleting one already gone is harmless')
})

t.test('addresses appear on no other page', async (t) => {
  const { app, db } = await buildTestApp(t)
  await seedSubscribers(db, 3)
  const admin = await loggedIn(app, await createUser(db, { siteRole: 'admin' }))
  for (const path of [
    '/',
    '/library',
    '/members',
    '/search?q=reader0',
    '/feeds/library.atom',
    '/sitemap.xml',
    '/admin',
  ]) {
    const page = await admin.get(path)
    t.notMatch(page.body, /reader\d@example.test/, path)
  }
})
