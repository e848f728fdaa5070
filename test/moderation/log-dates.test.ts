// A day in the moderation log's date filter is that day in the viewer's time zone, as the log's times are shown.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { decodeEntities } from '../helpers/client.js'
import { createCommunityWith, createThreadIn, createUser } from '../helpers/factories.js'
import { loggedIn } from '../helpers/moderation.js'

t.test('the log filters by whole days in the viewer’s time zone', async (t) => {
  const { app, db } = await buildTestApp(t)
  const auckland = await createUser(db, { displayName: 'Aroha Admin', siteRole: 'admin' })
  const losAngeles = await createUser(db, { displayName: 'Lena Admin', siteRole: 'admin' })
  await db.updateTable('users').set({ time_zone: 'Pacific/Auckland' }).where('id', '=', auckland.id).execute()
  await db.updateTable('users').set({ time_zone: 'America/Los_Angeles' }).where('id', '=', losAngeles.id).execute()
  const moderator = await createUser(db, { displayName: 'Mo Moderator' })
  const community = await createCommunityWith(db, { slug: 'log-days', name: 'Log days', moderators: [moderator] })
  const threadId = await createThreadIn(db, community.id, moderator)
  // 11 March 2025, 00:30 in Auckland (UTC+13) is 10 March, 11:30 UTC and 04:30 in Los Angeles.
  await db
    .insertInto('moderation_log')
    .values({
      actor_id: moderator.id,
      action: 'hide',
      target_type: 'thread',
      target_id: threadId,
      community_id: community.id,
      reason: 'just-after-midnight-in-auckland',
      created_at: new Date('2025-03-10T11:30:00Z'),
    })
    .execute()
  const shows = async (viewer: typeof auckland, query: string) => {
    const response = await (await loggedIn(app, viewer)).get(`/mod/log${query}`)
    t.equal(response.status, 200)
    return decodeEntities(response.body).includes('just-after-midnight-in-auckland')
  }
  t.equal(await shows(auckland, '?from=2025-03-11&to=2025-03-11'), true, 'Auckland: it happened on 11 March')
  t.equal(await shows(auckland, '?from=2025-03-10&to=2025-03-10'), false, 'Auckland: not on 10 March')
  t.equal(await shows(losAngeles, '?from=2025-03-10&to=2025-03-10'), true, 'Los Angeles: it happened on 10 March')
  t.equal(await shows(losAngeles, '?from=2025-03-11'), false, 'Los Angeles: not from 11 March on')
})
