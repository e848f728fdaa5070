import t from 'tap'
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { lockDataDir } from '../../src/db/data-dir-lock.js'
import { childEnv } from '../helpers/child-env.js'
import { projectRoot } from '../setup/paths.js'

t.test('a second Kring on the same ./data fails with a clear message', async (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kring-lock-'))
  // Another process holds the folder.
  const holder = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '-e',
      `import('./src/db/data-dir-lock.ts').then((m) => { m.lockDataDir(${JSON.stringify(dataDir)}); console.log('locked') }); setTimeout(() => {}, 60000)`,
    ],
    { cwd: projectRoot, env: childEnv({}) },
  )
  t.teardown(() => holder.kill())
  await new Promise((resolve) => holder.stdout.once('data', resolve))
  t.throws(() => lockDataDir(dataDir), { name: 'DataDirInUseError' })
  t.throws(() => lockDataDir(dataDir), new RegExp(`Another Kring process \\(pid ${holder.pid}\\)`))
})

t.test('a lock left by a process that died is taken over', async (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kring-lock-'))
  writeFileSync(path.join(dataDir, 'kring.lock'), '999999999')
  const release = lockDataDir(dataDir)
  t.ok(existsSync(path.join(dataDir, 'kring.lock')))
  release()
  t.notOk(existsSync(path.join(dataDir, 'kring.lock')), 'released on close')
})

t.test('starting the server twice on one data folder: the second exits with the message', async (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kring-lock-'))
  const release = lockDataDir(dataDir)
  t.teardown(release)
  const child = spawn(path.join(projectRoot, 'node_modules/.bin/tsx'), ['src/server.ts'], {
    cwd: projectRoot,
    env: childEnv({ KRING_DATA_DIR: dataDir, PORT: '0', DATABASE_URL: '', MEILI_URL: '', LOG_LEVEL: 'info' }),
  })
  let output = ''
  child.stdout.on('data', (chunk) => (output += chunk))
  child.stderr.on('data', (chunk) => (output += chunk))
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  t.equal(code, 1)
  t.match(output, `Another Kring process (pid ${process.pid}) is using ${dataDir}`)
  t.notOk(existsSync(path.join(dataDir, 'pglite')), 'it touched nothing')
})
