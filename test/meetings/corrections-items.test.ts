// Corrections of a meeting's action items: edit, refuse bad input, remove.
import t from 'tap'
import { plan, setup, year } from './corrections-setup.js'

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
  t.match(page.body, /Share the revised checklist — <a href="\/u\/\d+" class="person">Chris Member<\/a>/)
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
  t.match(
    (await ana.get(url)).body,
    /Share the revised checklist — <a href="\/u\/\d+" class="person">Ana Facilitator<\/a>\s*<span class="badge">done<\/span>/,
  )
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
  t.match(
    page.body,
    /Share the intake checklist — <a href="\/u\/\d+" class="person">Ana Facilitator<\/a>/,
    'the item is as it was',
  )
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
