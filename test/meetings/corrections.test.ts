import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { Client, logIn } from '../helpers/client.js'
import { createCommunityWith, createUser } from '../helpers/factories.js'

const year = new Date().getUTCFullYear() + 1
const plan = (title: string, day: string, extra: Record<string, string> = {}) => ({
  title,
  topic: 'Matching hosts and tenants',
  starts_at: `${year}-${day}T14:00`,
  ends_at: `${year}-${day}T15:30`,
  time_zone: 'Europe/Amsterdam',
  online_url: '',
  agenda: '',
  ...extra,
})

async function setup(t: Parameters<typeof buildTestApp>[0], visibility: 'public' | 'members' = 'public') {
  const { app, db } = await buildTestApp(t)
  const users = {
    moderator: await createUser(db, { displayName: 'Mod Erator' }),
    ana: await createUser(db, { displayName: 'Ana Facilitator' }),
    bram: await createUser(db, { displayName: 'Bram Notes' }),
    chris: await createUser(db, { displayName: 'Chris Member' }),
    outsider: await createUser(db, { displayName: 'Out Sider' }),
  }
  await createCommunityWith(db, {
    slug: 'homeshare',
    name: 'Homeshare',
    visibility,
    moderators: [users.moderator],
    members: [users.ana, users.bram, users.chris],
  })
  const clients = {} as Record<keyof typeof users, Client>
  for (const [name, user] of Object.entries(users)) {
    const client = new Client(app)
    await logIn(client, user.email, user.password)
    clients[name as keyof typeof users] = client
  }
  const { moderator } = clients
  const planAs = async (title: string, day: string) => {
    const planned = await moderator.submit('/c/homeshare/meetings/new', '/c/homeshare/meetings/new', plan(title, day))
    if (planned.status !== 303 || !planned.location) throw new Error(`planning failed with ${planned.status}`)
    return planned.location
  }
  const url = await planAs('Spring meeting', '03-10')
  const other = await planAs('Autumn meeting', '09-15')

  // What a meeting holds, added through the meeting page as its planner and members do.
  const ok = (status: number, what: string) => {
    if (status !== 303) throw new Error(`${what} failed with ${status}`)
  }
  await moderator.get(url)
  ok(
    (
      await moderator.post(`${url}/items`, {
        text: 'Share the intake checklist',
        owner: String(users.ana.id),
        due_on: `${year}-04-01`,
      })
    ).status,
    'adding an item',
  )
  ok(
    (
      await moderator.post(`${url}/rooms`, {
        name: 'Nederlandstalig',
        language: 'nl',
        facilitator: String(users.ana.id),
        note_taker: String(users.bram.id),
      })
    ).status,
    'adding a room',
  )
  const notes = `${url}/rooms/${idOf(await moderator.get(url), 'room')}/notes`
  ok(
    (
      await clients.bram.submit(notes, notes, {
        worked: 'Koppelgesprekken met **twee** coördinatoren.',
        did_not_work: '',
        call_to_action: '',
      })
    ).status,
    'writing notes',
  )
  await clients.ana.get(url)
  ok((await clients.ana.post(`${url}/questions`, { question: 'How do we vet hosts?' })).status, 'asking')
  await clients.chris.get(url)
  ok((await clients.chris.post(`${url}/questions`, { question: 'Who pays for insurance?' })).status, 'asking')
  await moderator.get(other)
  ok(
    (await moderator.post(`${other}/items`, { text: 'Book the venue', owner: '', due_on: '' })).status,
    'adding an item elsewhere',
  )
  ok(
    (await moderator.post(`${other}/rooms`, { name: 'English room', language: 'en', facilitator: '', note_taker: '' }))
      .status,
    'adding a room elsewhere',
  )

  const page = await moderator.get(url)
  const ids = {
    item: idOf(page, 'item'),
    room: idOf(page, 'room'),
    anaQuestion: questionId(page, 'How do we vet hosts?'),
    chrisQuestion: questionId(page, 'Who pays for insurance?'),
  }
  const otherPage = await moderator.get(other)
  const otherIds = { item: idOf(otherPage, 'item'), room: idOf(otherPage, 'room') }
  return { db, users, ...clients, visitor: new Client(app), url, other, ids, otherIds }
}

