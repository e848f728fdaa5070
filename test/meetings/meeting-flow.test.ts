import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { Client, logIn } from '../helpers/client.js'
import { createCommunityWith, createThemeWith, createUser } from '../helpers/factories.js'

async function setup(t: Parameters<typeof buildTestApp>[0]) {
  const { app, db } = await buildTestApp(t)
  const users = {
    moderator: await createUser(db, { displayName: 'Mod Erator' }),
    ana: await createUser(db, { displayName: 'Ana Facilitator' }),
    bram: await createUser(db, { displayName: 'Bram Notes' }),
    chris: await createUser(db, { displayName: 'Chris Member' }),
    outsider: await createUser(db, { displayName: 'Out Sider' }),
  }
  const community = await createCommunityWith(db, {
    slug: 'homeshare',
    name: 'Homeshare',
    moderators: [users.moderator],
    members: [users.ana, users.bram, users.chris],
  })
  await createThemeWith(db, 'matching', { en: 'Matching', nl: 'Koppelen' })
  const clients = {} as Record<keyof typeof users, Client>
  for (const [name, user] of Object.entries(users)) {
    const client = new Client(app)
    await logIn(client, user.email, user.password)
    clients[name as keyof typeof users] = client
  }
  return { app, db, community, users, ...clients, visitor: new Client(app) }
}

const year = new Date().getUTCFullYear() + 1
const planAt = (client: Client, title: string, day: string, extra: Record<string, string> = {}) =>
  client.submit('/c/homeshare/meetings/new', '/c/homeshare/meetings/new', {
    title,
    topic: 'Matching hosts and tenants',
    themes: 'matching',
    starts_at: `${year}-${day}T14:00`,
    ends_at: `${year}-${day}T15:30`,
    time_zone: 'Europe/Amsterdam',
    online_url: 'https://meet.example.org/x',
    agenda: '## Welcome\n\nRound of *names*.',
    ...extra,
  })

