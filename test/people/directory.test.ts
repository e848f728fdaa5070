// The member directory: members only, filters (country, organisation, language, theme, community), what members hide,
// keyset pages of 30 by name and by activity, bad filters; "Experts on this theme" on theme pages.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { Client, decodeEntities } from '../helpers/client.js'
import { createCommunityWith, createThemeWith, createThreadIn, createUser } from '../helpers/factories.js'
import { loggedIn } from '../helpers/moderation.js'

const nextOf = (body: string) => {
  const href = /<a href="([^"]+)" rel="next">/.exec(body)?.[1]
  return href ? decodeEntities(href) : null
}
const namesIn = (body: string) => [...body.matchAll(/<a href="\/u\/\d+" class="person">([^<]+)<\/a>/g)].map((m) => m[1])

t.test('filters, hidden fields and visibility', async (t) => {
  const { app, db } = await buildTestApp(t)
  const themeId = await createThemeWith(db, 'dementia', { en: 'Dementia' })
  const viewer = await createUser(db, { displayName: 'Viewer Vera' })
  const anke = await createUser(db, { displayName: 'Anke Schulz' })
  const bram = await createUser(db, { displayName: 'Bram Claes' })
  const carla = await createUser(db, { displayName: 'Carla Rossi' })
  const dirk = await createUser(db, { displayName: 'Dirk Hidden' })
  const eva = await createUser(db, { displayName: 'Eva Suspended' })
  const set = (id: number, values: Record<string, unknown>) =>
    db.updateTable('users').set(values).where('id', '=', id).execute()
  await set(anke.id, { country: 'DE', organisation: 'Caritas Köln', languages: ['de', 'en'] })
  await set(bram.id, { country: 'BE', organisation: 'Huis van het Kind', languages: ['nl'] })
  await set(carla.id, { country: 'DE', show_country: false, organisation: 'Secret Org', show_organisation: false })
  await set(dirk.id, { profile_visibility: 'communities', country: 'DE' })
  await set(eva.id, { status: 'suspended', country: 'DE' })
  await db.insertInto('user_expertise').values({ user_id: anke.id, tag_id: themeId }).execute()
  const closed = await createCommunityWith(db, { visibility: 'members', members: [bram, viewer] })
  const secret = await createCommunityWith(db, { visibility: 'members', members: [anke] })

  t.equal((await new Client(app).get('/members')).status, 303, 'visitors are sent to log in')
  const client = await loggedIn(app, viewer)
  const all = await client.get('/members')
  t.equal(all.status, 200)
  t.same(namesIn(all.body), ['Anke Schulz', 'Bram Claes', 'Carla Rossi', 'Viewer Vera'])
  t.notMatch(all.body, 'Dirk Hidden', 'a profile kept to shared communities is not listed')
  t.notMatch(all.body, 'Eva Suspended', 'suspended members are not listed')
  t.notMatch(all.body, 'Secret Org', 'a hidden organisation never reaches the HTML')
  t.match(all.body, 'Caritas Köln')
  t.match(all.body, '<a href="/members?theme=dementia">Dementia</a>')

  t.same(namesIn((await client.get('/members?country=DE')).body), ['Anke Schulz'], 'a hidden country is no filter')
  t.same(namesIn((await client.get('/members?organisation=caritas')).body), ['Anke Schulz'])
  t.same(namesIn((await client.get('/members?organisation=secret')).body), [])
  t.same(namesIn((await client.get('/members?organisation=%25')).body), [], 'a % is a character, not a wildcard')
  t.same(namesIn((await client.get('/members?language=nl')).body), ['Bram Claes'])
  t.same(namesIn((await client.get('/members?theme=dementia&country=DE')).body), ['Anke Schulz'])
  t.same(namesIn((await client.get(`/members?community=${closed.slug}`)).body), ['Bram Claes', 'Viewer Vera'])
  t.notMatch(all.body, secret.slug, 'a members-only community the viewer is not in is not offered')
  t.equal((await client.get(`/members?community=${secret.slug}`)).status, 400, 'nor accepted')
  for (const bad of ['country=ZZ', 'language=xx', 'theme=nope', 'after=garbage', `organisation=${'x'.repeat(121)}`])
    t.equal((await client.get(`/members?${bad}`)).status, 400, bad)

  const dirkClient = await loggedIn(app, dirk)
  t.notMatch((await dirkClient.get('/members')).body, 'Dirk Hidden</a>x', 'self check')
  await createCommunityWith(db, { members: [dirk, viewer] })
  t.match((await client.get('/members')).body, 'Dirk Hidden', 'listed once they share a community')
})

