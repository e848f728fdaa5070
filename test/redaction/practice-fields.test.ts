// The redaction check over a practice's own fields (context, target group, what worked, what did not, contact): each is
// public text on the article page, so what is found there holds publishing and later edits as the body does, is shown
// to the reviewer under that field's label, is redacted in that field, and is kept in that field only.
import type { FastifyInstance } from 'fastify'
import t, { type Test } from 'tap'
import type { Db } from '../../src/db/connect.js'
import { translate } from '../../src/web/i18n.js'
import { Client, decodeEntities } from '../helpers/client.js'
import { createCommunityWith, createThreadIn, createUser } from '../helpers/factories.js'
import { loggedIn } from '../helpers/moderation.js'
import { buildSearchApp, q, resultUrls } from '../search/helpers.js'

const nl = (key: string, vars?: Record<string, string | number>) => translate('nl', key, vars)

const cleanBody = 'We did every intake in pairs. Both coordinators took notes, and the host felt heard.'
const phone = '0470 12 34 56'
const email = 'an.claeys@example.be'

type Practice = {
  practice_context: string
  practice_target_group: string
  practice_what_worked: string
  practice_what_did_not: string
  practice_contact: string
}

const firstPractice: Practice = {
  practice_context: 'Hosts in a small town.',
  practice_target_group: 'Newcomers welcomed by Ana Author',
  practice_what_worked: 'Annelies Verstraete visited every week.',
  practice_what_did_not: 'Meeting only by letter.',
  practice_contact: `Call ${phone}`,
}

/** The article form as a browser sends it, for a practice. */
const practiceForm = (title: string, slug: string, practice: Practice, language = 'en') => ({
  title,
  slug,
  summary: '',
  kind: 'practice',
  language,
  body: cleanBody,
  community: '',
  practice_country: '',
  ...practice,
})

/** What anyone sees of the library: the article page, the library's feed and index, and a search for `query`. */
async function publicView(app: FastifyInstance, sync: () => Promise<number>, url: string, query: string) {
  await sync()
  const visitor = new Client(app)
  const page = await visitor.get(url)
  const search = await visitor.get(q(query))
  return {
    status: page.status,
    surfaces: {
      page: page.body,
      feed: (await visitor.get('/feeds/library.atom')).body,
      index: (await visitor.get('/library')).body,
      search: search.body,
    },
    found: resultUrls(search.body),
  }
}

function nowhere(t: Test, seen: Awaited<ReturnType<typeof publicView>>, text: string, what: string) {
  for (const [surface, body] of Object.entries(seen.surfaces))
    t.notOk(decodeEntities(body).includes(text), `${what}: not on the ${surface}`)
}

async function openFindings(db: Db, inPendingEdit: boolean) {
  const rows = await db
    .selectFrom('redaction_findings')
    .selectAll()
    .where('status', '=', 'open')
    .where('in_pending_edit', '=', inPendingEdit)
    .orderBy('id')
    .execute()
  return new Map(rows.map((f) => [`${f.field}|${f.kind}|${f.text}`, f]))
}

/** One finding as the findings page lists it. */
function findingItem(body: string, id: number): string {
  const start = body.indexOf(`<li id="finding-${id}">`)
  return start === -1 ? '' : body.slice(start, body.indexOf('</li>', start))
}

/** A members-only thread turned into a practice draft by its moderator, who reads Dutch. */
async function setup(t: Test) {
  const { app, db, sync } = await buildSearchApp(t)
  // The moderator reads Dutch: the fields are named as the Dutch article form names them.
  const moderatorUser = await createUser(db, { displayName: 'Mod Erator', locale: 'nl' })
  const memberUser = await createUser(db, { displayName: 'Ana Author' })
  const named = await createUser(db, { displayName: 'Annelies Verstraete' })
  const community = await createCommunityWith(db, {
    visibility: 'members',
    moderators: [moderatorUser],
    members: [memberUser, named],
  })
  const threadId = await createThreadIn(db, community.id, memberUser, {
    title: 'Intake with a careful host',
    body: cleanBody,
  })
  const moderator = await loggedIn(app, moderatorUser)
  await moderator.get(`/t/${threadId}/to-library`)
  const drafted = await moderator.post(`/t/${threadId}/to-library`, {})
  t.equal(drafted.status, 303)
  const draft = await db.selectFrom('articles').selectAll().executeTakeFirstOrThrow()
  t.equal(draft.redaction_required, true, 'the source was members-only')
  t.equal((await openFindings(db, false)).size, 0, 'the thread itself holds nothing personal')
  return { app, db, sync, moderator, memberUser, draft, url: `/library/${draft.slug}` }
}

