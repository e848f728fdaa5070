// The same form sent many times at once (a double click, a flaky network, a script) answers as sending it twice in a
// row does: one row, the others told it is already done, never a 500 from a unique key.
import t from 'tap'
import { askQuestion, proposeTopic } from '../../src/meetings/commands.js'
import { buildTestApp } from '../helpers/app.js'
import { Client, type Response } from '../helpers/client.js'
import { createCommunityWith, createThreadIn, createUser, replyIn, createMeetingIn } from '../helpers/factories.js'
import { loggedIn } from '../helpers/moderation.js'

const copies = 8

const statuses = (responses: Response[]) => responses.map((r) => r.status).sort()

t.test('parallel identical writes by one member', async (t) => {
  const { app, db } = await buildTestApp(t)
  const moderator = await createUser(db)
  const member = await createUser(db)
  const author = await createUser(db)
  const home = await createCommunityWith(db, { moderators: [moderator], members: [member, author] })
  const threadId = await createThreadIn(db, home.id, author)
  const postId = await replyIn(db, threadId, author)
  const meetingId = await createMeetingIn(db, home.id, moderator)
  const questionId = await askQuestion(db, { meetingId, authorId: author.id, body: 'Who calls the host?' })
  const topicId = await proposeTopic(db, { communityId: home.id, proposerId: author.id, title: 'House rules' })
  const client = await loggedIn(app, member)
  const burst = (url: string, fields: Record<string, string>) =>
    Promise.all(Array.from({ length: copies }, () => client.post(url, fields)))
  const count = async (query: Promise<unknown[]>) => (await query).length

  t.test('flags on one reply', async (t) => {
    const responses = await burst('/flags', {
      target_type: 'post',
      target_id: String(postId),
      reason: 'spam',
      note: '',
    })
    t.same(
      statuses(responses),
      [303, ...Array<number>(copies - 1).fill(400)],
      'one flag taken, the others told it was already flagged',
    )
    t.match(responses.find((r) => r.status === 400)?.body ?? '', /already/i)
    t.equal(
      await count(
        db.selectFrom('flags').select('id').where('target_id', '=', postId).where('target_type', '=', 'post').execute(),
      ),
      1,
    )
    t.equal(
      await count(
        db
          .selectFrom('review_items')
          .select('id')
          .where('target_id', '=', postId)
          .where('target_type', '=', 'post')
          .execute(),
      ),
      1,
      'one review item',
    )
  })

  t.test('upvotes of one question', async (t) => {
    const responses = await burst(`/meetings/${meetingId}/questions/${questionId}/upvote`, {})
    t.same(statuses(responses), [303, ...Array<number>(copies - 1).fill(409)])
    t.equal(
      await count(
        db.selectFrom('meeting_question_votes').select('user_id').where('question_id', '=', questionId).execute(),
      ),
      1,
    )
  })

  t.test('votes for one topic', async (t) => {
    const responses = await burst(`/c/${home.slug}/topics/${topicId}/vote`, {})
    t.same(statuses(responses), [303, ...Array<number>(copies - 1).fill(409)])
    t.equal(
      await count(db.selectFrom('meeting_topic_votes').select('user_id').where('topic_id', '=', topicId).execute()),
      1,
    )
  })

  t.test('attendance answers', async (t) => {
    const responses = await burst(`/meetings/${meetingId}/attendance`, { answer: 'yes', delegate: '' })
    t.same(statuses(responses), Array(copies).fill(303))
    t.equal(
      await count(
        db
          .selectFrom('meeting_attendance')
          .select('user_id')
          .where('meeting_id', '=', meetingId)
          .where('user_id', '=', member.id)
          .execute(),
      ),
      1,
    )
  })

  t.test('joining an open community', async (t) => {
    const open = await createCommunityWith(db, { joinPolicy: 'open' })
    const before = await db
      .selectFrom('communities')
      .select('member_count')
      .where('id', '=', open.id)
      .executeTakeFirstOrThrow()
    const responses = await burst(`/c/${open.slug}/join`, { note: '' })
    t.same(statuses(responses), Array(copies).fill(303))
    t.equal(
      await count(
        db
          .selectFrom('community_members')
          .select('user_id')
          .where('community_id', '=', open.id)
          .where('user_id', '=', member.id)
          .where('status', '=', 'active')
          .execute(),
      ),
      1,
    )
    const after = await db
      .selectFrom('communities')
      .select('member_count')
      .where('id', '=', open.id)
      .executeTakeFirstOrThrow()
    t.equal(after.member_count, before.member_count + 1, 'the member count went up once')
  })

  t.test('asking to join', async (t) => {
    const asking = await createCommunityWith(db, { joinPolicy: 'request' })
    const responses = await burst(`/c/${asking.slug}/join`, { note: 'Please' })
    t.same(statuses(responses), Array(copies).fill(303))
    t.equal(
      await count(
        db
          .selectFrom('community_members')
          .select('user_id')
          .where('community_id', '=', asking.id)
          .where('user_id', '=', member.id)
          .where('status', '=', 'pending')
          .execute(),
      ),
      1,
    )
  })
})

