// A meeting, its break-out notes and its action items edited in two places at once: the later save from an older copy is a 409 that keeps it.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { Client, formVersion, logIn } from '../helpers/client.js'
import { createCommunityWith, createUser } from '../helpers/factories.js'

const year = new Date().getUTCFullYear() + 1

async function setup(t: Parameters<typeof buildTestApp>[0]) {
  const { app, db } = await buildTestApp(t)
  const moderatorUser = await createUser(db, { displayName: 'Mod Erator' })
  const ana = await createUser(db, { displayName: 'Ana Facilitator', locale: 'nl' })
  const bram = await createUser(db, { displayName: 'Bram Notes' })
  await createCommunityWith(db, { slug: 'homeshare', moderators: [moderatorUser], members: [ana, bram] })
  const as = async (user: { email: string; password: string }) => {
    const client = new Client(app)
    await logIn(client, user.email, user.password)
    return client
  }
  const moderator = await as(moderatorUser)
  const planned = await moderator.submit('/c/homeshare/meetings/new', '/c/homeshare/meetings/new', {
    title: 'Spring meeting',
    topic: 'Matching',
    starts_at: `${year}-03-10T14:00`,
    ends_at: `${year}-03-10T15:30`,
    time_zone: 'Europe/Amsterdam',
    online_url: '',
    agenda: '',
  })
  const url = planned.location!
  await moderator.get(url)
  await moderator.post(`${url}/rooms`, {
    name: 'Nederlandstalig',
    language: 'nl',
    facilitator: String(ana.id),
    note_taker: String(bram.id),
  })
  await moderator.post(`${url}/items`, { text: 'Share the intake checklist', owner: '', due_on: '' })
  const room = await db.selectFrom('meeting_rooms').select('id').executeTakeFirstOrThrow()
  const item = await db.selectFrom('meeting_action_items').select('id').executeTakeFirstOrThrow()
  return {
    db,
    url,
    moderator,
    ana: await as(ana),
    bram: await as(bram),
    as,
    moderatorUser,
    roomId: room.id,
    itemId: item.id,
  }
}

t.test("break-out notes: the facilitator saves over the note-taker's newer notes only after seeing them", async (t) => {
  const { db, url, ana, bram, roomId } = await setup(t)
  const notes = `${url}/rooms/${roomId}/notes`
  const version = formVersion((await ana.get(notes)).body)!
  t.ok(version, 'the notes form carries its version')
  t.equal(formVersion((await bram.get(notes)).body), version)
  t.equal(
    (
      await bram.post(notes, {
        worked: 'Intakes in **pairs**.',
        did_not_work: '',
        call_to_action: 'Share the script.',
        version,
      })
    ).status,
    303,
  )
  const stale = await ana.post(notes, {
    worked: 'Ana wrote this.',
    did_not_work: 'Too little time.',
    call_to_action: '',
    version,
  })
  t.equal(stale.status, 409)
  t.match(stale.body, 'Iemand anders heeft een nieuwere versie bewaard', "in the facilitator's language")
  t.match(stale.body, 'Intakes in <strong>pairs</strong>.', 'the newer notes, rendered')
  t.match(stale.body, 'Share the script.')
  t.match(stale.body, 'Ana wrote this.</textarea>', 'the own notes kept')
  t.match(stale.body, 'Too little time.</textarea>')
  const row = await db
    .selectFrom('meeting_rooms')
    .select(['worked_md', 'did_not_work_md'])
    .where('id', '=', roomId)
    .executeTakeFirstOrThrow()
  t.same(row, { worked_md: 'Intakes in **pairs**.', did_not_work_md: '' }, 'nothing overwritten')

  for (const bad of [undefined, '', 'v2', '0']) {
    const fields: Record<string, string> = {
      worked: `Garbled ${bad ?? 'missing'}`,
      did_not_work: '',
      call_to_action: '',
    }
    if (bad !== undefined) fields.version = bad
    const garbled = await ana.post(notes, fields)
    t.equal(garbled.status, 409, `version ${bad ?? 'missing'}`)
    t.match(garbled.body, `Garbled ${bad ?? 'missing'}</textarea>`)
  }
  const merged = await ana.post(notes, {
    worked: 'Merged notes.',
    did_not_work: 'Too little time.',
    call_to_action: 'Share the script.',
    version: formVersion(stale.body)!,
  })
  t.equal(merged.status, 303, 'saving again from the 409 page goes through')
  t.equal(
    (await db.selectFrom('meeting_rooms').select('worked_md').where('id', '=', roomId).executeTakeFirstOrThrow())
      .worked_md,
    'Merged notes.',
  )
})