t.test("a practice's own fields are checked before publishing and at every later change", async (t) => {
  const { app, db, sync, moderator, draft, url } = await setup(t)
  // The practice's fields are filled in on the draft, with a name and a phone number in them.
  const saved = await moderator.edit(`${url}/edit`, practiceForm(draft.title, draft.slug, firstPractice))
  t.equal(saved.status, 303)
  await moderator.get(url)
  const refused = await moderator.post(`${url}/publish`)
  t.equal(refused.status, 409, 'publishing is refused while they are open')
  t.match(decodeEntities(refused.body), nl('redaction.error.publish_refused', { count: 3 }))
  t.equal((await db.selectFrom('articles').select('status').executeTakeFirstOrThrow()).status, 'draft')
  t.equal((await new Client(app).get(url)).status, 404, 'nobody else reads the draft')

  const open = await openFindings(db, false)
  t.same(
    [...open.keys()].sort(),
    [
      'practice_contact|phone|0470 12 34 56',
      'practice_target_group|member_name|Ana Author',
      'practice_what_worked|member_name|Annelies Verstraete',
    ],
    'each found in its own field, nothing in the fields without personal data',
  )
  const inContact = open.get('practice_contact|phone|0470 12 34 56')!
  const inWorked = open.get('practice_what_worked|member_name|Annelies Verstraete')!
  const inTarget = open.get('practice_target_group|member_name|Ana Author')!
  const page = await moderator.get(`${url}/redaction`)
  const contactItem = decodeEntities(findingItem(page.body, inContact.id))
  t.match(contactItem, `(${nl('library.practice.contact')})`, 'the field is named by its label')
  t.match(contactItem, `<mark>${phone}</mark>`, 'the number shown in its context')
  t.match(decodeEntities(findingItem(page.body, inWorked.id)), `(${nl('library.practice.what_worked')})`)
  t.match(decodeEntities(findingItem(page.body, inTarget.id)), `(${nl('library.practice.target_group')})`)

  // The phone number and the name are redacted in their fields; the member named in the target group consented.
  for (const [finding, decision] of [
    [inContact, 'redact'],
    [inWorked, 'redact'],
    [inTarget, 'keep'],
  ] as const) {
    await moderator.get(`${url}/redaction`)
    t.equal((await moderator.post(`${url}/redaction/${finding.id}/${decision}`)).status, 303, decision)
  }
  const redacted = await db.selectFrom('articles').selectAll().executeTakeFirstOrThrow()
  t.equal(redacted.practice_contact, 'Call [phone]')
  t.equal(redacted.practice_what_worked, '[name] visited every week.')
  t.equal(redacted.practice_target_group, firstPractice.practice_target_group, 'kept as it was')
  await moderator.get(url)
  t.equal((await moderator.post(`${url}/publish`)).status, 303, 'published once every finding is decided')

  let seen = await publicView(app, sync, url, 'intake')
  t.equal(seen.status, 200)
  nowhere(t, seen, phone, 'the phone number')
  nowhere(t, seen, 'Verstraete', 'the name')
  t.ok(seen.found.includes(url), 'search finds the article, without them')
  t.match(seen.surfaces.page, 'Call [phone]', 'the page shows the placeholder in the contact')
  t.match(seen.surfaces.page, '[name] visited every week.')
  t.match(seen.surfaces.page, 'Newcomers welcomed by Ana Author', 'what was kept is shown')

  // A later edit writes an email into the context, and the consented name into the contact: the edit is held.
  const later: Practice = {
    ...firstPractice,
    practice_context: `Hosts in a small town. Write to ${email}.`,
    practice_target_group: redacted.practice_target_group!,
    practice_what_worked: redacted.practice_what_worked!,
    practice_contact: 'Call [phone] or ask Ana Author',
  }
  const held = await moderator.edit(`${url}/edit`, practiceForm(redacted.title, redacted.slug, later))
  t.equal(held.status, 303)
  t.equal(held.location, `${url}/redaction`, 'the reviewer is taken to the findings')
  t.match(decodeEntities((await moderator.get(held.location!)).body), nl('redaction.flash.edit_held'))
  seen = await publicView(app, sync, url, 'intake')
  nowhere(t, seen, email, 'the email in the held edit')
  t.match(seen.surfaces.page, 'Hosts in a small town.', 'readers keep the published practice')
  t.equal(
    (await db.selectFrom('articles').select('practice_context').executeTakeFirstOrThrow()).practice_context,
    firstPractice.practice_context,
  )

  const pending = await openFindings(db, true)
  t.same(
    [...pending.keys()].sort(),
    ['practice_contact|member_name|Ana Author', `practice_context|email|${email}`],
    'a name kept in one field is not kept in another; where it was kept, it is not asked again',
  )
  await moderator.get(`${url}/pending`)
  const notYet = await moderator.post(`${url}/pending/accept`)
  t.equal(notYet.status, 409, 'the edit is not accepted while they are open')
  t.match(decodeEntities(notYet.body), nl('redaction.error.accept_refused', { count: 2 }))

  await moderator.get(`${url}/redaction`)
  const mail = pending.get(`practice_context|email|${email}`)!
  t.equal((await moderator.post(`${url}/redaction/${mail.id}/redact`)).status, 303)
  await moderator.get(`${url}/redaction`)
  const name = pending.get('practice_contact|member_name|Ana Author')!
  t.equal((await moderator.post(`${url}/redaction/${name.id}/keep`)).status, 303)
  t.equal(
    (await db.selectFrom('articles').select('practice_context').executeTakeFirstOrThrow()).practice_context,
    firstPractice.practice_context,
    'redacting in the waiting edit leaves the published practice alone',
  )
  await moderator.get(`${url}/pending`)
  t.equal((await moderator.post(`${url}/pending/accept`)).status, 303)
  seen = await publicView(app, sync, url, 'intake')
  nowhere(t, seen, email, 'once accepted')
  nowhere(t, seen, phone, 'once accepted')
  nowhere(t, seen, 'Verstraete', 'once accepted')
  t.match(seen.surfaces.page, 'Hosts in a small town. Write to [email].', 'the accepted context is redacted')
  t.match(seen.surfaces.page, 'Call [phone] or ask Ana Author')
})

