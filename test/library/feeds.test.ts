import t from 'tap'
import type { ArticleKind } from '../../src/db/database.js'
import { deleteThread } from '../../src/discussions/commands.js'
import { createDraft, transitionArticle } from '../../src/library/commands.js'
import { mergeTheme } from '../../src/themes/commands.js'
import { buildTestApp } from '../helpers/app.js'
import { Client, logIn } from '../helpers/client.js'
import { createCommunityWith, createThemeWith, createThreadIn, createUser } from '../helpers/factories.js'

type Db = Awaited<ReturnType<typeof buildTestApp>>['db']

const noPractice = {
  practice_context: null,
  practice_target_group: null,
  practice_country: null,
  practice_what_worked: null,
  practice_what_did_not: null,
  practice_contact: null,
}

async function article(
  db: Db,
  authorId: number,
  options: {
    title: string
    slug: string
    summary?: string
    body?: string
    language?: string
    kind?: ArticleKind
    communityId?: number | null
    themeIds?: number[]
    state?: 'draft' | 'in_review' | 'published' | 'archived'
  },
) {
  const result = await createDraft(db, {
    title: options.title,
    slug: options.slug,
    summary: options.summary ?? '',
    kind: options.kind ?? 'practice',
    language: options.language ?? 'en',
    body_md: options.body ?? 'A body with **bold** text.',
    community_id: options.communityId ?? null,
    themeIds: options.themeIds ?? [],
    practice: noPractice,
    authorId,
  })
  if (!result.ok) throw new Error(`could not create ${options.slug}`)
  const state = options.state ?? 'published'
  if (state === 'in_review') await transitionArticle(db, result.id, 'submit', null)
  if (state === 'published' || state === 'archived') await transitionArticle(db, result.id, 'publish', null)
  if (state === 'archived') await transitionArticle(db, result.id, 'archive', null)
  return result.id
}

const entries = (xml: string) => xml.match(/<entry[ >][\s\S]*?<\/entry>/g) ?? []
const entryTitles = (xml: string) => entries(xml).map((e) => /<title type="text">([^<]*)<\/title>/.exec(e)?.[1])

/** A tiny well-formedness check: every tag closes in order, and no bare & or < hides in text or attributes. */
function wellFormed(xml: string): boolean {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '')
  if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);)/i.test(body)) return false
  const stack: string[] = []
  const tag = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|</g
  let match: RegExpExecArray | null
  while ((match = tag.exec(body))) {
    if (!match[2]) return false
    const [, closing, name, , selfClosing] = match
    if (selfClosing) continue
    if (!closing) stack.push(name)
    else if (stack.pop() !== name) return false
  }
  return stack.length === 0
}

async function setup(t: Parameters<typeof buildTestApp>[0]) {
  const { app, db } = await buildTestApp(t)
  const author = await createUser(db, { displayName: 'Sofia Author' })
  // A moderator, so that the threads they start are visible at once, whatever pre-moderation asks of new members.
  const open = await createCommunityWith(db, { slug: 'homeshare', name: 'Homeshare network', moderators: [author] })
  const closed = await createCommunityWith(db, {
    slug: 'backroom',
    name: 'Back room',
    visibility: 'members',
    moderators: [author],
  })
  const matching = await createThemeWith(db, 'matching', { en: 'Matching', nl: 'Koppelen' })
  const intake = await createThemeWith(db, 'intake', { en: 'Intake', nl: 'Intake' })
  return { app, db, author, open, closed, matching, intake, visitor: new Client(app) }
}

