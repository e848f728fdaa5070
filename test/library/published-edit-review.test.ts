// Edits to published articles are reviewed: the published text stays for readers (page, search, feeds) until a
// reviewer accepts the author's edit; reviewers' own edits go live at once. A reviewer who sends back lands on the queue.
import t from 'tap'
import { translate } from '../../src/web/i18n.js'
import { buildTestApp } from '../helpers/app.js'
import { Client, decodeEntities, logIn } from '../helpers/client.js'
import { createCommunityWith, createUser } from '../helpers/factories.js'
import { practiceFields, writeArticle } from '../helpers/library.js'

const en = (key: string, vars?: Record<string, string>) => translate('en', key, vars)

async function setup(t: Parameters<typeof buildTestApp>[0]) {
  const { app, db } = await buildTestApp(t)
  const authorUser = await createUser(db, { displayName: 'Ana Author' })
  const moderatorUser = await createUser(db, { displayName: 'Mo Reviewer' })
  const otherModUser = await createUser(db, { displayName: 'Elsewhere Mod' })
  const memberUser = await createUser(db, { displayName: 'Plain Member' })
  await createCommunityWith(db, { slug: 'homeshare', moderators: [moderatorUser], members: [authorUser, memberUser] })
  await createCommunityWith(db, { slug: 'elsewhere', moderators: [otherModUser] })
  const as = async (user: { email: string; password: string }) => {
    const client = new Client(app)
    await logIn(client, user.email, user.password)
    return client
  }
  const author = await as(authorUser)
  const moderator = await as(moderatorUser)
  const published = async () => {
    const url = (await writeArticle(author, { community: 'homeshare' })).location!
    await author.post(`${url}/submit`)
    await moderator.get(url)
    if ((await moderator.post(`${url}/publish`)).status !== 303) throw new Error('not published')
    return url
  }
  return {
    app,
    db,
    author,
    moderator,
    otherMod: await as(otherModUser),
    member: await as(memberUser),
    visitor: new Client(app),
    published,
  }
}

const edited = (body: string) => ({ ...practiceFields, community: 'homeshare', body })

t.test('a reviewer who sends an article back lands on the review queue with a confirmation', async (t) => {
  const { author, moderator } = await setup(t)
  const url = (await writeArticle(author, { community: 'homeshare' })).location!
  await author.post(`${url}/submit`)
  await moderator.get(url)
  const back = await moderator.post(`${url}/return`, { comment: 'Please name a contact.' })
  t.equal(back.status, 303)
  t.equal(back.location, '/library/review', 'to the queue, not to the draft it may no longer read')
  const queue = await moderator.get(back.location!)
  t.equal(queue.status, 200)
  t.match(decodeEntities(queue.body), en('library.flash.returned'), 'with a confirmation')
  t.notMatch(queue.body, `href="${url}"`, 'and the article has left the queue')
})

