// @mentions through HTTP: the link, the notification (in-app and by real SMTP) for a member who may read the text,
// none for one who may not, the new-account limit, unknown and shared names, edits that do not notify twice, and names
// that carry HTML.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { Client, logIn } from '../helpers/client.js'
import { createCommunityWith, createThreadIn, createUser, type TestUser } from '../helpers/factories.js'
import { startSmtp } from '../helpers/smtp.js'
import type { Db } from '../../src/db/connect.js'

const mentionsOf = (db: Db, userId: number) =>
  db
    .selectFrom('notifications')
    .select(['kind', 'url', 'data', 'count'])
    .where('user_id', '=', userId)
    .where('kind', '=', 'mention')
    .execute()

async function established(db: Db, user: TestUser) {
  await db
    .updateTable('users')
    .set({ created_at: new Date(Date.now() - 30 * 86_400_000) })
    .where('id', '=', user.id)
    .execute()
}

t.test('a mention becomes a link and notifies a member who may read it, by email too', async (t) => {
  const smtp = await startSmtp(t)
  const { app, db } = await buildTestApp(t, {
    config: { mail: { smtpUrl: smtp.url, from: 'Kring <kring@example.test>', concurrency: 2 } },
  })
  const author = await createUser(db, { displayName: 'Bea Jansen' })
  const anne = await createUser(db, { displayName: 'Anne de Vries', email: 'anne@example.test' })
  const community = await createCommunityWith(db, { members: [author, anne] })
  const threadId = await createThreadIn(db, community.id, author, { title: 'Home visits' })
  const client = new Client(app)
  await logIn(client, author.email, author.password)
  await client.get(`/t/${threadId}`)
  const res = await client.post(`/t/${threadId}/replies`, {
    body: 'What do you think, @[anne  DE vries]? And @[Nobody Here] too. `@[Anne de Vries]` in code stays code.',
    parent_id: '',
    submission_key: '',
  })
  t.equal(res.status, 303)
  const postId = Number(/\/posts\/(\d+)/.exec(res.location!)![1])
  const page = await client.get(`/t/${threadId}`)
  t.match(page.body, `<a href="/u/${anne.id}" class="mention" rel="nofollow ugc noopener">@Anne de Vries</a>`)
  t.match(page.body, '@[Nobody Here]', 'an unknown name stays the text that was typed')
  t.match(page.body, '<code>@[Anne de Vries]</code>')

  const notes = await mentionsOf(db, anne.id)
  t.equal(notes.length, 1)
  t.equal(notes[0].url, `/posts/${postId}`)
  t.match(notes[0].data, { actor: 'Bea Jansen', title: 'Home visits' })
  t.same(await mentionsOf(db, author.id), [], 'never the author')

  await app.mail.drain()
  const [mail] = await smtp.waitFor(1)
  t.same(mail.envelopeTo, ['anne@example.test'])
  t.equal(mail.parsed.subject, 'Bea Jansen mentioned you in “Home visits”')
  t.match(mail.parsed.text, `/posts/${postId}`)

  const profile = await client.get(`/u/${anne.id}`)
  t.equal(profile.status, 200)
  t.match(profile.body, '<h1 id="member-name">Anne de Vries</h1>')
  t.equal((await client.get('/u/999999')).status, 404)
  t.equal((await client.get('/u/abc')).status, 404)
})

t.test('members who cannot read the text get a link and no notification', async (t) => {
  const { app, db } = await buildTestApp(t)
  const author = await createUser(db, { displayName: 'Inner Author' })
  const outsider = await createUser(db, { displayName: 'Olga Outside' })
  const inner = await createCommunityWith(db, { visibility: 'members', members: [author] })
  const threadId = await createThreadIn(db, inner.id, author)
  const client = new Client(app)
  await logIn(client, author.email, author.password)
  await client.get(`/t/${threadId}`)
  await client.post(`/t/${threadId}/replies`, { body: 'Ask @[Olga Outside]', parent_id: '', submission_key: '' })
  const page = await client.get(`/t/${threadId}`)
  t.match(page.body, `href="/u/${outsider.id}" class="mention"`)
  t.same(await mentionsOf(db, outsider.id), [], 'not notified: she cannot read it')
})