/** The first item or room as the meeting page anchors it. */
function idOf(page: { body: string }, kind: 'item' | 'room'): number {
  const match = new RegExp(`id="${kind}-(\\d+)"`).exec(page.body)
  if (!match) throw new Error(`no ${kind} on the page`)
  return Number(match[1])
}

function questionId(page: { body: string }, text: string): number {
  const match = new RegExp(`<li id="question-(\\d+)">\\s*<p>${text.replace(/[?]/g, '\\?')}</p>`).exec(page.body)
  if (!match) throw new Error(`no question “${text}” on the page`)
  return Number(match[1])
}

t.test('a planner edits an action item: the form is prefilled, the meeting page shows the change', async (t) => {
  const { moderator, ana, chris, users, url, ids } = await setup(t)
  const modPage = await moderator.get(`${url}/plan`)
  t.match(modPage.body, `href="${url}/items/${ids.item}/edit"`, 'the planner sees the edit link')
  t.match(modPage.body, `action="${url}/items/${ids.item}/delete"`, 'and the remove button')
  const owned = await ana.get(url)
  t.notMatch(owned.body, `/items/${ids.item}/edit`, 'the owner does not edit the item')
  t.notMatch(owned.body, `/items/${ids.item}/delete`, 'nor remove it')
  t.match(owned.body, `action="${url}/items/${ids.item}/status"`, 'she keeps her status update')
  t.notMatch((await chris.get(url)).body, `/items/${ids.item}/edit`)

  const form = await moderator.get(`${url}/items/${ids.item}/edit`)
  t.equal(form.status, 200)
  t.match(form.body, 'Edit the action item')
  t.match(form.body, `action="${url}/items/${ids.item}/edit"`)
  t.match(form.body, 'value="Share the intake checklist"', 'prefilled with the text')
  t.match(form.body, `<option value="${users.ana.id}" selected>Ana Facilitator</option>`, 'with its owner chosen')
  t.match(form.body, `value="${year}-04-01"`, 'and its due date')

  const saved = await moderator.edit(`${url}/items/${ids.item}/edit`, {
    text: 'Share the revised checklist',
    owner: String(users.chris.id),
    due_on: `${year}-05-15`,
  })
  t.equal(saved.status, 303)
  t.equal(saved.location, `${url}/plan#item-${ids.item}`)
  const page = await moderator.get(`${url}/plan`)
  t.match(page.body, 'The action item has been updated.')
  t.match(page.body, 'Share the revised checklist — Chris Member')
  t.match(page.body, `datetime="${year}-05-15"`)
  t.notMatch(page.body, 'Share the intake checklist')

  await moderator.get(`${url}/items/${ids.item}/edit`)
  t.equal(
    (
      await moderator.edit(`${url}/items/${ids.item}/edit`, {
        text: 'Share the revised checklist',
        owner: '',
        due_on: '',
      })
    ).status,
    303,
    'owner and due date may be emptied',
  )
  const emptied = await chris.get(url)
  t.notMatch(emptied.body, 'Chris Member</li>', 'nobody owns it now')
  t.notMatch(emptied.body, `datetime="${year}-05-15"`)
  t.notMatch(emptied.body, `action="${url}/items/${ids.item}/status"`, 'the former owner no longer updates its status')

  // The owner still updates the status; that is all they do.
  await moderator.get(`${url}/items/${ids.item}/edit`)
  await moderator.edit(`${url}/items/${ids.item}/edit`, {
    text: 'Share the revised checklist',
    owner: String(users.ana.id),
    due_on: '',
  })
  await ana.get(url)
  t.equal((await ana.post(`${url}/items/${ids.item}/status`, { status: 'done' })).status, 303)
  t.match((await ana.get(url)).body, /Share the revised checklist — Ana Facilitator\s*<span class="badge">done<\/span>/)
  const refused = await ana.get(`${url}/items/${ids.item}/edit`)
  t.equal(refused.status, 403)
  t.match(refused.body, 'Only moderators of this community can do this.')
})

