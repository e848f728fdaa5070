// Private conversations: starting one, replying, a small group, unread markers and counts, paging, leaving; only
// participants see a conversation (a moderator or admin who is not in it gets a 404 like anyone else).
import t from 'tap'
import { listMessagesOfMember } from '../../src/conversations/queries.js'
import { buildTestApp } from '../helpers/app.js'
import { Client } from '../helpers/client.js'
import { createCommunityWith, createUser } from '../helpers/factories.js'
import { loggedIn } from '../helpers/moderation.js'

const idOf = (location: string | undefined) => Number(/\/messages\/(\d+)/.exec(location ?? '')![1])

t.test('two members start and hold a conversation', async (t) => {
  const { app, db } = await buildTestApp(t)
  const ana = await createUser(db, { displayName: 'Ana Starter' })
  const bea = await createUser(db, { displayName: 'Bea Answer' })
  const eve = await createUser(db, { displayName: 'Eve Outsider' })
  const admin = await createUser(db, { displayName: 'Ada Admin', siteRole: 'admin' })
  await createCommunityWith(db, { members: [ana, bea, eve], moderators: [admin] })
  const anaClient = await loggedIn(app, ana)

  const form = await anaClient.get(`/messages/new?to=${bea.id}`)
  t.equal(form.status, 200)
  t.match(
    form.body,
    new RegExp(`<option value="${bea.id}" selected>Bea Answer</option>`),
    'the chosen member is preselected',
  )
  t.notMatch(form.body, `<option value="${ana.id}"`, 'not oneself')

  const preview = await anaClient.post('/messages', {
    to: String(bea.id),
    subject: 'A host for Mr B.',
    body: 'Do you **know** someone?',
    preview: '1',
  })
  t.equal(preview.status, 200)
  t.match(preview.body, '<strong>know</strong>', 'the preview shows the rendered Markdown')
  t.match(preview.body, 'value="A host for Mr B."', 'and keeps the subject')

  const started = await anaClient.post('/messages', {
    to: String(bea.id),
    subject: 'A host for Mr B.',
    body: 'Do you **know** someone? <script>alert(1)</script>',
  })
  t.equal(started.status, 303)
  const id = idOf(started.location)
  const page = await anaClient.get(`/messages/${id}`)
  t.equal(page.status, 200)
  t.match(page.body, '<h1>A host for Mr B.</h1>')
  t.match(page.body, '<strong>know</strong>')
  t.notMatch(page.body, '<script>alert')
  t.match(page.body, `<a href="/u/${ana.id}" class="person">Ana Starter</a>`, 'the author links to her profile')

  const beaClient = await loggedIn(app, bea)
  const inbox = await beaClient.get('/messages')
  t.match(inbox.body, `<a href="/messages/${id}">A host for Mr B.</a>`, 'the recipient has it in her inbox')
  t.match(inbox.body, '1 unread')
  t.match(inbox.body, 'with Ana Starter')
  t.match(
    inbox.body,
    /<a href="\/messages">Messages <span class="menu-count">\(1 unread\)<\/span><\/a>/,
    'the menu counts it',
  )
  const read = await beaClient.get(`/messages/${id}`)
  t.match(read.body, 'New since you last read', 'the unread marker stands before the new message')
  const participant = await db
    .selectFrom('conversation_participants')
    .select('last_read_message_id')
    .where('conversation_id', '=', id)
    .where('user_id', '=', bea.id)
    .executeTakeFirstOrThrow()
  t.ok(participant.last_read_message_id, 'reading marks it read')
  const after = await beaClient.get('/messages')
  t.notMatch(after.body, 'class="badge"', 'nothing unread once read')
  t.notMatch(after.body, 'menu-count')

  const replied = await beaClient.post(`/messages/${id}/replies`, { body: 'Yes, _Carla_ in Gent.' })
  t.equal(replied.status, 303)
  t.match(replied.location, new RegExp(`^/messages/${id}#message-\\d+$`))
  const anaPage = await anaClient.get(`/messages/${id}`)
  t.match(anaPage.body, '<em>Carla</em>')
  // The data export lists everything a member wrote.
  const own = await listMessagesOfMember(db, bea.id)
  t.same(
    own.map((row) => [row.conversation_id, row.subject, row.body_md]),
    [[id, 'A host for Mr B.', 'Yes, _Carla_ in Gent.']],
  )

  // Outsiders, moderators and admins alike: the conversation does not exist for them.
  for (const user of [eve, admin]) {
    const client = await loggedIn(app, user)
    t.equal((await client.get(`/messages/${id}`)).status, 404, `${user.displayName} gets a 404`)
    t.equal((await client.post(`/messages/${id}/replies`, { body: 'Let me in' })).status, 404)
    t.equal((await client.post(`/messages/${id}/leave`, {})).status, 404)
  }
  t.equal((await new Client(app).get(`/messages/${id}`)).status, 303, 'a visitor is sent to log in')
  t.equal((await anaClient.get('/messages/999999')).status, 404)

  // A form without its CSRF token changes nothing.
  const forged = await anaClient.post(`/messages/${id}/replies`, { body: 'Forged' }, { csrf: false })
  t.equal(forged.status, 403)
  const count = await db.selectFrom('messages').select(db.fn.countAll().as('n')).executeTakeFirstOrThrow()
  t.equal(Number(count.n), 2)

  // Leaving takes it out of the inbox and closes it.
  const left = await beaClient.post(`/messages/${id}/leave`, {})
  t.equal(left.status, 303)
  t.equal(left.location, '/messages')
  const gone = await beaClient.get('/messages')
  t.match(gone.body, 'You left the conversation.')
  t.notMatch(gone.body, 'A host for Mr B.')
  t.equal((await beaClient.get(`/messages/${id}`)).status, 404)
  const anaAfter = await anaClient.get(`/messages/${id}`)
  t.match(anaAfter.body, /left: Bea Answer/)
})

