// "Download my data": the zip holds the member's own writing and settings and nothing of anyone else's; a second
// request while one is open is refused; only the owner can download it; it expires after 7 days; the member is told.
import { unzipSync, strFromU8 } from 'fflate'
import t from 'tap'
import { runExports } from '../../src/data-rights/exports.js'
import { buildTestApp } from '../helpers/app.js'
import { createCommunityWith, createMeetingIn, createThreadIn, createUser, replyIn } from '../helpers/factories.js'
import { loggedIn } from '../helpers/moderation.js'

t.test('a member downloads a zip of their own data, and only theirs', async (t) => {
  const { app, db, config } = await buildTestApp(t)
  const anna = await createUser(db, { displayName: 'Anna Export' })
  const bram = await createUser(db, { displayName: 'Bram Other', email: 'bram-private@example.org' })
  const community = await createCommunityWith(db, { visibility: 'members', moderators: [anna], members: [bram] })
  const threadId = await createThreadIn(db, community.id, anna, { title: 'Anna asks', body: 'My **own** words' })
  await replyIn(db, threadId, bram, null, 'Bram secret reply')
  await replyIn(db, threadId, anna, null, 'Anna answers herself')
  const meetingId = await createMeetingIn(db, community.id, anna)
  await db
    .insertInto('meeting_attendance')
    .values({ meeting_id: meetingId, user_id: anna.id, attending: true })
    .execute()
  await db
    .insertInto('meeting_questions')
    .values({ meeting_id: meetingId, author_id: anna.id, body: 'Anna question' })
    .execute()

  const client = await loggedIn(app, anna)
  const page = await client.get('/settings/data')
  t.equal(page.status, 200)
  t.match(page.body, 'Prepare my download')
  const asked = await client.post('/settings/data/export')
  t.equal(asked.status, 303)
  t.equal(asked.location, '/settings/data')
  t.match((await client.get('/settings/data')).body, 'Your download is being prepared')

  const twice = await client.post('/settings/data/export')
  t.equal(twice.status, 409, 'a second request while one is pending is refused')
  t.match(twice.body, 'already being prepared')
  t.equal((await db.selectFrom('data_exports').selectAll().where('user_id', '=', anna.id).execute()).length, 1)

  const now = new Date()
  const ran = await runExports({ db, config, now })
  t.equal(ran.built, 1)
  t.equal((await runExports({ db, config, now })).built, 0, 'built once')

  const ready = await client.get('/settings/data')
  const link = /href="(\/settings\/data\/export\/\d+)"/.exec(ready.body)
  t.ok(link, 'the page offers the download')
  t.match((await client.post('/settings/data/export')).body, 'Your download is ready below')

  const notification = await db
    .selectFrom('notifications')
    .selectAll()
    .where('user_id', '=', anna.id)
    .where('kind', '=', 'data_export_ready')
    .executeTakeFirst()
  t.ok(notification, 'the member is told in the app')
  const mail = await db
    .selectFrom('email_outbox')
    .selectAll()
    .where('user_id', '=', anna.id)
    .where('kind', '=', 'notification.data_export_ready')
    .executeTakeFirst()
  t.ok(mail, 'and by email, as their settings say')
  t.match((await client.get('/notifications')).body, 'Your data download is ready')

  const other = await loggedIn(app, bram)
  t.equal((await other.get(link![1])).status, 404, "another member cannot download someone's export")

  const download = await client.get(link![1])
  t.equal(download.status, 200)
  t.equal(download.headers['content-type'], 'application/zip')
  t.equal(download.headers['x-content-type-options'], 'nosniff')
  t.match(String(download.headers['content-disposition']), /^attachment; filename="kring-data-\d{4}-\d{2}-\d{2}\.zip"$/)

  const response = await app.inject({ method: 'GET', url: link![1], headers: { cookie: cookieOf(client) } })
  const files = unzipSync(new Uint8Array(response.rawPayload))
  const json = (name: string) => JSON.parse(strFromU8(files[name])) as unknown
  const profile = json('profile.json') as Record<string, unknown>
  t.equal(profile.display_name, 'Anna Export')
  t.equal(profile.email, anna.email)
  t.notOk('password_hash' in profile, 'no password hash')
  const threads = json('threads.json') as { title: string }[]
  t.same(
    threads.map((x) => x.title),
    ['Anna asks'],
  )
  const replies = json('replies.json') as { body_md: string }[]
  t.same(
    replies.map((r) => r.body_md),
    ['Anna answers herself'],
  )
  t.equal((json('attendance.json') as unknown[]).length, 1)
  t.equal((json('meeting-questions.json') as { body: string }[])[0].body, 'Anna question')
  t.ok(files['email-settings.json'] && files['watching.json'] && files['notifications.json'] && files['votes.json'])
  t.match(strFromU8(files[`threads/${threadId}.md`]), 'My **own** words')
  const everything = Object.values(files)
    .map((f) => strFromU8(f))
    .join('\n')
  t.notMatch(everything, 'Bram secret reply', "others' replies are absent")
  t.notMatch(everything, 'bram-private@example.org', "others' addresses are absent")

  // After 7 days the export is gone, and a new one may be asked for.
  const later = new Date(now.getTime() + 7 * 24 * 3600_000 + 1000)
  t.equal((await runExports({ db, config, now: later })).expired, 1)
  t.equal((await client.get(link![1])).status, 404)
  t.match((await client.get('/settings/data')).body, 'Prepare my download')
})

t.test('an export that cannot be built is given up after three tries and can be asked for again', async (t) => {
  const { app, db, config } = await buildTestApp(t)
  const anna = await createUser(db)
  const client = await loggedIn(app, anna)
  await client.post('/settings/data/export')
  const broken = [
    {
      name: 'broken',
      collect: () => Promise.reject(new Error('boom')),
    },
  ]
  const result = await runExports({ db, config, now: new Date() }, broken)
  t.equal(result.built, 0)
  t.ok(result.failed >= 3)
  t.match((await client.get('/settings/data')).body, 'could not be prepared')
  t.equal((await client.post('/settings/data/export')).status, 303)
})

t.test('the data page and the download need a login', async (t) => {
  const { app } = await buildTestApp(t)
  const page = await app.inject({ method: 'GET', url: '/settings/data' })
  t.equal(page.statusCode, 303)
  t.match(String(page.headers.location), '/login?next=')
  const download = await app.inject({ method: 'GET', url: '/settings/data/export/1' })
  t.equal(download.statusCode, 303)
})

function cookieOf(client: { cookies: Map<string, string> }) {
  return [...client.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
}
