// Where the test run keeps what prepare.ts makes for every test file.
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const runDir = path.join(projectRoot, '.tap', 'kring')
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
    throw new Error(`Refusing to run tests against database "${base}": its name must end in _test (for example postgres://postgres@127.0.0.1:5432/kring_test).`)
  }
  const stem = base.slice(0, -'_test'.length)
  const withDatabase = (name: string) => {
    const copy = new URL(databaseUrl)
    copy.pathname = `/${name}`
    return copy.toString()
  }
  return {
    template: `${stem}_template_test`,
    perFilePrefix: `${stem}_f`,
    perFile: (suffix: string) => `${stem}_f${suffix}_test`,
    maintenanceUrl: withDatabase('postgres'),
    urlFor: withDatabase,
  }
}