t.test('a small group, pages of messages and of the inbox', async (t) => {
  const { app, db } = await buildTestApp(t)
  const people = await Promise.all([0, 1, 2].map((i) => createUser(db, { displayName: `Group ${i}` })))
  await createCommunityWith(db, { members: people })
  // Established accounts: the tight limits of new ones are tested elsewhere.
  await db
    .updateTable('users')
    .set({ created_at: new Date(Date.now() - 30 * 864e5) })
    .execute()
  const client = await loggedIn(app, people[0]!)
  const started = await client.post('/messages', {
    to: [String(people[1]!.id), String(people[2]!.id)],
    subject: 'Group talk',
    body: 'Hello both',
  })
  t.equal(started.status, 303)
  const id = idOf(started.location)
  for (let i = 1; i <= 55; i++) await client.post(`/messages/${id}/replies`, { body: `Message number ${i}` })
  const page = await client.get(`/messages/${id}`)
  t.match(page.body, 'Message number 55', 'the latest page first')
  t.notMatch(page.body, 'Hello both')
  const earlier = /href="(\/messages\/\d+\?before=\d+)" rel="prev"/.exec(page.body)
  t.ok(earlier, 'a link to earlier messages')
  const first = await client.get(earlier![1]!)
  t.match(first.body, 'Hello both')
  t.notMatch(first.body, 'Message number 55')
  const later = /href="(\/messages\/\d+\?after=\d+)" rel="next"/.exec(first.body)
  t.ok(later, 'and back to later ones')
  t.match((await client.get(later![1]!)).body, 'Message number 55')
  t.equal((await client.get(`/messages/${id}?before=abc`)).status, 400, 'a malformed cursor is a 400')

  const other = await loggedIn(app, people[2]!)
  const inbox = await other.get('/messages')
  t.match(inbox.body, 'with Group 0, Group 1')
  t.match(inbox.body, '56 unread')

  for (let i = 0; i < 31; i++)
    await client.post('/messages', { to: String(people[1]!.id), subject: `Topic ${i}`, body: 'Hi' })
  const firstPage = await client.get('/messages')
  t.match(firstPage.body, 'Topic 30', 'newest activity first')
  t.notMatch(firstPage.body, 'Group talk')
  const older = /href="(\/messages\?before=\d+)" rel="next"/.exec(firstPage.body)
  t.ok(older)
  const second = await client.get(older![1]!)
  t.match(second.body, 'Group talk')
  t.match(second.body, 'Topic 0')
  t.notMatch(second.body, 'Topic 30')
})

