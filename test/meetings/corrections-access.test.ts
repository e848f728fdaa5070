// Who may correct a meeting's record: members, outsiders, visitors, other meetings, cancelled meetings.
import t from 'tap'
import { Client } from '../helpers/client.js'
import { setup } from './corrections-setup.js'

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
  t.match(page.body, /Share the intake checklist — <a href="\/u\/\d+" class="person">Ana Facilitator<\/a>/)
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
  t.match(page.body, /Share the intake checklist — <a href="\/u\/\d+" class="person">Ana Facilitator<\/a>/)
  t.match(page.body, 'Nederlandstalig')
  t.match(page.body, '<strong>twee</strong>')
  t.match(page.body, 'Who pays for insurance?')
  t.match(page.body, 'How do we vet hosts?')
  t.notMatch(page.body, 'Changed')
})
