// A field over its cap: the message names the limit in the writer's language and the text comes back (422), in every
// kind of form; past the request body limit, a 413 page that names that limit.
import t from 'tap'
import { createDraft, transitionArticle } from '../../src/library/commands.js'
import { buildTestApp } from '../helpers/app.js'
import { Client, logIn } from '../helpers/client.js'
import { createCommunityWith, createThreadIn, createUser, replyIn } from '../helpers/factories.js'
import { practiceFields } from '../helpers/library.js'

const year = new Date().getUTCFullYear() + 1
const noPractice = {
  practice_context: null,
  practice_target_group: null,
  practice_country: null,
  practice_what_worked: null,
  practice_what_did_not: null,
  practice_contact: null,
}

async function setup(t: Parameters<typeof buildTestApp>[0]) {
  const { app, db } = await buildTestApp(t)
  const admin = await createUser(db, { displayName: 'Ada Admin', siteRole: 'admin' })
  const en = await createUser(db, { displayName: 'Erin English', locale: 'en' })
  const nl = await createUser(db, { displayName: 'Noor Nederlands', locale: 'nl' })
  const community = await createCommunityWith(db, { slug: 'homeshare', moderators: [admin], members: [en, nl] })
  const threadId = await createThreadIn(db, community.id, en)
  const postId = await replyIn(db, threadId, en, null, 'A reply to flag')
  const as = async (user: { email: string; password: string }) => {
    const client = new Client(app)
    await logIn(client, user.email, user.password)
    return client
  }
  return {
    app,
    db,
    users: { admin, en, nl },
    community,
    threadId,
    postId,
    admin: await as(admin),
    en: await as(en),
    nl: await as(nl),
  }
}

t.test('registration and settings name their limits, in English and Dutch, and keep what was typed', async (t) => {
  const { app, nl } = await setup(t)
  const visitor = new Client(app)
  await visitor.get('/register')
  const name = 'N'.repeat(81)
  const register = await visitor.post('/register', {
    email: 'new@example.org',
    display_name: name,
    password: 'a long enough pass',
  })
  t.equal(register.status, 422)
  t.match(register.body, 'This is 81 characters long; the limit is 80 characters.')
  t.match(register.body, `value="${name}"`)
  t.match(register.body, 'value="new@example.org"')

  const dutchVisitor = new Client(app)
  dutchVisitor.headers['accept-language'] = 'nl'
  await dutchVisitor.get('/register')
  const email = `${'e'.repeat(250)}@example.org`
  const dutch = await dutchVisitor.post('/register', { email, display_name: 'Nieuw', password: 'a long enough pass' })
  t.equal(dutch.status, 422)
  t.match(dutch.body, 'Dit is 262 tekens lang; de grens is 254 tekens.')

  const bio = 'b'.repeat(25_000)
  const settings = await nl.submit('/settings', '/settings', {
    display_name: 'Noor',
    organisation: 'o'.repeat(200),
    country: '',
    bio,
    locale: 'nl',
    time_zone: '',
  })
  t.equal(settings.status, 422, 'longer than the old 20,000-character schema cap: still the form, not a bare 400')
  t.match(settings.body, 'Dit is 25.000 tekens lang; de grens is 1.000 tekens.')
  t.match(settings.body, 'Dit is 200 tekens lang; de grens is 120 tekens.')
  t.match(settings.body, `${bio}</textarea>`)
})

