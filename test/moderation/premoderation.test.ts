// Pre-moderation: a member's first posts in a community wait for a moderator, seen only by their author (with a
// notice) and the moderators, uncounted, until a moderator approved as many as the community asks.
import t from 'tap'
import { addMember } from '../../src/communities/commands.js'
import { buildTestApp } from '../helpers/app.js'
import { Client, decodeEntities } from '../helpers/client.js'
import { createCommunityWith, createThreadIn, createUser } from '../helpers/factories.js'
import { loggedIn, logRows, openItemOf, replyItem } from '../helpers/moderation.js'
import { translate } from '../../src/web/i18n.js'

t.test('pre-moderation of new members', async (t) => {
  const { app, db } = await buildTestApp(t)
  const moderator = await createUser(db, { displayName: 'Mona Moderator' })
  const newcomer = await createUser(db, { displayName: 'Nina Newcomer' })
  const regular = await createUser(db, { displayName: 'Rik Regular' })
  const community = await createCommunityWith(db, {
    slug: 'premod',
    name: 'Premoderated circle',
    moderators: [moderator],
    members: [newcomer, regular],
    premoderation: 2,
  })
  // The regular member passed pre-moderation already.
  await db.updateTable('community_members').set({ approved_posts: 2 }).where('user_id', '=', regular.id).execute()
  const threadId = await createThreadIn(db, community.id, moderator, { title: 'Welcome, introduce yourself' })
  const newClient = await loggedIn(app, newcomer)
  const regularClient = await loggedIn(app, regular)
  const modClient = await loggedIn(app, moderator)
  const visitor = new Client(app)
  const counts = async () => ({
    replies: (await db.selectFrom('threads').select('reply_count').where('id', '=', threadId).executeTakeFirstOrThrow())
      .reply_count,
    threads: (
      await db.selectFrom('communities').select('thread_count').where('id', '=', community.id).executeTakeFirstOrThrow()
    ).thread_count,
  })
  const before = await counts()

  const replied = await newClient.post(`/t/${threadId}/replies`, { body: 'Hello, I coordinate a homeshare in Ghent' })
  t.equal(replied.status, 303)
  const replyId = Number(/\/posts\/(\d+)/.exec(replied.location!)![1])
  const started = await newClient.post(`/c/${community.slug}/new`, {
    title: 'Our waiting list keeps growing',
    body: 'What do you do about a long waiting list?',
  })
  t.equal(started.status, 303)
  const newThreadId = Number(/\/t\/(\d+)/.exec(started.location!)![1])

  t.test('the first posts of a new member wait, seen by the author alone', async (t) => {
    t.equal(
      (await db.selectFrom('posts').select('status').where('id', '=', replyId).executeTakeFirstOrThrow()).status,
      'pending',
    )
    t.equal(
      (await db.selectFrom('threads').select('status').where('id', '=', newThreadId).executeTakeFirstOrThrow()).status,
      'pending',
    )
    t.same(await counts(), before, 'neither is counted')

    const own = await newClient.get(`/t/${threadId}`)
    t.match(
      replyItem(own.body, replyId),
      'Hello, I coordinate a homeshare in Ghent',
      'the author reads the pending reply',
    )
    t.match(
      replyItem(own.body, replyId),
      'Only you and the moderators see this reply until a moderator approves it.',
      'with a notice',
    )
    const ownThread = await newClient.get(`/t/${newThreadId}`)
    t.equal(ownThread.status, 200)
    t.match(
      decodeEntities(ownThread.body),
      translate('en', 'posts.notice.thread_pending_own'),
      'the author is told it waits for a moderator',
    )

    for (const [who, client] of [
      ['a visitor', visitor],
      ['another member', regularClient],
    ] as const) {
      const page = await client.get(`/t/${threadId}`)
      t.notMatch(page.body, 'I coordinate a homeshare in Ghent', `${who} does not read the pending reply`)
      t.match(
        replyItem(decodeEntities(page.body), replyId),
        "A reply waiting for a moderator's approval.",
        `${who} sees a placeholder`,
      )
      t.match(page.body, '0 replies', `${who} sees no reply counted`)
      t.equal((await client.get(`/t/${newThreadId}`)).status, 404, `${who} cannot open the pending thread`)
      t.notMatch(
        (await client.get(`/c/${community.slug}`)).body,
        'Our waiting list keeps growing',
        `${who} does not find it on the community page`,
      )
      t.notMatch(
        (await client.get('/')).body,
        'Our waiting list keeps growing',
        `${who} does not find it on the home page`,
      )
    }
    const modView = await modClient.get(`/t/${threadId}`)
    t.match(replyItem(modView.body, replyId), 'I coordinate a homeshare in Ghent', 'the moderator reads it')

    const queue = (await modClient.get('/mod')).body
    for (const [type, id] of [
      ['post', replyId],
      ['thread', newThreadId],
    ] as const) {
      const item = (await openItemOf(db, type, id))!
      t.equal(item.kind, 'queued')
      t.match(
        queue,
        new RegExp(
          `id="item-${item.id}">\\s*<p class="meta"><span class="badge badge-accent">Waiting for approval</span>`,
        ),
        `the ${type} waits in the queue`,
      )
    }
    t.match(queue, 'value="approve"')
    t.match(queue, 'value="reject"')
  })

  t.test('a moderator approves both: they appear and count, and the next post is visible at once', async (t) => {
    const replyItemRow = (await openItemOf(db, 'post', replyId))!
    const threadItemRow = (await openItemOf(db, 'thread', newThreadId))!
    t.equal(
      (await modClient.post(`/mod/items/${replyItemRow.id}`, { action: 'keep' })).status,
      400,
      'a queued post is approved or rejected, not kept',
    )
    t.equal((await modClient.post(`/mod/items/${replyItemRow.id}`, { action: 'approve' })).status, 303)
    t.equal((await modClient.post(`/mod/items/${threadItemRow.id}`, { action: 'approve' })).status, 303)
    t.same(await counts(), { replies: before.replies + 1, threads: before.threads + 1 }, 'both are counted now')
    t.match(
      replyItem((await visitor.get(`/t/${threadId}`)).body, replyId),
      'I coordinate a homeshare in Ghent',
      'a visitor reads the reply',
    )
    t.equal((await regularClient.get(`/t/${newThreadId}`)).status, 200, 'another member opens the thread')
    t.match((await visitor.get(`/c/${community.slug}`)).body, 'Our waiting list keeps growing')
    t.match((await visitor.get('/')).body, 'Our waiting list keeps growing')
    t.equal(
      (
        await db
          .selectFrom('community_members')
          .select('approved_posts')
          .where('user_id', '=', newcomer.id)
          .executeTakeFirstOrThrow()
      ).approved_posts,
      2,
    )
    t.equal((await logRows(db, { actorId: moderator.id, action: 'approve' })).length, 2, 'both approvals are logged')

    const third = await newClient.post(`/t/${threadId}/replies`, { body: 'Thanks for letting me in' })
    t.equal(third.status, 303)
    const thirdId = Number(/\/posts\/(\d+)/.exec(third.location!)![1])
    t.equal(
      (await db.selectFrom('posts').select('status').where('id', '=', thirdId).executeTakeFirstOrThrow()).status,
      'visible',
      'the third post needs no approval',
    )
    t.match((await visitor.get(`/t/${threadId}`)).body, 'Thanks for letting me in')
    t.equal(await openItemOf(db, 'post', thirdId), undefined, 'and is not in the queue')
  })

  t.test('a rejected post stays out of sight for everyone else', async (t) => {
    const another = await createUser(db, { displayName: 'Otto Other' })
    await addMember(db, community.id, another.id)
    const client = await loggedIn(app, another)
    const replied = await client.post(`/t/${threadId}/replies`, { body: 'Visit my shop for cheap furniture' })
    const postId = Number(/\/posts\/(\d+)/.exec(replied.location!)![1])
    const item = (await openItemOf(db, 'post', postId))!
    const noReason = await modClient.post(`/mod/items/${item.id}`, { action: 'reject' })
    t.equal(noReason.status, 400, 'a rejection needs a reason')
    t.equal((await modClient.post(`/mod/items/${item.id}`, { action: 'reject', reason: 'Advertising' })).status, 303)
    const row = await db
      .selectFrom('posts')
      .select(['status', 'hidden_reason'])
      .where('id', '=', postId)
      .executeTakeFirstOrThrow()
    t.same(row, { status: 'deleted', hidden_reason: 'Advertising' })
    t.equal(
      (await db.selectFrom('review_items').select('status').where('id', '=', item.id).executeTakeFirstOrThrow()).status,
      'rejected',
    )
    for (const reader of [visitor, regularClient, client])
      t.notMatch((await reader.get(`/t/${threadId}`)).body, 'cheap furniture')
    t.equal(
      (
        await db
          .selectFrom('community_members')
          .select('approved_posts')
          .where('user_id', '=', another.id)
          .executeTakeFirstOrThrow()
      ).approved_posts,
      0,
      'a rejection counts for nothing',
    )
    const [logged] = await logRows(db, { actorId: moderator.id, action: 'reject' })
    t.equal(logged.reason, 'Advertising')
  })
})
