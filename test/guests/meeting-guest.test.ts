// A guest invited to one meeting reads it, attends, asks and upvotes a question, and reaches no other meeting.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { createCommunityWith, createMeetingIn } from '../helpers/factories.js'
import { loggedIn } from '../helpers/moderation.js'
import { acceptAsGuest, circle, dayAfter, invite } from './helpers.js'

t.test('a guest of a meeting attends, asks and upvotes there only', async (t) => {
  const { app, db } = await buildTestApp(t)
  const { mod, moderator, member, community } = await circle(app, db)
  const meetingId = await createMeetingIn(db, community.id, moderator)
  const sameCircle = await createMeetingIn(db, community.id, moderator)
  const other = await createCommunityWith(db, { visibility: 'members', moderators: [moderator] })
  const otherMeeting = await createMeetingIn(db, other.id, moderator)

  const plan = await mod.get(`/meetings/${meetingId}/plan`)
  t.match(plan.body, `href="/meetings/${meetingId}/guests"`, 'the planner page has a guests tab')
  t.equal((await (await loggedIn(app, member)).get(`/meetings/${meetingId}/guests`)).status, 403, 'members may not')
  const bad = await mod.submit(`/meetings/${meetingId}/guests`, `/meetings/${meetingId}/guests`, {
    email: 'speaker@example.net',
    ends_on: dayAfter(-3),
  })
  t.equal(bad.status, 422, 'a past date is refused')
  t.match(bad.body, 'value="speaker@example.net"')

  const link = await invite(db, mod, `/meetings/${meetingId}/guests`, 'speaker@example.net', dayAfter(10))
  const { guest, res } = await acceptAsGuest(app, link, 'Sven Speaker')
  t.equal(res.location, `/meetings/${meetingId}`)

  const page = await guest.get(`/meetings/${meetingId}`)
  t.equal(page.status, 200, 'the guest reads the meeting')
  t.notMatch(page.body, 'name="delegate"', 'no member list to pick a delegate from')
  t.equal((await guest.post(`/meetings/${meetingId}/attendance`, { answer: 'yes' })).status, 303, 'attends')
  t.equal((await guest.post(`/meetings/${meetingId}/questions`, { question: 'How do you match?' })).status, 303)
  const memberClient = await loggedIn(app, member)
  await memberClient.get(`/meetings/${meetingId}`)
  await memberClient.post(`/meetings/${meetingId}/questions`, { question: 'What about pets?' })
  const question = await db
    .selectFrom('meeting_questions')
    .select('id')
    .where('body', '=', 'What about pets?')
    .executeTakeFirstOrThrow()
  await guest.get(`/meetings/${meetingId}`)
  const vote = await guest.post(`/meetings/${meetingId}/questions/${question.id}/upvote`)
  t.equal(vote.status, 303, 'upvotes')

  const seen = await memberClient.get(`/meetings/${meetingId}`)
  t.match(
    (await mod.get(`/meetings/${meetingId}`)).body,
    /<li><a href="\/u\/\d+" class="person">Sven Speaker<\/a> <span class="badge guest-badge">guest<\/span>/,
    'marked as guest in the attendance the moderator reads',
  )
  t.match(
    seen.body,
    /How do you match\?[\s\S]*Sven Speaker<\/a> <span class="badge guest-badge">/,
    'and beside the question',
  )

  for (const id of [sameCircle, otherMeeting]) {
    const res = await guest.get(`/meetings/${id}`)
    t.equal(res.status, 403, 'another meeting is refused')
    t.match(res.body, 'As a guest you can take part in “Intake circle”')
    t.equal((await guest.post(`/meetings/${id}/attendance`, { answer: 'yes' })).status, 403)
  }
  t.equal((await guest.get(`/meetings/${meetingId}/plan`)).status, 403, 'the planner page is not theirs')
  const own = await guest.get('/guest')
  t.match(own.body, `href="/meetings/${meetingId}"`)
})
