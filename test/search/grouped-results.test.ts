import t from 'tap'
import { sql } from 'kysely'
import { deletePost } from '../../src/discussions/commands.js'
import { enqueueSearch } from '../../src/search/outbox.js'
import { hitsPerPage } from '../../src/search/params.js'
import { translate } from '../../src/web/i18n.js'
import { Client } from '../helpers/client.js'
import { createCommunityWith, createThreadIn, createUser, replyIn } from '../helpers/factories.js'
import type { TestDatabase } from '../helpers/database.js'
import { buildSearchApp, countText, q, resultGroups, resultUrls } from './helpers.js'

const noMeilisearch = { search: { url: null, masterKey: null, indexPrefix: '' } }

async function seed(db: TestDatabase['db']) {
  const author = await createUser(db, { displayName: 'Ada Author' })
  const community = await createCommunityWith(db, { visibility: 'public', members: [author] })
  const busy = await createThreadIn(db, community.id, author, {
    title: 'Respite weekends for carers',
    body: 'How do you plan respite?',
  })
  const busyReplies = []
  for (let i = 0; i < 5; i++) busyReplies.push(await replyIn(db, busy, author, null, `Respite idea number ${i}`))
  await replyIn(db, busy, author, null, 'Nothing to do with the search words')
  const quiet = await createThreadIn(db, community.id, author, { title: 'Planning the summer', body: 'Dates?' })
  const quietReply = await replyIn(db, quiet, author, null, 'A respite week in August works for us')
  return { author, community, busy, busyReplies, quiet, quietReply }
}

for (const engine of ['meilisearch', 'postgres'] as const) {
  t.test(
    `${engine}: a thread is one result with its best replies under it, then "n more in this thread"`,
    async (t) => {
      const meili = await buildSearchApp(t)
      const data = await seed(meili.db)
      await meili.sync()
      const { app } =
        engine === 'meilisearch' ? meili : await buildSearchApp(t, { database: meili.database, config: noMeilisearch })
      const page = await new Client(app).get(q('respite'))
      t.equal(page.status, 200)
      const groups = resultGroups(page.body)
      t.same(
        groups.map((g) => g.url),
        [`/t/${data.busy}`, `/t/${data.quiet}`],
        'each thread once, the one that matched itself first',
      )
      t.equal(groups[0].replies.length, 3, 'three replies under the thread')
      t.ok(
        groups[0].replies.every((url) => data.busyReplies.some((id) => url === `/t/${data.busy}?at=${id}#p${id}`)),
        'all of them matching replies of that thread',
      )
      t.equal(groups[0].more, translate('en', 'search_results.more_in_thread.other', { count: 2 }))
      t.same(
        groups[1].replies,
        [`/t/${data.quiet}?at=${data.quietReply}#p${data.quietReply}`],
        'a thread found by a reply',
      )
      t.equal(groups[1].more, null, 'nothing more there')
      t.equal(countText(page.body), translate('en', 'search.results.count.other', { count: 2 }), 'two results')
    },
  )
}

t.test('pages count results, not documents: every thread stays whole on one page', async (t) => {
  const { app, db, sync } = await buildSearchApp(t)
  const author = await createUser(db)
  const community = await createCommunityWith(db, { visibility: 'public', members: [author] })
  const threads: number[] = []
  for (let i = 0; i < hitsPerPage + 2; i++) {
    const id = await createThreadIn(db, community.id, author, { title: `Zither lesson ${i}`, body: 'zither' })
    await replyIn(db, id, author, null, 'zither again')
    threads.push(id)
  }
  await sync()
  const first = await new Client(app).get(q('zither'))
  const second = await new Client(app).get(q('zither', '&page=2'))
  const seen = [...resultGroups(first.body), ...resultGroups(second.body)].map((g) => g.url)
  t.equal(resultGroups(first.body).length, hitsPerPage, 'a full first page of threads')
  t.same(seen.sort(), threads.map((id) => `/t/${id}`).sort(), 'every thread once over the two pages')
  t.equal(countText(first.body), translate('en', 'search.results.count.other', { count: hitsPerPage + 2 }))
})