t.test("an author's edit of a published article waits for a reviewer", async (t) => {
  const { db, author, moderator, otherMod, member, visitor, published } = await setup(t)
  const url = await published()
  const articleId = (await db.selectFrom('articles').select('id').executeTakeFirstOrThrow()).id
  const outbox = async () =>
    (
      await db
        .selectFrom('search_outbox')
        .select('version')
        .where('entity_type', '=', 'article')
        .where('entity_id', '=', articleId)
        .executeTakeFirst()
    )?.version ?? 0
  const outboxBefore = await outbox()
  const revisionBefore = (await db.selectFrom('articles').select('revision').executeTakeFirstOrThrow()).revision

  const form = await author.get(`${url}/edit`)
  t.match(decodeEntities(form.body), en('mod_truth.form.will_wait'), 'the form says the edit will wait')
  const saved = await author.edit(`${url}/edit`, edited('We now do intakes **with three** people.'))
  t.equal(saved.status, 303)
  t.equal(saved.location, url)
  const authorPage = await author.get(url)
  t.match(decodeEntities(authorPage.body), en('mod_truth.flash.edit_pending'), 'the author is told it waits')
  t.match(decodeEntities(authorPage.body), en('mod_truth.article.edit_waits'))
  t.match(authorPage.body, '<strong>in pairs</strong>', 'the author too sees the published text on the page')

  for (const [who, client] of [
    ['visitor', visitor],
    ['member', member],
  ] as const) {
    const page = await client.get(url)
    t.match(page.body, '<strong>in pairs</strong>', `a ${who} still reads the published version`)
    t.notMatch(page.body, 'with three', `and not the edit (${who})`)
    t.notMatch(decodeEntities(page.body), en('mod_truth.article.edit_waits'))
  }
  t.equal(await outbox(), outboxBefore, 'search is not told of an edit nobody may read yet')
  const row = await db.selectFrom('articles').select(['body_md', 'revision']).executeTakeFirstOrThrow()
  t.equal(row.revision, revisionBefore, 'no new published revision')
  t.match(row.body_md, 'in pairs')

  // A second edit replaces the waiting one; its form opens on the waiting text.
  const again = await author.get(`${url}/edit`)
  t.match(again.body, 'with three', 'the form holds the waiting edit')
  t.match(decodeEntities(again.body), en('mod_truth.form.yours_waits'))
  t.equal((await author.edit(`${url}/edit`, edited('We now do intakes **with three** people, always.'))).status, 303)
  const waiting = await db.selectFrom('article_pending_edits').selectAll().execute()
  t.equal(waiting.length, 1, 'one waiting edit per article')
  t.match(waiting[0]!.body_md, 'always.')

  // Who may see and decide.
  t.equal((await visitor.get(`${url}/pending`)).status, 303, 'visitors are asked to log in')
  t.equal((await member.get(`${url}/pending`)).status, 404)
  t.equal((await otherMod.get(`${url}/pending`)).status, 404, "another community's moderator does not see it")
  await member.get('/')
  t.equal((await member.post(`${url}/pending/accept`)).status, 403)
  await author.get('/')
  t.equal((await author.post(`${url}/pending/accept`)).status, 403, 'an author does not accept their own edit')

  const queue = await moderator.get('/library/review')
  t.match(decodeEntities(queue.body), en('mod_truth.review.edits_heading'))
  t.match(queue.body, `href="${url}/pending"`, 'the reviewer finds the edit in the review queue')
  const review = await moderator.get(`${url}/pending`)
  t.equal(review.status, 200)
  t.match(review.body, /<del>in pairs<\/del>|<del>\*\*in pairs\*\*<\/del>|<del>in<\/del>/, 'the removed words')
  t.match(review.body, /<ins>with three<\/ins>|<ins>\*\*with three\*\*<\/ins>|<ins>with<\/ins>/, 'the added words')

  // Sent back: the author sees why, readers still the published text.
  const back = await moderator.post(`${url}/pending/return`, { comment: 'Three is too many for small flats.' })
  t.equal(back.status, 303)
  t.equal(back.location, '/library/review')
  t.match(decodeEntities((await moderator.get('/library/review')).body), en('mod_truth.flash.edit_returned'))
  const told = await author.get(url)
  t.match(decodeEntities(told.body), `${en('mod_truth.pending.returned')} Three is too many for small flats.`)
  t.notMatch((await visitor.get(url)).body, 'with three')
  await moderator.get('/')
  t.equal((await moderator.post(`${url}/pending/accept`)).status, 400, 'nothing waits once sent back')

  // Saved again, it waits again; accepted, it is the published text everywhere.
  t.equal((await author.edit(`${url}/edit`, edited('We now do intakes **in threes** where rooms allow.'))).status, 303)
  await moderator.get(`${url}/pending`)
  const accepted = await moderator.post(`${url}/pending/accept`)
  t.equal(accepted.status, 303)
  t.equal(accepted.location, '/library/review')
  const now = await visitor.get(url)
  t.match(now.body, '<strong>in threes</strong>', 'readers now see the accepted edit')
  t.notMatch(now.body, '<strong>in pairs</strong>')
  t.ok((await outbox()) > outboxBefore, 'search is told once the edit is accepted')
  const after = await db.selectFrom('articles').select(['revision']).executeTakeFirstOrThrow()
  t.equal(after.revision, revisionBefore + 1, 'one new revision')
  const revision = await db
    .selectFrom('article_revisions as r')
    .innerJoin('users as u', 'u.id', 'r.editor_id')
    .select(['u.display_name'])
    .where('r.revision', '=', after.revision)
    .executeTakeFirstOrThrow()
  t.equal(revision.display_name, 'Ana Author', 'the revision is the author’s')
  t.equal((await db.selectFrom('article_pending_edits').selectAll().execute()).length, 0)
})

t.test("a reviewer's own edit of a published article goes live at once", async (t) => {
  const { moderator, visitor, published } = await setup(t)
  const url = await published()
  const saved = await moderator.edit(`${url}/edit`, edited('Corrected by the reviewer: intakes **in pairs**, always.'))
  t.equal(saved.status, 303)
  t.match(decodeEntities((await moderator.get(url)).body), en('library.flash.saved'))
  t.match((await visitor.get(url)).body, 'Corrected by the reviewer')
})

t.test("an author's restore of an old revision of a published article waits too", async (t) => {
  const { db, author, moderator, visitor, published } = await setup(t)
  const url = await published()
  t.equal((await moderator.edit(`${url}/edit`, edited('The reviewer rewrote it.'))).status, 303)
  await author.get(`${url}/history`)
  const restored = await author.post(`${url}/restore`, { revision: '1' })
  t.equal(restored.status, 303)
  t.match(decodeEntities((await author.get(restored.location!)).body), en('mod_truth.flash.edit_pending'))
  t.match((await visitor.get(url)).body, 'The reviewer rewrote it.', 'readers keep the published text')
  const waiting = await db.selectFrom('article_pending_edits').select('body_md').executeTakeFirstOrThrow()
  t.match(waiting.body_md, 'in pairs', 'the old revision waits for review')
})
