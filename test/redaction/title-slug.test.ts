// A name redacted from an article's title leaves its address too: the slug is made again from the redacted title and
// the old address answers 404 (Kring keeps no redirects from old article slugs). Over HTTP, with what the public sees
// on the article page, in the library's feed and index, in the sitemap and in search.
import t, { type Test } from 'tap'
import { translate } from '../../src/web/i18n.js'
import { Client, decodeEntities } from '../helpers/client.js'
import { createCommunityWith, createThreadIn, createUser } from '../helpers/factories.js'
import { loggedIn } from '../helpers/moderation.js'
import { buildSearchApp, q, resultUrls } from '../search/helpers.js'

const en = (key: string, vars?: Record<string, string | number>) => translate('en', key, vars)

const title = 'Annelies Verstraete moves in with a student'
const body = 'We did every intake in pairs. Both coordinators took notes, and the student felt heard.'
const oldSlug = 'annelies-verstraete-moves-in-with-a-student'
const newSlug = 'name-moves-in-with-a-student'

async function setup(t: Test) {
  const { app, db, sync } = await buildSearchApp(t)
  const moderatorUser = await createUser(db, { displayName: 'Mod Erator' })
  const memberUser = await createUser(db, { displayName: 'Ana Author' })
  const named = await createUser(db, { displayName: 'Annelies Verstraete' })
  const community = await createCommunityWith(db, {
    visibility: 'members',
    moderators: [moderatorUser],
    members: [memberUser, named],
  })
  const threadId = await createThreadIn(db, community.id, memberUser, { title, body })
  const moderator = await loggedIn(app, moderatorUser)
  await moderator.get(`/t/${threadId}/to-library`)
  const drafted = await moderator.post(`/t/${threadId}/to-library`, {})
  t.equal(drafted.location, `/library/${oldSlug}/edit`, 'the draft is named after the thread, name and all')
  const finding = await db
    .selectFrom('redaction_findings')
    .selectAll()
    .where('field', '=', 'title')
    .executeTakeFirstOrThrow()
  t.equal(finding.text, 'Annelies Verstraete')
  return { app, db, sync, moderator, finding }
}

/** Everything a visitor may read that names the article: its page, the feed, the index, the sitemap, a search. */
async function publicSurfaces(app: Parameters<typeof loggedIn>[0], sync: () => Promise<number>, query: string) {
  await sync()
  const visitor = new Client(app)
  const search = await visitor.get(q(query))
  return {
    feed: decodeEntities((await visitor.get('/feeds/library.atom')).body),
    index: decodeEntities((await visitor.get('/library')).body),
    sitemap: decodeEntities((await visitor.get('/sitemap.xml')).body),
    search: decodeEntities(search.body),
    found: resultUrls(search.body),
  }
}

t.test('redacting a name in the title gives the article an address without it', async (t) => {
  const { app, db, sync, moderator, finding } = await setup(t)
  await moderator.get(`/library/${oldSlug}/redaction`)
  const redacted = await moderator.post(`/library/${oldSlug}/redaction/${finding.id}/redact`)
  t.equal(redacted.status, 303)
  t.equal(redacted.location, `/library/${newSlug}/redaction`, 'the reviewer goes on at the new address')
  const article = await db.selectFrom('articles').select(['slug', 'title']).executeTakeFirstOrThrow()
  t.same(article, { slug: newSlug, title: '[name] moves in with a student' })
  t.match(decodeEntities((await moderator.get(redacted.location!)).body), en('redaction.flash.redacted'))
  t.equal((await moderator.get(`/library/${oldSlug}`)).status, 404, 'the old address is gone, even for its reviewer')
  t.equal((await moderator.get(`/library/${oldSlug}/redaction`)).status, 404)

  await moderator.get(`/library/${newSlug}`)
  const published = await moderator.post(`/library/${newSlug}/publish`)
  t.equal(published.status, 303)
  t.equal(published.location, `/library/${newSlug}`)
  const visitor = new Client(app)
  const page = await visitor.get(`/library/${newSlug}`)
  t.equal(page.status, 200)
  t.match(decodeEntities(page.body), '>[name] moves in with a student</h1>')
  t.equal((await visitor.get(`/library/${oldSlug}`)).status, 404, 'a visitor finds nothing at the old address')
  const seen = { page: decodeEntities(page.body), ...(await publicSurfaces(app, sync, 'student')) }
  for (const surface of ['page', 'feed', 'index', 'sitemap', 'search'] as const) {
    t.notMatch(seen[surface], 'Verstraete', `the name is not on the ${surface}`)
    t.notMatch(seen[surface], oldSlug, `the old address is not on the ${surface}`)
  }
  t.match(seen.feed, `/library/${newSlug}`, 'the feed links to the new address')
  t.match(seen.sitemap, `/library/${newSlug}`)
  t.ok(seen.found.includes(`/library/${newSlug}`), 'search links to the new address')

  // An edit that brings the old address back (a form saved from before the redaction) does not: it is made again.
  await moderator.get(`/library/${newSlug}`)
  const edited = await moderator.edit(`/library/${newSlug}/edit`, {
    title: '[name] moves in with a student',
    slug: oldSlug,
    summary: '',
    kind: 'practice',
    language: 'en',
    body: `${body}\n\nThe match held.`,
    community: '',
    practice_context: '',
    practice_target_group: '',
    practice_country: '',
    practice_what_worked: '',
    practice_what_did_not: '',
    practice_contact: '',
  })
  t.equal(edited.status, 303)
  t.equal(edited.location, `/library/${newSlug}`, 'the edit is published at the address without the name')
  t.match((await visitor.get(`/library/${newSlug}`)).body, 'The match held.')
  t.equal((await visitor.get(`/library/${oldSlug}`)).status, 404)
  t.notMatch((await publicSurfaces(app, sync, 'student')).sitemap, oldSlug)
})

t.test('a name kept in the title (the person agreed) keeps the address', async (t) => {
  const { moderator, finding, db } = await setup(t)
  await moderator.get(`/library/${oldSlug}/redaction`)
  const kept = await moderator.post(`/library/${oldSlug}/redaction/${finding.id}/keep`)
  t.equal(kept.location, `/library/${oldSlug}/redaction`)
  t.same(await db.selectFrom('articles').select(['slug', 'title']).executeTakeFirstOrThrow(), { slug: oldSlug, title })
})
