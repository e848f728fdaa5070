// Short forms that answer with an error page give the writer's text back: an article comment with a blocked word, a
// topic title with refused characters, a break-out room name with refused characters.
import t from 'tap'
import { createDraft, transitionArticle } from '../../src/library/commands.js'
import { buildTestApp } from '../helpers/app.js'
import { Client, logIn } from '../helpers/client.js'
import { createCommunityWith, createUser } from '../helpers/factories.js'

const year = new Date().getUTCFullYear() + 1
const rlo = '\u202E'
const characters = 'Remove the line breaks, control characters or text-direction characters'

async function setup(t: Parameters<typeof buildTestApp>[0]) {
  const { app, db } = await buildTestApp(t)
  const admin = await createUser(db, { displayName: 'Ada Admin', siteRole: 'admin' })
  const member = await createUser(db, { displayName: 'Mia Member' })
  const community = await createCommunityWith(db, { slug: 'homeshare', moderators: [admin], members: [member] })
  const as = async (user: { email: string; password: string }) => {
    const client = new Client(app)
    await logIn(client, user.email, user.password)
    return client
  }
  return { db, community, users: { admin, member }, admin: await as(admin), member: await as(member) }
}

t.test('a comment with a blocked word and a topic title with refused characters come back', async (t) => {
  const { db, community, users, admin, member } = await setup(t)
  await admin.get('/admin/watched-words')
  t.equal((await admin.post('/admin/watched-words', { phrase: 'casino', action: 'block' })).status, 303)
  const draft = await createDraft(db, {
    title: 'An article to comment on',
    slug: 'comment-article',
    summary: 'S.',
    kind: 'guide',
    language: 'en',
    body_md: 'B.',
    community_id: community.id,
    themeIds: [],
    practice: {
      practice_context: null,
      practice_target_group: null,
      practice_country: null,
      practice_what_worked: null,
      practice_what_did_not: null,
      practice_contact: null,
    },
    authorId: users.admin.id,
  })
  if (!draft.ok) throw new Error('no article')
  await transitionArticle(db, draft.id, 'publish', null)

  await member.get('/library/comment-article')
  const comment = 'A long and careful comment, written with care, that mentions the casino once.'
  const refused = await member.post('/library/comment-article/comments', { body: comment })
  t.equal(refused.status, 422)
  t.match(refused.body, 'Your text contains “casino”, which is not allowed here.')
  t.match(refused.body, `${comment}</textarea>`, 'the comment is given back')
  t.equal((await db.selectFrom('comments').select('id').execute()).length, 0, 'and nothing was posted')

  await member.get('/c/homeshare/meetings')
  const title = `Insurance ${rlo}for hosts`
  const topic = await member.post('/c/homeshare/topics', { title })
  t.equal(topic.status, 400)
  t.match(topic.body, characters)
  t.match(topic.body, `${title}</textarea>`, 'the topic title is given back')
})

t.test('break-out room names follow the name rules', async (t) => {
  const { db, users, admin } = await setup(t)
  const planned = await admin.submit('/c/homeshare/meetings/new', '/c/homeshare/meetings/new', {
    title: 'Spring meeting',
    topic: 'Matching',
    starts_at: `${year}-03-10T14:00`,
    ends_at: `${year}-03-10T15:30`,
    time_zone: 'Europe/Amsterdam',
    online_url: '',
    agenda: '',
  })
  const url = planned.location!
  const room = (name: string) => ({ name, language: 'en', facilitator: String(users.member.id), note_taker: '' })
  await admin.get(url)

  const invisible = await admin.post(`${url}/rooms`, room('\u200B\u200D\u2060'))
  t.equal(invisible.status, 400, 'a name of zero-width characters only is blank')
  t.match(invisible.body, 'Give the room a name')
  const reversed = `Room ${rlo}gnp.exe`
  const added = await admin.post(`${url}/rooms`, room(reversed))
  t.equal(added.status, 400, 'a name with a text-direction override is refused')
  t.match(added.body, characters)
  t.match(added.body, `${reversed}</textarea>`, 'and given back')
  t.equal((await db.selectFrom('meeting_rooms').select('id').execute()).length, 0, 'no room was added')

  t.equal((await admin.post(`${url}/rooms`, room('English'))).status, 303)
  const roomId = (await db.selectFrom('meeting_rooms').select('id').executeTakeFirstOrThrow()).id
  const edited = await admin.submit(`${url}/rooms/${roomId}/edit`, `${url}/rooms/${roomId}/edit`, room(reversed))
  t.equal(edited.status, 422, 'renaming to such a name is refused on the form')
  t.match(edited.body, characters)
  t.match(edited.body, `value="${reversed}"`, 'with the name kept')
  const blank = await admin.submit(`${url}/rooms/${roomId}/edit`, `${url}/rooms/${roomId}/edit`, room('\u200B'))
  t.equal(blank.status, 422)
  t.match(blank.body, 'Give the room a name')
  const names = (await db.selectFrom('meeting_rooms').select('name').execute()).map((r) => r.name)
  t.same(names, ['English'], 'the room keeps its name')
})
