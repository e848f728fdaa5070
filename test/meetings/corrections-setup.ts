// Shared setup of the corrections tests (test/meetings/corrections-*.test.ts).
import { buildTestApp } from '../helpers/app.js'
import { Client, logIn } from '../helpers/client.js'
import { createCommunityWith, createUser } from '../helpers/factories.js'

export const year = new Date().getUTCFullYear() + 1
export const plan = (title: string, day: string, extra: Record<string, string> = {}) => ({
  title,
  topic: 'Matching hosts and tenants',
  starts_at: `${year}-${day}T14:00`,
  ends_at: `${year}-${day}T15:30`,
  time_zone: 'Europe/Amsterdam',
  online_url: '',
  agenda: '',
  ...extra,
})

export async function setup(t: Parameters<typeof buildTestApp>[0], visibility: 'public' | 'members' = 'public') {
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
