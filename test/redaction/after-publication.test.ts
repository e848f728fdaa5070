// The redaction check after publication, over HTTP: an article from a members-only thread is checked again whenever
// its public text changes (a reviewer's edit, an author's edit accepted, a restored revision, a translation added or
// edited, a new title). While a finding in the new text is open, readers keep the published text on the article page,
// in the library's feed and index and in search; once decided, the change goes public with the data redacted.
import type { FastifyInstance } from 'fastify'
import t, { type Test } from 'tap'
import type { Db } from '../../src/db/connect.js'
import { translate } from '../../src/web/i18n.js'
import { Client, decodeEntities } from '../helpers/client.js'
import { createCommunityWith, createThreadIn, createUser } from '../helpers/factories.js'
import { logRows, loggedIn } from '../helpers/moderation.js'
import { buildSearchApp, q, resultUrls } from '../search/helpers.js'

const en = (key: string, vars?: Record<string, string | number>) => translate('en', key, vars)
const nl = (key: string, vars?: Record<string, string | number>) => translate('nl', key, vars)

const cleanBody = 'We did every intake in pairs. Both coordinators took notes, and the host felt heard.'
const phone = '0470 12 34 56'
const withPhone = `${cleanBody}\n\nCall the daughter of the host on ${phone} when plans change.`
const email = 'an.claeys@example.be'

/** The fields of the article form, as a browser sends them. */
function articleForm(fields: { title: string; slug: string; body: string; language?: string }) {
  return {
    title: fields.title,
    slug: fields.slug,
    summary: '',
    kind: 'practice',
    language: fields.language ?? 'en',
    body: fields.body,
    community: '',
    practice_context: '',
    practice_target_group: '',
    practice_country: '',
    practice_what_worked: '',
    practice_what_did_not: '',
    practice_contact: '',
  }
}

/**
 * A members-only thread turned into a library draft by its moderator and published: what was found in it first
 * redacted (through the findings page, as a reviewer does).
 */
async function setup(t: Test, options: { moderatorLocale?: string; body?: string } = {}) {
  const { app, db, sync } = await buildSearchApp(t)
  const moderatorUser = await createUser(db, { displayName: 'Mod Erator', locale: options.moderatorLocale })
  const memberUser = await createUser(db, { displayName: 'Ana Author' })
  const named = await createUser(db, { displayName: 'Annelies Verstraete' })
  const community = await createCommunityWith(db, {
    visibility: 'members',
    moderators: [moderatorUser],
    members: [memberUser, named],
  })
  const threadId = await createThreadIn(db, community.id, memberUser, {
    title: 'Intake with a careful host',
    body: options.body ?? cleanBody,
  })
  const moderator = await loggedIn(app, moderatorUser)
  await moderator.get(`/t/${threadId}/to-library`)
  const drafted = await moderator.post(`/t/${threadId}/to-library`, {})
  if (drafted.status !== 303) throw new Error(`no draft: ${drafted.status}`)
  const slug = drafted.location!.split('/')[2]!
  for (const { id } of await db.selectFrom('redaction_findings').select('id').orderBy('id').execute()) {
    await moderator.get(`/library/${slug}/redaction`)
    if ((await moderator.post(`/library/${slug}/redaction/${id}/redact`)).status !== 303)
      throw new Error('not redacted')
  }
  await moderator.get(`/library/${slug}`)
  const published = await moderator.post(`/library/${slug}/publish`)
  if (published.status !== 303) throw new Error(`not published: ${published.status}`)
  const article = await db.selectFrom('articles').selectAll().where('slug', '=', slug).executeTakeFirstOrThrow()
  if (!article.redaction_required) throw new Error('the article should need the check')
  return { app, db, sync, moderator, moderatorUser, memberUser, slug, article }
}

/** What anyone sees of the library: the article page, the library's feed and index, and a search for `query`. */
async function publicView(app: FastifyInstance, sync: () => Promise<number>, url: string, query: string) {
  await sync()
  const visitor = new Client(app)
  const [page, feed, index, search] = [
    await visitor.get(url),
    await visitor.get('/feeds/library.atom'),
    await visitor.get('/library'),
    await visitor.get(q(query)),
  ]
  return {
    status: page.status,
    surfaces: { page: page.body, feed: feed.body, index: index.body, search: search.body },
    found: resultUrls(search.body),
  }
}