t.test('a bad action item edit gets a 422 with the message and the text kept; nothing changes', async (t) => {
  const { moderator, users, url, ids } = await setup(t)
  await moderator.get(`${url}/items/${ids.item}/edit`)
  const empty = await moderator.edit(`${url}/items/${ids.item}/edit`, {
    text: '  ',
    owner: String(users.ana.id),
    due_on: `${year}-04-01`,
  })
  t.equal(empty.status, 422)
  t.match(empty.body, 'Describe the action item (at most 1000 characters).')
  const long = await moderator.edit(`${url}/items/${ids.item}/edit`, { text: 'x'.repeat(1001), owner: '', due_on: '' })
  t.equal(long.status, 422)
  t.match(long.body, 'This is 1,001 characters long; the limit is 1,000 characters.')
  t.match(long.body, `value="${'x'.repeat(1001)}"`, 'the text kept')
  const stranger = await moderator.edit(`${url}/items/${ids.item}/edit`, {
    text: 'Ask the outsider',
    owner: String(users.outsider.id),
    due_on: '',
  })
  t.equal(stranger.status, 422)
  t.match(stranger.body, 'That person is not a member of this community.')
  t.match(stranger.body, 'value="Ask the outsider"', 'the text is kept to correct')
  const date = await moderator.edit(`${url}/items/${ids.item}/edit`, {
    text: 'Bad date',
    owner: '',
    due_on: `${year}-02-31`,
  })
  t.equal(date.status, 422)
  t.match(date.body, 'The due date is not a valid date.')
  t.match(date.body, `action="${url}/items/${ids.item}/edit"`, 'the form still edits this item')

  const page = await moderator.get(url)
  t.match(page.body, `Share the intake checklist — Ana Facilitator`, 'the item is as it was')
  t.match(page.body, `datetime="${year}-04-01"`, 'with its due date')
  t.notMatch(page.body, 'Ask the outsider')
  t.notMatch(page.body, 'The action item has been updated.')
})

t.test('a planner removes an action item', async (t) => {
  const { moderator, chris, url, ids } = await setup(t)
  await moderator.get(url)
  const removed = await moderator.post(`${url}/items/${ids.item}/delete`)
  t.equal(removed.status, 303)
  t.equal(removed.location, `${url}/plan#items`)
  const page = await moderator.get(`${url}/plan`)
  t.match(page.body, 'The action item has been removed.')
  t.notMatch(page.body, 'Share the intake checklist')
  t.match((await chris.get(url)).body, 'No action items yet.')
  t.equal((await moderator.get(`${url}/items/${ids.item}/edit`)).status, 404, 'it is gone')
  await moderator.get(url)
  t.equal((await moderator.post(`${url}/items/${ids.item}/delete`)).status, 404, 'removing twice finds nothing')
})

