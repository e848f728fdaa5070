// Hidden means hidden everywhere: a hidden or pending thread, a hidden reply and a hidden article leave the lists,
// the home page, theme pages, feeds, the sitemap and search (answered here by the PostgreSQL fallback, and the
// documents sent to the index), while their author still reads them with the reason.
import t from 'tap'
import { createDraft, transitionArticle } from '../../src/library/commands.js'
import { buildChanges } from '../../src/search/sync.js'
import { buildTestApp } from '../helpers/app.js'
import { Client } from '../helpers/client.js'
import { createCommunityWith, createThemeWith, createThreadIn, createUser, replyIn } from '../helpers/factories.js'
import { q, resultUrls } from '../search/helpers.js'
import { loggedIn } from '../helpers/moderation.js'

const noPractice = {
  practice_context: null,
  practice_target_group: null,
  practice_country: null,
  practice_what_worked: null,
  practice_what_did_not: null,
  practice_contact: null,
}

t.test('hidden and pending content leaves pages, feeds, the sitemap and search', async (t) => {
  // Meilisearch unreachable: the search page answers from PostgreSQL, with the same visibility rules.
  const { app, db } = await buildTestApp(t, {
    config: { search: { url: 'http://127.0.0.1:9', masterKey: 'x'.repeat(20), indexPrefix: 'x_' } },
  })
  const moderator = await createUser(db, { displayName: 'Mona Moderator' })
  const author = await createUser(db, { displayName: 'Arno Author' })
  const newcomer = await createUser(db, { displayName: 'Nina Newcomer' })
  const member = await createUser(db, { displayName: 'Rik Reader' })
  const open = await createCommunityWith(db, {
    slug: 'open-circle',
    name: 'Open circle',
    moderators: [moderator],
    members: [author, member],
  })
  const premod = await createCommunityWith(db, {
    slug: 'premod-circle',
    name: 'Premod circle',
    moderators: [moderator],
    members: [newcomer, member],
    premoderation: 2,
  })
  const themeId = await createThemeWith(db, 'intergenerational', { en: 'Intergenerational living' })

  const control = await createThreadIn(db, open.id, author, {
    title: 'Zebra crossing visible thread',
    body: 'zebracontrol words',
    themeIds: [themeId],
  })
  const hidden = await createThreadIn(db, open.id, author, {
    title: 'Quokka hidden thread',
    body: 'quokkahidden words',
    themeIds: [themeId],
  })
  const pending = await createThreadIn(db, premod.id, newcomer, {
    title: 'Wombat pending thread',
    body: 'wombatpending words',
    themeIds: [themeId],
  })
  const hiddenReply = await replyIn(db, control, author, null, 'platypushidden reply text')
  const article = async (title: string, slug: string, word: string) => {
    const draft = await createDraft(db, {
      title,
      slug,
      summary: `A summary with ${word}.`,
      kind: 'practice',
      language: 'en',
      body_md: `Body with ${word}.`,
      community_id: open.id,
      themeIds: [themeId],
      practice: noPractice,
      authorId: author.id,
    })
    if (!draft.ok) throw new Error(`could not write ${slug}`)
    await transitionArticle(db, draft.id, 'publish', null)
    return draft.id
  }
  await article('Emu practice stays', 'emu-practice', 'emuarticle')
  const hiddenArticle = await article('Koala practice goes', 'koala-practice', 'koalaarticle')

  const modClient = await loggedIn(app, moderator)
  t.equal((await modClient.post(`/mod/content/thread/${hidden}/hide`, { reason: 'Under investigation' })).status, 303)
  t.equal((await modClient.post(`/mod/content/post/${hiddenReply}/hide`, { reason: 'Names a resident' })).status, 303)
  t.equal(
    (await modClient.post(`/mod/content/article/${hiddenArticle}/hide`, { reason: 'Copied from a paid course' }))
      .status,
    303,
  )
  t.equal(
    (await db.selectFrom('threads').select('status').where('id', '=', pending).executeTakeFirstOrThrow()).status,
    'pending',
  )

  const visitor = new Client(app)
  const memberClient = await loggedIn(app, member)
  const authorClient = await loggedIn(app, author)
  const readers = [
    ['a visitor', visitor],
    ['a member', memberClient],
  ] as const

  t.test('threads: community pages, home page, theme page', async (t) => {
    for (const [who, client] of readers) {
      for (const [page, url] of [
        ['community page', `/c/${open.slug}`],
        ['other community page', `/c/${premod.slug}`],
        ['home page', '/'],
        ['theme page', '/themes/intergenerational'],
      ]) {
        const body = (await client.get(url)).body
        t.notMatch(body, 'Quokka hidden thread', `${who}: the hidden thread is not on the ${page}`)
        t.notMatch(body, 'Wombat pending thread', `${who}: the pending thread is not on the ${page}`)
      }
      t.match(
        (await client.get(`/c/${open.slug}`)).body,
        'Zebra crossing visible thread',
        `${who}: the visible thread is listed`,
      )
      t.match((await client.get('/')).body, 'Zebra crossing visible thread')
      t.match((await client.get('/themes/intergenerational')).body, 'Zebra crossing visible thread')
      t.equal((await client.get(`/t/${hidden}`)).status, 404, `${who}: the hidden thread does not exist`)
      t.equal((await client.get(`/t/${pending}`)).status, 404, `${who}: the pending thread does not exist`)
      t.notMatch(
        (await client.get(`/t/${control}`)).body,
        'platypushidden',
        `${who}: the hidden reply is not on its thread page`,
      )
    }
    const own = await authorClient.get(`/t/${hidden}`)
    t.equal(own.status, 200, 'its author still opens the hidden thread')
    t.match(own.body, 'This thread is hidden from others by a moderator. Reason: Under investigation')
    t.match(
      (await authorClient.get(`/t/${control}`)).body,
      'This reply is hidden from others by a moderator. Reason: Names a resident',
    )
    const counts = await db
      .selectFrom('communities')
      .select(['slug', 'thread_count'])
      .where('id', 'in', [open.id, premod.id])
      .orderBy('slug')
      .execute()
    t.same(
      counts,
      [
        { slug: 'open-circle', thread_count: 1 },
        { slug: 'premod-circle', thread_count: 0 },
      ],
      'neither is counted',
    )
    t.match(
      (await visitor.get('/communities')).body,
      /Open circle[\s\S]*?1 thread\b/,
      'the directory counts the visible thread only',
    )
  })

  t.test('the sitemap', async (t) => {
    const sitemap = (await visitor.get('/sitemap.xml')).body
    t.match(sitemap, `/t/${control}</loc>`)
    t.notMatch(sitemap, `/t/${hidden}</loc>`, 'no hidden thread')
    t.notMatch(sitemap, `/t/${pending}</loc>`, 'no pending thread')
    t.match(sitemap, '/library/emu-practice</loc>')
    t.notMatch(sitemap, '/library/koala-practice</loc>', 'no hidden article')
  })

  t.test('search, answered by PostgreSQL', async (t) => {
    for (const [who, client] of [...readers, ['the author', authorClient] as const]) {
      const found = await client.get(q('zebracontrol'))
      t.match(found.body, 'search-limited', 'the fallback answers')
      t.same(resultUrls(found.body), [`/t/${control}`], `${who}: a visible thread is found`)
      t.same(
        resultUrls((await client.get(q('emuarticle'))).body),
        ['/library/emu-practice'],
        `${who}: a visible article is found`,
      )
      for (const word of ['quokkahidden', 'wombatpending', 'platypushidden', 'koalaarticle']) {
        t.same(resultUrls((await client.get(q(word))).body), [], `${who}: nothing found for ${word}`)
      }
    }
  })

  t.test('the search index is told to drop them', async (t) => {
    const rows = await db
      .selectFrom('search_outbox')
      .select(['entity_type', 'entity_id'])
      .where('done_at', 'is', null)
      .execute()
    for (const [type, id] of [
      ['thread', hidden],
      ['thread', pending],
      ['post', hiddenReply],
      ['article', hiddenArticle],
    ] as const) {
      t.ok(
        rows.some((r) => r.entity_type === type && r.entity_id === id),
        `${type} ${id} waits in the search outbox`,
      )
    }
    const changes = await buildChanges(db, rows)
    for (const id of [`thread-${hidden}`, `thread-${pending}`, `post-${hiddenReply}`, `article-${hiddenArticle}`]) {
      t.ok(changes.deletes.includes(id), `${id} is deleted from the index`)
      t.notOk(
        changes.upserts.some((d) => d.id === id),
        `${id} is not sent as a document`,
      )
    }
    t.ok(
      changes.upserts.some((d) => d.id === `thread-${control}`),
      'the visible thread is indexed',
    )
  })

  t.test(
    'a hidden article leaves the library, its feed and its theme page; visitors get 404, its author reads why',
    async (t) => {
      for (const [who, client] of readers) {
        const library = (await client.get('/library')).body
        t.match(library, 'Emu practice stays')
        t.notMatch(library, 'Koala practice goes', `${who}: not in the library`)
        t.notMatch(
          (await client.get('/themes/intergenerational')).body,
          'Koala practice goes',
          `${who}: not on its theme page`,
        )
        t.equal((await client.get('/library/koala-practice')).status, 404, `${who}: 404`)
      }
      for (const feed of [
        '/feeds/library.atom',
        '/feeds/themes/intergenerational.atom',
        `/feeds/c/${open.slug}.atom`,
      ]) {
        const body = (await visitor.get(feed)).body
        t.match(body, 'Emu practice stays', `${feed} has the visible article`)
        t.notMatch(body, 'Koala practice goes', `${feed} leaves the hidden one out`)
      }
      const own = await authorClient.get('/library/koala-practice')
      t.equal(own.status, 200, 'its author still opens it')
      t.match(own.body, 'This article is hidden from readers by a moderator. Reason: Copied from a paid course')
      t.match(
        (await modClient.get('/library/koala-practice')).body,
        'action="/mod/content/article/',
        'the moderator can restore it',
      )

      t.equal((await modClient.post(`/mod/content/article/${hiddenArticle}/restore`)).status, 303)
      t.equal((await visitor.get('/library/koala-practice')).status, 200, 'restored: public again')
      t.match((await visitor.get('/library')).body, 'Koala practice goes')
      t.match((await visitor.get('/feeds/library.atom')).body, 'Koala practice goes')
    },
  )
})
