// Corrections of a meeting's break-out rooms and questions: edit, refuse bad input, remove, withdraw.
import t from 'tap'
import { plan, setup } from './corrections-setup.js'

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
  t.match(page.body, /Facilitator: <a href="\/u\/\d+" class="person">Chris Member<\/a>/)
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
  t.match(
    page.body,
    /Facilitator: <a href="\/u\/\d+" class="person">Ana Facilitator<\/a> · Note-taker: <a href="\/u\/\d+" class="person">Bram Notes<\/a>/,
  )
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
