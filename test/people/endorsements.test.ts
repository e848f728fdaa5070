// Endorsing a declared theme: other members only, the count and the expert mark at three, withdrawing, refusals.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { createCommunityWith, createThemeWith, createUser } from '../helpers/factories.js'
import { loggedIn } from '../helpers/moderation.js'

t.test('three endorsements mark an expert; endorsing is for others, once, and can be withdrawn', async (t) => {
  const { app, db } = await buildTestApp(t)
  const themeId = await createThemeWith(db, 'dementia', { en: 'Dementia' })
  await createThemeWith(db, 'schools', { en: 'Schools' })
  const expert = await createUser(db, { displayName: 'Greta Vogel' })
  await db.insertInto('user_expertise').values({ user_id: expert.id, tag_id: themeId }).execute()
  const endorsers = [await createUser(db), await createUser(db), await createUser(db)]

  const self = await loggedIn(app, expert)
  const own = await self.get(`/u/${expert.id}`)
  t.notMatch(own.body, 'Endorse Dementia', 'no endorse button on one’s own profile')
  t.equal((await self.post(`/u/${expert.id}/expertise/dementia`, { action: 'endorse' })).status, 403)

  for (const [i, endorser] of endorsers.entries()) {
    const client = await loggedIn(app, endorser)
    const page = await client.get(`/u/${expert.id}`)
    t.match(page.body, 'Endorse Dementia')
    const res = await client.post(`/u/${expert.id}/expertise/dementia`, { action: 'endorse' })
    t.equal(res.status, 303)
    t.equal(res.location, `/u/${expert.id}#expertise`)
    await client.post(`/u/${expert.id}/expertise/dementia`, { action: 'endorse' })
    const after = await client.get(`/u/${expert.id}`)
    t.match(after.body, i === 0 ? '1 endorsement<' : `${i + 1} endorsements`, 'counted once per member')
    t.match(after.body, 'Withdraw endorsement of Dementia')
    if (i < 2) t.notMatch(after.body, 'expert-mark')
    else t.match(after.body, '<strong class="badge expert-mark">Expert</strong>')
  }
  const last = await loggedIn(app, endorsers[2])
  await last.get(`/u/${expert.id}`)
  t.equal((await last.post(`/u/${expert.id}/expertise/dementia`, { action: 'withdraw' })).status, 303)
  const page = await last.get(`/u/${expert.id}`)
  t.match(page.body, '2 endorsements')
  t.notMatch(page.body, 'expert-mark')

  t.equal(
    (await last.post(`/u/${expert.id}/expertise/schools`, { action: 'endorse' })).status,
    404,
    'a theme not declared cannot be endorsed',
  )
  t.equal((await last.post(`/u/${expert.id}/expertise/unknown`, { action: 'endorse' })).status, 404)
  t.equal((await last.post(`/u/${expert.id}/expertise/Bad_Slug`, { action: 'endorse' })).status, 404)
  t.equal((await last.post(`/u/${expert.id}/expertise/dementia`, { action: 'endorse' }, { csrf: false })).status, 403)

  t.test('a member who may not see the profile cannot endorse it either', async (t) => {
    await db.updateTable('users').set({ profile_visibility: 'communities' }).where('id', '=', expert.id).execute()
    await createCommunityWith(db, { members: [expert] })
    const res = await last.post(`/u/${expert.id}/expertise/dementia`, { action: 'endorse' })
    t.equal(res.status, 404)
  })

  t.test('a suspended member cannot endorse', async (t) => {
    const suspended = await createUser(db)
    const client = await loggedIn(app, suspended)
    await db.updateTable('users').set({ profile_visibility: 'members' }).where('id', '=', expert.id).execute()
    await client.get(`/u/${expert.id}`)
    await db.updateTable('users').set({ status: 'suspended' }).where('id', '=', suspended.id).execute()
    const res = await client.post(`/u/${expert.id}/expertise/dementia`, { action: 'endorse' })
    t.equal(res.status, 403)
  })

  t.test('withdrawing the theme takes its endorsements with it', async (t) => {
    const client = await loggedIn(app, expert)
    await client.get('/settings/profile')
    await client.post('/settings/profile', { visibility: 'members' })
    const rows = await db.selectFrom('expertise_endorsements').selectAll().where('user_id', '=', expert.id).execute()
    t.equal(rows.length, 0)
  })
})
