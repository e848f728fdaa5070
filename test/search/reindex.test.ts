import t from 'tap'
import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { connectDatabase } from '../../src/db/connect.js'
import { reindex, type ReindexProgress } from '../../src/search/reindex.js'
import { childEnv } from '../helpers/child-env.js'
import { Client } from '../helpers/client.js'
import { createTestDatabase } from '../helpers/database.js'
import { createCommunityWith, createThreadIn, createUser, replyIn } from '../helpers/factories.js'
import { testMeili } from '../helpers/app.js'
import { projectRoot } from '../setup/paths.js'
import { buildSearchApp, q, resultUrls } from './helpers.js'

t.test(
  'a reindex builds a fresh index and swaps it in without a single failed search, keeping changes made meanwhile',
  async (t) => {
    const { app, db, sync, search } = await buildSearchApp(t)
    const author = await createUser(db)
    const community = await createCommunityWith(db, { visibility: 'public', members: [author] })
    const threads: number[] = []
    for (let i = 0; i < 30; i++) {
      const id = await createThreadIn(db, community.id, author, {
        title: `Tandem cycling circle ${i}`,
        body: `Meeting notes number ${i}.`,
      })
      await replyIn(db, id, author, null, `Tandem reply ${i}`)
      threads.push(id)
    }
    await sync()
    const before = await search!.meili.index(search!.indexUid).getStats()
    t.equal(before.numberOfDocuments, 60)

    // Searches run the whole time: every one must be answered by Meilisearch, with results.
    let searching = true
    const outcomes: { status: number; limited: boolean; results: number }[] = []
    const visitor = new Client(app)
    const searcher = (async () => {
      while (searching) {
        const page = await visitor.get(q('tandem'))
        outcomes.push({
          status: page.status,
          limited: page.body.includes('search-limited'),
          results: resultUrls(page.body).length,
        })
      }
    })()

    let addedDuringRebuild: number | null = null
    const phases: ReindexProgress['phase'][] = []
    const result = await reindex(db, search!, {
      batchSize: 7,
      onProgress: (progress) => {
        phases.push(progress.phase)
        if (progress.phase === 'threads' && addedDuringRebuild === null) {
          addedDuringRebuild = -1
          // A thread started while the rebuild reads: the worker syncs it into the old index, the replay into the new.
          void createThreadIn(db, community.id, author, { title: 'Tandem newcomer during the rebuild' }).then(
            async (id) => {
              addedDuringRebuild = id
              await sync()
            },
          )
        }
      },
    })
    searching = false
    await searcher

    t.ok(outcomes.length > 0, `${outcomes.length} searches ran during the rebuild`)
    t.same(
      outcomes.filter((o) => o.status !== 200 || o.limited || o.results === 0),
      [],
      'none failed, fell back or came back empty',
    )
    t.same(
      [...new Set(phases)],
      ['settings', 'threads', 'indexing', 'swap', 'replay', 'done'],
      'progress is reported phase by phase',
    )
    t.ok(result.documents >= 60)
    t.ok(result.replayed >= 1, 'changes made meanwhile are replayed')

    const indexes = (await search!.meili.getIndexes({ limit: 1000 })).results
      .map((i) => i.uid)
      .filter((uid) => uid.startsWith(search!.indexPrefix))
    t.same(indexes, [search!.indexUid], 'one index remains, under the live name')
    const urls = resultUrls((await visitor.get(q('newcomer'))).body)
    t.same(urls, [`/t/${addedDuringRebuild}`], 'the thread started during the rebuild is in the new index')
    t.equal((await search!.meili.index(search!.indexUid).getStats()).numberOfDocuments, 61)
  },
)

t.test('npm run search:reindex shows its progress and swaps the index in', async (t) => {
  const meili = testMeili()
  const prefix = `cli${process.pid}_`
  let env: Record<string, string>
  let open: () => ReturnType<typeof connectDatabase>
  if (process.env.DATABASE_URL) {
    const database = await createTestDatabase(t)
    const url = (database.config as { url: string }).url
    env = { DATABASE_URL: url }
    open = () => connectDatabase({ kind: 'postgres', url })
  } else {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'kring-reindex-'))
    env = { KRING_DATA_DIR: dataDir, DATABASE_URL: '' }
    open = async () => {
      const { migrateToLatest } = await import('../../src/db/migrate.js')
      const db = await connectDatabase({ kind: 'pglite', dataDir: path.join(dataDir, 'pglite') })
      await migrateToLatest(db)
      return db
    }
  }
  const db = await open()
  const author = await createUser(db)
  const community = await createCommunityWith(db, { visibility: 'public', members: [author] })
  await createThreadIn(db, community.id, author, { title: 'Harmonica evenings' })
  await db.destroy()

  const child = spawn(path.join(projectRoot, 'node_modules/.bin/tsx'), ['scripts/search-reindex.ts'], {
    cwd: projectRoot,
    env: childEnv({
      ...env,
      MEILI_URL: meili.url,
      MEILI_MASTER_KEY: meili.masterKey,
      MEILI_INDEX_PREFIX: prefix,
      LOG_LEVEL: 'silent',
    }),
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c) => (stdout += c))
  child.stderr.on('data', (c) => (stderr += c))
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  t.equal(code, 0, stderr)
  t.match(stdout, `Rebuilding ${prefix}content`)
  t.match(stdout, /threads 1\/1 \(2 documents\)|threads 1\/1 \(1 documents\)/)
  t.match(stdout, /Done: \d+ documents/)
  t.notMatch(stdout + stderr, meili.masterKey, 'the master key is never printed')
})
