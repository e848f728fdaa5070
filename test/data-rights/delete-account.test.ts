// "Delete my account": password confirmation, every session ends at once, a grace period that logging in shows and
// "Keep my account" ends, then the scheduled deletion (driven with a clock): others see "Former member" (or nothing,
// when the content is removed), the name leaves mentions, attendance lists and search, and the log keeps only the id.
import t from 'tap'
import { graceMs } from '../../src/data-rights/deletion.js'
import { Client, logIn } from '../helpers/client.js'
import { createCommunityWith, createMeetingIn, createThreadIn, createUser, replyIn } from '../helpers/factories.js'
import { loggedIn, logRows } from '../helpers/moderation.js'
import { buildSearchApp } from '../search/helpers.js'

const day = 24 * 3600_000

t.test('keep mode: sessions end, grace page, then Former member everywhere and out of search', async (t) => {
  const { app, db, sync, search } = await buildSearchApp(t)
  const moderator = await createUser(db)
  const anna = await createUser(db, { displayName: 'Anna Leaving' })
  const bram = await createUser(db, { displayName: 'Bram Staying' })
  const community = await createCommunityWith(db, { moderators: [moderator], members: [anna, bram] })
  const threadId = await createThreadIn(db, community.id, anna, { title: 'Anna on intake', body: 'Intake first' })
  const bramClient = await loggedIn(app, bram)
  await bramClient.get(`/t/${threadId}`)
  await bramClient.post(`/t/${threadId}/replies`, { body: 'Thanks @[Anna Leaving] for this' })
  const mentionId = (
    await db.selectFrom('posts').select('id').where('author_id', '=', bram.id).executeTakeFirstOrThrow()
  ).id
  const meetingId = await createMeetingIn(db, community.id, moderator)
  await db
    .insertInto('meeting_attendance')
    .values({ meeting_id: meetingId, user_id: anna.id, attending: true })
    .execute()
  t.match((await bramClient.get(`/meetings/${meetingId}`)).body, 'Anna Leaving')

  const first = await loggedIn(app, anna)
  const second = await loggedIn(app, anna)
  const page = await first.get('/settings/data')
  t.match(page.body, 'Delete my account')

  const wrong = await first.post('/settings/data/delete', { mode: 'keep', password: 'not my password at all' })
  t.equal(wrong.status, 422)
  t.match(wrong.body, 'That password is not right')
  t.match(wrong.body, /value="keep" checked/, 'the choice is kept')
  const noMode = await first.post('/settings/data/delete', { password: anna.password })
  t.equal(noMode.status, 422)
  t.match(noMode.body, 'Choose what happens')
  const noPassword = await first.post('/settings/data/delete', { mode: 'keep' })
  t.equal(noPassword.status, 422)

  const asked = await first.post('/settings/data/delete', { mode: 'keep', password: anna.password })
  t.equal(asked.status, 303)
  t.equal(asked.location, '/login')
  t.equal((await second.get('/settings')).status, 303, 'the other device is logged out too')
  t.match((await second.get('/settings')).location, /^\/login/)
  const sessions = await db.selectFrom('sessions').select('sid').where('user_id', '=', anna.id).execute()
  t.equal(sessions.length, 0)

  // Logging in during the grace period shows the grace page and nothing else.
  const back = new Client(app)
  await logIn(back, anna.email, anna.password)
  const home = await back.get('/')
  t.equal(home.status, 303)
  t.equal(home.location, '/account/deletion')
  t.equal((await back.get('/settings/data')).location, '/account/deletion')
  const grace = await back.get('/account/deletion')
  t.equal(grace.status, 200)
  t.match(grace.body, 'Your account will be deleted')
  t.match(grace.body, 'Keep my account')
  t.equal((await back.post(`/t/${threadId}/replies`, { body: 'sneaky' })).location, '/account/deletion')
  const kept = await back.post('/account/deletion/keep')
  t.equal(kept.status, 303)
  t.equal((await back.get('/')).status, 200, 'kept: the site is theirs again')
  t.equal((await back.get('/account/deletion')).location, '/settings/data')

  // Asked again; the job does nothing before the grace period is over, and deletes after it.
  await back.get('/settings/data')
  t.equal((await back.post('/settings/data/delete', { mode: 'keep', password: anna.password })).status, 303)
  const now = new Date()
  t.equal((await app.scheduler.runDue(new Date(now.getTime() + 6 * day)))['data-rights'], 0)
  t.equal((await app.scheduler.runDue(new Date(now.getTime() + graceMs + 60_000)))['data-rights'], 1)

  const user = await db.selectFrom('users').selectAll().where('id', '=', anna.id).executeTakeFirstOrThrow()
  t.not(user.email, anna.email)
  t.match(user.email, /@deleted\.invalid$/)
  t.equal(user.password_hash, '')
  t.ok(user.deleted_at)
  const failed = await new Client(app).submit('/login', '/login', { email: anna.email, password: anna.password })
  t.equal(failed.status, 401, 'the old login no longer works')

  const visitor = new Client(app)
  const thread = await visitor.get(`/t/${threadId}`)
  t.equal(thread.status, 200, 'kept content stays')
  t.match(thread.body, 'Intake first')
  t.notMatch(thread.body, 'Anna Leaving')
  t.match(thread.body, '<strong class="post-author">Former member</strong>')
  const dutch = await visitor.get(`/t/${threadId}`, { 'accept-language': 'nl' })
  t.match(dutch.body, 'Voormalig lid', 'in the reader’s language')

  const mention = await db
    .selectFrom('posts')
    .select(['body_md', 'body_html'])
    .where('id', '=', mentionId)
    .executeTakeFirstOrThrow()
  t.notMatch(mention.body_md, 'Anna Leaving')
  t.notMatch(mention.body_html, `/u/${anna.id}`)
  t.match(mention.body_html, '@former member')

  t.notMatch((await (await loggedIn(app, bram)).get(`/meetings/${meetingId}`)).body, 'Anna Leaving')
  t.equal((await visitor.get(`/u/${anna.id}`)).status, 404, 'no profile')
  t.equal(
    (await db.selectFrom('community_members').select('user_id').where('user_id', '=', anna.id).execute()).length,
    0,
  )

  await sync()
  const doc = await search!.meili.index(search!.indexUid).getDocument(`thread-${threadId}`)
  t.not(doc.author, 'Anna Leaving', 'the search document no longer names her')

  const entries = await logRows(db, { action: 'account.deleted_keep' })
  t.equal(entries.length, 1)
  t.equal(entries[0].target_id, anna.id)
  t.equal(entries[0].actor_id, null)
  t.notMatch(JSON.stringify(entries[0]), /Anna|@example/)
})

