import t from 'tap'
import { sql } from 'kysely'
import { updateCommunity } from '../../src/communities/commands.js'
import { PageVersionReader } from '../../src/discussions/visitor-pages.js'
import { mergeTheme, renameTheme } from '../../src/themes/commands.js'
import { buildTestApp } from '../helpers/app.js'
import { Client, decodeEntities, logIn } from '../helpers/client.js'
import type { TestDatabase } from '../helpers/database.js'
import { createCommunityWith, createThemeWith, createThreadIn, createUser, replyIn } from '../helpers/factories.js'

async function setup(t: Parameters<typeof buildTestApp>[0]) {
  const { app, db, database } = await buildTestApp(t)
  const author = await createUser(db, { displayName: 'Hanne Smit' })
  const moderator = await createUser(db, { displayName: 'Mo Derator' })
  const community = await createCommunityWith(db, { members: [author], moderators: [moderator] })
  const themeId = await createThemeWith(db, 'participation', { en: 'Participation', nl: 'Participatie' })
  const threadId = await createThreadIn(db, community.id, author, {
    title: 'Keeping a panel going',
    body: 'First **year** went well.',
    themeIds: [themeId],
  })
  const replyId = await replyIn(db, threadId, author, null, 'An early reply.')
  const member = new Client(app)
  await logIn(member, author.email, author.password)
  const visitor = new Client(app)
  return { app, db, database, author, moderator, community, themeId, threadId, replyId, member, visitor }
}

/** A visitor's page, and whether it came from the instance's kept pages (then the only query is the version check). */
async function visit(visitor: Client, database: TestDatabase, path: string) {
  database.queries.reset()
  const page = await visitor.get(path)
  const kept = database.queries.count === 1 && /thread_page_versions/.test(database.queries.sql[0])
  return { ...page, kept }
}

const csrfOf = (body: string) => decodeEntities(/name="_csrf" value="([^"]+)"/.exec(body)![1])
const withoutCsrf = (body: string) => body.replace(/name="_csrf" value="[^"]*"/g, 'name="_csrf" value=""')

t.test("a visitor's second look at a thread costs one query and shows the very same page", async (t) => {
  const { app, database, threadId, visitor } = await setup(t)
  const first = await visit(visitor, database, `/t/${threadId}`)
  t.equal(first.status, 200)
  t.notOk(first.kept, 'the first look renders')
  const second = await visit(visitor, database, `/t/${threadId}`)
  t.equal(second.status, 200)
  t.ok(second.kept, 'the second is the kept page')
  t.equal(second.headers['content-type'], first.headers['content-type'])
  t.equal(withoutCsrf(second.body), withoutCsrf(first.body), 'the same HTML, but for the CSRF token')
  t.not(csrfOf(second.body), csrfOf(first.body), 'each request has its own token')

  // The kept page carries this request's own path and a token this visitor can use.
  const slugged = await visit(visitor, database, `/t/${threadId}/keeping-a-panel-going?utm=x&y=z`)
  t.ok(slugged.kept, 'the slugged address shares the kept page')
  t.match(
    slugged.body,
    `<a href="/login?next=/t/${threadId}/keeping-a-panel-going?utm&#x3D;x&amp;y&#x3D;z">`,
    'its path, escaped',
  )
  t.match(slugged.body, `name="next" value="/t/${threadId}/keeping-a-panel-going?utm&#x3D;x&amp;y&#x3D;z"`)
  const switched = await visitor.post(
    '/language',
    { locale: 'nl', next: `/t/${threadId}` },
    { csrf: csrfOf(slugged.body) },
  )
  t.equal(switched.status, 303, 'the footer form works with the filled-in token')
  const dutch = await visit(visitor, database, `/t/${threadId}`)
  t.equal(dutch.status, 200)
  t.notOk(dutch.kept, 'another language is another page')
  t.match(dutch.body, '<a href="/themes/participation">Participatie</a>')

  // A fresh visitor without any cookie still gets a working token (and the cookie that goes with it).
  const stranger = new Client(app)
  const fresh = await visit(stranger, database, `/t/${threadId}`)
  t.ok(fresh.kept)
  t.ok(stranger.cookies.has('kring_csrf'), 'the CSRF cookie is set')
  t.equal((await stranger.post('/language', { locale: 'en', next: '/' }, { csrf: csrfOf(fresh.body) })).status, 303)
})