type Seen = Awaited<ReturnType<typeof publicView>>

function nowhere(t: Test, seen: Seen, text: string, what: string) {
  for (const [surface, body] of Object.entries(seen.surfaces))
    t.notOk(decodeEntities(body).includes(text), `${what}: not on the ${surface}`)
}

async function openFindings(db: Db, articleId: number, inPendingEdit: boolean) {
  return db
    .selectFrom('redaction_findings')
    .selectAll()
    .where('article_id', '=', articleId)
    .where('status', '=', 'open')
    .where('in_pending_edit', '=', inPendingEdit)
    .orderBy('start_offset')
    .execute()
}

t.test("a reviewer's own edit that adds a phone number waits until the finding is decided", async (t) => {
  const { app, db, sync, moderator, slug, article } = await setup(t)
  const url = `/library/${slug}`
  const saved = await moderator.edit(`${url}/edit`, articleForm({ title: article.title, slug, body: withPhone }))
  t.equal(saved.status, 303)
  t.equal(saved.location, `${url}/redaction`, 'the reviewer is taken to the findings')
  const findingsPage = await moderator.get(saved.location!)
  t.match(decodeEntities(findingsPage.body), en('redaction.flash.edit_held'), 'and told why the edit is not live')
  t.match(decodeEntities(findingsPage.body), en('redaction.pending.open_count', { count: 1 }))
  t.match(findingsPage.body, `<mark>${phone}</mark>`, 'the number is shown to decide on')
  t.equal((await db.selectFrom('articles').select('revision').executeTakeFirstOrThrow()).revision, article.revision)

  let seen = await publicView(app, sync, url, 'daughter')
  t.equal(seen.status, 200)
  nowhere(t, seen, phone, 'the number waits')
  t.match(seen.surfaces.page, 'the host felt heard', 'readers keep the published text')
  t.notOk(seen.found.includes(url), 'search does not know the new text either')

  // Accepting is refused while the finding is open: 409 on the findings page, nothing published, the refusal logged.
  const pendingPage = await moderator.get(`${url}/pending`)
  t.match(decodeEntities(pendingPage.body), en('redaction.pending.open_count', { count: 1 }))
  const refused = await moderator.post(`${url}/pending/accept`)
  t.equal(refused.status, 409)
  t.match(decodeEntities(refused.body), en('redaction.error.accept_refused', { count: 1 }))
  t.match(refused.body, `action="${url}/redaction/`)
  t.equal((await logRows(db, { action: 'redaction.accept_refused', refused: true })).length, 1)
  nowhere(t, await publicView(app, sync, url, 'daughter'), phone, 'after the refused accept')

  // Redacted in the waiting edit, then accepted: public with the placeholder, everywhere.
  const [finding] = await openFindings(db, article.id, true)
  await moderator.get(`${url}/redaction`)
  const redacted = await moderator.post(`${url}/redaction/${finding!.id}/redact`)
  t.equal(redacted.status, 303)
  t.equal(
    (await db.selectFrom('articles').select('body_md').executeTakeFirstOrThrow()).body_md,
    cleanBody,
    'redacting in the waiting edit leaves the published text alone',
  )
  await moderator.get(`${url}/pending`)
  const accepted = await moderator.post(`${url}/pending/accept`)
  t.equal(accepted.status, 303)
  seen = await publicView(app, sync, url, 'daughter')
  nowhere(t, seen, phone, 'once accepted')
  t.match(seen.surfaces.page, 'Call the daughter of the host on [phone] when plans change.', 'the page is redacted')
  t.match(seen.surfaces.feed, 'on [phone] when plans change', 'the feed is redacted')
  t.ok(seen.found.includes(url), 'search finds the new text')
  const after = await db.selectFrom('articles').selectAll().executeTakeFirstOrThrow()
  t.equal(after.redaction_scanned_revision, after.revision, 'the published revision is the scanned one')
  t.equal((await openFindings(db, article.id, true)).length + (await openFindings(db, article.id, false)).length, 0)

  // A clean edit by a reviewer goes live at once, as before.
  const clean = await moderator.edit(
    `${url}/edit`,
    articleForm({ title: article.title, slug, body: `${after.body_md}\n\nThe match held.` }),
  )
  t.equal(clean.status, 303)
  t.equal(clean.location, url)
  t.match((await publicView(app, sync, url, 'held')).surfaces.page, 'The match held.')
})

