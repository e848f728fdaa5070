import t from 'tap'
import { sql } from 'kysely'
import {
  claimBatch,
  completeRows,
  enqueueSearch,
  failRows,
  outboxBacklog,
  releaseBackoff,
} from '../../src/search/outbox.js'
import { drainOutbox } from '../../src/search/sync.js'
import { Client, logIn } from '../helpers/client.js'
import { createCommunityWith, createThreadIn, createUser, replyIn } from '../helpers/factories.js'
import { buildSearchApp, q, resultUrls } from './helpers.js'

t.test('a change and its outbox row commit or roll back together; repeated changes share one row', async (t) => {
  const { db } = await buildSearchApp(t)
  const author = await createUser(db)
  const community = await createCommunityWith(db, { visibility: 'public', members: [author] })
  const threadId = await createThreadIn(db, community.id, author)
  const rows = () =>
    db.selectFrom('search_outbox').select(['entity_type', 'entity_id', 'version']).orderBy('id').execute()
  t.same(await rows(), [{ entity_type: 'thread', entity_id: threadId, version: 1 }], 'starting a thread wrote its row')

  await t.rejects(
    db.transaction().execute(async (trx) => {
      await enqueueSearch(trx, 'post', 999)
      throw new Error('the command failed')
    }),
  )
  t.same((await rows()).length, 1, 'a rolled back command leaves no row')

  await replyIn(db, threadId, author)
  await enqueueSearch(db, 'thread', threadId)
  const all = await rows()
  t.equal(all.length, 2)
  t.equal(all[0].version, 2, 'a second change to the thread bumped its row instead of adding one')
  t.match(await outboxBacklog(db), { pending: 2, failing: 0, oldestAgeSeconds: Number })
})

t.test('claims are leased, a row changed while it synced stays for another pass, failures back off', async (t) => {
  const { db, search } = await buildSearchApp(t)
  const author = await createUser(db)
  const community = await createCommunityWith(db, { visibility: 'public', members: [author] })
  const first = await createThreadIn(db, community.id, author)
  const second = await createThreadIn(db, community.id, author)

  const claimed = await claimBatch(db, 10)
  t.equal(claimed.length, 2)
  t.same(await claimBatch(db, 10), [], 'a leased row is not claimed twice')

  // The first thread changes while its old version is being synced.
  await enqueueSearch(db, 'thread', first)
  await completeRows(db, claimed)
  const left = await db
    .selectFrom('search_outbox')
    .select(['entity_id', 'version', 'claimed_until'])
    .where('done_at', 'is', null)
    .execute()
  t.same(left, [{ entity_id: first, version: 2, claimed_until: null }], 'only the changed row is left, released')

  const again = await claimBatch(db, 10)
  t.same(
    again.map((r) => r.entity_id),
    [first],
  )
  await failRows(db, again, 'connect ECONNREFUSED', { baseMs: 60_000, maxMs: 600_000 })
  const failed = await db
    .selectFrom('search_outbox')
    .select(['attempts', 'last_error', sql<boolean>`next_attempt_at > now() + interval '30 seconds'`.as('later')])
    .where('entity_id', '=', first)
    .executeTakeFirstOrThrow()
  t.same(
    failed,
    { attempts: 1, last_error: 'connect ECONNREFUSED', later: true },
    'the failure is recorded and the retry pushed back',
  )
  t.same(await claimBatch(db, 10), [], 'not retried before its time')
  t.equal((await outboxBacklog(db)).failing, 1)
  t.equal(await releaseBackoff(db), 1, 'when Meilisearch is back, the backoff is lifted')
  const result = await drainOutbox(db, search!)
  t.same(result, { synced: 1, failed: 0, error: null })
  t.ok(second)
  t.same(await outboxBacklog(db), { pending: 0, failing: 0, oldestAgeSeconds: null })
})

t.test('two workers draining at once sync every row exactly once', async (t) => {
  const { db, database, search, app } = await buildSearchApp(t)
  const author = await createUser(db)
  const community = await createCommunityWith(db, { visibility: 'public', members: [author] })
  for (let i = 0; i < 40; i++) await createThreadIn(db, community.id, author, { title: `Bagpipe ensemble ${i}` })
  // On PostgreSQL a second connection, as a second Kring process would have; PGlite is one session, so the same.
  const other = process.env.DATABASE_URL ? await database.connectAgain() : db
  const [a, b] = await Promise.all([
    drainOutbox(db, search!, { batchSize: 5 }),
    drainOutbox(other, search!, { batchSize: 5 }),
  ])
  t.equal(a.synced + b.synced, 40, `every row once (${a.synced} + ${b.synced})`)
  t.equal(a.error ?? b.error, null)
  const page = await new Client(app).get(q('bagpipe'))
  t.match(page.body, '40 results')
})

t.test(
  'a community that turns members-only takes its discussions out of public search once its row is synced',
  async (t) => {
    const { app, db, sync, search } = await buildSearchApp(t)
    const author = await createUser(db)
    const community = await createCommunityWith(db, { visibility: 'public', members: [author] })
    const threadId = await createThreadIn(db, community.id, author, { title: 'Didgeridoo circle' })
    await replyIn(db, threadId, author, null, 'Didgeridoo reply')
    await sync()
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('communities')
        .set({ visibility: 'members', name: 'Closed didgeridoo club' })
        .where('id', '=', community.id)
        .execute()
      await enqueueSearch(trx, 'community', community.id)
    })
    await sync()
    const docs = await search!.meili
      .index(search!.indexUid)
      .getDocuments<{ id: string; visibility: string; community_name: string }>({
        fields: ['id', 'visibility', 'community_name'],
      })
    t.same(
      docs.results.map((d) => d.visibility),
      [`community:${community.id}`, `community:${community.id}`],
      'every document of the community was rebuilt',
    )
    t.same(
      docs.results.map((d) => d.community_name),
      ['Closed didgeridoo club', 'Closed didgeridoo club'],
    )
    t.same(resultUrls((await new Client(app).get(q('didgeridoo'))).body), [], 'a visitor finds nothing')
    const member = new Client(app)
    await logIn(member, author.email, author.password)
    t.equal(resultUrls((await member.get(q('didgeridoo'))).body).length, 2, 'a member finds both')
  },
)
