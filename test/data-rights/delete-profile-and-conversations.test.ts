// Deleting a member who has a profile, a picture, expertise, endorsements, a conversation and blocks, in each mode and
// by an admin: the profile 404s, the directory drops them, the endorsements they gave stop counting, blocks go both
// ways, and the other participant reads on, with their messages under "Former member" (keep) or without them (remove).
import sharp from 'sharp'
import t, { type Test } from 'tap'
import { graceMs, type DeletionMode } from '../../src/data-rights/deletion.js'
import { savePicture } from '../../src/people/commands.js'
import { processPicture } from '../../src/people/picture.js'
import { buildTestApp } from '../helpers/app.js'
import { Client } from '../helpers/client.js'
import { createCommunityWith, createThemeWith, createUser } from '../helpers/factories.js'
import { loggedIn } from '../helpers/moderation.js'

const namesIn = (body: string) => [...body.matchAll(/<a href="\/u\/\d+" class="person">([^<]+)<\/a>/g)].map((m) => m[1])

async function memberWithEverything(t: Test) {
  const { app, db } = await buildTestApp(t)
  await createThemeWith(db, 'homeshare', { en: 'Homeshare' })
  const dementia = await createThemeWith(db, 'dementia', { en: 'Dementia' })
  const anna = await createUser(db, { displayName: 'Anna Leaving' })
  const bram = await createUser(db, { displayName: 'Bram Staying' })
  const carl = await createUser(db, { displayName: 'Carl Third' })
  await createCommunityWith(db, { members: [anna, bram, carl] })
  await db.insertInto('user_expertise').values({ user_id: bram.id, tag_id: dementia }).execute()

  const annaClient = await loggedIn(app, anna)
  await annaClient.get('/settings/profile')
  const saved = await annaClient.post('/settings/profile', {
    organisation: 'Leaving Org',
    country: 'NL',
    languages: ['nl'],
    bio: 'Anna bio **text**',
    visibility: 'public',
    themes: ['homeshare'],
  })
  if (saved.status !== 303) throw new Error(`profile not saved: ${saved.status}`)
  const picture = await processPicture(
    await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 90, g: 20, b: 200 } } })
      .png()
      .toBuffer(),
  )
  if (!picture.ok) throw new Error('the test picture was refused')
  await savePicture(db, anna.id, picture)

  const bramClient = await loggedIn(app, bram)
  const carlClient = await loggedIn(app, carl)
  await annaClient.get(`/u/${bram.id}`)
  t.equal((await annaClient.post(`/u/${bram.id}/expertise/dementia`, { action: 'endorse' })).status, 303)
  await bramClient.get(`/u/${anna.id}`)
  t.equal((await bramClient.post(`/u/${anna.id}/expertise/homeshare`, { action: 'endorse' })).status, 303)

  await annaClient.get(`/messages/new?to=${bram.id}`)
  const started = await annaClient.post('/messages', {
    to: String(bram.id),
    subject: 'Hosts in Ghent',
    body: 'Anna private words',
  })
  t.equal(started.status, 303)
  const conversationId = Number(/\/messages\/(\d+)/.exec(started.location ?? '')![1])
  await bramClient.get(`/messages/${conversationId}`)
  t.equal((await bramClient.post(`/messages/${conversationId}/replies`, { body: 'Bram reply words' })).status, 303)
  await annaClient.get(`/messages/${conversationId}`)
  t.equal((await annaClient.post(`/messages/${conversationId}/replies`, { body: 'Anna last words' })).status, 303)

  await annaClient.get('/settings/blocks')
  t.equal((await annaClient.post('/settings/blocks', { user_id: String(carl.id) })).status, 303)
  await carlClient.get('/settings/blocks')
  t.equal((await carlClient.post('/settings/blocks', { user_id: String(anna.id) })).status, 303)

  // Before: everything the assertions after the deletion look for is there.
  t.equal((await new Client(app).get(`/u/${anna.id}`)).status, 200, 'her public profile')
  t.ok(namesIn((await bramClient.get('/members')).body).includes('Anna Leaving'), 'she is in the directory')
  t.match((await bramClient.get(`/u/${bram.id}`)).body, '1 endorsement<', 'her endorsement counts on his profile')
  t.match((await carlClient.get('/settings/blocks')).body, 'Anna Leaving')
  const inbox = await bramClient.get('/messages')
  t.match(inbox.body, 'with Anna Leaving')
  t.match(inbox.body, '1 unread', 'her last message is new to Bram')

  return { app, db, anna, bram, carl, annaClient, bramClient, carlClient, conversationId }
}

type Setup = Awaited<ReturnType<typeof memberWithEverything>>

async function deleteOwnAccount(t: Test, setup: Setup, mode: DeletionMode) {
  await setup.annaClient.get('/settings/data')
  const asked = await setup.annaClient.post('/settings/data/delete', { mode, password: setup.anna.password })
  t.equal(asked.status, 303)
  const ran = await setup.app.scheduler.runDue(new Date(Date.now() + graceMs + 60_000))
  t.equal(ran['data-rights'], 1, 'the deletion ran')
}