t.test('visitors see every change to a thread at once: replies, edits, deletions, themes', async (t) => {
  const { db, database, threadId, replyId, member, visitor, themeId } = await setup(t)
  const path = `/t/${threadId}`
  await visit(visitor, database, path)
  t.ok((await visit(visitor, database, path)).kept)

  await member.get(path)
  t.equal((await member.post(`/t/${threadId}/replies`, { body: 'A brand new reply.', parent_id: '' })).status, 303)
  let page = await visit(visitor, database, path)
  t.notOk(page.kept)
  t.match(page.body, 'A brand new reply.', 'a new reply')
  t.match(page.body, '2 replies')
  t.ok((await visit(visitor, database, path)).kept, 'and kept again')

  await member.get(`/posts/${replyId}/edit`)
  t.equal((await member.edit(`/posts/${replyId}/edit`, { body: 'An early reply, corrected.' })).status, 303)
  page = await visit(visitor, database, path)
  t.match(page.body, 'An early reply, corrected.', 'an edited reply')
  t.notMatch(page.body, '<p>An early reply.</p>')

  await member.get(`/t/${threadId}/edit`)
  t.equal(
    (
      await member.edit(`/t/${threadId}/edit`, {
        title: 'Keeping a panel going, year two',
        body: 'Second year too.',
        themes: [],
      })
    ).status,
    303,
  )
  page = await visit(visitor, database, path)
  t.match(page.body, '<h1 id="thread-title">Keeping a panel going, year two</h1>', 'an edited thread')
  t.notMatch(page.body, '/themes/participation', 'its themes as they are now')
  await db.insertInto('thread_tags').values({ thread_id: threadId, tag_id: themeId }).execute()
  t.match((await visit(visitor, database, path)).body, '/themes/participation')

  await member.get(path)
  t.equal((await member.post(`/posts/${replyId}/delete`)).status, 303)
  page = await visit(visitor, database, path)
  t.match(page.body, 'Reply deleted by its author.', 'a deleted reply')
  t.notMatch(page.body, 'An early reply, corrected.')

  // Even a change made outside Kring's commands (a script, another domain's code) reaches the page.
  await sql`update posts set body_html = '<p>Fixed by a script.</p>' where thread_id = ${threadId} and status = 'visible'`.execute(
    db,
  )
  t.match((await visit(visitor, database, path)).body, 'Fixed by a script.')
})