t.test("a translation's practice fields are checked before it is published", async (t) => {
  const { app, db, moderator, memberUser, draft, url } = await setup(t)
  await moderator.get(url)
  t.equal((await moderator.post(`${url}/publish`)).status, 303, 'the source holds nothing personal')
  const member = await loggedIn(app, memberUser)
  await member.get(`${url}/translate?language=de`)
  const translated = await member.post(
    `${url}/translate`,
    practiceForm(
      'Aufnahme mit einer sorgsamen Gastgeberin',
      `${draft.slug}-de`,
      {
        ...firstPractice,
        practice_target_group: 'Neuankömmlinge',
        practice_what_worked: 'Besuche jede Woche.',
        practice_contact: `Rufen Sie ${phone} an`,
      },
      'de',
    ),
  )
  t.equal(translated.status, 303)
  const translationUrl = translated.location!
  const translation = await db.selectFrom('articles').selectAll().where('language', '=', 'de').executeTakeFirstOrThrow()
  t.equal(translation.redaction_required, true)
  t.same(
    [...(await openFindings(db, false)).keys()],
    [`practice_contact|phone|${phone}`],
    'the number in its contact is found as the draft is made',
  )
  await member.post(`${translationUrl}/submit`)
  await moderator.get(translationUrl)
  const refused = await moderator.post(`${translationUrl}/publish`)
  t.equal(refused.status, 409)
  t.match(decodeEntities(refused.body), nl('redaction.error.publish_refused', { count: 1 }))
  t.match(decodeEntities(refused.body), `(${nl('library.practice.contact')})`)
  t.equal((await new Client(app).get(translationUrl)).status, 404, 'the translation stays unpublished')
})