t.test('after a hide the count is what is listed, even before the index catches up', async (t) => {
  const { app, db, sync } = await buildSearchApp(t)
  const author = await createUser(db)
  const community = await createCommunityWith(db, { visibility: 'public', members: [author] })
  const threadId = await createThreadIn(db, community.id, author, { title: 'Quokka visits', body: 'quokka' })
  await sync()
  t.equal(
    countText((await new Client(app).get(q('quokka'))).body),
    translate('en', 'search.results.count.one', { count: 1 }),
  )
  // Hidden in the database; the index still holds the document (no sync).
  await sql`update threads set status = 'hidden' where id = ${threadId}`.execute(db)
  const page = await new Client(app).get(q('quokka'))
  t.same(resultUrls(page.body), [], 'not listed')
  t.equal(countText(page.body), null, 'and no count above an empty list')
  t.match(page.body, translate('en', 'search.results.none', { q: 'quokka' }).replace(/[“”"].*$/, ''))
})

t.test('a deleted reply leaves its thread result, which keeps the rest', async (t) => {
  const { app, db, sync } = await buildSearchApp(t)
  const author = await createUser(db)
  const community = await createCommunityWith(db, { visibility: 'public', members: [author] })
  const threadId = await createThreadIn(db, community.id, author, { title: 'Plans', body: 'Nothing here' })
  const gone = await replyIn(db, threadId, author, null, 'Wallaby one')
  const kept = await replyIn(db, threadId, author, null, 'Wallaby two')
  await sync()
  await deletePost(db, { postId: gone, deletedBy: author.id })
  // Not synced yet: the database check drops the deleted reply from the page.
  const groups = resultGroups((await new Client(app).get(q('wallaby'))).body)
  t.same(groups, [{ url: `/t/${threadId}`, replies: [`/t/${threadId}?at=${kept}#p${kept}`], more: null }])
})

for (const engine of ['meilisearch', 'postgres'] as const) {
  t.test(`${engine}: answered threads carry a badge and can be asked for alone`, async (t) => {
    const meili = await buildSearchApp(t)
    const { db } = meili
    const author = await createUser(db)
    const community = await createCommunityWith(db, { visibility: 'public', members: [author] })
    const answered = await createThreadIn(db, community.id, author, { title: 'Emu question one', body: 'emu?' })
    const answer = await replyIn(db, answered, author, null, 'This is the answer')
    const open = await createThreadIn(db, community.id, author, { title: 'Emu question two', body: 'emu?' })
    await db.transaction().execute(async (trx) => {
      await trx.updateTable('threads').set({ answer_post_id: answer }).where('id', '=', answered).execute()
      await enqueueSearch(trx, 'thread', answered)
    })
    await meili.sync()
    const { app } =
      engine === 'meilisearch' ? meili : await buildSearchApp(t, { database: meili.database, config: noMeilisearch })
    const badge = `<span class="badge badge-answered">${translate('en', 'search_results.answered')}</span>`
    const page = await new Client(app).get(q('emu'))
    const items = page.body.split('<li class="card search-hit').slice(1)
    t.equal(items.length, 2)
    t.ok(items.find((item) => item.includes(`href="/t/${answered}"`))!.includes(badge), 'the answered thread')
    t.notOk(items.find((item) => item.includes(`href="/t/${open}"`))!.includes(badge), 'not the other')
    const only = await new Client(app).get(q('emu', '&answered=1'))
    t.same(resultUrls(only.body), [`/t/${answered}`], 'answered only')
    t.equal((await new Client(app).get(q('emu', '&answered=yes'))).status, 400, 'a bad value is a 400')
    // The answer deleted: the thread has no answer any more, in the index too.
    await deletePost(db, { postId: answer, deletedBy: author.id })
    await meili.sync()
    t.same(resultUrls((await new Client(app).get(q('emu', '&answered=1'))).body), [], 'no longer answered')
  })
}
