// A guest reaches their one thread and nothing else: every other path is a 403 page that says what they may do.
import t from 'tap'
import { replyToThread, startThread } from '../../src/discussions/commands.js'
import { joinCommunity } from '../../src/communities/commands.js'
import { buildTestApp } from '../helpers/app.js'
import { createCommunityWith, createMeetingIn, createThemeWith, createThreadIn } from '../helpers/factories.js'
import { acceptAsGuest, circle, invite } from './helpers.js'

t.test('a guest is refused everywhere but their thread', async (t) => {
  const { app, db } = await buildTestApp(t)
  const { mod, moderator, member, community, threadId, otherThreadId } = await circle(app, db)
  const elsewhere = await createCommunityWith(db, { visibility: 'public', moderators: [moderator] })
  const publicThread = await createThreadIn(db, elsewhere.id, moderator, { title: 'An open question' })
  const meeting = await createMeetingIn(db, elsewhere.id, moderator)
  const link = await invite(db, mod, `/t/${threadId}/guests`, 'guest@example.net')
  const { guest } = await acceptAsGuest(app, link)
  const guestId = (
    await db.selectFrom('users').select('id').where('email', '=', 'guest@example.net').executeTakeFirstOrThrow()
  ).id

  const refusal = 'As a guest you can take part in “Matching hosts with dementia” until'
  for (const path of [
    `/t/${otherThreadId}`,
    `/t/${publicThread}`,
    `/c/${community.slug}`,
    `/c/${community.slug}/new`,
    `/c/${community.slug}/members`,
    `/c/${community.slug}/mention-suggestions?q=me`,
    `/c/${elsewhere.slug}`,
    '/communities',
    '/library/new',
    `/meetings/${meeting}`,
    '/mod',
    `/t/${threadId}/guests`,
    `/t/${threadId}/edit`,
    '/members',
    '/messages',
    `/messages/new?to=${moderator.id}`,
    '/settings/profile',
  ]) {
    const res = await guest.get(path)
    t.equal(res.status, 403, `GET ${path} is refused`)
    t.match(res.body, refusal, `GET ${path} says what the guest may do`)
    t.match(res.body, `href="/t/${threadId}"`, 'and links to their thread')
  }
  await guest.get(`/t/${threadId}`)
  for (const [path, fields] of [
    [`/c/${community.slug}/new`, { title: 'A new thread', body: 'Text of my thread' }],
    [`/c/${elsewhere.slug}/join`, {}],
    [`/t/${otherThreadId}/replies`, { body: 'A reply elsewhere' }],
    ['/library/new', { title: 'An article', body: 'Text' }],
    ['/flags', { target_type: 'thread', target_id: String(otherThreadId), reason: 'spam' }],
  ] as const) {
    const res = await guest.post(path, fields)
    t.equal(res.status, 403, `POST ${path} is refused`)
  }
  const threads = await db.selectFrom('threads').select('id').where('author_id', '=', guestId).execute()
  t.equal(threads.length, 0, 'no thread was started')

  const home = await guest.get('/')
  t.equal(home.location, '/guest', 'the home page sends the guest to their access')
  const own = await guest.get('/guest')
  t.match(own.body, refusal)
  t.equal((await guest.get('/search?q=question')).status, 200, 'public search stays open')
  t.equal((await guest.get('/settings')).status, 200, 'their own settings too')

  // Names in their thread link to profiles: a guest reads the public ones, as a visitor would, and no others.
  await db.updateTable('users').set({ profile_visibility: 'public' }).where('id', '=', moderator.id).execute()
  const themeId = await createThemeWith(db, 'dementia', { en: 'Dementia' })
  await db.insertInto('user_expertise').values({ user_id: moderator.id, tag_id: themeId }).execute()
  await db.updateTable('users').set({ profile_visibility: 'members' }).where('id', '=', member.id).execute()
  const publicProfile = await guest.get(`/u/${moderator.id}`)
  t.equal(publicProfile.status, 200, 'a public profile opens')
  t.notMatch(publicProfile.body, 'Send a message', 'but offers no message')
  t.match(publicProfile.body, 'href="/themes/dementia"', 'their expertise is listed')
  t.notMatch(publicProfile.body, `/u/${moderator.id}/expertise/dementia`, 'but a guest cannot endorse it')
  t.equal((await guest.get(`/u/${member.id}`)).status, 403, 'a profile kept to members stays closed to a guest')

  // Behind the gate, the commands refuse on their own, inside their transaction.
  await t.rejects(
    replyToThread(db, { threadId: otherThreadId, parentId: null, authorId: guestId, bodyMd: 'x', submissionKey: null }),
    { message: 'guests.refused.write' },
    'a reply to another thread is refused in the transaction',
  )
  await t.rejects(
    startThread(db, {
      communityId: community.id,
      authorId: guestId,
      title: 'Mine',
      bodyMd: 'x',
      themeIds: [],
      submissionKey: null,
    }),
    { message: 'guests.refused.write' },
    'starting a thread is refused in the transaction',
  )
  await t.rejects(
    joinCommunity(db, { id: elsewhere.id, join_policy: 'open' }, guestId, null),
    { message: 'guests.refused.write' },
    'joining a community is refused in the transaction',
  )
  const ok = await replyToThread(db, {
    threadId,
    parentId: null,
    authorId: guestId,
    bodyMd: 'mine',
    submissionKey: null,
  })
  t.equal(ok.ok, true, 'the invited thread takes the reply')
  t.not((await guest.get(`/posts/${ok.postId}`)).status, 403, 'a reply of their thread has its own address')
  const elsewherePost = await db
    .selectFrom('posts')
    .select('id')
    .where('thread_id', '=', otherThreadId)
    .executeTakeFirst()
  const foreign = await replyToThread(db, {
    threadId: otherThreadId,
    parentId: null,
    authorId: member.id,
    bodyMd: 'members only',
    submissionKey: null,
  })
  t.equal((await guest.get(`/posts/${elsewherePost?.id ?? foreign.postId}`)).status, 403, 'others’ are refused')
  t.equal((await guest.get('/posts/99999999')).status, 403, 'an unknown reply tells nothing')
})