t.test('a pending reply notifies nobody; a later edit notifies only whom it newly mentions', async (t) => {
  const { app, db } = await buildTestApp(t)
  const author = await createUser(db, { displayName: 'Carla Edit' })
  const first = await createUser(db, { displayName: 'First Person' })
  const second = await createUser(db, { displayName: 'Second Person' })
  const community = await createCommunityWith(db, { members: [author, first, second] })
  const threadId = await createThreadIn(db, community.id, first)
  const client = new Client(app)
  await logIn(client, author.email, author.password)
  await client.get(`/t/${threadId}`)
  const posted = await client.post(`/t/${threadId}/replies`, {
    body: 'Hello @[First Person]',
    parent_id: '',
    submission_key: '',
  })
  const postId = Number(/\/posts\/(\d+)/.exec(posted.location!)![1])
  t.equal((await mentionsOf(db, first.id)).length, 1)
  await db.updateTable('notifications').set({ read_at: new Date() }).execute()

  const edited = await client.edit(`/posts/${postId}/edit`, { body: 'Hello @[First Person] and @[Second Person]' })
  t.equal(edited.status, 303)
  t.equal((await mentionsOf(db, first.id)).length, 1, 'the first is not notified again')
  t.equal((await mentionsOf(db, second.id)).length, 1, 'the second is notified once')

  // Pre-moderated community: a pending post's mentions wait (and approval does not send them).
  const strict = await createCommunityWith(db, { moderators: [second], members: [author], premoderation: 2 })
  const strictThread = await createThreadIn(db, strict.id, second)
  await client.get(`/t/${strictThread}`)
  const pending = await client.post(`/t/${strictThread}/replies`, {
    body: 'Pending @[Second Person]',
    parent_id: '',
    submission_key: '',
  })
  t.equal(pending.status, 303)
  t.equal((await mentionsOf(db, second.id)).length, 1, 'nothing for a pending post')
})

t.test('new accounts may mention at most three people; established ones more', async (t) => {
  const { app, db } = await buildTestApp(t)
  const newbie = await createUser(db, { displayName: 'New Comer' })
  const people = await Promise.all([1, 2, 3, 4].map((n) => createUser(db, { displayName: `Person ${n}` })))
  const community = await createCommunityWith(db, { members: [newbie, ...people] })
  const threadId = await createThreadIn(db, community.id, people[0])
  const client = new Client(app)
  await logIn(client, newbie.email, newbie.password)
  await client.get(`/t/${threadId}`)
  const body = 'Hi @[Person 1], @[Person 2], @[Person 3] and @[Person 4] <b>kept</b>'
  const refused = await client.post(`/t/${threadId}/replies`, { body, parent_id: '', submission_key: '' })
  t.equal(refused.status, 422)
  t.match(refused.body, 'New accounts may mention at most 3 people in one post; this one mentions 4.')
  t.match(refused.body, 'Hi @[Person 1], @[Person 2], @[Person 3] and @[Person 4] &lt;b&gt;kept&lt;/b&gt;</textarea>')
  t.equal(
    Number(
      (await db
        .selectFrom('posts')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirst())!.n,
    ),
    0,
  )

  const nl = await client.post(
    `/t/${threadId}/replies`,
    { body, parent_id: '', submission_key: '' },
    { headers: { 'accept-language': 'nl' } },
  )
  t.match(nl.body, 'hoogstens 3 mensen')

  const three = await client.post(`/t/${threadId}/replies`, {
    body: 'Hi @[Person 1], @[Person 2], @[Person 3] and @[New Comer]',
    parent_id: '',
    submission_key: '',
  })
  t.equal(three.status, 303, 'three others (and oneself) is fine')

  await established(db, newbie)
  const again = new Client(app)
  await logIn(again, newbie.email, newbie.password)
  await again.get(`/t/${threadId}`)
  const many = await again.post(`/t/${threadId}/replies`, { body, parent_id: '', submission_key: '' })
  t.equal(many.status, 303)
  t.equal((await mentionsOf(db, people[3].id)).length, 1)
})