t.test('restoring a revision from before the redaction waits for a new decision', async (t) => {
  // The draft held the number; it was redacted before publishing, but the draft's first revision still holds it.
  const { app, db, sync, moderator, slug, article } = await setup(t, { body: withPhone })
  const url = `/library/${slug}`
  t.match(article.body_md, 'on [phone] when plans change')
  let seen = await publicView(app, sync, url, 'daughter')
  nowhere(t, seen, phone, 'published redacted')
  const first = await db
    .selectFrom('article_revisions')
    .select(['revision', 'body_md'])
    .where('article_id', '=', article.id)
    .orderBy('revision')
    .executeTakeFirstOrThrow()
  t.match(first.body_md, phone, 'the first revision holds the number')

  await moderator.get(`${url}/history`)
  const restored = await moderator.post(`${url}/restore`, { revision: String(first.revision) })
  t.equal(restored.status, 303)
  t.equal(restored.location, `${url}/redaction`, 'the restore waits for the findings')
  t.match(decodeEntities((await moderator.get(restored.location!)).body), en('redaction.flash.edit_held'))
  seen = await publicView(app, sync, url, 'daughter')
  nowhere(t, seen, phone, 'the restored number waits')
  t.match(seen.surfaces.page, 'on [phone] when plans change', 'readers keep the redacted text')
  t.equal(
    (await db.selectFrom('articles').select('revision').executeTakeFirstOrThrow()).revision,
    article.revision,
    'no new published revision',
  )

  const [finding] = await openFindings(db, article.id, true)
  t.equal(finding?.text, phone, 'redacted once is not kept: it is found again')
  await moderator.get(`${url}/redaction`)
  t.equal((await moderator.post(`${url}/redaction/${finding!.id}/redact`)).status, 303)
  await moderator.get(`${url}/pending`)
  t.equal((await moderator.post(`${url}/pending/accept`)).status, 303)
  seen = await publicView(app, sync, url, 'daughter')
  nowhere(t, seen, phone, 'once decided')
  t.match(seen.surfaces.page, 'on [phone] when plans change')
  const last = await db
    .selectFrom('article_revisions')
    .select('restored_from')
    .where('article_id', '=', article.id)
    .orderBy('revision', 'desc')
    .executeTakeFirstOrThrow()
  t.equal(last.restored_from, first.revision, 'the new revision says what it restored')
})

t.test('a new title with a name in it waits, and its address is made from the redacted title', async (t) => {
  const { app, db, sync, moderator, slug, article } = await setup(t)
  const url = `/library/${slug}`
  const title = 'How Annelies Verstraete found a home'
  const saved = await moderator.edit(`${url}/edit`, articleForm({ title, slug, body: cleanBody }))
  t.equal(saved.location, `${url}/redaction`)
  const seen = await publicView(app, sync, url, 'intake')
  nowhere(t, seen, 'Verstraete', 'the name in the new title waits')
  t.match(seen.surfaces.feed, article.title, 'the feed keeps the published title')
  t.ok(seen.found.includes(url), 'search still finds the published text')

  const [finding] = await openFindings(db, article.id, true)
  t.equal(finding?.field, 'title')
  await moderator.get(`${url}/redaction`)
  t.equal((await moderator.post(`${url}/redaction/${finding!.id}/redact`)).status, 303)
  const edit = await db.selectFrom('article_pending_edits').selectAll().executeTakeFirstOrThrow()
  t.equal(edit.title, 'How [name] found a home')
  t.equal(edit.slug, 'how-name-found-a-home', 'the waiting edit has an address without the name')
  await moderator.get(`${url}/pending`)
  t.equal((await moderator.post(`${url}/pending/accept`)).status, 303)
  const moved = '/library/how-name-found-a-home'
  const now = await publicView(app, sync, moved, 'intake')
  t.equal(now.status, 200)
  nowhere(t, now, 'Verstraete', 'once accepted')
  t.match(now.surfaces.page, 'How [name] found a home')
  t.match(now.surfaces.feed, 'How [name] found a home')
  t.ok(now.found.includes(moved), 'search links to the new address')
})