t.test(
  'plan → attend → questions → rooms and notes → summary draft → publish → action items at the next meeting',
  async (t) => {
    const { db, users, moderator, ana, bram, chris, outsider, visitor } = await setup(t)
    const first = (await planAt(moderator, 'Spring meeting', '03-10')).location!
    const firstId = Number(first.split('/').pop())

    // Attendance, with a delegate who then counts.
    await ana.get(first)
    t.equal((await ana.post(`${first}/attendance`, { answer: 'yes' })).status, 303)
    await chris.get(first)
    t.equal(
      (await chris.post(`${first}/attendance`, { answer: 'delegate', delegate: String(users.bram.id) })).status,
      303,
    )
    t.equal(
      (await chris.post(`${first}/attendance`, { answer: 'delegate', delegate: String(users.outsider.id) })).status,
      400,
      'a delegate must be a member',
    )
    t.equal((await chris.post(`${first}/attendance`, { answer: 'maybe' })).status, 400)
    await outsider.get(first)
    t.equal((await outsider.post(`${first}/attendance`, { answer: 'yes' })).status, 403, 'non-members do not attend')
    const seen = await moderator.get(first)
    t.match(seen.body, '2 people attend.')
    t.match(
      seen.body,
      /<a href="\/u\/\d+" class="person">Bram Notes<\/a> \(on behalf of Chris Member\)/,
      'the moderator sees who comes, delegates included',
    )
    await bram.get(first)
    await bram.post(`${first}/attendance`, { answer: 'yes' })
    t.match((await moderator.get(first)).body, '2 people attend.', 'a delegate who also says yes is one seat')

    // Questions in advance, one upvote each.
    await ana.get(first)
    t.equal((await ana.post(`${first}/questions`, { question: 'How do we vet hosts, quickly?' })).status, 303)
    t.equal((await ana.post(`${first}/questions`, { question: '   ' })).status, 400)
    await bram.get(first)
    await bram.post(`${first}/questions`, { question: 'Who pays for insurance?' })
    const [vetting, insurance] = await db.selectFrom('meeting_questions').select(['id', 'body']).orderBy('id').execute()
    await chris.get(first)
    t.equal((await chris.post(`${first}/questions/${vetting.id}/upvote`)).status, 303)
    t.equal((await chris.post(`${first}/questions/${vetting.id}/upvote`)).status, 409, 'voting twice is refused')
    t.equal((await ana.post(`${first}/questions/${vetting.id}/upvote`)).status, 409, 'not for one’s own question')
    await outsider.get(first)
    t.equal(
      (await outsider.post(`${first}/questions`, { question: 'Let me in' })).status,
      403,
      'non-members submit no questions',
    )
    t.equal((await visitor.post(`${first}/questions`, { question: 'Hi' }, { csrf: false })).status, 403)
    t.equal(
      (await db.selectFrom('meeting_question_votes').select(db.fn.countAll().as('n')).executeTakeFirstOrThrow()).n,
      1,
    )
    const ranked = (await moderator.get(first)).body
    t.ok(ranked.indexOf('How do we vet hosts') < ranked.indexOf('Who pays for insurance'), 'ranked by votes')
    t.equal(
      (await chris.post(`${first}/questions/${vetting.id}/discussed`, { discussed: 'yes' })).status,
      403,
      'only moderators mark discussed',
    )
    await moderator.get(first)
    t.equal((await moderator.post(`${first}/questions/${vetting.id}/discussed`, { discussed: 'yes' })).status, 303)

    // Break-out rooms with notes in three parts; only facilitator, note-taker and moderators edit them.
    t.equal(
      (
        await moderator.post(`${first}/rooms`, {
          name: 'Nederlandstalig',
          language: 'nl',
          facilitator: String(users.ana.id),
          note_taker: String(users.bram.id),
        })
      ).status,
      303,
    )
    t.equal(
      (await moderator.post(`${first}/rooms`, { name: 'Klingon', language: 'tlh', facilitator: '', note_taker: '' }))
        .status,
      400,
    )
    await moderator.post(`${first}/rooms`, {
      name: 'English room',
      language: 'en',
      facilitator: String(users.chris.id),
      note_taker: '',
    })
    const [nlRoom, enRoom] = await db.selectFrom('meeting_rooms').select('id').orderBy('id').execute()
    const notes = {
      worked: 'Koppelgesprekken met **twee** coördinatoren.',
      did_not_work: 'Te weinig tijd.',
      call_to_action: 'Draaiboek delen.',
    }
    t.equal(
      (await bram.submit(`${first}/rooms/${nlRoom.id}/notes`, `${first}/rooms/${nlRoom.id}/notes`, notes)).status,
      303,
      'the note-taker writes',
    )
    t.equal((await chris.get(`${first}/rooms/${nlRoom.id}/notes`)).status, 403, 'another member does not')
    await chris.get(first)
    t.equal((await chris.post(`${first}/rooms/${nlRoom.id}/notes`, { worked: 'vandalism' })).status, 403)
    t.equal(
      (
        await chris.submit(`${first}/rooms/${enRoom.id}/notes`, `${first}/rooms/${enRoom.id}/notes`, {
          worked: 'Short intros.',
          did_not_work: '',
          call_to_action: 'Write a checklist.',
        })
      ).status,
      303,
      'the facilitator writes',
    )
    const tooLong = await chris.post(`${first}/rooms/${enRoom.id}/notes`, {
      worked: 'x'.repeat(20_000),
      did_not_work: '',
      call_to_action: '',
    })
    t.equal(tooLong.status, 422, 'notes go through the Markdown limits')
    const nlNotes = await db
      .selectFrom('meeting_rooms')
      .select(['worked_md'])
      .where('id', '=', nlRoom.id)
      .executeTakeFirstOrThrow()
    t.equal(nlNotes.worked_md, notes.worked, 'refused edits changed nothing')
    t.match((await visitor.get(first)).body, '<strong>twee</strong>')

    // Action items with owners.
    await moderator.get(first)
    t.equal(
      (
        await moderator.post(`${first}/items`, {
          text: 'Share the intake checklist',
          owner: String(users.ana.id),
          due_on: `${year}-04-01`,
        })
      ).status,
      303,
    )
    await moderator.post(`${first}/items`, { text: 'Ask insurers', owner: String(users.bram.id), due_on: '' })
    t.equal(
      (await moderator.post(`${first}/items`, { text: 'Bad date', owner: '', due_on: `${year}-02-31` })).status,
      400,
    )
    const [checklist, insurers] = await db.selectFrom('meeting_action_items').select('id').orderBy('id').execute()
    await chris.get(first)
    t.equal(
      (await chris.post(`${first}/items/${checklist.id}/status`, { status: 'done' })).status,
      403,
      'only owners and moderators update',
    )
    await bram.get(first)
    t.equal(
      (await bram.post(`${first}/items/${insurers.id}/status`, { status: 'done' })).status,
      303,
      'the owner updates theirs',
    )
    t.equal((await bram.post(`${first}/items/${insurers.id}/status`, { status: 'maybe' })).status, 400)

    // Summary to the library, then through review and publishing.
    await moderator.get(first)
    const summary = await moderator.post(`${first}/summary`)
    t.equal(summary.status, 303)
    t.equal((await moderator.post(`${first}/summary`)).status, 409, 'one summary per meeting')
    const article = await db
      .selectFrom('articles')
      .selectAll()
      .where('kind', '=', 'session_summary')
      .executeTakeFirstOrThrow()
    t.equal(summary.location, `/library/${article.slug}`)
    t.equal(article.status, 'draft')
    t.match(article.body_md, 'Round of *names*', 'prefilled from the agenda')
    t.match(article.body_md, 'How do we vet hosts', 'with the discussed questions')
    t.notMatch(article.body_md, 'Who pays for insurance', 'but not the undiscussed ones')
    t.match(article.body_md, 'language: Dutch (nl)', 'each room marked with its language')
    t.match(article.body_md, 'Koppelgesprekken met **twee**')
    t.match(article.body_md, `/meetings/${firstId}`, 'linked back to the meeting')
    const tags = await db
      .selectFrom('article_tags')
      .innerJoin('tags', 'tags.id', 'article_tags.tag_id')
      .select('tags.slug')
      .where('article_id', '=', article.id)
      .execute()
    t.same(
      tags.map((r) => r.slug),
      ['matching'],
      'tagged with the meeting’s themes',
    )
    const meetingRow = await db
      .selectFrom('meetings')
      .select('summary_article_id')
      .where('id', '=', firstId)
      .executeTakeFirstOrThrow()
    t.equal(meetingRow.summary_article_id, article.id)
    await moderator.get(summary.location!)
    t.equal((await moderator.post(`${summary.location}/publish`)).status, 303)
    t.equal((await visitor.get(summary.location!)).status, 200, 'published for everyone')
    t.match((await visitor.get(first)).body, `/library/${article.slug}`, 'the meeting links to its summary')

    // The next meeting lists what is still open from this one.
    const second = (await planAt(moderator, 'Autumn meeting', '09-15')).location!
    const next = await visitor.get(second)
    t.match(next.body, 'Follow-up from the previous meeting')
    t.match(next.body, 'Share the intake checklist')
    t.notMatch(next.body, 'Ask insurers', 'done items are not listed')
  },
)

