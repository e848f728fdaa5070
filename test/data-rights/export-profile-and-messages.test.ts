// "Download my data" after profiles and private conversations: the zip holds the profile as the member set it with the
// picture file, their themes and the endorsements they gave, their own messages, their conversations and their blocks,
// and never another participant's message text nor who blocked them.
import sharp from 'sharp'
import { unzipSync, strFromU8 } from 'fflate'
import t from 'tap'
import { runExports } from '../../src/data-rights/exports.js'
import { savePicture } from '../../src/people/commands.js'
import { processPicture } from '../../src/people/picture.js'
import { buildTestApp } from '../helpers/app.js'
import { createCommunityWith, createThemeWith, createUser } from '../helpers/factories.js'
import { loggedIn } from '../helpers/moderation.js'

t.test('the zip holds profile, picture, expertise, messages, conversations and blocks', async (t) => {
  const { app, db, config } = await buildTestApp(t)
  await createThemeWith(db, 'homeshare', { en: 'Homeshare' })
  const dementia = await createThemeWith(db, 'dementia', { en: 'Dementia' })
  const anna = await createUser(db, { displayName: 'Anna Export' })
  const bram = await createUser(db, { displayName: 'Bram Expert' })
  const carl = await createUser(db, { displayName: 'Carl Blocked' })
  const dora = await createUser(db, { displayName: 'Dora Blocker' })
  await createCommunityWith(db, { members: [anna, bram, carl, dora] })
  await db.insertInto('user_expertise').values({ user_id: bram.id, tag_id: dementia }).execute()

  const client = await loggedIn(app, anna)
  await client.get('/settings/profile')
  const saved = await client.post('/settings/profile', {
    organisation: 'Kind en Gezin',
    country: 'NL',
    languages: ['nl', 'de'],
    bio: 'I match **hosts** with students.',
    visibility: 'public',
    show_organisation: '1',
    themes: ['homeshare'],
  })
  t.equal(saved.status, 303)
  const picture = await processPicture(
    await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 10, g: 200, b: 90 } } })
      .png()
      .toBuffer(),
  )
  if (!picture.ok) throw new Error('the test picture was refused')
  await savePicture(db, anna.id, picture)

  await client.get(`/u/${bram.id}`)
  t.equal((await client.post(`/u/${bram.id}/expertise/dementia`, { action: 'endorse' })).status, 303)

  await client.get(`/messages/new?to=${bram.id}`)
  const started = await client.post('/messages', {
    to: String(bram.id),
    subject: 'Hosts in Ghent',
    body: 'Anna asks **privately**',
  })
  t.equal(started.status, 303)
  const conversationId = Number(/\/messages\/(\d+)/.exec(started.location ?? '')![1])
  const bramClient = await loggedIn(app, bram)
  await bramClient.get(`/messages/${conversationId}`)
  t.equal((await bramClient.post(`/messages/${conversationId}/replies`, { body: 'Bram private words' })).status, 303)

  await client.get('/settings/blocks')
  t.equal((await client.post('/settings/blocks', { user_id: String(carl.id) })).status, 303)
  const doraClient = await loggedIn(app, dora)
  await doraClient.get('/settings/blocks')
  t.equal((await doraClient.post('/settings/blocks', { user_id: String(anna.id) })).status, 303)

  await client.get('/settings/data')
  t.equal((await client.post('/settings/data/export')).status, 303)
  t.equal((await runExports({ db, config, now: new Date() })).built, 1)
  const link = /href="(\/settings\/data\/export\/\d+)"/.exec((await client.get('/settings/data')).body)
  t.ok(link, 'the download is offered')
  const cookie = [...client.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  const download = await app.inject({ method: 'GET', url: link![1], headers: { cookie } })
  t.equal(download.statusCode, 200)
  const files = unzipSync(new Uint8Array(download.rawPayload))
  const json = (name: string) => JSON.parse(strFromU8(files[name])) as Record<string, unknown>

  const profile = json('profile-page.json')
  t.match(profile, {
    display_name: 'Anna Export',
    organisation: 'Kind en Gezin',
    country: 'NL',
    languages: ['nl', 'de'],
    bio_md: 'I match **hosts** with students.',
    visibility: 'public',
    show_organisation: true,
    show_country: false,
    picture: { file: 'profile-page/picture.webp', content_type: 'image/webp' },
  })
  t.equal(strFromU8(files['profile-page/bio.md']), 'I match **hosts** with students.\n', 'the bio as written')
  const stored = await db
    .selectFrom('profile_pictures')
    .select('bytes')
    .where('user_id', '=', anna.id)
    .executeTakeFirstOrThrow()
  t.ok(Buffer.from(files['profile-page/picture.webp']).equals(stored.bytes), 'the picture file as uploaded')
  t.equal((await sharp(Buffer.from(files['profile-page/picture.webp'])).metadata()).format, 'webp')

  const expertise = json('expertise.json') as {
    themes: { theme: string; label: string; endorsements_received: number }[]
    endorsements_given: { theme: string; label: string; member_id: number; member_name: string }[]
  }
  t.match(expertise.themes, [{ theme: 'homeshare', label: 'Homeshare', endorsements_received: 0 }])
  t.equal(expertise.themes.length, 1)
  t.match(expertise.endorsements_given, [
    { theme: 'dementia', label: 'Dementia', member_id: bram.id, member_name: 'Bram Expert' },
  ])

  const messages = json('messages.json') as unknown as { subject: string; body_md: string }[]
  t.same(
    messages.map((m) => [m.subject, m.body_md]),
    [['Hosts in Ghent', 'Anna asks **privately**']],
    'only her own messages',
  )
  const messageFiles = Object.keys(files).filter((name) => name.startsWith('messages/'))
  t.equal(messageFiles.length, 1)
  t.match(strFromU8(files[messageFiles[0]]), /^# Hosts in Ghent\n[\s\S]*Anna asks \*\*privately\*\*/)

  const conversations = json('conversations.json') as unknown as Record<string, unknown>[]
  t.equal(conversations.length, 1)
  t.match(conversations[0], { id: conversationId, subject: 'Hosts in Ghent', started_by_me: true, left_at: null })
  t.ok(conversations[0].created_at && conversations[0].joined_at && conversations[0].last_message_at, 'with dates')

  const blocks = json('blocks.json') as unknown as { member_id: number; member_name: string }[]
  t.same(
    blocks.map((b) => [b.member_id, b.member_name]),
    [[carl.id, 'Carl Blocked']],
    'whom she blocked, not who blocked her',
  )

  const notifications = json('notifications.json') as unknown as { kind: string; data: Record<string, unknown> }[]
  const told = notifications.find((n) => n.kind === 'message')
  t.match(told?.data, { actor: 'Bram Expert', title: 'Hosts in Ghent' }, 'her notification of his reply stays')
  t.notOk(told && 'excerpt' in told.data, 'without the excerpt of his text')

  const everything = Object.values(files)
    .map((f) => strFromU8(f))
    .join('\n')
  t.notMatch(everything, 'Bram private words', "the other participant's message is not in her zip")
  t.notMatch(everything, 'Dora Blocker', 'nor who blocked her')
})
