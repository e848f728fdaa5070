import t from 'tap'
import type { Test } from 'tap'
import { translate } from '../../src/web/i18n.js'
import { decodeEntities, Client, logIn } from '../helpers/client.js'
import { createCommunityWith, createThreadIn, createUser } from '../helpers/factories.js'
import { writeArticle } from '../helpers/library.js'
import { buildSearchApp, type SearchTestApp } from './helpers.js'

interface Suggestions {
  suggestions: { title: string; url: string; typeLabel: string }[]
}

async function seed(t: Test, app: SearchTestApp) {
  const { db } = app
  const member = await createUser(db)
  const insider = await createUser(db)
  const moderator = await createUser(db)
  const open = await createCommunityWith(db, {
    visibility: 'public',
    members: [member, insider],
    moderators: [moderator],
  })
  const closed = await createCommunityWith(db, { visibility: 'members', members: [insider] })
  const publicThread = await createThreadIn(db, open.id, insider, { title: 'Kiwi respite weekends', body: 'Plans.' })
  const secretThread = await createThreadIn(db, closed.id, insider, { title: 'Kiwi respite budget', body: 'Money.' })
  const writer = new Client(app.app)
  await logIn(writer, insider.email, insider.password)
  const reviewer = new Client(app.app)
  await logIn(reviewer, moderator.email, moderator.password)
  const article = (await writeArticle(writer, { title: 'Kiwi respite guide', community: open.slug })).location!
  await writer.post(`${article}/submit`)
  await reviewer.get(article)
  t.equal((await reviewer.post(`${article}/publish`)).status, 303, 'the article is published')
  return { member, insider, open, closed, publicThread, secretThread, article }
}

const noMeilisearch = { search: { url: null, masterKey: null, indexPrefix: '' } }

for (const engine of ['meilisearch', 'postgres'] as const) {
  t.test(`${engine}: members get similar threads and articles they may read, never a closed circle's`, async (t) => {
    const meili = await buildSearchApp(t)
    const data = await seed(t, meili)
    await meili.sync()
    const { app } =
      engine === 'meilisearch' ? meili : await buildSearchApp(t, { database: meili.database, config: noMeilisearch })
    const url = `/c/${data.open.slug}/similar?title=${encodeURIComponent('Planning kiwi respite')}`

    t.equal((await new Client(app).get(url)).status, 401, 'not for visitors')
    const member = new Client(app)
    await logIn(member, data.member.email, data.member.password)
    const res = await member.get(url)
    t.equal(res.status, 200)
    const body = JSON.parse(res.body) as Suggestions
    t.same(body.suggestions.map((s) => s.url).sort(), [`/t/${data.publicThread}`, data.article].sort())
    t.notMatch(res.body, 'budget', 'nothing from the members-only community the member is not in')
    t.equal((await member.get(`/c/${data.closed.slug}/similar?title=kiwi`)).status, 404, 'nor its endpoint')

    const insider = new Client(app)
    await logIn(insider, data.insider.email, data.insider.password)
    const theirs = JSON.parse((await insider.get(url)).body) as Suggestions
    t.ok(
      theirs.suggestions.some((s) => s.url === `/t/${data.secretThread}`),
      'a member of the closed circle gets its thread',
    )
    const short = JSON.parse((await member.get(`/c/${data.open.slug}/similar?title=ki`)).body) as Suggestions
    t.same(short.suggestions, [], 'too short a title: none')
  })
}

t.test('without JavaScript the preview of a new thread shows the same suggestions', async (t) => {
  const meili = await buildSearchApp(t)
  const data = await seed(t, meili)
  await meili.sync()
  const member = new Client(meili.app)
  await logIn(member, data.member.email, data.member.password)
  const form = await member.get(`/c/${data.open.slug}/new`)
  t.equal(form.status, 200)
  t.match(form.body, 'aria-live="polite"', 'the live region is there for the script')
  const preview = await member.post(`/c/${data.open.slug}/new`, {
    title: 'Planning kiwi respite',
    body: 'What do you do?',
    preview: '1',
    submission_key: '',
  })
  t.equal(preview.status, 200)
  const box = /<section class="similar-threads"[\s\S]*?<\/section>/.exec(preview.body)?.[0] ?? ''
  t.match(decodeEntities(box), translate('en', 'search_results.similar.heading'))
  t.match(box, `href="/t/${data.publicThread}"`)
  t.match(box, `href="${data.article}"`)
  t.notMatch(box, 'budget')
})

t.test('suggestions are rate-limited per member', async (t) => {
  const { app, db } = await buildSearchApp(t)
  const member = await createUser(db)
  const community = await createCommunityWith(db, { members: [member] })
  const client = new Client(app)
  await logIn(client, member.email, member.password)
  let status = 200
  for (let i = 0; i < 40 && status === 200; i++)
    status = (await client.get(`/c/${community.slug}/similar?title=word${i}`)).status
  t.equal(status, 429)
})
