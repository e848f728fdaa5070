// A suspended member changes nothing others can see: profile, joins, join requests, flags, votes, questions and
// attendance are refused with a 403 page in their language, and the database is as it was. Reading still works.
import t from 'tap'
import { suspendUser } from '../../src/moderation/commands.js'
import { proposeTopic, askQuestion } from '../../src/meetings/commands.js'
import { buildTestApp } from '../helpers/app.js'
import { createCommunityWith, createThreadIn, createUser, replyIn, createMeetingIn } from '../helpers/factories.js'
import { loggedIn } from '../helpers/moderation.js'

const refusal = 'Your account is suspended: you can read, but not write.'
const day = 24 * 3600 * 1000

t.test('a suspended member is refused every write, and nothing changes', async (t) => {
  const { app, db } = await buildTestApp(t)
  const admin = await createUser(db, { siteRole: 'admin' })
  const moderator = await createUser(db)
  const member = await createUser(db, { displayName: 'Sam Before' })
  const author = await createUser(db)
  const home = await createCommunityWith(db, { moderators: [moderator], members: [member, author] })
  const open = await createCommunityWith(db, { joinPolicy: 'open' })
  const asking = await createCommunityWith(db, { joinPolicy: 'request' })
  const threadId = await createThreadIn(db, home.id, author)
  const postId = await replyIn(db, threadId, author)
  const meetingId = await createMeetingIn(db, home.id, moderator, 'Europe/Brussels')
  const questionId = await askQuestion(db, { meetingId, authorId: author.id, body: 'Who calls the host?' })
  const topicId = await proposeTopic(db, { communityId: home.id, proposerId: author.id, title: 'House rules' })

  // Logged in before the suspension, as a member who is in the middle of using Kring.
  const client = await loggedIn(app, member)
  const suspended = await suspendUser(db, {
    userId: member.id,
    adminId: admin.id,
    reason: 'Spam wave',
    until: new Date(Date.now() + 30 * day),
  })
  t.equal(suspended, 'suspended')

  const counts = async () => ({
    user: await db
      .selectFrom('users')
      .select(['display_name', 'bio', 'organisation'])
      .where('id', '=', member.id)
      .executeTakeFirstOrThrow(),
    memberships: await db
      .selectFrom('community_members')
      .select(['community_id', 'status'])
      .where('user_id', '=', member.id)
      .orderBy('community_id')
      .execute(),
    flags: (await db.selectFrom('flags').select('id').where('reporter_id', '=', member.id).execute()).length,
    questionVotes: (
      await db.selectFrom('meeting_question_votes').select('question_id').where('user_id', '=', member.id).execute()
    ).length,
    topicVotes: (
      await db.selectFrom('meeting_topic_votes').select('topic_id').where('user_id', '=', member.id).execute()
    ).length,
    questions: (await db.selectFrom('meeting_questions').select('id').where('author_id', '=', member.id).execute())
      .length,
    attendance: (await db.selectFrom('meeting_attendance').select('user_id').where('user_id', '=', member.id).execute())
      .length,
  })
  const before = await counts()

  const attempts: [string, string, Record<string, string>][] = [
    [
      'profile',
      '/settings',
      {
        display_name: 'Sam Admin (staff)',
        organisation: 'Kring staff',
        country: '',
        bio: 'Trust me',
        locale: 'en',
        time_zone: 'Europe/Brussels',
      },
    ],
    ['join an open community', `/c/${open.slug}/join`, { note: '' }],
    ['ask to join', `/c/${asking.slug}/join`, { note: 'Let me in' }],
    ['flag a reply', '/flags', { target_type: 'post', target_id: String(postId), reason: 'spam', note: '' }],
    ['upvote a question', `/meetings/${meetingId}/questions/${questionId}/upvote`, {}],
    ['vote for a topic', `/c/${home.slug}/topics/${topicId}/vote`, {}],
    ['ask a question', `/meetings/${meetingId}/questions`, { question: 'Can I still ask?' }],
    ['say I attend', `/meetings/${meetingId}/attendance`, { answer: 'yes', delegate: '' }],
  ]
  for (const [what, url, fields] of attempts) {
    const response = await client.post(url, fields)
    t.equal(response.status, 403, `${what}: refused`)
    t.match(response.body, refusal, `${what}: the page says why`)
  }
  t.same(await counts(), before, 'nothing changed in the database')

  const nl = await client.post(
    '/settings',
    { display_name: 'Sam Anders', organisation: '', country: '', bio: '', locale: 'nl', time_zone: 'Europe/Brussels' },
    { headers: { 'accept-language': 'nl' } },
  )
  t.equal(nl.status, 403)
  t.equal((await counts()).user.display_name, 'Sam Before', 'a language change in the same form changes nothing either')

  t.equal((await client.get(`/t/${threadId}`)).status, 200, 'reading still works')
  t.equal((await client.get('/settings')).status, 200, 'and so does the settings page')
  t.equal((await client.post('/logout', {})).status, 303, 'and logging out')
})
