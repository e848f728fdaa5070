import t from 'tap'
import { startThread } from '../../src/discussions/commands.js'
import { createDraft, transitionArticle } from '../../src/library/commands.js'
import type { Db } from '../../src/db/connect.js'
import { enqueueSearch } from '../../src/search/outbox.js'
import { renameTheme } from '../../src/themes/commands.js'
import { Client } from '../helpers/client.js'
import {
  createCommunityWith,
  createThemeWith,
  createThreadIn,
  createUser,
  type TestUser,
} from '../helpers/factories.js'
import { buildSearchApp, q, resultUrls } from './helpers.js'

const noPractice = {
  practice_context: null,
  practice_target_group: null,
  practice_country: null,
  practice_what_worked: null,
  practice_what_did_not: null,
  practice_contact: null,
}

async function publishArticle(
  db: Db,
  author: TestUser,
  input: {
    slug: string
    title: string
    body: string
    language: string
    themeIds?: number[]
    communityId?: number | null
  },
) {
  const draft = await createDraft(db, {
    title: input.title,
    slug: input.slug,
    summary: '',
    kind: 'practice',
    language: input.language,
    body_md: input.body,
    community_id: input.communityId ?? null,
    themeIds: input.themeIds ?? [],
    practice: noPractice,
    authorId: author.id,
  })
  if (!draft.ok) throw new Error('could not create the article')
  t.ok(await transitionArticle(db, draft.id, 'publish', null))
  // The library's commands enqueue on their own; enqueueing again is harmless and keeps this test about search.
  await enqueueSearch(db, 'article', draft.id)
  return draft.id
}

t.test(
  'theme labels are synonyms across languages: "participation" finds Dutch content about participatie',
  async (t) => {
    const { app, db, sync } = await buildSearchApp(t)
    const author = await createUser(db)
    const community = await createCommunityWith(db, { visibility: 'public', members: [author] })
    // Made after the app started, as an admin would: the theme's outbox row brings the new synonyms to the index.
    const theme = await createThemeWith(db, 'participation', { en: 'Participation', nl: 'Participatie' })
    await enqueueSearch(db, 'theme', theme)
    await publishArticle(db, author, {
      slug: 'ouders-aan-tafel',
      title: 'Ouders aan tafel',
      body: 'Hoe wij de stem van ouders een plek geven in het team.',
      language: 'nl',
      themeIds: [theme],
    })
    const untagged = await createThreadIn(db, community.id, author, {
      title: 'Meer participatie van bewoners',
      body: 'Wij zoeken manieren om de buurt te betrekken bij het project.',
    })
    await sync()

    const visitor = new Client(app)
    const page = await visitor.get(q('participation'))
    const urls = resultUrls(page.body)
    t.notMatch(page.body, 'search-limited', 'answered by Meilisearch')
    t.ok(urls.includes('/library/ouders-aan-tafel'), 'the Dutch article tagged with the theme is found in English')
    t.ok(urls.includes(`/t/${untagged}`), 'and Dutch text that only says "participatie" is found through the synonym')
    t.ok(resultUrls((await visitor.get(q('participaton'))).body).includes(`/t/${untagged}`), 'typos are tolerated')
    t.ok(resultUrls((await visitor.get(q('particip'))).body).length >= 1, 'prefixes match while typing')

    // Renaming a theme changes the synonyms and the documents that show its labels.
    await renameTheme(db, theme, { en: 'Involvement', nl: 'Betrokkenheid' })
    await enqueueSearch(db, 'theme', theme)
    await sync()
    t.ok(
      resultUrls((await visitor.get(q('betrokkenheid'))).body).includes('/library/ouders-aan-tafel'),
      'the new label finds the article',
    )
  },
)

t.test('facets count and narrow by type, theme, language and community; sorting and pages work', async (t) => {
  const { app, db, sync } = await buildSearchApp(t)
  const author = await createUser(db)
  const alpha = await createCommunityWith(db, { visibility: 'public', members: [author], name: 'Alpha circle' })
  const beta = await createCommunityWith(db, { visibility: 'public', members: [author], name: 'Beta circle' })
  const care = await createThemeWith(db, 'respite-care', { en: 'Respite care', nl: 'Respijtzorg' })
  // A day older than the rest: dates are indexed to the second, and the rest share one.
  const oldest = (
    await startThread(db, {
      communityId: alpha.id,
      authorId: author.id,
      title: 'Origami first thread',
      bodyMd: 'The first one, about folding paper with the group.',
      themeIds: [care],
      submissionKey: null,
      createdAt: new Date(Date.now() - 86_400_000),
    })
  ).threadId!
  for (let i = 0; i < 24; i++)
    await createThreadIn(db, i % 2 ? alpha.id : beta.id, author, {
      title: `Origami session ${i}`,
      body: 'We fold paper and talk about the week with the children.',
    })
  await publishArticle(db, author, {
    slug: 'origami-gids',
    title: 'Origami met kinderen',
    body: 'Een gids voor het vouwen van papier met de kinderen van de groep.',
    language: 'nl',
    themeIds: [care],
  })
  await sync()

  const visitor = new Client(app)
  const all = await visitor.get(q('origami'))
  t.match(all.body, '26 results')
  t.match(all.body, /class="facet facet-type"[\s\S]*Thread<\/a> <span class="muted">\(25\)/, 'type counts')
  t.match(all.body, /Library article<\/a> <span class="muted">\(1\)/)
  t.match(
    all.body,
    /facet-theme[\s\S]*Respite care<\/a> <span class="muted">\(2\)/,
    "themes by their label in the viewer's language",
  )
  t.match(all.body, /facet-language[\s\S]*Dutch<\/a>/, 'languages by name')
  t.match(
    all.body,
    /facet-community[\s\S]*Alpha circle<\/a>[\s\S]*Beta circle<\/a>|facet-community[\s\S]*Beta circle<\/a>[\s\S]*Alpha circle<\/a>/,
    'communities by name',
  )
  t.match(all.body, 'Page 1 of 2')

  const dutch = await visitor.get(q('origami', '&language=nl'))
  t.same(resultUrls(dutch.body), ['/library/origami-gids'], 'narrowed by language')
  const themed = await visitor.get(q('origami', '&theme=respite-care&type=thread'))
  t.same(resultUrls(themed.body), [`/t/${oldest}`], 'narrowed by theme and type together')
  const nl = await visitor.get(q('origami', '&theme=respite-care'), { 'accept-language': 'nl' })
  t.match(nl.body, 'Respijtzorg', "the theme label follows the viewer's language")
  const inBeta = resultUrls((await visitor.get(q('origami', `&community=${beta.id}`))).body)
  t.equal(inBeta.length, 12, 'narrowed by community')

  const newest = resultUrls((await visitor.get(q('origami', '&sort=newest&type=thread&page=2'))).body)
  t.equal(newest.length, 5, 'the second page holds the rest')
  t.equal(newest[newest.length - 1], `/t/${oldest}`, 'newest first puts the oldest thread last')

  const dutchUi = await visitor.get(q('origami'), { 'accept-language': 'nl' })
  t.match(dutchUi.body, '26 resultaten', 'the page speaks Dutch when asked')

  const empty = await visitor.get('/search')
  t.equal(empty.status, 200)
  t.match(empty.body, 'What are you looking for?')
  t.match(empty.body, 'href="/search?theme&#x3D;respite-care"', 'an empty search suggests themes')
  const nothing = await visitor.get(q('xylophonequartet'))
  t.match(nothing.body, 'Nothing found for')
  t.match(nothing.body, 'Check the spelling')
})