t.test('a planner edits a break-out room: name, language and people change, the notes stay', async (t) => {
  const { moderator, ana, users, url, ids } = await setup(t)
  const modPage = await moderator.get(`${url}/plan`)
  t.match(modPage.body, `href="${url}/rooms/${ids.room}/edit"`)
  t.match(modPage.body, 'Remove Nederlandstalig and its notes', 'the remove button says the notes go too')
  const facilitatorPage = await ana.get(url)
  t.match(facilitatorPage.body, `/rooms/${ids.room}/notes`, 'the facilitator edits the notes')
  t.notMatch(facilitatorPage.body, `/rooms/${ids.room}/edit`, 'but not the room')
  t.notMatch(facilitatorPage.body, 'and its notes')

  const form = await moderator.get(`${url}/rooms/${ids.room}/edit`)
  t.equal(form.status, 200)
  t.match(form.body, 'Edit the break-out room Nederlandstalig')
  t.match(form.body, 'value="Nederlandstalig"')
  t.match(form.body, '<option value="nl" selected>')
  t.match(
    form.body,
    new RegExp(`name="facilitator">.*<option value="${users.ana.id}" selected>Ana Facilitator</option>`),
  )
  t.match(form.body, new RegExp(`name="note_taker">.*<option value="${users.bram.id}" selected>Bram Notes</option>`))

  const saved = await moderator.post(`${url}/rooms/${ids.room}/edit`, {
    name: 'English corner',
    language: 'en',
    facilitator: String(users.chris.id),
    note_taker: '',
  })
  t.equal(saved.status, 303)
  t.equal(saved.location, `${url}/plan#room-${ids.room}`)
  const page = await moderator.get(url)
  t.match(page.body, 'The break-out room has been updated.')
  t.match(page.body, `<section id="room-${ids.room}" class="card room" lang="en">`)
  t.match(page.body, '<h3>English corner <span class="badge">English</span></h3>')
  t.match(page.body, 'Facilitator: Chris Member')
  t.notMatch(page.body, 'Note-taker: Bram Notes')
  t.notMatch(page.body, 'Nederlandstalig')
  t.match(page.body, '<strong>twee</strong>', 'the notes stay')
  t.notMatch((await ana.get(url)).body, `/rooms/${ids.room}/notes`, 'the former facilitator no longer edits the notes')
})

t.test('a bad room edit gets a 422 with the message; nothing changes', async (t) => {
  const { moderator, users, url, ids } = await setup(t)
  await moderator.get(`${url}/rooms/${ids.room}/edit`)
  const nameless = await moderator.post(`${url}/rooms/${ids.room}/edit`, {
    name: '',
    language: 'nl',
    facilitator: '',
    note_taker: '',
  })
  t.equal(nameless.status, 422)
  t.match(nameless.body, 'Give the room a name (at most 100 characters).')
  const long = await moderator.post(`${url}/rooms/${ids.room}/edit`, {
    name: 'x'.repeat(101),
    language: 'nl',
    facilitator: '',
    note_taker: '',
  })
  t.equal(long.status, 422)
  t.match(long.body, 'This is 101 characters long; the limit is 100 characters.')
  const klingon = await moderator.post(`${url}/rooms/${ids.room}/edit`, {
    name: 'Klingon',
    language: 'tlh',
    facilitator: '',
    note_taker: '',
  })
  t.equal(klingon.status, 422)
  t.match(klingon.body, 'Choose one of the listed languages.')
  t.match(klingon.body, 'value="Klingon"', 'the name is kept to correct')
  const stranger = await moderator.post(`${url}/rooms/${ids.room}/edit`, {
    name: 'Mixed',
    language: 'en',
    facilitator: '',
    note_taker: String(users.outsider.id),
  })
  t.equal(stranger.status, 422)
  t.match(stranger.body, 'That person is not a member of this community.')
  const page = await moderator.get(url)
  t.match(page.body, '<h3>Nederlandstalig <span class="badge">Dutch</span></h3>', 'the room is as it was')
  t.match(page.body, 'Facilitator: Ana Facilitator · Note-taker: Bram Notes')
  t.notMatch(page.body, 'Klingon')
})

t.test('a planner removes a break-out room, and its notes with it', async (t) => {
  const { moderator, bram, visitor, url, ids } = await setup(t)
  await moderator.get(url)
  const removed = await moderator.post(`${url}/rooms/${ids.room}/delete`)
  t.equal(removed.status, 303)
  t.equal(removed.location, `${url}/plan#rooms`)
  const page = await moderator.get(`${url}/plan`)
  t.match(page.body, 'The break-out room and its notes have been removed.')
  t.notMatch(page.body, 'Nederlandstalig')
  t.notMatch(page.body, 'Koppelgesprekken')
  t.match((await visitor.get(url)).body, 'No break-out rooms yet.')
  t.equal((await bram.get(`${url}/rooms/${ids.room}/notes`)).status, 404, 'the notes page is gone for the note-taker')
})