t.test('the library feed is Atom with the published articles only, newest first, every string escaped', async (t) => {
  const { db, author, open, closed, matching, intake, visitor } = await setup(t)
  await article(db, author.id, { title: 'Older practice', slug: 'older', themeIds: [matching], communityId: open.id })
  await article(db, author.id, { title: 'A draft', slug: 'a-draft', state: 'draft' })
  await article(db, author.id, { title: 'In review', slug: 'in-review', state: 'in_review' })
  await article(db, author.id, { title: 'Archived one', slug: 'archived', state: 'archived' })
  await article(db, author.id, { title: 'From the back room', slug: 'back-room', communityId: closed.id })
  await article(db, author.id, {
    title: 'Tricky <script>&"\' title\u0001\u0008',
    slug: 'tricky',
    summary: 'Summary & <more>',
    language: 'nl',
    themeIds: [intake, matching],
    body: 'Body with <b>raw</b> & [a link](https://example.org/?a=1&b=2)',
  })

  const response = await visitor.get('/feeds/library.atom')
  t.equal(response.status, 200)
  t.equal(response.headers['content-type'], 'application/atom+xml; charset=utf-8')
  t.match(response.headers['cache-control'], /max-age=\d+/)
  t.ok(response.headers.etag, 'an ETag for conditional requests')
  const xml = response.body
  t.ok(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"'))
  t.ok(wellFormed(xml), 'well-formed XML')
  t.notMatch(xml, /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/, 'no characters that XML 1.0 forbids')

  t.same(
    entryTitles(xml),
    ['Tricky &lt;script&gt;&amp;&quot;&apos; title', 'From the back room', 'Older practice'],
    'published only, newest first; members-only communities publish to the public library too',
  )
  t.notMatch(xml, '<script>', 'nothing unescaped')
  t.match(xml, '<title type="text">Kring library</title>')
  t.match(xml, '<link rel="self" type="application/atom+xml" href="http://localhost:80/feeds/library.atom"/>')
  t.match(xml, '<link rel="alternate" type="text/html" href="http://localhost:80/library"/>')

  const tricky = entries(xml)[0]
  t.match(tricky, '<entry xml:lang="nl">')
  t.match(tricky, /<id>tag:localhost,\d{4}:article-\d+<\/id>/)
  t.match(tricky, '<link rel="alternate" type="text/html" href="http://localhost:80/library/tricky"/>')
  t.match(tricky, /<published>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z<\/published>/)
  t.match(tricky, /<updated>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z<\/updated>/)
  t.match(tricky, '<author><name>Sofia Author</name></author>')
  t.match(tricky, '<category term="intake" label="Intake" scheme="http://localhost:80/themes/"/>')
  t.match(
    tricky,
    '<category term="matching" label="Matching" scheme="http://localhost:80/themes/"/>',
    'the English label, whatever the reader asked for',
  )
  t.match(tricky, '<summary type="text">Summary &amp; &lt;more&gt;</summary>')
  t.match(
    tricky,
    /<content type="html">[^<]*&lt;a href=&quot;https:\/\/example\.org\/\?a=1&amp;amp;b=2&quot;/,
    'the stored, sanitized HTML, escaped as text',
  )
  t.notMatch(tricky, '&lt;b&gt;raw', 'raw HTML in Markdown stays out, as on the article page')

  const feedUpdated = /<feed[^>]*>[\s\S]*?<updated>([^<]+)<\/updated>/.exec(xml)?.[1]
  const entryUpdates = entries(xml)
    .map((e) => /<updated>([^<]+)<\/updated>/.exec(e)![1])
    .sort()
  t.equal(feedUpdated, entryUpdates[entryUpdates.length - 1], 'the feed is as new as its newest entry')

  const again = await visitor.get('/feeds/library.atom', { 'if-none-match': response.headers.etag as string })
  t.equal(again.status, 304, 'an unchanged feed is not sent again')
  t.equal(again.body, '')
  t.equal((await visitor.get('/feeds/library.atom', { 'if-none-match': '"something-else"' })).status, 200)

  const dutch = await visitor.get('/feeds/library.atom', { 'accept-language': 'nl' })
  t.match(dutch.body, '<title type="text">Kring-bibliotheek</title>', 'the feed title speaks the reader’s language')
  t.match(dutch.body, 'label="Matching"')
})

t.test('an empty feed is still a valid feed', async (t) => {
  const { visitor } = await setup(t)
  const response = await visitor.get('/feeds/library.atom')
  t.equal(response.status, 200)
  t.ok(wellFormed(response.body))
  t.equal(entries(response.body).length, 0)
  t.match(response.body, /<updated>\d{4}-\d\d-\d\dT[^<]+Z<\/updated>/)
})

t.test('the feed holds the latest 50 articles', async (t) => {
  const { db, author, visitor } = await setup(t)
  for (let i = 0; i < 52; i++)
    await article(db, author.id, { title: `Article ${String(i).padStart(2, '0')}`, slug: `article-${i}` })
  const xml = (await visitor.get('/feeds/library.atom')).body
  const titles = entryTitles(xml)
  t.equal(titles.length, 50)
  t.equal(titles[0], 'Article 51')
  t.notOk(titles.includes('Article 00'))
  t.notOk(titles.includes('Article 01'))
})

t.test('theme feeds: only that theme; unknown is a 404 page; a merged theme moves to its target', async (t) => {
  const { db, author, matching, intake, visitor } = await setup(t)
  await article(db, author.id, { title: 'On matching', slug: 'on-matching', themeIds: [matching] })
  await article(db, author.id, { title: 'On intake', slug: 'on-intake', themeIds: [intake] })
  await article(db, author.id, {
    title: 'Matching draft',
    slug: 'matching-draft',
    themeIds: [matching],
    state: 'draft',
  })

  const response = await visitor.get('/feeds/themes/matching.atom')
  t.equal(response.status, 200)
  t.equal(response.headers['content-type'], 'application/atom+xml; charset=utf-8')
  t.ok(wellFormed(response.body))
  t.same(entryTitles(response.body), ['On matching'])
  t.match(response.body, '<title type="text">Kring library: Matching</title>')
  t.match(
    response.body,
    '<link rel="self" type="application/atom+xml" href="http://localhost:80/feeds/themes/matching.atom"/>',
  )
  t.match(response.body, '<link rel="alternate" type="text/html" href="http://localhost:80/themes/matching"/>')
  t.match(
    (await visitor.get('/feeds/themes/matching.atom', { 'accept-language': 'nl' })).body,
    '<title type="text">Kring-bibliotheek: Koppelen</title>',
  )

  const unknown = await visitor.get('/feeds/themes/no-such-theme.atom')
  t.equal(unknown.status, 404)
  t.match(unknown.headers['content-type'], 'text/html', 'a page, as for any address that does not exist')
  t.equal((await visitor.get('/feeds/themes/Not%20a%20slug.atom')).status, 404)
  t.equal((await visitor.get('/feeds/themes/matching')).status, 404, 'only the .atom address')

  t.ok(await mergeTheme(db, intake, matching))
  const moved = await visitor.get('/feeds/themes/intake.atom')
  t.equal(moved.status, 301)
  t.equal(moved.location, '/feeds/themes/matching.atom')
  t.same(
    entryTitles((await visitor.get('/feeds/themes/matching.atom')).body),
    ['On intake', 'On matching'],
    'the target now holds both',
  )
})

t.test(
  'community feeds: only that community; members-only and unknown communities have none, even for members',
  async (t) => {
    const { app, db, author, open, closed, visitor } = await setup(t)
    await article(db, author.id, { title: 'Homeshare practice', slug: 'homeshare-practice', communityId: open.id })
    await article(db, author.id, { title: 'Unattached guide', slug: 'unattached', kind: 'guide' })
    await article(db, author.id, { title: 'Back room practice', slug: 'back-room-practice', communityId: closed.id })

    const response = await visitor.get('/feeds/c/homeshare.atom')
    t.equal(response.status, 200)
    t.ok(wellFormed(response.body))
    t.same(entryTitles(response.body), ['Homeshare practice'])
    t.match(response.body, '<title type="text">Kring library: Homeshare network</title>')
    t.match(response.body, 'href="http://localhost:80/library?community=homeshare"')

    const closedFeed = await visitor.get('/feeds/c/backroom.atom')
    t.equal(closedFeed.status, 404)
    t.notMatch(closedFeed.body, 'Back room', 'nothing betrays that it exists')
    // Apart from the address it was asked for, the footer form's one-time token and the request's own id.
    const normalised = (body: string) =>
      body
        .replace(/\/feeds\/c\/[a-z-]+\.atom/g, '')
        .replace(/name="_csrf" value="[^"]*"/g, '')
        .replace(/request id [0-9a-f-]+/g, '')
    t.equal(
      normalised(closedFeed.body),
      normalised((await visitor.get('/feeds/c/no-such-community.atom')).body),
      'the same answer as for a community that does not exist',
    )

    const member = new Client(app)
    await logIn(member, author.email, author.password)
    t.equal(
      (await member.get('/feeds/c/backroom.atom')).status,
      404,
      'feeds are anonymous, so not even for its members',
    )
  },
)

t.test('sitemap.xml lists public pages only, and robots.txt points to it', async (t) => {
  const { db, author, open, closed, matching, intake, visitor } = await setup(t)
  await article(db, author.id, { title: 'Published', slug: 'published-one', communityId: closed.id })
  await article(db, author.id, { title: 'Draft', slug: 'draft-one', state: 'draft' })
  await article(db, author.id, { title: 'Archived', slug: 'archived-one', state: 'archived' })
  const visible = await createThreadIn(db, open.id, author, { title: 'A public thread' })
  const gone = await createThreadIn(db, open.id, author, { title: 'A deleted thread' })
  await deleteThread(db, { threadId: gone, deletedBy: author.id })
  const secret = await createThreadIn(db, closed.id, author, { title: 'A members-only thread' })
  t.ok(await mergeTheme(db, intake, matching))

  const response = await visitor.get('/sitemap.xml')
  t.equal(response.status, 200)
  t.equal(response.headers['content-type'], 'application/xml; charset=utf-8')
  t.ok(wellFormed(response.body))
  t.match(response.body, '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">')
  const locs = [...response.body.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1])
  const origin = 'http://localhost:80'
  for (const path of [
    '/',
    '/library',
    '/communities',
    '/themes',
    '/themes/matching',
    '/c/homeshare',
    '/library/published-one',
    `/t/${visible}`,
  ]) {
    t.ok(locs.includes(origin + path), `lists ${path}`)
  }
  for (const path of [
    '/c/backroom',
    `/t/${secret}`,
    `/t/${gone}`,
    '/library/draft-one',
    '/library/archived-one',
    '/themes/intake',
  ]) {
    t.notOk(locs.includes(origin + path), `leaves out ${path}`)
  }
  t.equal(locs.length, 8)
  t.match(
    response.body,
    new RegExp(`<loc>${origin}/library/published-one</loc><lastmod>\\d{4}-\\d\\d-\\d\\dT[^<]+Z</lastmod>`),
  )
  t.match(response.body, new RegExp(`<loc>${origin}/t/${visible}</loc><lastmod>\\d{4}-\\d\\d-\\d\\dT[^<]+Z</lastmod>`))

  const robots = await visitor.get('/robots.txt')
  t.equal(robots.status, 200)
  t.match(robots.headers['content-type'], 'text/plain')
  t.match(robots.body, 'User-agent: *')
  t.match(robots.body, `Sitemap: ${origin}/sitemap.xml`)
})

t.test('a hostile Host header cannot break the XML', async (t) => {
  const { db, author, visitor } = await setup(t)
  await article(db, author.id, { title: 'Anything', slug: 'anything' })
  for (const url of ['/feeds/library.atom', '/sitemap.xml']) {
    const response = await visitor.get(url, { host: 'example.org&"<x>' })
    t.equal(response.status, 200)
    t.ok(wellFormed(response.body), `${url} stays well-formed`)
    t.notMatch(response.body, '"<x>')
  }
})
