import t from 'tap'
import { createDraft } from '../../src/library/commands.js'
import { demoAdmin, demoMemberPassword, recreateDemo, seedDemoIfEmpty } from '../../src/demo/seed.js'
import { buildTestApp } from '../helpers/app.js'
import { Client, logIn } from '../helpers/client.js'
import { createUser } from '../helpers/factories.js'

const quiet = { info: () => {} }

t.test('an empty install gets the demo, and the README credentials work', async (t) => {
  const { app, db } = await buildTestApp(t)
  t.equal(await seedDemoIfEmpty(db, quiet), true)
  const users = await db.selectFrom('users').select(['email', 'site_role', 'locale', 'is_demo']).orderBy('id').execute()
  t.ok(users.length >= 4, 'a few people to meet')
  t.ok(users.every((u) => u.is_demo))
  t.same(new Set(users.map((u) => u.locale)), new Set(['en', 'nl']), 'in English and Dutch')
  t.equal(users.find((u) => u.email === demoAdmin.email)?.site_role, 'admin')

  const admin = new Client(app)
  await logIn(admin, demoAdmin.email, demoAdmin.password)
  t.match((await admin.get('/')).body, 'Anouk Vermeulen')
  const member = new Client(app)
  await logIn(member, 'sofia@kring.example', demoMemberPassword)

  const communities = await db.selectFrom('communities').select(['slug', 'visibility', 'thread_count']).execute()
  t.ok(communities.length >= 2, 'a few communities')
  t.ok(
    communities.some((c) => c.visibility === 'members') && communities.some((c) => c.visibility === 'public'),
    'one public, one members-only',
  )
  t.ok(
    communities.every((c) => c.thread_count >= 3),
    'each with threads',
  )
  const nested = await db.selectFrom('posts').select('id').where('depth', '>=', 3).execute()
  t.ok(nested.length > 0, 'with replies nested several levels deep')
  const visitor = await new Client(app).get('/')
  t.match(visitor.body, 'Recent activity')
  t.match(visitor.body, /href="\/t\/\d+"/, 'a visitor sees a living site')

  // The library: every kind, in English and Dutch, with translations, a practice's fields, history and comments.
  const articles = await db
    .selectFrom('articles')
    .select([
      'id',
      'slug',
      'kind',
      'language',
      'status',
      'is_demo',
      'revision',
      'translation_group_id',
      'translated_from_id',
      'translated_from_revision',
      'published_at',
      'created_at',
      'practice_context',
      'practice_target_group',
      'practice_country',
      'practice_what_worked',
      'practice_what_did_not',
      'practice_contact',
    ])
    .orderBy('id')
    .execute()
  t.ok(articles.length >= 8, 'a handful of articles')
  t.ok(
    articles.every((a) => a.is_demo),
    'all of them demo content',
  )
  const published = articles.filter((a) => a.status === 'published')
  t.same(
    new Set(published.map((a) => a.kind)),
    new Set(['practice', 'theme', 'session_summary', 'guide']),
    'published articles of every kind',
  )
  t.same(new Set(published.map((a) => a.language)), new Set(['en', 'nl']), 'in English and Dutch')
  for (const status of ['draft', 'in_review'] as const)
    t.ok(
      articles.some((a) => a.status === status),
      `one ${status}, so the writing pages are not empty`,
    )
  t.ok(
    published.every(
      (a) =>
        a.published_at !== null &&
        a.published_at.getTime() <= Date.now() &&
        a.created_at.getTime() < a.published_at.getTime(),
    ),
    'written, then published, in the past',
  )
  t.ok(
    published.some((a) => a.published_at!.getTime() < Date.now() - 14 * 24 * 3_600_000),
    'some of it weeks ago',
  )

  const translations = published.filter((a) => a.translated_from_id !== null)
  t.ok(translations.length >= 2, 'translations')
  const pairs = translations.map((tr) => ({ tr, source: published.find((a) => a.id === tr.translated_from_id)! }))
  t.ok(
    pairs.every(
      ({ tr, source }) =>
        source &&
        source.translation_group_id !== null &&
        source.translation_group_id === tr.translation_group_id &&
        source.language !== tr.language,
    ),
    'each shares a translation group with its published source, in another language',
  )
  const current = pairs.find(({ tr, source }) => tr.translated_from_revision === source.revision)
  const outdated = pairs.find(({ tr, source }) => tr.translated_from_revision! < source.revision)
  t.ok(current && outdated, 'one translation up to date, one whose source changed since')
  t.notMatch((await new Client(app).get(`/library/${current!.tr.slug}`)).body, 'may be out of date')
  t.match((await new Client(app).get(`/library/${outdated!.tr.slug}`)).body, 'This translation may be out of date')

  const practice = published.find(
    (a) =>
      a.kind === 'practice' &&
      a.practice_context &&
      a.practice_target_group &&
      a.practice_country &&
      a.practice_what_worked &&
      a.practice_what_did_not &&
      a.practice_contact,
  )
  t.ok(practice, 'a practice with its structured fields filled')
  const practicePage = await new Client(app).get(`/library/${practice!.slug}`)
  t.equal(practicePage.status, 200)
  t.match(practicePage.body, 'What worked', 'its fields shown to a visitor')

  const edited = published.find((a) => a.revision >= 3)
  t.ok(edited, 'an article edited after publishing')
  const revisions = await db
    .selectFrom('article_revisions')
    .select(['revision', 'created_at'])
    .where('article_id', '=', edited!.id)
    .orderBy('revision')
    .execute()
  t.ok(
    revisions.every((r, i) => i === 0 || r.created_at > revisions[i - 1].created_at),
    'its revisions dated one after the other',
  )
  t.equal(
    (await admin.get(`/library/${edited!.slug}/diff?from=1&to=${edited!.revision}`)).status,
    200,
    'with a diff to show',
  )

  const comments = await db.selectFrom('comments').select(['article_id', 'parent_id', 'created_at']).execute()
  t.ok(comments.length >= 2 && comments.some((c) => c.parent_id !== null), 'comments, one a reply')
  t.ok(
    comments.every((c) => published.some((a) => a.id === c.article_id && c.created_at >= a.published_at!)),
    'on published articles, after they were published',
  )

  const library = await new Client(app).get('/library')
  t.equal(library.status, 200)
  for (const a of published)
    t.match(library.body, `href="/library/${a.slug}"`, `a visitor finds ${a.slug} in the library`)
  for (const a of articles.filter((x) => x.status !== 'published'))
    t.notMatch(library.body, `href="/library/${a.slug}"`, `but not the ${a.status} ${a.slug}`)
  const inReview = articles.find((a) => a.status === 'in_review')!
  t.match(
    (await admin.get('/library/review')).body,
    `href="/library/${inReview.slug}"`,
    'the admin has something to review',
  )
  const queued = await db.selectFrom('search_outbox').select('entity_id').where('entity_type', '=', 'article').execute()
  t.ok(
    published.every((a) => queued.some((q) => q.entity_id === a.id)),
    'and the search index hears of the published ones',
  )
})

