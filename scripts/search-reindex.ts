// npm run search:reindex: rebuilds the Meilisearch content index from the database into a fresh index and swaps it in.
import { loadConfig } from '../src/config.js'
import { DataDirInUseError, lockDataDir } from '../src/db/data-dir-lock.js'
import { createSearchClient } from '../src/search/client.js'
import { launchMeilisearch, type LaunchedMeili } from '../src/search/meili-launcher.js'
import { processOwner, rebuildHolder, withRebuildClaim } from '../src/search/rebuild-claim.js'
import { reindex, type ReindexProgress } from '../src/search/reindex.js'
import { fail, openMigratedDatabase } from './open-database.js'

const config = loadConfig()
const log = { info: () => {}, warn: (_obj: object, msg: string) => process.stderr.write(`${msg}\n`) }

// Without MEILI_URL the index lives in the bundled Meilisearch under ./data, which only one process may run.
let unlock = () => {}
let meili: LaunchedMeili | null = null
let url = config.search.url
let masterKey = config.search.masterKey
let db: Awaited<ReturnType<typeof openMigratedDatabase>>
try {
  if (url === null && config.database.kind !== 'pglite') unlock = lockDataDir(config.dataDir)
  db = await openMigratedDatabase()
} catch (error) {
  if (error instanceof DataDirInUseError) {
    fail(
      'Kring is running on this data folder. Stop it first, or run Kring and this script against MEILI_URL and DATABASE_URL, which can be shared.',
    )
  }
  throw error
}
if (url === null) {
  meili = await launchMeilisearch({ dataDir: config.dataDir, logger: log })
  if (!meili)
    fail('No Meilisearch: the bundled binary is not available on this platform. Set MEILI_URL and MEILI_MASTER_KEY.')
  url = meili.url
  masterKey = meili.masterKey
}

const search = createSearchClient({ url, masterKey: masterKey!, indexPrefix: config.search.indexPrefix })
const out = (line: string) => process.stdout.write(`${line}\n`)
let lastLine = ''
const show = (p: ReindexProgress) => {
  const count = p.total !== undefined ? ` ${p.done}/${p.total}` : ''
  const docs = p.documents !== undefined ? ` (${p.documents} documents)` : ''
  const line = `${p.phase}${count}${docs}`
  if (line !== lastLine) out(line)
  lastLine = line
}

let exitCode = 0
try {
  out(`Rebuilding ${search.indexUid} at ${url}`)
  // The same claim Kring's own rebuilds take, so this and a running Kring never rebuild the index at once.
  const claimed = await withRebuildClaim(db.db, search.indexUid, processOwner, () =>
    reindex(db.db, search, { onProgress: show }),
  )
  if (!claimed) {
    const holder = await rebuildHolder(db.db, search.indexUid)
    throw new Error(
      `another process (${holder?.owner ?? 'unknown'}) is rebuilding this index since ${holder?.startedAt.toISOString() ?? 'a moment ago'}; try again when it is done`,
    )
  }
  const result = claimed.value
  out(
    `Done: ${result.documents} documents in ${result.seconds.toFixed(1)} s, swapped into ${result.index}; ${result.replayed} recent changes replayed.`,
  )
} catch (error) {
  process.stderr.write(`Reindex failed: ${(error as Error).message}\n`)
  exitCode = 1
} finally {
  search.close()
  await db.close()
  await meili?.stop()
  unlock()
}
process.exit(exitCode)