t.test('visitors see renamed people, communities and themes at once', async (t) => {
  const { db, database, author, community, threadId, themeId, member, visitor } = await setup(t)
  const path = `/t/${threadId}`
  await visit(visitor, database, path)
  t.ok((await visit(visitor, database, path)).kept)

  await member.get('/settings')
  const saved = await member.post('/settings', {
    display_name: 'Hanne S.',
    organisation: 'Wijkteam Noord',
    country: '',
    bio: '',
    locale: '',
    time_zone: '',
  })
  t.equal(saved.status, 303)
  let page = await visit(visitor, database, path)
  t.notOk(page.kept)
  t.match(
    page.body,
    `<strong class="post-author"><a href="/u/${author.id}" class="person">Hanne S.</a></strong> <span class="meta">· Wijkteam Noord</span>`,
    "the author's new name and organisation",
  )
  t.notMatch(page.body, 'Hanne Smit')

  // Someone else's change of password or last login does not throw every page away.
  t.ok((await visit(visitor, database, path)).kept)
  await db.updateTable('users').set({ bio: 'Now with a bio' }).where('id', '=', author.id).execute()
  t.ok((await visit(visitor, database, path)).kept, 'what the page does not show changes nothing')

  const renamed = await updateCommunity(db, community.id, {
    slug: 'panels',
    name: 'Panel practice',
    description_md: 'Renamed.',
    visibility: 'public',
    join_policy: 'open',
  })
  t.ok(renamed.ok)
  page = await visit(visitor, database, path)
  t.match(page.body, '<a href="/c/panels">Panel practice</a>', "the community's new name")

  t.ok(await renameTheme(db, themeId, { en: 'Taking part', nl: 'Meedoen' }))
  t.match(
    (await visit(visitor, database, path)).body,
    '<a href="/themes/participation">Taking part</a>',
    "the theme's new label",
  )

  const other = await createThemeWith(db, 'involvement', { en: 'Involvement' })
  t.ok(await mergeTheme(db, themeId, other))
  t.match(
    (await visit(visitor, database, path)).body,
    '<a href="/themes/involvement">Involvement</a>',
    'a merged theme',
  )

  const hidden = await updateCommunity(db, community.id, {
    slug: 'panels',
    name: 'Panel practice',
    description_md: 'Renamed.',
    visibility: 'members',
    join_policy: 'open',
  })
  t.ok(hidden.ok)
  t.equal((await visitor.get(path)).status, 404, 'a community gone members-only hides its threads at once')
})

t.test('moderation reaches visitors at once: hidden replies and threads, locks and pins', async (t) => {
  const { app, database, moderator, threadId, replyId, visitor } = await setup(t)
  const path = `/t/${threadId}`
  const mod = new Client(app)
  await logIn(mod, moderator.email, moderator.password)
  await visit(visitor, database, path)

  await mod.get(path)
  t.equal((await mod.post(`/mod/content/post/${replyId}/hide`, { reason: 'Off topic' })).status, 303)
  let page = await visit(visitor, database, path)
  t.notMatch(page.body, 'An early reply.', 'a hidden reply is gone')

  await mod.get(path)
  t.equal((await mod.post(`/mod/thread/${threadId}/lock`, { reason: '' })).status, 303)
  page = await visit(visitor, database, path)
  t.match(page.body, '<span class="badge badge-locked">Locked</span>', 'a locked thread says so')

  await mod.get(path)
  t.equal((await mod.post(`/mod/content/thread/${threadId}/hide`, { reason: 'Spam' })).status, 303)
  t.equal((await visitor.get(path)).status, 404, 'a hidden thread is gone')
})

t.test('a pending notice is never served from, nor kept as, the shared page', async (t) => {
  const { database, threadId, member, visitor } = await setup(t)
  const path = `/t/${threadId}`
  await visit(visitor, database, path)
  // Logging out leaves a one-time notice for the next page.
  await member.get(path)
  t.equal((await member.post('/logout')).status, 303)
  const withNotice = await visit(member, database, path)
  t.notOk(withNotice.kept, 'rendered for this visitor alone')
  t.match(withNotice.body, '<p class="notice" role="status">')
  const after = await visit(member, database, path)
  t.ok(after.kept, 'the next page is the shared one again')
  t.notMatch(after.body, '<p class="notice" role="status">', 'without the notice')
})

t.test('time zones and languages each have their own page', async (t) => {
  const { database, threadId, visitor } = await setup(t)
  const path = `/t/${threadId}`
  const utc = await visit(visitor, database, path)
  visitor.cookies.set('kring_tz', 'Pacific/Auckland')
  const auckland = await visit(visitor, database, path)
  t.notOk(auckland.kept)
  t.not(withoutCsrf(auckland.body), withoutCsrf(utc.body), "times in the visitor's zone")
  t.ok((await visit(visitor, database, path)).kept)
  visitor.cookies.delete('kring_tz')
  t.ok((await visit(visitor, database, path)).kept, "UTC's page is still kept")
  visitor.headers['accept-language'] = 'nl'
  const dutch = await visit(visitor, database, path)
  t.notOk(dutch.kept)
  t.match(dutch.body, '<html lang="nl">')
  t.ok((await visit(visitor, database, path)).kept)
})