t.test("a member's translation of such an article is checked before and after it is published", async (t) => {
  // The moderator reads Dutch: refusals and notices come in their language.
  const { app, db, sync, moderator, memberUser, slug } = await setup(t, { moderatorLocale: 'nl' })
  const member = await loggedIn(app, memberUser)
  const translation = {
    title: 'Aufnahme mit einer sorgsamen Gastgeberin',
    slug: `${slug}-de`,
    body: 'Wir führten jedes Gespräch zu zweit. Annelies Verstraete war dabei.',
    language: 'de',
  }
  await member.get(`/library/${slug}/translate?language=de`)
  const drafted = await member.post(`/library/${slug}/translate`, articleForm(translation))
  t.equal(drafted.status, 303)
  const url = drafted.location!
  const row = await db.selectFrom('articles').selectAll().where('language', '=', 'de').executeTakeFirstOrThrow()
  t.equal(row.redaction_required, true, 'a translation carries the text of members-only content: it is checked too')
  await member.post(`${url}/submit`)
  await moderator.get(url)
  const refused = await moderator.post(`${url}/publish`)
  t.equal(refused.status, 409)
  t.match(decodeEntities(refused.body), nl('redaction.error.publish_refused', { count: 1 }))
  t.equal((await new Client(app).get(url)).status, 404, 'the translation stays unpublished')
  const [name] = await openFindings(db, row.id, false)
  t.equal(name?.text, 'Annelies Verstraete')
  await moderator.get(`${url}/redaction`)
  await moderator.post(`${url}/redaction/${name!.id}/redact`)
  await moderator.get(url)
  t.equal((await moderator.post(`${url}/publish`)).status, 303)
  let seen = await publicView(app, sync, url, 'Gastgeberin')
  nowhere(t, seen, 'Verstraete', 'the published translation')
  t.match(seen.surfaces.page, 'Wir führten jedes Gespräch zu zweit. [name] war dabei.')

  // Its author's edit waits for a reviewer, as any; holding an email, accepting it waits for the finding too.
  const edited = await member.edit(
    `${url}/edit`,
    articleForm({
      ...translation,
      body: `${translation.body.replace('Annelies Verstraete', '[name]')} Schreiben Sie an ${email}.`,
    }),
  )
  t.equal(edited.status, 303)
  t.match(decodeEntities((await member.get(edited.location!)).body), en('redaction.flash.edit_waits'))
  nowhere(t, await publicView(app, sync, url, 'Gastgeberin'), email, 'the waiting edit')
  await moderator.get(`${url}/pending`)
  const notYet = await moderator.post(`${url}/pending/accept`)
  t.equal(notYet.status, 409)
  t.match(decodeEntities(notYet.body), nl('redaction.error.accept_refused', { count: 1 }))

  // While it waits, a reviewer's own edit with personal data cannot wait beside it: refused, their text kept.
  const mine = `${translation.body} Rufen Sie ${phone} an.`
  const blocked = await moderator.edit(`${url}/edit`, articleForm({ ...translation, body: mine }))
  t.equal(blocked.status, 409)
  t.match(
    decodeEntities(blocked.body),
    nl('redaction.error.other_edit_waits', { count: 2, name: 'Ana Author' }),
    'told why, in their language',
  )
  t.match(decodeEntities(blocked.body), mine, 'their text is kept in the form')
  t.match((await db.selectFrom('article_pending_edits').select('body_md').executeTakeFirstOrThrow()).body_md, email)
  nowhere(t, await publicView(app, sync, url, 'Gastgeberin'), phone, 'the refused edit')

  const [mail] = await openFindings(db, row.id, true)
  t.equal(mail?.text, email)
  await moderator.get(`${url}/redaction`)
  t.equal((await moderator.post(`${url}/redaction/${mail!.id}/redact`)).status, 303)
  await moderator.get(`${url}/pending`)
  t.equal((await moderator.post(`${url}/pending/accept`)).status, 303)
  seen = await publicView(app, sync, url, 'Gastgeberin')
  nowhere(t, seen, email, 'once accepted')
  nowhere(t, seen, 'Verstraete', 'once accepted')
  t.match(seen.surfaces.page, 'Schreiben Sie an [email].')
})
