// The moderation log, filtered by community, moderator, action and date range, paged, and strict about its input.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { decodeEntities } from '../helpers/client.js'
import { createCommunityWith, createThreadIn, createUser } from '../helpers/factories.js'
import { loggedIn } from '../helpers/moderation.js'
import { translate } from '../../src/web/i18n.js'

/** The reason column of each row the log page shows, in order. */
function reasons(body: string): string[] {
  const table = /<tbody>([\s\S]*?)<\/tbody>/.exec(body)
  if (!table) return []
  return [...table[1].matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1].matchAll(/<td>([\s\S]*?)<\/td>/g)].at(-1)![1].trim(),
  )
}

t.test('filtering the moderation log', async (t) => {
  const { app, db } = await buildTestApp(t)
  const admin = await createUser(db, { displayName: 'Ada Admin', siteRole: 'admin' })
  const modA = await createUser(db, { displayName: 'Anna Moderator' })
  const modB = await createUser(db, { displayName: 'Bert Moderator' })
  const member = await createUser(db, { displayName: 'Sam Member' })
  const a = await createCommunityWith(db, { slug: 'log-a', name: 'Log A', moderators: [modA] })
  const b = await createCommunityWith(db, { slug: 'log-b', name: 'Log B', moderators: [modB] })
  const threadA = await createThreadIn(db, a.id, modA)
  const threadB = await createThreadIn(db, b.id, modB)
  const adminClient = await loggedIn(app, admin)
  const clientA = await loggedIn(app, modA)
  const clientB = await loggedIn(app, modB)

  // One entry from long ago, for the date range.
  await db
    .insertInto('moderation_log')
    .values({
      actor_id: modA.id,
      action: 'hide',
      target_type: 'thread',
      target_id: threadA,
      community_id: a.id,
      reason: 'old-hide-A',
      created_at: new Date('2025-01-10T12:00:00Z'),
    })
    .execute()
  t.equal((await clientA.post(`/mod/thread/${threadA}/lock`, { reason: 'lock-A' })).status, 303)
  t.equal((await clientA.post(`/mod/thread/${threadA}/pin`, { reason: 'pin-A' })).status, 303)
  t.equal((await clientB.post(`/mod/thread/${threadB}/lock`, { reason: 'lock-B' })).status, 303)
  t.equal(
    (await adminClient.post(`/admin/users/${member.id}/suspend`, { reason: 'suspend-member', until: '' })).status,
    303,
  )
  // The day the actions above were logged (by the database's clock, which is what the filter compares with).
  const today = (
    await db.selectFrom('moderation_log').select('created_at').where('reason', '=', 'lock-A').executeTakeFirstOrThrow()
  ).created_at
    .toISOString()
    .slice(0, 10)
  const log = async (query: string) => {
    const response = await adminClient.get(`/mod/log${query}`)
    t.equal(response.status, 200, `/mod/log${query} answers`)
    return reasons(decodeEntities(response.body))
  }

  t.test('each filter, and filters together', async (t) => {
    t.same(await log(''), ['suspend-member', 'lock-B', 'pin-A', 'lock-A', 'old-hide-A'], 'everything, newest first')
    t.same(await log('?community=log-a'), ['pin-A', 'lock-A', 'old-hide-A'], 'by community')
    t.same(await log(`?moderator=${modB.id}`), ['lock-B'], 'by moderator')
    t.same(await log('?action=lock'), ['lock-B', 'lock-A'], 'by action')
    t.same(await log('?from=2025-01-01&to=2025-01-31'), ['old-hide-A'], 'by date range')
    t.same(await log('?to=2025-01-10'), ['old-hide-A'], 'the end date is included')
    t.same(await log(`?from=${today}`), ['suspend-member', 'lock-B', 'pin-A', 'lock-A'], 'from a date on')
    t.same(await log('?community=log-a&action=lock'), ['lock-A'], 'community and action')
    t.same(
      await log(`?community=log-a&moderator=${modA.id}&action=hide&from=2025-01-01&to=2025-12-31`),
      ['old-hide-A'],
      'all four',
    )
    t.same(await log('?action=move'), [], 'nothing matches')
    const page = (await adminClient.get(`/mod/log?community=log-a&moderator=${modA.id}&action=lock&from=2025-01-01`))
      .body
    t.match(page, 'name="community" type="text" value="log-a"', 'the form keeps the filters')
    t.match(page, `<option value="${modA.id}" selected>Anna Moderator</option>`)
    t.match(page, '<option value="lock" selected>Lock</option>')
    t.match(page, 'name="from" type="date" value="2025-01-01"')
    t.match((await adminClient.get('/mod/log?action=nothing_here')).body, 'No moderation actions match these filters.')
  })

  t.test('meetings planned and cancelled show in the log with their own names, and can be filtered', async (t) => {
    const year = new Date().getUTCFullYear() + 1
    const planned = await clientA.submit('/c/log-a/meetings/new', '/c/log-a/meetings/new', {
      title: 'Spring session',
      topic: '',
      starts_at: `${year}-03-18T14:00`,
      ends_at: `${year}-03-18T15:00`,
      time_zone: 'Europe/Brussels',
      online_url: '',
      agenda: '',
    })
    t.equal(planned.status, 303)
    await clientA.get(planned.location!)
    t.equal((await clientA.post(`${planned.location!}/cancel`, { reason: 'cancel-meeting-A' })).status, 303)
    const all = await adminClient.get('/mod/log?community=log-a')
    t.equal(all.status, 200, 'the log answers with meeting entries in it')
    t.match(all.body, '<td>meeting planned</td>')
    t.match(all.body, '<td>meeting cancelled</td>')
    t.same(await log('?action=meeting.cancel'), ['cancel-meeting-A'], 'filtered by a meeting action')
    t.match(
      (await adminClient.get('/mod/log?action=meeting.cancel')).body,
      '<option value="meeting.cancel" selected>meeting cancelled</option>',
    )
  })

  t.test('bad filters are refused with a clear message', async (t) => {
    for (const query of ['?from=2025-13-01', '?to=yesterday', '?from=2025-02-30', '?to=25-01-2025']) {
      const response = await adminClient.get(`/mod/log${query}`)
      t.equal(response.status, 400, `${query} is refused`)
      t.match(decodeEntities(response.body), translate('en', 'dates.error.date_invalid'), 'saying how to write a date')
    }
    t.equal((await adminClient.get('/mod/log?community=no-such-place')).status, 400, 'an unknown community')
    t.equal((await adminClient.get('/mod/log?action=DROP%20TABLE')).status, 400, 'an action that cannot exist')
  })

  t.test('a long log is paged, keeping the filters', async (t) => {
    await db
      .insertInto('moderation_log')
      .values(
        Array.from({ length: 55 }, (_, i) => ({
          actor_id: modB.id,
          action: 'pin',
          community_id: b.id,
          reason: `bulk-${i}`,
        })),
      )
      .execute()
    const first = decodeEntities((await adminClient.get('/mod/log?community=log-b&action=pin')).body)
    t.equal(reasons(first).length, 50)
    const next = /<a rel="next" href="([^"]+)">/.exec(first)?.[1]
    t.ok(next, 'a link to the next page')
    t.match(next!, 'community=log-b')
    t.match(next!, 'action=pin')
    const second = reasons(decodeEntities((await adminClient.get(next!)).body))
    t.same(second, ['bulk-4', 'bulk-3', 'bulk-2', 'bulk-1', 'bulk-0'], 'the rest on the next page')
  })
})