t.test('remove mode: the content goes from the thread page and from search', async (t) => {
  const { app, db, sync, search } = await buildSearchApp(t)
  const anna = await createUser(db, { displayName: 'Anna Removing' })
  const bram = await createUser(db)
  const community = await createCommunityWith(db, { members: [anna, bram] })
  const threadId = await createThreadIn(db, community.id, bram, { title: 'Bram asks', body: 'A question' })
  const own = await createThreadIn(db, community.id, anna, { title: 'Anna own thread', body: 'Mine' })
  await replyIn(db, threadId, anna, null, 'Anna reply text')
  const client = await loggedIn(app, anna)
  await client.get('/settings/data')
  t.equal((await client.post('/settings/data/delete', { mode: 'remove', password: anna.password })).status, 303)
  await app.scheduler.runDue(new Date(Date.now() + graceMs + 60_000))

  const page = await new Client(app).get(`/t/${threadId}`)
  t.notMatch(page.body, 'Anna reply text')
  t.notMatch(page.body, 'Anna Removing')
  t.not((await new Client(app).get(`/t/${own}`)).status, 200, 'their own thread is gone')
  const counts = await db
    .selectFrom('threads')
    .select('reply_count')
    .where('id', '=', threadId)
    .executeTakeFirstOrThrow()
  t.equal(counts.reply_count, 0)
  await sync()
  await t.rejects(search!.meili.index(search!.indexUid).getDocument(`thread-${own}`), 'out of the index')
  t.equal((await logRows(db, { action: 'account.deleted_remove' })).length, 1)
})

t.test('the last admin cannot delete their account; an admin can anonymise a member at once', async (t) => {
  const { app, db } = await buildSearchApp(t)
  const admin = await createUser(db, { siteRole: 'admin' })
  const carl = await createUser(db, { displayName: 'Carl Gone' })
  const client = await loggedIn(app, admin)
  await client.get('/settings/data')
  const refused = await client.post('/settings/data/delete', { mode: 'keep', password: admin.password })
  t.equal(refused.status, 409)
  t.match(refused.body, 'You are the last administrator')
  const still = await db
    .selectFrom('users')
    .select('deletion_requested_at')
    .where('id', '=', admin.id)
    .executeTakeFirstOrThrow()
  t.equal(still.deletion_requested_at, null, 'nothing half-done')

  const users = await client.get('/admin/users')
  t.match(users.body, `/admin/users/${carl.id}/anonymise`)
  const noReason = await client.post(`/admin/users/${carl.id}/anonymise`, { reason: ' ' })
  t.equal(noReason.status, 303)
  t.equal(
    (await db.selectFrom('users').select('deleted_at').where('id', '=', carl.id).executeTakeFirstOrThrow()).deleted_at,
    null,
  )
  await client.get('/admin/users')
  const done = await client.post(`/admin/users/${carl.id}/anonymise`, { reason: 'asked by email' })
  t.equal(done.status, 303)
  const carlRow = await db.selectFrom('users').selectAll().where('id', '=', carl.id).executeTakeFirstOrThrow()
  t.ok(carlRow.deleted_at)
  t.equal(carlRow.display_name, 'Former member')
  t.notMatch((await client.get('/admin/users')).body, 'Carl Gone')
  const entry = await logRows(db, { action: 'account.anonymised' })
  t.equal(entry.length, 1)
  t.equal(entry[0].actor_id, admin.id)
  t.equal(entry[0].target_id, carl.id)
  t.equal((await client.post(`/admin/users/${carl.id}/anonymise`, { reason: 'again' })).status, 404)
  await client.get('/admin/users')
  t.equal((await client.post(`/admin/users/${admin.id}/anonymise`, { reason: 'me' })).status, 303)
  t.equal(
    (await db.selectFrom('users').select('deleted_at').where('id', '=', admin.id).executeTakeFirstOrThrow()).deleted_at,
    null,
    'not the last admin',
  )

  const member = await loggedIn(app, await createUser(db))
  t.equal((await member.post(`/admin/users/${admin.id}/anonymise`, { reason: 'x' })).status, 403)
})
