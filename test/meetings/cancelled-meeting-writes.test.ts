// A cancelled meeting is a closed record: adding a room, writing a room's notes, marking a question discussed, adding
// an action item or changing one's status all answer 409 and change nothing, as the corrections do.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { Client, formVersion, logIn } from '../helpers/client.js'
import { createCommunityWith, createUser } from '../helpers/factories.js'

const year = new Date().getUTCFullYear() + 1

t.test('after cancelling, the meeting record refuses every write with 409', async (t) => {
  const { app, db } = await buildTestApp(t)
  const moderatorUser = await createUser(db, { displayName: 'Mod Erator' })
  const anaUser = await createUser(db, { displayName: 'Ana Facilitator' })
  await createCommunityWith(db, { slug: 'homeshare', moderators: [moderatorUser], members: [anaUser] })
  const moderator = new Client(app)
  await logIn(moderator, moderatorUser.email, moderatorUser.password)
  const ana = new Client(app)
  await logIn(ana, anaUser.email, anaUser.password)

  const planned = await moderator.submit('/c/homeshare/meetings/new', '/c/homeshare/meetings/new', {
    title: 'Spring meeting',
    topic: 'Matching hosts and tenants',
    starts_at: `${year}-03-10T14:00`,
    ends_at: `${year}-03-10T15:30`,
    time_zone: 'Europe/Amsterdam',
    online_url: '',
    agenda: '',
  })
  t.equal(planned.status, 303)
  const url = planned.location!

  await ana.get(url)
  t.equal((await ana.post(`${url}/questions`, { question: 'How do we match?' })).status, 303)
  await moderator.get(url)
  const room = { name: 'Nederlandstalig', language: 'nl', facilitator: String(anaUser.id), note_taker: '' }
  t.equal((await moderator.post(`${url}/rooms`, room)).status, 303)
  const item = { text: 'Share the checklist', owner: String(anaUser.id), due_on: '' }
  t.equal((await moderator.post(`${url}/items`, item)).status, 303)
  const questionId = (await db.selectFrom('meeting_questions').select('id').executeTakeFirstOrThrow()).id
  const roomId = (await db.selectFrom('meeting_rooms').select('id').executeTakeFirstOrThrow()).id
  const itemId = (await db.selectFrom('meeting_action_items').select('id').executeTakeFirstOrThrow()).id

  // Ana has the notes form open while the meeting is cancelled.
  const notesUrl = `${url}/rooms/${roomId}/notes`
  const notesVersion = formVersion((await ana.get(notesUrl)).body)

  const record = async () => ({
    rooms: await db.selectFrom('meeting_rooms').selectAll().execute(),
    questions: await db.selectFrom('meeting_questions').select(['id', 'discussed']).execute(),
    items: await db.selectFrom('meeting_action_items').select(['id', 'text', 'status']).execute(),
  })
  await moderator.get(url)
  t.equal((await moderator.post(`${url}/cancel`, { reason: 'Speaker ill' })).status, 303)
  const before = await record()

  await moderator.get(url)
  const answers = {
    'adding a room': await moderator.post(`${url}/rooms`, { ...room, name: 'English' }),
    'marking a question discussed': await moderator.post(`${url}/questions/${questionId}/discussed`, {
      discussed: 'yes',
    }),
    'adding an action item': await moderator.post(`${url}/items`, { ...item, text: 'Another task' }),
    'closing an action item': await moderator.post(`${url}/items/${itemId}/status`, { status: 'done', return_to: '' }),
    "writing a room's notes": await ana.post(notesUrl, {
      worked: 'Notes after the cancellation',
      did_not_work: '',
      call_to_action: '',
      ...(notesVersion === null ? {} : { version: notesVersion }),
    }),
  }
  for (const [what, response] of Object.entries(answers)) {
    t.equal(response.status, 409, `${what} is refused`)
    t.match(response.body, 'This meeting was cancelled', `${what}: the page says why`)
  }
  t.same(await record(), before, 'and the meeting record is unchanged')
  const log = await db
    .selectFrom('moderation_log')
    .select('action')
    .where('action', 'in', ['meeting.room_add', 'meeting.question_discussed'])
    .execute()
  t.equal(log.length, 1, 'only the room added before the cancellation is logged')
})
