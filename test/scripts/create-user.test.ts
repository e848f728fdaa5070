import t from 'tap'
import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { verifyPassword } from '../../src/accounts/password.js'
import { connectDatabase } from '../../src/db/connect.js'
import { childEnv } from '../helpers/child-env.js'
import { createTestDatabase } from '../helpers/database.js'
import { projectRoot } from '../setup/paths.js'

function run(args: string[], env: Record<string, string>, stdin: string) {
  const child = spawn(path.join(projectRoot, 'node_modules/.bin/tsx'), ['scripts/create-user.ts', ...args], {
    cwd: projectRoot,
    env: childEnv(env),
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c) => (stdout += c))
  child.stderr.on('data', (c) => (stderr += c))
  child.stdin.end(stdin)
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, stdout, stderr })),
  )
}

t.test('npm run user:create makes an admin from the shell without printing the password', async (t) => {
  const password = 'shell-made secret 42'
  let env: Record<string, string>
  let open: () => ReturnType<typeof connectDatabase>
  if (process.env.DATABASE_URL) {
    const database = await createTestDatabase(t)
    const url = (database.config as { url: string }).url
    env = { DATABASE_URL: url }
    open = () => connectDatabase({ kind: 'postgres', url })
  } else {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'kring-cli-'))
    env = { KRING_DATA_DIR: dataDir, DATABASE_URL: '' }
    open = () => connectDatabase({ kind: 'pglite', dataDir: path.join(dataDir, 'pglite') })
  }

  const result = await run(
    ['--email', 'Coordinator@Example.org', '--name', 'Hanne Wouters', '--admin'],
    env,
    `${password}\n`,
  )
  t.equal(result.code, 0, result.stderr)
  t.match(result.stdout, 'Created admin Hanne Wouters <coordinator@example.org>')
  t.notMatch(result.stdout + result.stderr, password)

  const again = await run(['--email', 'coordinator@example.org', '--name', 'Twice'], env, `${password}\n`)
  t.equal(again.code, 1)
  t.match(again.stderr, 'already exists')
  const weak = await run(['--email', 'weak@example.org', '--name', 'Weak'], env, 'short\n')
  t.equal(weak.code, 1)
  t.match(weak.stderr, 'at least 10 characters')
  t.notMatch(weak.stdout + weak.stderr, 'short\n')
  const noEmail = await run(['--name', 'Nobody'], env, `${password}\n`)
  t.equal(noEmail.code, 1)
  t.match(noEmail.stderr, 'Usage:')

  const db = await open()
  t.teardown(() => db.destroy())
  const users = await db.selectFrom('users').select(['email', 'site_role', 'password_hash']).execute()
  t.equal(users.length, 1)
  t.equal(users[0].site_role, 'admin')
  t.ok(await verifyPassword(password, users[0].password_hash))
})
