import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { Client, logIn } from '../helpers/client.js'
import { createUser } from '../helpers/factories.js'

t.test('a logged-in page reads the session and its user in one query, and never a stale or foreign user', async (t) => {
  const { app, db, database } = await buildTestApp(t)
  const noor = await createUser(db, { displayName: 'Noor Jacobs' })
  const bram = await createUser(db, { displayName: 'Bram Peeters' })
  const asNoor = new Client(app)
  const asBram = new Client(app)
  await logIn(asNoor, noor.email, noor.password)
  await logIn(asBram, bram.email, bram.password)

  database.queries.reset()
  const page = await asNoor.get('/communities')
  t.equal(page.status, 200)
  t.match(page.body, 'Noor Jacobs')
  const sessionReads = database.queries.sql.filter((q) => /from "sessions"/.test(q))
  t.equal(sessionReads.length, 1, 'one query for the session')
  t.match(sessionReads[0], /join "users"/, 'which brings the user along')
  t.notOk(
    database.queries.sql.some((q) => /^select .* from "users" where "id" = \$1$/.test(q)),
    'no second query for the user',
  )

  // What the user row says now is what the next page shows.
  await db.updateTable('users').set({ display_name: 'Noor J.' }).where('id', '=', noor.id).execute()
  t.match((await asNoor.get('/communities')).body, 'Noor J.')

  // Many requests of two people at once: each page is about its own viewer.
  const pages = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? asBram : asNoor).get('/communities')))
  for (const [i, p] of pages.entries()) {
    t.equal(p.status, 200)
    if (i % 2) t.ok(p.body.includes('Bram Peeters') && !p.body.includes('Noor J.'), `page ${i} is Bram's`)
    else t.ok(p.body.includes('Noor J.') && !p.body.includes('Bram Peeters'), `page ${i} is Noor's`)
  }

  // A session whose user is gone ends; the visitor sees a logged-out page.
  await db.deleteFrom('users').where('id', '=', bram.id).execute()
  const gone = await asBram.get('/communities')
  t.equal(gone.status, 200)
  t.notMatch(gone.body, 'Bram Peeters')
  t.match(gone.body, 'href="/login')
})
