import t from 'tap'
import { Meilisearch } from 'meilisearch'
import { applyIndexSettings, ensureSearchKey, settingsDiff } from '../../src/search/settings.js'
import { testMeili } from '../helpers/app.js'
import { Client } from '../helpers/client.js'
import { createCommunityWith, createThreadIn, createUser } from '../helpers/factories.js'
import { buildSearchApp, q, resultUrls } from './helpers.js'

t.test('the index gets explicit settings on start, and applying them again changes nothing', async (t) => {
  const { db, search } = await buildSearchApp(t)
  const settings = await search!.meili.index(search!.indexUid).getSettings()
  t.same(settings.searchableAttributes, ['title', 'tag_labels', 'text'], 'title ranks above theme labels, above text')
  t.same([...settings.filterableAttributes!].sort(), [
    'answered',
    'community',
    'language',
    'tags',
    'thread_id',
    'type',
    'visibility',
  ])
  t.same(settings.sortableAttributes, ['published_at'])
  t.same(settings.localizedAttributes, [
    { attributePatterns: ['title', 'tag_labels', 'text'], locales: ['eng', 'fra', 'nld'] },
  ])
  t.equal(settings.typoTolerance?.enabled, true)
  const again = await applyIndexSettings(db, search!)
  t.same(again, { created: false, changed: [] }, 'a second start sends no settings update')
  t.same(
    settingsDiff(settings, { synonyms: {}, sortableAttributes: ['published_at'] }),
    {},
    'the comparison ignores key order and defaults',
  )
})

t.test('queries use a search-only key scoped to the content index; the master key stays on the server', async (t) => {
  const { app, db, sync, search } = await buildSearchApp(t)
  const meili = testMeili()
  const key = await ensureSearchKey(search!, meili.masterKey)
  t.equal(
    await ensureSearchKey(search!, meili.masterKey),
    key,
    'every instance finds the same key instead of making its own',
  )
  const details = await search!.meili.getKey(key)
  t.same(details.actions, ['search'])
  t.same(details.indexes, [search!.indexUid])
  t.not(key, meili.masterKey)

  const limited = new Meilisearch({ host: meili.url, apiKey: key })
  await t.rejects(limited.index(search!.indexUid).addDocuments([{ id: 'x' }]), 'it cannot write')
  await t.rejects(limited.getKeys(), 'or read the other keys')

  const author = await createUser(db)
  const community = await createCommunityWith(db, { visibility: 'public', members: [author] })
  const thread = await createThreadIn(db, community.id, author, { title: 'Accordion workshop' })
  await sync()
  const page = await new Client(app).get(q('accordion'))
  t.same(resultUrls(page.body), [`/t/${thread}`])
  t.notMatch(page.body, meili.masterKey, 'the master key never reaches the browser')
  t.notMatch(page.body, key, 'nor does the search key: queries go through the server')
})
