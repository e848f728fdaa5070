// Who sees a profile: each visibility setting against a visitor, a member, a member of a shared community, a moderator,
// an admin and the member themself; hidden organisation and country never reach the HTML.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { Client } from '../helpers/client.js'
import { createCommunityWith, createUser } from '../helpers/factories.js'
import { loggedIn } from '../helpers/moderation.js'

t.test('the visibility matrix: viewer × setting', async (t) => {
  const { app, db } = await buildTestApp(t)
  const owner = await createUser(db, { displayName: 'Ilse Peeters' })
  const stranger = await createUser(db)
  const neighbour = await createUser(db)
  const moderator = await createUser(db)
  const admin = await createUser(db, { siteRole: 'admin' })
  await createCommunityWith(db, { visibility: 'members', members: [owner, neighbour] })
  await createCommunityWith(db, { moderators: [moderator] })
  await db
    .updateTable('users')
    .set({ organisation: 'Huis van het Kind', country: 'BE' })
    .where('id', '=', owner.id)
    .execute()

  const viewers: Record<string, Client> = {
    visitor: new Client(app),
    stranger: await loggedIn(app, stranger),
    neighbour: await loggedIn(app, neighbour),
    moderator: await loggedIn(app, moderator),
    admin: await loggedIn(app, admin),
    self: await loggedIn(app, owner),
  }
  const expected: Record<string, Record<string, number>> = {
    public: { visitor: 200, stranger: 200, neighbour: 200, moderator: 200, admin: 200, self: 200 },
    members: { visitor: 404, stranger: 200, neighbour: 200, moderator: 200, admin: 200, self: 200 },
    communities: { visitor: 404, stranger: 403, neighbour: 200, moderator: 200, admin: 200, self: 200 },
  }
  for (const [setting, row] of Object.entries(expected)) {
    await db
      .updateTable('users')
      .set({ profile_visibility: setting as 'public' })
      .where('id', '=', owner.id)
      .execute()
    for (const [who, status] of Object.entries(row)) {
      const page = await viewers[who].get(`/u/${owner.id}`)
      t.equal(page.status, status, `${setting} profile, seen by ${who}`)
      if (status === 200) {
        t.match(page.body, '<h1 id="member-name">Ilse Peeters</h1>')
        t.match(page.body, 'Huis van het Kind')
        t.match(page.body, 'Belgium', 'the country named in the viewer’s language')
      } else {
        t.notMatch(page.body, 'Huis van het Kind', `${setting} / ${who}: no organisation`)
        if (who === 'visitor') t.notMatch(page.body, 'Ilse Peeters', 'a visitor does not even learn the name')
        else t.match(page.body, 'Ilse Peeters', 'a member sees whose profile it is')
        t.match(page.body, 'keeps their profile to')
      }
    }
  }
  const dutch = await viewers.neighbour.get(`/u/${owner.id}`, { 'accept-language': 'nl' })
  t.equal(dutch.status, 200)

  t.test('hidden organisation and country never reach the HTML, but the member sees their own', async (t) => {
    await db
      .updateTable('users')
      .set({ show_organisation: false, show_country: false, profile_visibility: 'public' })
      .where('id', '=', owner.id)
      .execute()
    for (const who of ['visitor', 'stranger', 'admin']) {
      const page = await viewers[who].get(`/u/${owner.id}`)
      t.notMatch(page.body, 'Huis van het Kind', who)
      t.notMatch(page.body, 'Belgium', who)
    }
    const own = await viewers.self.get(`/u/${owner.id}`)
    t.match(own.body, 'Huis van het Kind')
  })

  t.test('a suspended member’s profile still shows; an unknown id is a 404', async (t) => {
    await db.updateTable('users').set({ status: 'suspended' }).where('id', '=', owner.id).execute()
    const page = await viewers.stranger.get(`/u/${owner.id}`)
    t.equal(page.status, 200)
    t.match(page.body, 'Suspended')
    t.equal((await viewers.stranger.get('/u/999999')).status, 404)
    t.equal((await viewers.stranger.get('/u/abc')).status, 404)
  })
})
