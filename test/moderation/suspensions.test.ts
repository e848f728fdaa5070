// Suspensions: an admin suspends a member with a reason and an end date; the member still logs in and reads, every
// write is refused and every page says why and until when; admins cannot be suspended; lifting restores writing.
import t from 'tap'
import { createDraft, transitionArticle } from '../../src/library/commands.js'
import { buildTestApp } from '../helpers/app.js'
import { Client, decodeEntities, logIn } from '../helpers/client.js'
import { createCommunityWith, createThreadIn, createUser, replyIn } from '../helpers/factories.js'
import { loggedIn, logRows } from '../helpers/moderation.js'

const noPractice = {
  practice_context: null,
  practice_target_group: null,
  practice_country: null,
  practice_what_worked: null,
  practice_what_did_not: null,
  practice_contact: null,
}

// A day that stays in the future however long these tests live.
const year = new Date().getUTCFullYear() + 2

t.test('suspending a member', async (t) => {
  const { app, db } = await buildTestApp(t)
  const admin = await createUser(db, { displayName: 'Ada Admin', siteRole: 'admin' })
  const otherAdmin = await createUser(db, { displayName: 'Otto Admin', siteRole: 'admin' })
  const member = await createUser(db, { displayName: 'Sam Suspended' })
  const author = await createUser(db, { displayName: 'Arno Author' })
  const community = await createCommunityWith(db, { slug: 'suspension-circle', members: [member, author] })
  const threadId = await createThreadIn(db, community.id, author, { title: 'A thread to read while suspended' })
  const postId = await replyIn(db, threadId, author, null, 'A reply the suspended member would flag')
  const draft = await createDraft(db, {
    title: 'An article to read',
    slug: 'an-article-to-read',
    summary: 'Summary.',
    kind: 'guide',
    language: 'en',
    body_md: 'Body.',
    community_id: null,
    themeIds: [],
    practice: noPractice,
    authorId: author.id,
  })
  if (!draft.ok) throw new Error('no article')
  await transitionArticle(db, draft.id, 'publish', null)
  // Both east of UTC, where "until 15 June" must not turn into the 16th.
  await db.updateTable('users').set({ time_zone: 'Europe/Brussels' }).where('id', 'in', [admin.id, member.id]).execute()
  const adminClient = await loggedIn(app, admin)
  const userRow = () =>
    db
      .selectFrom('users')
      .select(['status', 'suspension_reason', 'suspended_until'])
      .where('id', '=', member.id)
      .executeTakeFirstOrThrow()
  const writes = async () => ({
    posts: (await db.selectFrom('posts').select('id').where('author_id', '=', member.id).execute()).length,
    threads: (await db.selectFrom('threads').select('id').where('author_id', '=', member.id).execute()).length,
    comments: (await db.selectFrom('comments').select('id').where('author_id', '=', member.id).execute()).length,
    flags: (await db.selectFrom('flags').select('id').where('reporter_id', '=', member.id).execute()).length,
  })

  t.test('bad input is refused and changes nothing', async (t) => {
    const page = (await adminClient.get('/admin/users')).body
    t.match(page, `action="/admin/users/${member.id}/suspend"`, 'the people page offers to suspend the member')
    t.notMatch(page, `action="/admin/users/${otherAdmin.id}/suspend"`, 'but not an admin')
    const noReason = await adminClient.post(`/admin/users/${member.id}/suspend`, { reason: ' ', until: '' })
    t.equal(noReason.status, 400)
    t.match(noReason.body, 'Give a reason: the author will see it.')
    for (const until of ['2020-01-01', 'next week', `${year}-02-30`, `${year}-13-01`]) {
      const bad = await adminClient.post(`/admin/users/${member.id}/suspend`, { reason: 'Spam', until })
      t.equal(bad.status, 400, `until "${until}" is refused`)
      t.match(decodeEntities(bad.body), 'Choose a date in the future, or leave it empty.')
    }
    t.equal((await adminClient.post('/admin/users/999999/suspend', { reason: 'Spam', until: '' })).status, 404)
    t.equal((await userRow()).status, 'active')
  })

  t.test('an admin cannot be suspended, and the attempt is logged', async (t) => {
    const response = await adminClient.post(`/admin/users/${otherAdmin.id}/suspend`, {
      reason: 'Power struggle',
      until: '',
    })
    t.equal(response.status, 403)
    t.match(response.body, 'Administrators cannot be suspended. The attempt was noted.')
    t.equal(
      (await db.selectFrom('users').select('status').where('id', '=', otherAdmin.id).executeTakeFirstOrThrow()).status,
      'active',
    )
    const [row] = await logRows(db, { actorId: admin.id, action: 'suspend', refused: true })
    t.equal(row.subject_user_id, otherAdmin.id)
    t.equal(row.reason, 'Power struggle')
  })

  t.test(
    'suspended until a date: logs in and reads, cannot write, and every page says why and until when',
    async (t) => {
      const suspended = await adminClient.post(`/admin/users/${member.id}/suspend`, {
        reason: 'Repeated personal attacks',
        until: `${year}-06-15`,
      })
      t.equal(suspended.status, 303)
      const row = await userRow()
      t.equal(row.status, 'suspended')
      t.equal(row.suspension_reason, 'Repeated personal attacks')
      t.ok(
        row.suspended_until &&
          row.suspended_until > new Date(`${year}-06-15T23:00:00Z`) &&
          row.suspended_until < new Date(`${year}-06-16T13:00:00Z`),
        'until the chosen day has ended everywhere',
      )
      t.match(
        (await adminClient.get('/admin/users')).body,
        new RegExp(`Suspended</span> until <time[^>]*>15 Jun ${year}</time> Repeated personal attacks`),
        'the people page shows the suspension as chosen',
      )
      const [logged] = await logRows(db, { actorId: admin.id, action: 'suspend', refused: false })
      t.equal(logged.subject_user_id, member.id)
      t.equal(logged.reason, `Repeated personal attacks (until ${year}-06-15)`)

      const client = new Client(app)
      t.equal((await logIn(client, member.email, member.password)).status, 303, 'they can still log in')
      const banner = `Your account is suspended until 15 Jun ${year}: you can read and log in, but not write. Reason: Repeated personal attacks`
      for (const url of ['/', `/c/${community.slug}`, `/t/${threadId}`, '/library/an-article-to-read', '/library']) {
        const page = await client.get(url)
        t.equal(page.status, 200, `they read ${url}`)
        t.match(decodeEntities(page.body), banner, `${url} tells them why and until when`)
      }
      const thread = await client.get(`/t/${threadId}`)
      t.match(thread.body, 'Your account is suspended: you can read, but not write.', 'the reply box says so too')
      t.notMatch(thread.body, `action="/t/${threadId}/replies"`, 'and offers no form')
      t.notMatch(thread.body, 'action="/flags"', 'nor a flag form')

      const before = await writes()
      await client.get('/')
      const attempts = [
        ['reply', await client.post(`/t/${threadId}/replies`, { body: 'Writing anyway' })],
        ['thread', await client.post(`/c/${community.slug}/new`, { title: 'A thread anyway', body: 'Writing anyway' })],
        ['comment', await client.post('/library/an-article-to-read/comments', { body: 'Commenting anyway' })],
        ['flag', await client.post('/flags', { target_type: 'post', target_id: String(postId), reason: 'spam' })],
      ] as const
      for (const [what, response] of attempts)
        t.equal(response.status, 403, `a ${what} through a direct POST is refused`)
      t.match(attempts[0][1].body, 'Your account is suspended')
      t.match(attempts[1][1].body, 'Your account is suspended')
      t.match(attempts[3][1].body, 'Your account is suspended')
      t.same(await writes(), before, 'nothing was written')
      t.equal((await client.get(`/c/${community.slug}/new`)).status, 403, 'the new-thread form is refused too')
    },
  )

  t.test('a suspension without end date, then lifted: writing works again', async (t) => {
    await db
      .updateTable('users')
      .set({ status: 'active', suspended_until: null, suspension_reason: null })
      .where('id', '=', member.id)
      .execute()
    t.equal(
      (await adminClient.post(`/admin/users/${member.id}/suspend`, { reason: 'Until we talked', until: '' })).status,
      303,
    )
    const client = await loggedIn(app, member)
    t.match(
      decodeEntities((await client.get('/')).body),
      'Your account is suspended: you can read and log in, but not write. Reason: Until we talked',
    )
    t.equal((await client.post(`/t/${threadId}/replies`, { body: 'Still suspended' })).status, 403)

    t.equal((await adminClient.post(`/admin/users/${member.id}/unsuspend`)).status, 303)
    t.same(await userRow(), { status: 'active', suspension_reason: null, suspended_until: null })
    t.equal((await adminClient.post(`/admin/users/${member.id}/unsuspend`)).status, 400, 'lifting twice is refused')
    t.equal((await logRows(db, { actorId: admin.id, action: 'unsuspend' })).length, 1)

    const home = await client.get('/')
    t.notMatch(home.body, 'Your account is suspended', 'the banner is gone')
    t.equal((await client.post(`/t/${threadId}/replies`, { body: 'Back and polite' })).status, 303, 'they reply again')
    t.equal(
      (await client.post('/flags', { target_type: 'post', target_id: String(postId), reason: 'off_topic' })).status,
      303,
      'and flag again',
    )
  })

  t.test('a suspension that ended no longer stops anyone', async (t) => {
    await db
      .updateTable('users')
      .set({ status: 'suspended', suspended_until: new Date(Date.now() - 60_000), suspension_reason: 'Old story' })
      .where('id', '=', member.id)
      .execute()
    const client = await loggedIn(app, member)
    t.notMatch((await client.get('/')).body, 'Your account is suspended')
    t.equal((await client.post(`/t/${threadId}/replies`, { body: 'After the end date' })).status, 303)
  })
})
