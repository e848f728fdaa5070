import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { Client, logIn } from '../helpers/client.js'
import { createCommunityWith, createThemeWith, createUser } from '../helpers/factories.js'
import { writeArticle } from '../helpers/library.js'

async function setup(t: Parameters<typeof buildTestApp>[0]) {
  const { app, db } = await buildTestApp(t)
  const author = await createUser(db, { displayName: 'Sofia Author' })
  const moderator = await createUser(db, { displayName: 'Mod Erator' })
  const outsiderMod = await createUser(db, { displayName: 'Other Mod' })
  const member = await createUser(db, { displayName: 'Plain Member' })
  const admin = await createUser(db, { siteRole: 'admin' })
  const community = await createCommunityWith(db, {
    slug: 'homeshare',
    moderators: [moderator],
    members: [author, member],
  })
  await createCommunityWith(db, { slug: 'elsewhere', moderators: [outsiderMod] })
  await createThemeWith(db, 'matching', { en: 'Matching', nl: 'Koppelen' })
  const as = async (user: { email: string; password: string }) => {
    const client = new Client(app)
    await logIn(client, user.email, user.password)
    return client
  }
  return {
    app,
    db,
    community,
    author: await as(author),
    moderator: await as(moderator),
    outsiderMod: await as(outsiderMod),
    member: await as(member),
    admin: await as(admin),
    visitor: new Client(app),
  }
}

t.test('draft → review → published, with who may do what at each step', async (t) => {
  const { db, author, moderator, outsiderMod, member, visitor } = await setup(t)
  const created = await writeArticle(author, { community: 'homeshare', themes: 'matching' })
  t.equal(created.status, 303)
  t.equal(created.location, '/library/intake-interviews-with-two-coordinators', 'the web address comes from the title')
  const url = created.location!

  const draft = await author.get(url)
  t.match(draft.body, 'Draft')
  t.match(draft.body, 'Send for review')
  for (const [who, client] of [
    ['visitor', visitor],
    ['member', member],
    ['moderator', moderator],
  ] as const) {
    t.equal((await client.get(url)).status, 404, `a draft is not visible to a ${who}`)
  }
  t.equal((await visitor.get('/library')).body.includes('Intake interviews'), false, 'drafts are not in the library')

  await member.get('/')
  t.equal((await member.post(`${url}/submit`)).status, 404, 'a member cannot even see it')
  await author.get(url)
  t.equal((await author.post(`${url}/publish`)).status, 403, 'authors do not publish their own work')
  t.equal((await author.post(`${url}/submit`)).status, 303)
  t.match((await author.get('/library/mine')).body, 'In review', 'authors see the status of their drafts in one place')

  t.equal((await moderator.get(url)).status, 200, "the community's moderator sees it in review")
  t.match((await moderator.get('/library/review')).body, 'Intake interviews')
  t.equal((await outsiderMod.get(url)).status, 404, "another community's moderator does not")
  await outsiderMod.get('/')
  t.equal((await outsiderMod.post(`${url}/publish`)).status, 404)

  const back = await moderator.post(`${url}/return`, { comment: 'Please add who can be contacted.' })
  t.equal(back.status, 303)
  const returned = await author.get(url)
  t.match(returned.body, 'Sent back for changes: Please add who can be contacted.')
  t.match((await author.get('/library/mine')).body, 'Please add who can be contacted.')
  await author.post(`${url}/submit`)
  await moderator.get(url)
  t.equal((await moderator.post(`${url}/publish`)).status, 303)

  const published = await visitor.get(url)
  t.equal(published.status, 200, 'published articles are public')
  t.match(published.body, 'Intake interviews with two coordinators')
  t.match(published.body, /<dt>What worked<\/dt><dd>Fewer broken matches in the first month<\/dd>/)
  t.match(published.body, /<dt>Country<\/dt><dd>Portugal<\/dd>/)
  t.match(published.body, '<strong>in pairs</strong>')
  t.match(
    published.body,
    '<link rel="canonical" href="http://localhost:80/library/intake-interviews-with-two-coordinators">',
  )
  t.match(published.body, '<meta property="og:title" content="Intake interviews with two coordinators">')
  const index = await visitor.get('/library')
  t.match(index.body, 'Intake interviews with two coordinators')
  t.match((await visitor.get('/themes/matching')).body, 'Intake interviews with two coordinators', 'on its theme page')
  t.match((await visitor.get(`${url}/print`)).body, 'class="print-view"')

  await moderator.get(url)
  t.equal((await moderator.post(`${url}/archive`)).status, 303)
  t.equal((await visitor.get(url)).status, 404, 'archived articles leave the public library')
  const row = await db.selectFrom('articles').select(['status', 'published_at']).executeTakeFirstOrThrow()
  t.equal(row.status, 'archived')
  t.ok(row.published_at)
})