t.test('threads, replies and previews name the Markdown limit in bytes and keep the text', async (t) => {
  const { en, nl, community, threadId } = await setup(t)
  await nl.get(`/c/${community.slug}/new`)
  const body = 'é'.repeat(35_000)
  const thread = await nl.post(`/c/${community.slug}/new`, { title: 'Een lange draad', body })
  t.equal(thread.status, 422)
  t.match(thread.body, 'Deze tekst is 70.000 bytes lang; de grens is 65.536 bytes (64 kB).')
  t.match(thread.body, `${body}</textarea>`)
  t.match(thread.body, 'value="Een lange draad"')

  await en.get(`/t/${threadId}/reply`)
  const reply = await en.post(`/t/${threadId}/replies`, { body: 'r'.repeat(70_312) })
  t.equal(reply.status, 422, 'past the old 70,000-character schema cap: the form, not a bare 400')
  t.match(reply.body, 'This text is 70,312 bytes long; the limit is 65,536 bytes (64 KB).')
  t.match(reply.body, `${'r'.repeat(70_312)}</textarea>`)

  const preview = await en.post('/preview', { body: 'p'.repeat(66_000) }, { headers: { accept: 'application/json' } })
  t.equal(preview.status, 422)
  t.match((JSON.parse(preview.body) as { error: string }).error, '66,000 bytes long; the limit is 65,536 bytes')
})

t.test('articles and comments name their limits; a refused comment is given back on the page', async (t) => {
  const { db, en, nl, users } = await setup(t)
  await en.get('/library/new')
  const article = await en.post('/library/new', {
    ...practiceFields,
    title: 't'.repeat(201),
    summary: 's'.repeat(501),
    practice_what_worked: 'w'.repeat(2001),
  })
  t.equal(article.status, 422)
  t.match(article.body, 'This is 201 characters long; the limit is 200 characters.')
  t.match(article.body, 'This is 501 characters long; the limit is 500 characters.')
  t.match(article.body, 'This is 2,001 characters long; the limit is 2,000 characters.')
  t.match(article.body, `${'w'.repeat(2001)}</textarea>`)

  const draft = await createDraft(db, {
    title: 'An article',
    slug: 'an-article',
    summary: 'Summary.',
    kind: 'guide',
    language: 'en',
    body_md: 'Body.',
    community_id: null,
    themeIds: [],
    practice: noPractice,
    authorId: users.en.id,
  })
  if (!draft.ok) throw new Error('no article')
  await transitionArticle(db, draft.id, 'publish', null)
  await nl.get('/library/an-article')
  const comment = 'c'.repeat(17 * 1024)
  const refused = await nl.post('/library/an-article/comments', { body: comment })
  t.equal(refused.status, 422)
  t.match(refused.body, 'Deze tekst is 17.408 bytes lang; de grens is 16.384 bytes (16 kB).')
  t.match(refused.body, `${comment}</textarea>`, 'the comment given back to copy')
})

t.test('meetings: questions, notes, cancel reasons and topics name their limits', async (t) => {
  const { admin, nl } = await setup(t)
  const planned = await admin.submit('/c/homeshare/meetings/new', '/c/homeshare/meetings/new', {
    title: 'Spring meeting',
    topic: 'x'.repeat(501),
    starts_at: `${year}-03-10T14:00`,
    ends_at: `${year}-03-10T15:30`,
    time_zone: 'Europe/Amsterdam',
    online_url: '',
    agenda: '',
  })
  t.equal(planned.status, 422)
  t.match(planned.body, 'This is 501 characters long; the limit is 500 characters.')
  const url = (
    await admin.submit('/c/homeshare/meetings/new', '/c/homeshare/meetings/new', {
      title: 'Spring meeting',
      topic: 'Matching',
      starts_at: `${year}-03-10T14:00`,
      ends_at: `${year}-03-10T15:30`,
      time_zone: 'Europe/Amsterdam',
      online_url: '',
      agenda: '',
    })
  ).location!

  await nl.get(url)
  const question = 'q'.repeat(2001)
  const asked = await nl.post(`${url}/questions`, { question })
  t.equal(asked.status, 422)
  t.match(asked.body, 'Dit is 2.001 tekens lang; de grens is 2.000 tekens.')
  t.match(asked.body, `${question}</textarea>`)
  const topic = await nl.post('/c/homeshare/topics', { title: 'T'.repeat(201) })
  t.equal(topic.status, 422)
  t.match(topic.body, 'de grens is 200 tekens')

  await admin.get(url)
  const item = await admin.post(`${url}/items`, { text: 'i'.repeat(1001), owner: '', due_on: '' })
  t.equal(item.status, 422)
  t.match(item.body, 'This is 1,001 characters long; the limit is 1,000 characters.')
  t.match(item.body, `${'i'.repeat(1001)}</textarea>`)
  const cancel = await admin.post(`${url}/cancel`, { reason: 'r'.repeat(600) })
  t.equal(cancel.status, 422)
  t.match(cancel.body, 'This is 600 characters long; the limit is 500 characters.')
})