t.test(
  'questions: the author withdraws their own before the meeting; planners remove any; votes go with them',
  async (t) => {
    const { db, moderator, ana, bram, chris, url, ids } = await setup(t)
    await bram.get(url)
    t.equal((await bram.post(`${url}/questions/${ids.anaQuestion}/upvote`)).status, 303)
    await chris.post(`${url}/questions/${ids.anaQuestion}/upvote`)

    const anaPage = await ana.get(url)
    t.match(anaPage.body, `action="${url}/questions/${ids.anaQuestion}/delete"`, 'the author may withdraw her question')
    t.match(anaPage.body, 'Withdraw my question')
    t.notMatch(anaPage.body, `/questions/${ids.chrisQuestion}/delete`, 'but not someone else’s')
    const bramPage = await bram.get(url)
    t.notMatch(bramPage.body, '/delete"', 'a member who asked nothing removes nothing')

    const refused = await bram.post(`${url}/questions/${ids.anaQuestion}/delete`)
    t.equal(refused.status, 403)
    t.match(
      refused.body,
      'Only the person who asked this question can withdraw it; moderators can remove any question.',
    )
    t.match((await bram.get(url)).body, 'How do we vet hosts?', 'the question stays')

    await ana.get(url)
    const withdrawn = await ana.post(`${url}/questions/${ids.anaQuestion}/delete`)
    t.equal(withdrawn.status, 303)
    t.equal(withdrawn.location, `${url}#questions`)
    const after = await ana.get(url)
    t.match(after.body, 'Your question has been withdrawn.')
    t.notMatch(after.body, 'How do we vet hosts?')
    t.equal(
      (await db.selectFrom('meeting_question_votes').select(db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow())
        .n,
      0,
      'its votes went with it',
    )

    const modPage = await moderator.get(url)
    t.match(modPage.body, 'Remove question', 'a planner may remove a member’s question')
    const removed = await moderator.post(`${url}/questions/${ids.chrisQuestion}/delete`)
    t.equal(removed.status, 303)
    const gone = await chris.get(url)
    t.notMatch(gone.body, 'Who pays for insurance?')
    t.match(gone.body, 'No questions yet.')
    t.match((await moderator.get(url)).body, 'The question has been removed.')
  },
)

t.test(
  'an author cannot withdraw a discussed question, nor any once the meeting started; a planner still can',
  async (t) => {
    const { moderator, ana, chris, url, ids } = await setup(t)
    await moderator.get(url)
    t.equal((await moderator.post(`${url}/questions/${ids.anaQuestion}/discussed`, { discussed: 'yes' })).status, 303)
    const anaPage = await ana.get(url)
    t.notMatch(anaPage.body, `/questions/${ids.anaQuestion}/delete`, 'no withdraw button on a discussed question')
    const discussed = await ana.post(`${url}/questions/${ids.anaQuestion}/delete`)
    t.equal(discussed.status, 409)
    t.match(
      discussed.body,
      'This question can no longer be withdrawn: the meeting has started or the question was discussed.',
    )

    // The planner moves the meeting to yesterday: it has started.
    const yesterday = new Date(Date.now() - 24 * 3600 * 1000).toISOString().slice(0, 10)
    await moderator.get(`${url}/edit`)
    t.equal(
      (
        await moderator.edit(
          `${url}/edit`,
          plan('Spring meeting', '', {
            starts_at: `${yesterday}T10:00`,
            ends_at: `${yesterday}T11:00`,
            time_zone: 'UTC',
          }),
        )
      ).status,
      303,
    )
    const chrisPage = await chris.get(url)
    t.notMatch(chrisPage.body, `/questions/${ids.chrisQuestion}/delete`, 'no withdraw button once the meeting started')
    const started = await chris.post(`${url}/questions/${ids.chrisQuestion}/delete`)
    t.equal(started.status, 409)
    const still = await chris.get(url)
    t.match(still.body, 'Who pays for insurance?')
    t.match(still.body, 'How do we vet hosts?')

    const modPage = await moderator.get(url)
    t.match(
      modPage.body,
      `action="${url}/questions/${ids.anaQuestion}/delete"`,
      'the planner still removes a discussed question',
    )
    t.equal((await moderator.post(`${url}/questions/${ids.anaQuestion}/delete`)).status, 303)
    t.equal((await moderator.post(`${url}/questions/${ids.chrisQuestion}/delete`)).status, 303)
    t.match((await chris.get(url)).body, 'No questions yet.')
  },
)

t.test('members, outsiders and visitors cannot correct or remove; nothing changes', async (t) => {
  const { ana, chris, outsider, visitor, users, url, ids } = await setup(t)
  const attempts = async (who: Client) => [
    await who.edit(`${url}/items/${ids.item}/edit`, { text: 'Hijacked', owner: '', due_on: '' }),
    await who.post(`${url}/items/${ids.item}/delete`),
    await who.post(`${url}/rooms/${ids.room}/edit`, {
      name: 'Hijacked room',
      language: 'en',
      facilitator: String(users.chris.id),
      note_taker: '',
    }),
    await who.post(`${url}/rooms/${ids.room}/delete`),
  ]
  for (const [name, client] of [
    ['a member', chris],
    ['the item’s owner and room’s facilitator', ana],
    ['an outsider', outsider],
  ] as const) {
    await client.get(url)
    for (const path of [`${url}/items/${ids.item}/edit`, `${url}/rooms/${ids.room}/edit`]) {
      const page = await client.get(path)
      t.equal(page.status, 403, `${name} gets no edit form`)
      t.match(page.body, 'Only moderators of this community can do this.')
    }
    await client.get(url)
    for (const response of await attempts(client)) {
      t.equal(response.status, 403, `${name} is refused`)
      t.match(response.body, 'Only moderators of this community can do this.')
    }
  }
  await outsider.get(url)
  const question = await outsider.post(`${url}/questions/${ids.chrisQuestion}/delete`)
  t.equal(question.status, 403)
  t.match(question.body, 'Only the person who asked this question can withdraw it')

  const login = await visitor.get(`${url}/items/${ids.item}/edit`)
  t.equal(login.status, 303, 'a visitor is sent to log in')
  t.match(login.location, /^\/login/)
  await visitor.get(url)
  for (const response of [
    ...(await attempts(visitor)),
    await visitor.post(`${url}/questions/${ids.chrisQuestion}/delete`),
  ])
    t.equal(response.status, 401, 'a visitor is refused: not logged in')

  const page = await chris.get(url)
  t.match(page.body, 'Share the intake checklist — Ana Facilitator')
  t.match(page.body, '<h3>Nederlandstalig <span class="badge">Dutch</span></h3>')
  t.match(page.body, '<strong>twee</strong>')
  t.match(page.body, 'Who pays for insurance?')
  t.match(page.body, 'How do we vet hosts?')
  t.notMatch(page.body, 'Hijacked')
})

t.test('in a members-only community an outsider finds nothing to correct', async (t) => {
  const { outsider, url, ids } = await setup(t, 'members')
  t.equal((await outsider.get(`${url}/items/${ids.item}/edit`)).status, 404)
  t.equal((await outsider.get(`${url}/rooms/${ids.room}/edit`)).status, 404)
  await outsider.get('/')
  t.equal((await outsider.post(`${url}/items/${ids.item}/delete`)).status, 404)
  t.equal((await outsider.post(`${url}/rooms/${ids.room}/delete`)).status, 404)
  t.equal((await outsider.post(`${url}/questions/${ids.anaQuestion}/delete`)).status, 404)
})

t.test('an item, room or question of another meeting is not found through this one', async (t) => {
  const { moderator, ana, url, other, ids, otherIds } = await setup(t)
  t.equal((await moderator.get(`${url}/items/${otherIds.item}/edit`)).status, 404)
  t.equal((await moderator.get(`${url}/rooms/${otherIds.room}/edit`)).status, 404)
  t.equal((await moderator.get(`${other}/items/${ids.item}/edit`)).status, 404)
  t.equal((await moderator.get(`${url}/items/abc/edit`)).status, 404)
  t.equal((await moderator.get(`${url}/rooms/99999999/edit`)).status, 404)
  await moderator.get(url)
  const wrong = [
    await moderator.edit(`${other}/items/${ids.item}/edit`, { text: 'Moved', owner: '', due_on: '' }),
    await moderator.post(`${other}/items/${ids.item}/delete`),
    await moderator.post(`${other}/rooms/${ids.room}/edit`, {
      name: 'Moved',
      language: 'en',
      facilitator: '',
      note_taker: '',
    }),
    await moderator.post(`${other}/rooms/${ids.room}/delete`),
    await moderator.post(`${other}/questions/${ids.chrisQuestion}/delete`),
  ]
  t.same(
    wrong.map((r) => r.status),
    [404, 404, 404, 404, 404],
  )
  await ana.get(url)
  t.equal((await ana.post(`${other}/questions/${ids.anaQuestion}/delete`)).status, 404, 'nor for the author')
  const page = await moderator.get(url)
  t.match(page.body, 'Share the intake checklist')
  t.match(page.body, 'Nederlandstalig')
  t.match(page.body, 'Who pays for insurance?')
  t.notMatch(page.body, 'Moved')
  const otherPage = await moderator.get(other)
  t.match(otherPage.body, 'Book the venue')
  t.match(otherPage.body, 'English room')
})

t.test('a cancelled meeting is a closed record: no corrections, no removals', async (t) => {
  const { moderator, ana, chris, url, ids } = await setup(t)
  await moderator.get(url)
  t.equal((await moderator.post(`${url}/cancel`, { reason: 'The venue flooded.' })).status, 303)
  const message = 'This meeting was cancelled: its action items, break-out rooms and questions stay as they were.'

  for (const path of [`${url}/items/${ids.item}/edit`, `${url}/rooms/${ids.room}/edit`]) {
    const page = await moderator.get(path)
    t.equal(page.status, 409)
    t.match(page.body, message)
  }
  await moderator.get(url)
  const attempts = [
    await moderator.edit(`${url}/items/${ids.item}/edit`, { text: 'Changed', owner: '', due_on: '' }),
    await moderator.post(`${url}/items/${ids.item}/delete`),
    await moderator.post(`${url}/rooms/${ids.room}/edit`, {
      name: 'Changed',
      language: 'en',
      facilitator: '',
      note_taker: '',
    }),
    await moderator.post(`${url}/rooms/${ids.room}/delete`),
    await moderator.post(`${url}/questions/${ids.chrisQuestion}/delete`),
  ]
  for (const response of attempts) {
    t.equal(response.status, 409)
    t.match(response.body, message)
  }
  await ana.get(url)
  const withdraw = await ana.post(`${url}/questions/${ids.anaQuestion}/delete`)
  t.equal(withdraw.status, 409, 'the author cannot withdraw either')
  t.match(withdraw.body, message)

  const modPage = await moderator.get(url)
  for (const link of ['/edit"', '/delete"'])
    t.notMatch(
      modPage.body,
      new RegExp(`/(items|rooms|questions)/\\d+${link}`),
      `no ${link} links on a cancelled meeting`,
    )
  t.notMatch((await ana.get(url)).body, 'Withdraw my question')
  const page = await chris.get(url)
  t.match(page.body, 'This meeting was cancelled.')
  t.match(page.body, 'Share the intake checklist — Ana Facilitator')
  t.match(page.body, 'Nederlandstalig')
  t.match(page.body, '<strong>twee</strong>')
  t.match(page.body, 'Who pays for insurance?')
  t.match(page.body, 'How do we vet hosts?')
  t.notMatch(page.body, 'Changed')
})