/** What every kind of deletion leaves: no profile, no directory entry, no endorsements, no blocks, no place. */
async function assertProfileGone(t: Test, { app, db, anna, bram, bramClient, carlClient, conversationId }: Setup) {
  t.equal((await new Client(app).get(`/u/${anna.id}`)).status, 404, 'the profile 404s for a visitor')
  t.equal((await bramClient.get(`/u/${anna.id}`)).status, 404, 'and for a member')
  t.equal((await bramClient.get(`/u/${anna.id}/picture`)).status, 404, 'the picture too')
  const directory = namesIn((await bramClient.get('/members')).body)
  t.notOk(directory.includes('Anna Leaving') || directory.includes('Former member'), 'the directory drops her')
  t.notMatch((await bramClient.get('/members?theme=homeshare')).body, `/u/${anna.id}"`)
  const bramProfile = await bramClient.get(`/u/${bram.id}`)
  t.match(bramProfile.body, '0 endorsements', 'the endorsement she gave no longer counts')
  t.match((await carlClient.get('/settings/blocks')).body, 'You have not blocked anyone.', 'her block by Carl is gone')
  const inbox = await bramClient.get('/messages')
  t.match(inbox.body, `<a href="/messages/${conversationId}">Hosts in Ghent</a>`, 'Bram keeps the conversation')
  t.notMatch(inbox.body, 'Anna Leaving')

  const user = await db.selectFrom('users').selectAll().where('id', '=', anna.id).executeTakeFirstOrThrow()
  t.match(user, {
    bio: null,
    bio_html: '',
    organisation: null,
    country: null,
    languages: [],
    profile_visibility: 'communities',
    show_organisation: true,
    show_country: true,
  })
  const count = async (query: Promise<unknown[]>) => (await query).length
  t.equal(await count(db.selectFrom('member_activity').selectAll().where('user_id', '=', anna.id).execute()), 0)
  t.equal(await count(db.selectFrom('profile_pictures').selectAll().where('user_id', '=', anna.id).execute()), 0)
  t.equal(await count(db.selectFrom('user_expertise').selectAll().where('user_id', '=', anna.id).execute()), 0)
  t.equal(
    await count(
      db
        .selectFrom('expertise_endorsements')
        .selectAll()
        .where((eb) => eb.or([eb('user_id', '=', anna.id), eb('endorser_id', '=', anna.id)]))
        .execute(),
    ),
    0,
  )
  t.equal(
    await count(
      db
        .selectFrom('member_blocks')
        .selectAll()
        .where((eb) => eb.or([eb('blocker_id', '=', anna.id), eb('blocked_id', '=', anna.id)]))
        .execute(),
    ),
    0,
  )
  t.equal(
    await count(db.selectFrom('conversation_participants').selectAll().where('user_id', '=', anna.id).execute()),
    0,
    'she is no longer in the conversation',
  )
  const conversation = await db
    .selectFrom('conversations')
    .select('created_by')
    .where('id', '=', conversationId)
    .executeTakeFirstOrThrow()
  t.equal(conversation.created_by, null, 'nor named as the one who started it')
}

async function assertMessagesKept(t: Test, { bramClient, conversationId }: Setup) {
  const page = await bramClient.get(`/messages/${conversationId}`)
  t.equal(page.status, 200)
  t.match(page.body, 'Anna private words', 'her messages stay')
  t.match(page.body, 'Anna last words')
  t.match(page.body, 'Bram reply words')
  t.match(page.body, '<strong>Former member</strong>', 'under "Former member"')
  t.notMatch(page.body, 'Anna Leaving')
  const dutch = await bramClient.get(`/messages/${conversationId}`, { 'accept-language': 'nl' })
  t.match(dutch.body, '<strong>Voormalig lid</strong>', 'in the reader’s language')
}

t.test('keep mode: her messages stay under "Former member"; profile, expertise and blocks go', async (t) => {
  const setup = await memberWithEverything(t)
  await deleteOwnAccount(t, setup, 'keep')
  await assertProfileGone(t, setup)
  await assertMessagesKept(t, setup)
})

t.test('remove mode: the other participant reads on without her messages', async (t) => {
  const setup = await memberWithEverything(t)
  await deleteOwnAccount(t, setup, 'remove')
  await assertProfileGone(t, setup)
  t.notMatch((await setup.bramClient.get('/messages')).body, '1 unread', 'her removed message no longer counts as new')
  const page = await setup.bramClient.get(`/messages/${setup.conversationId}`)
  t.equal(page.status, 200)
  t.match(page.body, 'Bram reply words', 'his own message stays')
  t.notMatch(page.body, 'Anna private words', 'hers are gone')
  t.notMatch(page.body, 'Anna last words')
  t.notMatch(page.body, 'Anna Leaving')
  t.notMatch(page.body, 'Former member')
})

t.test('an admin anonymises her: the same, with her messages kept', async (t) => {
  const setup = await memberWithEverything(t)
  const admin = await createUser(setup.db, { siteRole: 'admin' })
  const adminClient = await loggedIn(setup.app, admin)
  await adminClient.get('/admin/users')
  const done = await adminClient.post(`/admin/users/${setup.anna.id}/anonymise`, { reason: 'asked by email' })
  t.equal(done.status, 303)
  await assertProfileGone(t, setup)
  await assertMessagesKept(t, setup)
})