t.test('bad input is explained, the text is kept, nothing is written', async (t) => {
  const { db, author } = await setup(t)
  const unknown = await writeArticle(author, {
    kind: 'poem',
    language: 'xx',
    themes: 'no-such-theme',
    practice_what_worked: 'w'.repeat(2001),
    practice_country: 'ZZ',
  })
  t.equal(unknown.status, 422)
  for (const message of [
    'Choose a kind from the list.',
    'Choose a language from the list.',
    'One of the chosen themes does not exist',
    'This is 2,001 characters long; the limit is 2,000 characters.',
    'Choose a country from the list.',
  ])
    t.match(unknown.body, message)
  t.match(unknown.body, 'value="Intake interviews with two coordinators"', 'the title stays')
  t.equal((await db.selectFrom('articles').select('id').execute()).length, 0)

  const first = await writeArticle(author)
  t.equal(first.status, 303)
  const dupe = await writeArticle(author)
  t.equal(dupe.status, 409)
  t.match(dupe.body, 'Another article already uses this web address.')
  t.match(dupe.body, 'This one is free: intake-interviews-with-two-coordinators-2', 'a free address is suggested')
  t.equal((await writeArticle(author, { slug: 'new' })).status, 422, 'reserved addresses are refused')
  t.equal((await writeArticle(author, { community: 'elsewhere' })).status, 422, 'only your own communities')
  t.equal((await writeArticle(author, { body: '' })).status, 422)

  const visitorIndex = await new Client(author.app).get('/library?kind=poem')
  t.equal(visitorIndex.status, 400)
  t.equal((await new Client(author.app).get('/library?language=xx')).status, 400)
  t.equal((await new Client(author.app).get('/library?theme=nope')).status, 400)
  t.equal((await new Client(author.app).get('/library?after=-5')).status, 400)
})

t.test('the library index filters by kind, theme, language and community, and pages by keyset', async (t) => {
  const { db, author, moderator, visitor } = await setup(t)
  const { createDraft, transitionArticle } = await import('../../src/library/commands.js')
  const authorId = (
    await db.selectFrom('users').select('id').where('display_name', '=', 'Sofia Author').executeTakeFirstOrThrow()
  ).id
  const community = await db
    .selectFrom('communities')
    .select('id')
    .where('slug', '=', 'homeshare')
    .executeTakeFirstOrThrow()
  const theme = await db.selectFrom('tags').select('id').where('slug', '=', 'matching').executeTakeFirstOrThrow()
  const noPractice = {
    practice_context: null,
    practice_target_group: null,
    practice_country: null,
    practice_what_worked: null,
    practice_what_did_not: null,
    practice_contact: null,
  }
  for (let i = 0; i < 25; i++) {
    const result = await createDraft(db, {
      title: `Article ${String(i).padStart(2, '0')}`,
      slug: `article-${i}`,
      summary: '',
      kind: i % 2 ? 'guide' : 'practice',
      language: i % 3 ? 'en' : 'nl',
      body_md: 'Body',
      community_id: i % 5 === 0 ? community.id : null,
      themeIds: i % 4 === 0 ? [theme.id] : [],
      practice: noPractice,
      authorId,
    })
    if (result.ok) await transitionArticle(db, result.id, 'publish', null)
  }
  const titles = (body: string) =>
    [...body.matchAll(/<a href="\/library\/article-\d+" lang="\w+">(Article \d+)<\/a>/g)].map((m) => m[1])
  const first = await visitor.get('/library?sort=title')
  const firstTitles = titles(first.body)
  t.equal(firstTitles.length, 20)
  t.equal(firstTitles[0], 'Article 00')
  const next = /rel="next" href="([^"]+)"/
    .exec(first.body)![1]
    .replace(/&amp;/g, '&')
    .replace(/&#x3D;/g, '=')
  const secondTitles = titles((await visitor.get(next)).body)
  t.same(
    [...firstTitles, ...secondTitles],
    Array.from({ length: 25 }, (_, i) => `Article ${String(i).padStart(2, '0')}`),
    'every article once, in title order',
  )

  t.same(titles((await visitor.get('/library?kind=guide')).body).length, 12)
  t.same(titles((await visitor.get('/library?language=nl')).body).length, 9)
  t.same(titles((await visitor.get('/library?theme=matching')).body).length, 7)
  t.same(titles((await visitor.get('/library?community=homeshare')).body).length, 5)
  void author
  void moderator
})