t.test("a change made through another instance reaches this one's visitors", async (t) => {
  const { app: first, db, database, threadId, author } = await setup(t)
  const { app: second } = await buildTestApp(t, { database, db: await database.connectAgain() })
  const path = `/t/${threadId}`
  const visitor = new Client(first)
  await visit(visitor, database, path)
  t.ok((await visit(visitor, database, path)).kept)
  const elsewhere = new Client(second)
  await logIn(elsewhere, author.email, author.password)
  await elsewhere.get(path)
  t.equal(
    (await elsewhere.post(`/t/${threadId}/replies`, { body: 'Posted on the other instance.', parent_id: '' })).status,
    303,
  )
  t.match((await visitor.get(path)).body, 'Posted on the other instance.')
  t.ok(db)
})

t.test(
  'version checks of concurrent requests share queries, but never one sent before the request arrived',
  async (t) => {
    const sent: { threadIds: number[]; answer: (versions: Map<number, number>) => void }[] = []
    const reader = new PageVersionReader((threadIds) => new Promise((answer) => sent.push({ threadIds, answer })))
    const tick = () => new Promise((resolve) => setImmediate(resolve))

    const first = reader.read(1)
    await tick()
    t.same(
      sent.map((q) => q.threadIds),
      [[1]],
      'the first request asks at once',
    )
    // Two more arrive while that query is out: they wait for the next one, whatever it would have said about them.
    const second = reader.read(2)
    const third = reader.read(1)
    await tick()
    t.equal(sent.length, 1, 'nothing more is sent while a query is out')
    sent[0].answer(
      new Map([
        [0, 4],
        [1, 7],
      ]),
    )
    t.same(await first, { thread: 7, all: 4 })
    await tick()
    t.same(
      sent.map((q) => q.threadIds),
      [[1], [2, 1]],
      'then one query for both',
    )
    const fourth = reader.read(3)
    sent[1].answer(
      new Map([
        [0, 5],
        [1, 8],
      ]),
    )
    t.same(await second, { thread: 0, all: 5 }, 'a page nothing changed yet is at version 0')
    t.same(await third, { thread: 8, all: 5 }, 'the later request sees the later version')
    await tick()
    t.same(sent[2].threadIds, [3])
    sent[2].answer(new Map([[0, 5]]))
    t.same(await fourth, { thread: 0, all: 5 })

    // A failed query fails its requests, and the next ones still get asked.
    const failing = reader.read(4)
    await tick()
    const later = reader.read(5)
    ;(sent[3] as unknown as { answer: (v: unknown) => void }).answer(Promise.reject(new Error('database gone')))
    await t.rejects(failing, /database gone/)
    await tick()
    sent[4].answer(
      new Map([
        [0, 6],
        [5, 1],
      ]),
    )
    t.same(await later, { thread: 1, all: 6 })
  },
)

t.test('many visitors at once cost fewer version queries than requests, and all get the page', async (t) => {
  const { app, database, threadId, visitor } = await setup(t)
  await visitor.get(`/t/${threadId}`)
  database.queries.reset()
  const pages = await Promise.all(Array.from({ length: 20 }, () => new Client(app).get(`/t/${threadId}`)))
  t.ok(pages.every((p) => p.status === 200 && p.body.includes('Keeping a panel going')))
  t.ok(database.queries.count < 20, `${database.queries.count} queries for 20 requests`)
  t.ok(
    database.queries.sql.every((q) => /thread_page_versions/.test(q)),
    'all of them version checks',
  )
})