t.test('flags by different members at once open one review item and hide the reply once (threshold 3)', async (t) => {
  const { app, db } = await buildTestApp(t)
  const author = await createUser(db)
  const reporters = await Promise.all(Array.from({ length: 3 }, () => createUser(db)))
  const community = await createCommunityWith(db, { members: [author, ...reporters] })
  const threadId = await createThreadIn(db, community.id, author)
  const postId = await replyIn(db, threadId, author)
  const clients = await Promise.all(reporters.map((reporter) => loggedIn(app, reporter)))
  const responses = await Promise.all(
    clients.map((client) =>
      client.post('/flags', { target_type: 'post', target_id: String(postId), reason: 'spam', note: '' }),
    ),
  )
  t.same(statuses(responses), Array(reporters.length).fill(303), 'every member’s flag is taken')
  const items = await db
    .selectFrom('review_items')
    .select('id')
    .where('target_type', '=', 'post')
    .where('target_id', '=', postId)
    .execute()
  t.equal(items.length, 1, 'one review item gathers them')
  t.equal(
    (await db.selectFrom('flags').select('id').where('review_item_id', '=', items[0]!.id).execute()).length,
    reporters.length,
  )
  t.equal(
    (await db.selectFrom('posts').select('status').where('id', '=', postId).executeTakeFirstOrThrow()).status,
    'hidden',
    'the threshold hid it',
  )
  t.equal(
    (
      await db
        .selectFrom('moderation_log')
        .select('id')
        .where('action', '=', 'auto_hide')
        .where('target_id', '=', postId)
        .execute()
    ).length,
    1,
    'once',
  )
})

t.test('parallel registrations with one email make one account', async (t) => {
  const { app, db } = await buildTestApp(t)
  const email = `twice-${Date.now()}@example.org`
  const clients = await Promise.all(
    Array.from({ length: copies }, async () => {
      const client = new Client(app)
      await client.get('/register')
      return client
    }),
  )
  const responses = await Promise.all(
    clients.map((client, i) =>
      client.post('/register', {
        email: i % 2 ? email.toUpperCase() : email,
        display_name: `Twin ${i}`,
        password: 'a long enough password 42',
        next: '',
      }),
    ),
  )
  t.notOk(
    responses.some((r) => r.status >= 500),
    'no 500',
  )
  // Registration answers the same whether or not the address is taken (the owner gets a note by email instead).
  t.ok(
    responses.every((r) => r.status === 303 && r.location === '/register/sent'),
    'every request got the same "check your email"',
  )
  const rows = await db
    .selectFrom('users')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
    .execute()
  t.equal(rows.length, 1, 'one account')
})