t.test('an action item edited in two tabs: the stale save is a 409 with both texts', async (t) => {
  const { db, url, moderator, as, moderatorUser, itemId } = await setup(t)
  const other = await as(moderatorUser)
  const form = `${url}/items/${itemId}/edit`
  const version = formVersion((await moderator.get(form)).body)!
  t.equal(formVersion((await other.get(form)).body), version)
  t.equal(
    (await moderator.post(form, { text: 'Share the revised checklist', owner: '', due_on: '', version })).status,
    303,
  )
  const stale = await other.post(form, {
    text: 'Share the checklist by April',
    owner: '',
    due_on: `${year}-04-01`,
    version,
  })
  t.equal(stale.status, 409)
  t.match(stale.body, 'Someone else saved a newer version')
  t.match(stale.body, 'Share the revised checklist', 'the newer text shown')
  t.match(stale.body, 'value="Share the checklist by April"', 'the own text kept')
  t.equal(
    (await db.selectFrom('meeting_action_items').select('text').where('id', '=', itemId).executeTakeFirstOrThrow())
      .text,
    'Share the revised checklist',
  )
  const garbled = await other.post(form, { text: 'No version', owner: '', due_on: '' })
  t.equal(garbled.status, 409)
  t.match(garbled.body, 'value="No version"')
  t.equal(
    (
      await other.post(form, {
        text: 'Share the checklist by April',
        owner: '',
        due_on: '',
        version: formVersion(stale.body)!,
      })
    ).status,
    303,
  )
})

t.test(
  'a meeting edited by two planners: the stale save is a 409 with the newer plan shown and the own kept',
  async (t) => {
    const { db, url, moderator, as, moderatorUser } = await setup(t)
    const other = await as(moderatorUser)
    const plan = (title: string, agenda: string) => ({
      title,
      topic: 'Matching',
      starts_at: `${year}-03-10T14:00`,
      ends_at: `${year}-03-10T15:30`,
      time_zone: 'Europe/Amsterdam',
      online_url: '',
      agenda,
    })
    const version = formVersion((await moderator.get(`${url}/edit`)).body)!
    t.ok(version, 'the meeting form carries its version')
    t.equal(formVersion((await other.get(`${url}/edit`)).body), version)
    t.equal(
      (await moderator.post(`${url}/edit`, { ...plan('Spring meeting, moved', 'First **intros**'), version })).status,
      303,
    )
    const stale = await other.post(`${url}/edit`, { ...plan('Spring meeting, renamed', 'My own agenda'), version })
    t.equal(stale.status, 409)
    t.match(stale.body, 'Spring meeting, moved', 'the newer title shown')
    t.match(stale.body, 'First <strong>intros</strong>', 'the newer agenda, rendered')
    t.match(stale.body, 'value="Spring meeting, renamed"', 'the own title kept')
    t.match(stale.body, 'My own agenda</textarea>')
    t.equal((await db.selectFrom('meetings').select('title').executeTakeFirstOrThrow()).title, 'Spring meeting, moved')
    t.equal((await other.post(`${url}/edit`, plan('No version', ''))).status, 409, 'a missing version is a 409 too')
    t.equal(
      (await other.post(`${url}/edit`, { ...plan('Merged', 'Merged agenda'), version: formVersion(stale.body)! }))
        .status,
      303,
    )
  },
)