t.test(
  'moderation, communities and themes: reasons, notes, words and labels are refused with their limit, not cut',
  async (t) => {
    const { db, admin, en, nl, users, community, threadId, postId } = await setup(t)
    await nl.get(`/t/${threadId}`)
    const note = 'n'.repeat(501)
    const flag = await nl.post('/flags', { target_type: 'post', target_id: String(postId), reason: 'other', note })
    t.equal(flag.status, 422)
    t.match(flag.body, 'Dit is 501 tekens lang; de grens is 500 tekens.')
    t.match(flag.body, `${note}</textarea>`)
    t.equal((await db.selectFrom('flags').select('id').execute()).length, 0, 'no flag with a cut note')

    await admin.get('/admin')
    const reason = 'Spam '.repeat(120)
    const suspend = await admin.post(`/admin/users/${users.en.id}/suspend`, { reason, until: '' })
    t.equal(suspend.status, 422)
    t.match(suspend.body, 'This is 599 characters long; the limit is 500 characters.')
    t.match(suspend.body, `${reason.trim()}</textarea>`)
    t.equal(
      (await db.selectFrom('users').select('status').where('id', '=', users.en.id).executeTakeFirstOrThrow()).status,
      'active',
    )

    await admin.get('/admin/watched-words')
    const phrase = 'w'.repeat(101)
    const word = await admin.post('/admin/watched-words', { phrase, action: 'block' })
    t.equal(word.status, 422)
    t.match(word.body, 'This is 101 characters long; the limit is 100 characters.')
    t.match(word.body, `value="${phrase}"`)

    await admin.get('/admin/themes')
    const label = await admin.post('/admin/themes', { slug: 'participation', label_en: 'L'.repeat(81), label_nl: '' })
    t.equal(label.status, 422)
    t.match(label.body, 'This is 81 characters long; the limit is 80 characters.')

    await admin.get(`/c/${community.slug}/edit`)
    const name = await admin.post(`/c/${community.slug}/edit`, {
      name: 'N'.repeat(121),
      slug: community.slug,
      description: '',
      visibility: 'public',
      join_policy: 'open',
    })
    t.equal(name.status, 422)
    t.match(name.body, 'This is 121 characters long; the limit is 120 characters.')

    const other = await createCommunityWith(db, { slug: 'by-request', joinPolicy: 'request' })
    await en.get(`/c/${other.slug}`)
    const join = await en.post(`/c/${other.slug}/join`, { note: 'j'.repeat(1001) })
    t.equal(join.status, 422)
    t.match(join.body, 'This is 1,001 characters long; the limit is 1,000 characters.')
    t.equal(
      (await db.selectFrom('community_members').select('user_id').where('community_id', '=', other.id).execute())
        .length,
      0,
    )
  },
)

t.test("past the request body limit: a 413 page that names it, in the reader's language", async (t) => {
  const { en, nl, community } = await setup(t)
  await en.get(`/c/${community.slug}/new`)
  const english = await en.post(`/c/${community.slug}/new`, { title: 'Huge', body: 'h'.repeat(300 * 1024) })
  t.equal(english.status, 413)
  t.match(english.body, 'larger than Kring accepts in one form (at most 256 KB)')
  await nl.get(`/c/${community.slug}/new`)
  const dutch = await nl.post(`/c/${community.slug}/new`, { title: 'Huge', body: 'h'.repeat(300 * 1024) })
  t.equal(dutch.status, 413)
  t.match(dutch.body, 'hoogstens 256 kB')
})