t.test('shared names need the id; names with HTML are escaped', async (t) => {
  const { app, db } = await buildTestApp(t)
  const author = await createUser(db)
  const twinA = await createUser(db, { displayName: 'Sam Smit' })
  const twinB = await createUser(db, { displayName: 'Sam Smit' })
  const hostile = await createUser(db, { displayName: '<img src=x onerror=alert(1)> "Eve"' })
  const community = await createCommunityWith(db, { members: [author, twinA, twinB, hostile] })
  const client = new Client(app)
  await logIn(client, author.email, author.password)
  await client.get(`/c/${community.slug}/new`)
  const res = await client.post(`/c/${community.slug}/new`, {
    title: 'Twins',
    body: `@[Sam Smit] and @[Sam Smit#${twinB.id}] and @[Sam Smit#999999] and @[<img src=x onerror=alert(1)> "Eve"]`,
    submission_key: '',
  })
  t.equal(res.status, 303)
  const page = await client.get(res.location!)
  t.match(page.body, '<p>@[Sam Smit] and ', 'an ambiguous name stays text')
  t.match(page.body, `<a href="/u/${twinB.id}" class="mention" rel="nofollow ugc noopener">@Sam Smit</a>`)
  t.match(page.body, '@[Sam Smit#999999]')
  t.match(
    page.body,
    `<a href="/u/${hostile.id}" class="mention" rel="nofollow ugc noopener">@&lt;img src=x onerror=alert(1)&gt; "Eve"</a>`,
  )
  t.notMatch(page.body, '<img src=x')
  t.equal((await mentionsOf(db, twinA.id)).length, 0)
  t.equal((await mentionsOf(db, twinB.id)).length, 1)
  t.equal((await mentionsOf(db, hostile.id)).length, 1)
  const profile = await client.get(`/u/${hostile.id}`)
  t.notMatch(profile.body, '<img src=x')
})

t.test('mention suggestions: members of the community only, JSON, for logged-in members', async (t) => {
  const { app, db } = await buildTestApp(t)
  const member = await createUser(db, { displayName: 'Mia Member' })
  const anna = await createUser(db, { displayName: 'Anna Bakker', email: 'anna-s@example.test' })
  const andre = await createUser(db, { displayName: 'André Andersen' })
  const stranger = await createUser(db, { displayName: 'Anton Elsewhere' })
  const community = await createCommunityWith(db, { members: [member, anna, andre] })
  const other = await createCommunityWith(db, { visibility: 'members', members: [stranger] })
  const visitor = new Client(app)
  t.equal((await visitor.get(`/c/${community.slug}/mention-suggestions?q=An`)).status, 401)
  const client = new Client(app)
  await logIn(client, member.email, member.password)
  const res = await client.get(`/c/${community.slug}/mention-suggestions?q=An`)
  t.equal(res.status, 200)
  const body = JSON.parse(res.body) as { suggestions: { name: string; insert: string }[] }
  t.same(body.suggestions.map((s) => s.insert).sort(), ['@[André Andersen]', '@[Anna Bakker]'])
  t.notMatch(res.body, 'anna-s@example.test', 'no addresses')
  t.notMatch(res.body, 'Anton', 'not members of other communities')
  t.equal((await client.get(`/c/${other.slug}/mention-suggestions?q=An`)).status, 404)
  t.same(JSON.parse((await client.get(`/c/${community.slug}/mention-suggestions?q=`)).body), { suggestions: [] })
  // Rate-limited per member: a script cannot walk the member list.
  let status = 200
  for (let i = 0; i < 70 && status === 200; i++)
    status = (await client.get(`/c/${community.slug}/mention-suggestions?q=a${i}`)).status
  t.equal(status, 429)
})
