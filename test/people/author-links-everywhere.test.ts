// Every author name links to its profile beyond the thread page: topic lists (starter and last reply), the accepted
// answer, the reply page's quote, meetings (attendees, action items, rooms), search results, the moderation log and
// the community's member list. A post without a name and a deleted account are never linked.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { Client } from '../helpers/client.js'
import { createCommunityWith, createMeetingIn, createThreadIn, createUser, replyIn } from '../helpers/factories.js'
import { loggedIn } from '../helpers/moderation.js'
import { buildSearchApp, q } from '../search/helpers.js'

const link = (id: number, name: string) => `<a href="/u/${id}" class="person">${name}</a>`

t.test('author names link to profiles across Kring', async (t) => {
  const { app, db } = await buildTestApp(t)
  const starter = await createUser(db, { displayName: 'Stella Starter' })
  const replier = await createUser(db, { displayName: 'Rik Replier' })
  const moderator = await createUser(db, { displayName: 'Mona Moderator' })
  const community = await createCommunityWith(db, { moderators: [moderator], members: [starter, replier] })
  const threadId = await createThreadIn(db, community.id, starter, { title: 'Matching hosts with dementia' })
  const replyId = await replyIn(db, threadId, replier, null, 'We pair them with nursing students.')
  await db
    .updateTable('threads')
    .set({ answer_post_id: replyId, answered_by: starter.id })
    .where('id', '=', threadId)
    .execute()

  t.test('the topic list names the starter and the last replier as links', async (t) => {
    const page = await new Client(app).get(`/c/${community.slug}`)
    t.equal(page.status, 200)
    t.match(page.body, `started by ${link(starter.id, 'Stella Starter')}`)
    t.match(page.body, `by ${link(replier.id, 'Rik Replier')}`)
    const home = await (await loggedIn(app, starter)).get('/')
    t.match(home.body, link(replier.id, 'Rik Replier'), 'the latest threads on the home page too')
  })

  t.test('the accepted answer and the reply page link their authors', async (t) => {
    const thread = await new Client(app).get(`/t/${threadId}`)
    t.match(thread.body, `Answer by ${link(replier.id, 'Rik Replier')}`)
    const reply = await (await loggedIn(app, starter)).get(`/t/${threadId}/reply?to=${replyId}`)
    t.equal(reply.status, 200)
    t.match(reply.body, `<strong>${link(replier.id, 'Rik Replier')}</strong>`, 'the quoted reply names its author')
  })

  t.test('a meeting links attendees, action-item owners and room roles', async (t) => {
    const meetingId = await createMeetingIn(db, community.id, moderator)
    await db
      .insertInto('meeting_attendance')
      .values({ meeting_id: meetingId, user_id: replier.id, attending: true })
      .execute()
    await db
      .insertInto('meeting_action_items')
      .values({ meeting_id: meetingId, text: 'Write to the city', owner_id: starter.id })
      .execute()
    await db
      .insertInto('meeting_rooms')
      .values({ meeting_id: meetingId, name: 'Room FR', language: 'fr', facilitator_id: moderator.id })
      .execute()
    const page = await (await loggedIn(app, moderator)).get(`/meetings/${meetingId}`)
    t.equal(page.status, 200)
    t.match(page.body, `<li>${link(replier.id, 'Rik Replier')}`, 'the attendee, in the list the moderator reads')
    t.match(page.body, `Write to the city — ${link(starter.id, 'Stella Starter')}`, 'the owner of the action item')
    t.match(page.body, link(moderator.id, 'Mona Moderator'), 'the facilitator')
  })

  t.test('the moderation log and the member list link people; hidden organisations stay hidden', async (t) => {
    await db
      .updateTable('users')
      .set({ organisation: 'Secret Org', show_organisation: false })
      .where('id', '=', replier.id)
      .execute()
    const mod = await loggedIn(app, moderator)
    const lock = await mod.post(`/mod/thread/${threadId}/lock`, { reason: 'Cooling down' })
    t.equal(lock.status, 303)
    const log = await mod.get('/mod/log')
    t.match(log.body, link(moderator.id, 'Mona Moderator'), 'the moderator who acted')
    const members = await (await loggedIn(app, starter)).get(`/c/${community.slug}/members`)
    t.equal(members.status, 200)
    t.match(members.body, link(replier.id, 'Rik Replier'))
    t.notMatch(members.body, 'Secret Org', 'an organisation the member hid is not listed')
  })

  t.test('posts without a name and deleted accounts are not linked', async (t) => {
    await db
      .updateTable('communities')
      .set({ anonymous_label: 'a parent here' })
      .where('id', '=', community.id)
      .execute()
    const anonymousThread = await createThreadIn(db, community.id, starter, { title: 'Nameless worry' })
    await db.updateTable('threads').set({ anonymous: true }).where('id', '=', anonymousThread).execute()
    const gone = await createUser(db, { displayName: 'Gone Person' })
    await db
      .insertInto('community_members')
      .values({ community_id: community.id, user_id: gone.id, role: 'member', status: 'active' })
      .execute()
    const goneThread = await createThreadIn(db, community.id, gone, { title: 'Left behind' })
    await db
      .updateTable('users')
      .set({ deleted_at: new Date(), display_name: 'Former member' })
      .where('id', '=', gone.id)
      .execute()
    t.ok(goneThread)
    const page = await new Client(app).get(`/c/${community.slug}`)
    t.match(page.body, 'started by a parent here')
    t.notMatch(page.body, `href="/u/${gone.id}"`, 'a deleted account has no profile link')
    t.match(page.body, 'started by Former member')
    const dutch = await new Client(app).get(`/c/${community.slug}`, { 'accept-language': 'nl' })
    t.match(dutch.body, 'Voormalig lid', 'in the reader’s language')
  })
})

for (const engine of ['meilisearch', 'postgres'] as const) {
  t.test(`${engine}: a search result links its author, read from the database`, async (t) => {
    const meili = await buildSearchApp(t)
    const author = await createUser(meili.db, { displayName: 'Stella Starter' })
    const anonymousAuthor = await createUser(meili.db, { displayName: 'Hidden Parent' })
    const community = await createCommunityWith(meili.db, { members: [author, anonymousAuthor] })
    await createThreadIn(meili.db, community.id, author, { title: 'Matching hosts with dementia', body: 'How?' })
    const nameless = await createThreadIn(meili.db, community.id, anonymousAuthor, {
      title: 'Dementia at home, a worry',
      body: 'Who?',
    })
    await meili.db.updateTable('threads').set({ anonymous: true }).where('id', '=', nameless).execute()
    await meili.sync()
    const { app } =
      engine === 'meilisearch'
        ? meili
        : await buildSearchApp(t, {
            database: meili.database,
            config: { search: { url: null, masterKey: null, indexPrefix: '' } },
          })
    const page = await new Client(app).get(q('dementia'))
    t.equal(page.status, 200)
    t.match(page.body, `by ${link(author.id, 'Stella Starter')}`)
    t.notMatch(page.body, `href="/u/${anonymousAuthor.id}"`, 'a thread without a name links nobody')
    t.notMatch(page.body, 'Hidden Parent')
  })
}
