// Where the test run keeps what prepare.ts makes for every test file.
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
// The tap runner spawns both the `before` script and every test file, so its pid names this run: runs side by side
// (two terminals, CI twice on one machine) each get their own Meilisearch and databases.
export const runId = process.env.KRING_TEST_RUN ?? String(process.ppid)
export const runDir = path.join(projectRoot, '.tap', 'kring', `run-${runId}`)
export const snapshotFile = path.join(runDir, 'pglite-snapshot.tar.gz')
export const meiliFile = path.join(runDir, 'meili.json')

export interface TestMeili {
  url: string
  masterKey: string
  pid: number
}

/** The database names a test run may create on a PostgreSQL server, derived from DATABASE_URL. */
export function testDatabaseNames(databaseUrl: string) {
  const url = new URL(databaseUrl)
  const base = decodeURIComponent(url.pathname.replace(/^\//, ''))
  if (!base.endsWith('_test')) {
    throw new Error(
      `Refusing to run tests against database "${base}": its name must end in _test (for example postgres://postgres@127.0.0.1:5432/kring_test).`,
    )
  }
  const stem = base.slice(0, -'_test'.length)
  const withDatabase = (name: string) => {
    const copy = new URL(databaseUrl)
    copy.pathname = `/${name}`
    return copy.toString()
  }
  return {
    template: `${stem}_r${runId}_template_test`,
    runPrefix: `${stem}_r${runId}_`,
    anyRunPattern: new RegExp(`^${stem}_r(\\d+)_.*_test$`),
    perFile: (suffix: string) => `${stem}_r${runId}_f${suffix}_test`,
    maintenanceUrl: withDatabase('postgres'),
    urlFor: withDatabase,
  }
}