t.test('topics for the next meeting: propose, vote once, close, plan from the winner', async (t) => {
  const { db, moderator, ana, bram, outsider } = await setup(t)
  await ana.get('/c/homeshare/meetings')
  t.equal((await ana.post('/c/homeshare/topics', { title: 'Insurance for hosts' })).status, 303)
  await ana.post('/c/homeshare/topics', { title: 'Ending a match well' })
  t.equal((await ana.post('/c/homeshare/topics', { title: '' })).status, 400)
  await outsider.get('/c/homeshare/meetings')
  t.equal((await outsider.post('/c/homeshare/topics', { title: 'Spam' })).status, 403)
  const [insurance, ending] = await db.selectFrom('meeting_topics').select('id').orderBy('id').execute()
  await bram.get('/c/homeshare/meetings')
  t.equal((await bram.post(`/c/homeshare/topics/${ending.id}/vote`)).status, 303)
  t.equal((await bram.post(`/c/homeshare/topics/${ending.id}/vote`)).status, 409, 'one vote each')
  t.equal((await outsider.post(`/c/homeshare/topics/${insurance.id}/vote`)).status, 403)
  t.equal((await bram.post('/c/homeshare/topics/close')).status, 403, 'only moderators close the vote')
  await moderator.get('/c/homeshare/meetings')
  t.equal((await moderator.post('/c/homeshare/topics/close')).status, 303)
  t.equal((await bram.post(`/c/homeshare/topics/${insurance.id}/vote`)).status, 409, 'closed votes take no more votes')
  const list = await moderator.get('/c/homeshare/meetings')
  t.match(list.body, `/c/homeshare/meetings/new?topic=${ending.id}`)
  const form = await moderator.get(`/c/homeshare/meetings/new?topic=${ending.id}`)
  t.match(form.body, 'value="Ending a match well"', 'the form starts from the winning topic')
  const created = await moderator.post('/c/homeshare/meetings/new', {
    title: 'Ending a match well',
    topic: 'Ending a match well',
    from_topic: String(ending.id),
    starts_at: `${year}-05-05T10:00`,
    ends_at: `${year}-05-05T11:00`,
    time_zone: 'UTC',
    online_url: '',
    agenda: '',
  })
  t.equal(created.status, 303)
  t.equal(
    (await db.selectFrom('meeting_topics').select('status').where('id', '=', ending.id).executeTakeFirstOrThrow())
      .status,
    'closed',
    'the topic is used up',
  )
})

t.test(
  'two moderators turning the meeting into a summary at the same moment make one draft, and the other is told it exists',
  async (t) => {
    const { app, db, users, moderator } = await setup(t)
    const planned = await planAt(moderator, 'Spring session', '03-18')
    const second = new Client(app)
    await logIn(second, users.moderator.email, users.moderator.password)
    await moderator.get(planned.location!)
    await second.get(planned.location!)
    for (let round = 0; round < 3; round++) {
      const meeting =
        round === 0 ? planned.location! : (await planAt(moderator, `Session ${round}`, `0${round + 3}-18`)).location!
      await moderator.get(meeting)
      await second.get(meeting)
      const answers = await Promise.all([moderator.post(`${meeting}/summary`), second.post(`${meeting}/summary`)])
      t.same(answers.map((a) => a.status).sort(), [303, 409], `round ${round}: one draft made, one refused`)
    }
    const drafts = await db.selectFrom('articles').select('id').where('kind', '=', 'session_summary').execute()
    const claimed = await db
      .selectFrom('meetings')
      .select('summary_article_id')
      .where('summary_article_id', 'is not', null)
      .execute()
    t.equal(drafts.length, 3, 'no orphan drafts')
    t.same(
      new Set(claimed.map((m) => m.summary_article_id)),
      new Set(drafts.map((d) => d.id)),
      'each draft belongs to its meeting',
    )
  },
)