t.test('the demo is not seeded into a database that has people in it', async (t) => {
  const { db } = await buildTestApp(t)
  await createUser(db)
  t.equal(await seedDemoIfEmpty(db, quiet), false)
  t.equal((await db.selectFrom('users').select('id').execute()).length, 1)
})

t.test('re-creating the demo replaces only demo content', async (t) => {
  const { db } = await buildTestApp(t)
  const real = await createUser(db, { email: 'real.person@example.org' })
  await seedDemoIfEmpty(db, quiet)
  await recreateDemo(db) // the install has a real person, so only this writes the demo
  const realArticle = await createDraft(db, {
    title: 'A real article',
    slug: 'a-real-article',
    summary: '',
    kind: 'guide',
    language: 'en',
    body_md: 'Written by a real person.',
    community_id: null,
    themeIds: [],
    authorId: real.id,
    practice: {
      practice_context: null,
      practice_target_group: null,
      practice_country: null,
      practice_what_worked: null,
      practice_what_did_not: null,
      practice_contact: null,
    },
  })
  const demoArticlesBefore = await db
    .selectFrom('articles')
    .select(['id', 'slug'])
    .where('is_demo', '=', true)
    .orderBy('slug')
    .execute()
  t.ok(demoArticlesBefore.length >= 8, 'demo articles to replace')
  await db.updateTable('users').set({ display_name: 'Vandalised' }).where('email', '=', demoAdmin.email).execute()
  await db.updateTable('articles').set({ title: 'Vandalised' }).where('is_demo', '=', true).execute()
  await recreateDemo(db)
  const admin = await db
    .selectFrom('users')
    .select('display_name')
    .where('email', '=', demoAdmin.email)
    .executeTakeFirstOrThrow()
  t.equal(admin.display_name, 'Anouk Vermeulen')
  t.ok(await db.selectFrom('users').select('id').where('id', '=', real.id).executeTakeFirst(), 'real accounts stay')
  const demoArticlesAfter = await db
    .selectFrom('articles')
    .select(['id', 'slug', 'title'])
    .where('is_demo', '=', true)
    .orderBy('slug')
    .execute()
  t.same(
    demoArticlesAfter.map((a) => a.slug),
    demoArticlesBefore.map((a) => a.slug),
    'the same demo articles',
  )
  t.ok(
    demoArticlesAfter.every((a) => a.title !== 'Vandalised' && !demoArticlesBefore.some((b) => b.id === a.id)),
    'written anew',
  )
  t.ok(
    realArticle.ok &&
      (await db.selectFrom('articles').select('id').where('id', '=', realArticle.id).executeTakeFirst()),
    'real articles stay',
  )
})