t.test('bad input is refused with the text kept', async (t) => {
  const { app, db } = await buildTestApp(t)
  const ana = await createUser(db, { displayName: 'Ana Form' })
  const bea = await createUser(db, { displayName: 'Bea Form' })
  const stranger = await createUser(db, { displayName: 'No Shared Community' })
  const many = await Promise.all(Array.from({ length: 10 }, () => createUser(db)))
  await createCommunityWith(db, { members: [ana, bea, ...many] })
  await createCommunityWith(db, { members: [stranger] })
  const client = await loggedIn(app, ana)
  const cases: [string, Record<string, string | string[]>, string][] = [
    ['empty message', { to: String(bea.id), subject: 'Hi', body: '' }, 'Write something first.'],
    ['no subject', { to: String(bea.id), subject: ' ', body: 'Kept text one' }, 'Give the conversation a subject.'],
    ['no recipient', { subject: 'Hi', body: 'Kept text two' }, 'Choose at least one member'],
    ['only yourself', { to: String(ana.id), subject: 'Hi', body: 'Kept text three' }, 'only yourself'],
    ['unknown member', { to: '999999', subject: 'Hi', body: 'Kept text four' }, 'cannot be found'],
    ['no shared community', { to: String(stranger.id), subject: 'Hi', body: 'Kept text five' }, 'cannot be found'],
    ['not a number', { to: 'x', subject: 'Hi', body: 'Kept text six' }, 'Choose at least one member'],
    [
      'more than ten',
      { to: [bea, ...many].map((u) => String(u.id)), subject: 'Hi', body: 'Kept text seven' },
      'at most 10 participants',
    ],
    ['subject too long', { to: String(bea.id), subject: 'x'.repeat(201), body: 'Kept text eight' }, '201'],
    ['message too long', { to: String(bea.id), subject: 'Hi', body: 'y'.repeat(70_000) }, 'KB'],
  ]
  for (const [name, fields, message] of cases) {
    const response = await client.post('/messages', fields)
    t.equal(response.status, 422, name)
    t.match(response.body, message, `${name}: says why`)
    const body = typeof fields.body === 'string' ? fields.body : ''
    if (body.startsWith('Kept')) t.match(response.body, `>${body}</textarea>`, `${name}: the text is kept`)
  }
  const rows = await db.selectFrom('conversations').select('id').execute()
  t.equal(rows.length, 0, 'nothing was started')

  const started = await client.post('/messages', { to: String(bea.id), subject: 'Fine', body: 'Fine' })
  const id = idOf(started.location)
  const empty = await client.post(`/messages/${id}/replies`, { body: '   ' })
  t.equal(empty.status, 422)
  const tooLong = await client.post(`/messages/${id}/replies`, { body: `Kept ${'z'.repeat(70_000)}` })
  t.equal(tooLong.status, 422)
  t.match(tooLong.body, 'Kept zzz')
  const preview = await client.post(`/messages/${id}/replies`, { body: 'A _preview_', preview: '1' })
  t.equal(preview.status, 200)
  t.match(preview.body, '<em>preview</em>')
  t.match(preview.body, '>A _preview_</textarea>')
})
