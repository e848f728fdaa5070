// Moderator tools on threads and people: lock, pin, move to another community, remove a member.
import t from 'tap'
import { addMember } from '../../src/communities/commands.js'
import { buildTestApp } from '../helpers/app.js'
import { decodeEntities } from '../helpers/client.js'
import { createCommunityWith, createThreadIn, createUser } from '../helpers/factories.js'
import { loggedIn, logRows } from '../helpers/moderation.js'

t.test('thread and member tools', async (t) => {
  const { app, db } = await buildTestApp(t)
  const moderator = await createUser(db, { displayName: 'Mona Moderator' })
  const member = await createUser(db, { displayName: 'Rik Member' })
  const author = await createUser(db, { displayName: 'Arno Author' })
  const home = await createCommunityWith(db, {
    slug: 'tools-home',
    name: 'Tools home',
    moderators: [moderator],
    members: [member, author],
  })
  const away = await createCommunityWith(db, {
    slug: 'tools-away',
    name: 'Tools away',
    moderators: [moderator],
    members: [member],
  })
  const modClient = await loggedIn(app, moderator)
  const memberClient = await loggedIn(app, member)
  const threadCount = async (id: number) =>
    (await db.selectFrom('communities').select('thread_count').where('id', '=', id).executeTakeFirstOrThrow())
      .thread_count

  t.test('a locked thread says so and refuses replies from members', async (t) => {
    const threadId = await createThreadIn(db, home.id, author, { title: 'A heated thread' })
    t.equal((await modClient.post(`/mod/thread/${threadId}/lock`, { reason: 'Cooling down' })).status, 303)
    const page = await memberClient.get(`/t/${threadId}`)
    t.match(page.body, '<span class="badge badge-locked">Locked</span>', 'the thread page says it is locked')
    t.match(page.body, 'This thread is locked: no new replies.')
    t.notMatch(page.body, `action="/t/${threadId}/replies"`, 'no reply form')
    t.match(
      (await memberClient.get(`/c/${home.slug}`)).body,
      /A heated thread<\/a><\/h3>\s*<p class="meta">\s*<span class="badge[^"]*">Locked<\/span>/,
      'so does the community page',
    )
    const refused = await memberClient.post(`/t/${threadId}/replies`, { body: 'Let me add one more thing' })
    t.equal(refused.status, 403)
    t.match(refused.body, 'This thread is locked: no new replies.')
    t.equal((await db.selectFrom('posts').select('id').where('thread_id', '=', threadId).execute()).length, 0)
    t.equal(
      (await modClient.post(`/t/${threadId}/replies`, { body: 'Closing words from the moderator' })).status,
      303,
      'a moderator may still reply',
    )
    const [logged] = await logRows(db, { actorId: moderator.id, action: 'lock', targetId: threadId })
    t.equal(logged.reason, 'Cooling down')

    t.equal((await modClient.post(`/mod/thread/${threadId}/unlock`)).status, 303)
    t.notMatch((await memberClient.get(`/t/${threadId}`)).body, '<span class="badge badge-locked">Locked</span>')
    t.equal(
      (await memberClient.post(`/t/${threadId}/replies`, { body: 'Thanks for reopening' })).status,
      303,
      'unlocked: members reply again',
    )
  })

  t.test('a pinned thread comes first on the community page', async (t) => {
    const community = await createCommunityWith(db, { slug: 'pin-order', moderators: [moderator], members: [author] })
    const older = await createThreadIn(db, community.id, author, { title: 'Older house rules' })
    await db
      .updateTable('threads')
      .set({ last_post_at: new Date(Date.now() - 86_400_000) })
      .where('id', '=', older)
      .execute()
    await createThreadIn(db, community.id, author, { title: 'Newer question' })
    const order = async () => {
      const body = (await memberClient.get(`/c/${community.slug}`)).body
      return [...body.matchAll(/<h3><a href="\/t\/\d+">([^<]+)<\/a><\/h3>/g)].map((m) => m[1])
    }
    t.same(await order(), ['Newer question', 'Older house rules'], 'by last activity before pinning')
    t.equal((await modClient.post(`/mod/thread/${older}/pin`)).status, 303)
    t.same(await order(), ['Older house rules', 'Newer question'], 'pinned first')
    t.match(
      (await memberClient.get(`/c/${community.slug}`)).body,
      /<li class="thread-row pinned">\s*<h3><a href="\/t\/\d+">Older house rules/,
    )
    t.match((await memberClient.get(`/t/${older}`)).body, 'Pinned')
    t.equal((await modClient.post(`/mod/thread/${older}/unpin`)).status, 303)
    t.same(await order(), ['Newer question', 'Older house rules'], 'unpinned: back in its place')
  })

  t.test('a moved thread appears in the other community', async (t) => {
    const threadId = await createThreadIn(db, home.id, author, { title: 'Belongs elsewhere' })
    const before = { home: await threadCount(home.id), away: await threadCount(away.id) }
    t.equal(
      (
        await modClient.post(`/mod/thread/${threadId}/move`, {
          community: away.slug,
          reason: 'About the other network',
        })
      ).status,
      303,
    )
    t.notMatch((await memberClient.get(`/c/${home.slug}`)).body, 'Belongs elsewhere', 'gone from the first community')
    t.match((await memberClient.get(`/c/${away.slug}`)).body, 'Belongs elsewhere', 'listed in the other')
    t.match(
      (await memberClient.get(`/t/${threadId}`)).body,
      `<a href="/c/${away.slug}">Tools away</a>`,
      'its page names the new community',
    )
    t.same(
      { home: await threadCount(home.id), away: await threadCount(away.id) },
      { home: before.home - 1, away: before.away + 1 },
      'counts follow',
    )
    const [logged] = await logRows(db, { actorId: moderator.id, action: 'move', targetId: threadId })
    t.equal(logged.community_id, away.id)
    t.equal(logged.reason, 'About the other network')
  })

  t.test('a removed member can no longer post', async (t) => {
    const leaving = await createUser(db, { displayName: 'Lea Leaving' })
    await addMember(db, home.id, leaving.id)
    const client = await loggedIn(app, leaving)
    const threadId = await createThreadIn(db, home.id, author, { title: 'Where the removed member used to reply' })
    t.equal((await client.post(`/t/${threadId}/replies`, { body: 'Before removal' })).status, 303)
    const members = async () =>
      (await db.selectFrom('communities').select('member_count').where('id', '=', home.id).executeTakeFirstOrThrow())
        .member_count
    const count = await members()

    const removed = await modClient.post(`/c/${home.slug}/members/${leaving.id}/remove`, {
      reason: 'Kept posting adverts',
    })
    t.equal(removed.status, 303)
    t.equal(removed.location, `/c/${home.slug}/members`)
    t.equal(
      await db
        .selectFrom('community_members')
        .select('user_id')
        .where('community_id', '=', home.id)
        .where('user_id', '=', leaving.id)
        .executeTakeFirst(),
      undefined,
    )
    t.equal(await members(), count - 1, 'the member count drops')
    const [logged] = await logRows(db, { actorId: moderator.id, action: 'remove_member' })
    t.same([logged.subject_user_id, logged.community_id, logged.reason], [leaving.id, home.id, 'Kept posting adverts'])

    await client.get('/')
    const reply = await client.post(`/t/${threadId}/replies`, { body: 'After removal' })
    t.equal(reply.status, 403, 'no reply')
    t.match(reply.body, 'Join this community to reply.')
    t.equal(
      (await client.post(`/c/${home.slug}/new`, { title: 'After removal', body: 'A thread' })).status,
      403,
      'no thread',
    )
    t.notMatch((await memberClient.get(`/t/${threadId}`)).body, 'After removal')

    const again = await modClient.post(`/c/${home.slug}/members/${leaving.id}/remove`, { reason: 'Twice' })
    t.equal(again.status, 400, 'removing someone who is no member is refused')
    const moderatorRemoval = await modClient.post(`/c/${home.slug}/members/${moderator.id}/remove`, { reason: 'Self' })
    t.equal(moderatorRemoval.status, 400, 'a moderator is not removed this way')
    t.match(decodeEntities(moderatorRemoval.body), 'ask an administrator to change their role first')
  })
})