t.test('keyset pages of 30, by name and by activity', async (t) => {
  const { app, db } = await buildTestApp(t)
  const viewer = await createUser(db, { displayName: 'Zz Viewer' })
  // Inserted directly: 64 registrations would spend the test's time hashing passwords.
  const members = await db
    .insertInto('users')
    .values(
      Array.from({ length: 64 }, (_, i) => ({
        email: `person-${i}@example.org`,
        display_name: `Person ${String(i).padStart(2, '0')}`,
        password_hash: 'not-a-login',
        email_verified_at: new Date(),
      })),
    )
    .returning('id')
    .execute()
  const asUser = (id: number) => ({ id, email: '', password: '', displayName: '' })
  const community = await createCommunityWith(db, { members: members.slice(0, 3).map((m) => asUser(m.id)) })
  await createThreadIn(db, community.id, asUser(members[1].id))
  await createThreadIn(db, community.id, asUser(members[0].id))
  const client = await loggedIn(app, viewer)

  const seen: string[] = []
  let url: string | null = '/members'
  let pages = 0
  while (url && pages < 5) {
    const page = await client.get(url)
    t.equal(page.status, 200)
    seen.push(...namesIn(page.body))
    url = nextOf(page.body)
    pages++
  }
  t.equal(pages, 3)
  t.equal(seen.length, 65)
  t.same(
    seen,
    [...seen].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())),
    'in name order',
  )
  t.equal(new Set(seen).size, 65, 'no one twice')

  const active = await client.get('/members?sort=activity')
  const first = namesIn(active.body)
  t.same(first.slice(0, 2), ['Person 00', 'Person 01'], 'the most recently active first')
  const next = nextOf(active.body)!
  t.match(next, 'sort=activity')
  const second = namesIn((await client.get(next)).body)
  const third = namesIn((await client.get(nextOf((await client.get(next)).body)!)).body)
  t.equal(new Set([...first, ...second, ...third]).size, 65, 'every member once across the activity pages')
})

t.test('experts on a theme page: endorsed first, else declared, respecting visibility', async (t) => {
  const { app, db } = await buildTestApp(t)
  const themeId = await createThemeWith(db, 'homeshare', { en: 'Homeshare' })
  const declared = await createUser(db, { displayName: 'Declared Dora' })
  const expert = await createUser(db, { displayName: 'Expert Erik' })
  const hidden = await createUser(db, { displayName: 'Private Pia' })
  for (const u of [declared, expert, hidden])
    await db.insertInto('user_expertise').values({ user_id: u.id, tag_id: themeId }).execute()
  await db.updateTable('users').set({ profile_visibility: 'public' }).where('id', '=', declared.id).execute()
  await db.updateTable('users').set({ profile_visibility: 'communities' }).where('id', '=', hidden.id).execute()
  const member = await createUser(db)
  const client = await loggedIn(app, member)

  const visitorPage = await new Client(app).get('/themes/homeshare')
  t.match(visitorPage.body, 'Experts on this theme')
  t.match(visitorPage.body, 'Declared Dora')
  t.notMatch(visitorPage.body, 'Expert Erik', 'a members-only profile is not shown to visitors')
  const before = await client.get('/themes/homeshare')
  t.match(before.body, 'these members say they know it well')
  t.match(before.body, 'Expert Erik')
  t.notMatch(before.body, 'Private Pia')
  t.match(before.body, '<a href="/members?theme=homeshare">')

  for (let i = 0; i < 3; i++) {
    const endorser = await createUser(db)
    await db
      .insertInto('expertise_endorsements')
      .values({ user_id: expert.id, tag_id: themeId, endorser_id: endorser.id })
      .execute()
  }
  const after = await client.get('/themes/homeshare')
  t.match(after.body, `<a href="/u/${expert.id}" class="person">Expert Erik</a>`)
  t.match(after.body, '3 endorsements')
  t.notMatch(after.body, 'Declared Dora', 'only the endorsed experts once there are some')
  const admin = await loggedIn(app, await createUser(db, { siteRole: 'admin' }))
  await db.deleteFrom('expertise_endorsements').execute()
  t.match((await admin.get('/themes/homeshare')).body, 'Private Pia', 'an admin sees every profile')
})
