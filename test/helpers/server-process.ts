// The real Kring server (src/server.ts) as a child process on a free port, for tests that need a listening socket
// and the process's own fate: does it still answer, with the same pid, after what was sent to it.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { projectRoot } from '../setup/paths.js'
import { testMeili } from './app.js'
import { childEnv } from './child-env.js'
import { createTestDatabase } from './database.js'

interface TestContext {
  teardown(fn: () => unknown): void
}

export interface ServerProcess {
  child: ChildProcess
  port: number
  /** Every JSON log line the server wrote so far. */
  logLines(): Record<string, unknown>[]
  logLineFor(reqId: string): Promise<Record<string, unknown>>
  /** Resolves once the process exited (with its code), for tests that expect it never to. */
  exited: Promise<number | null>
}

export async function startServer(t: TestContext, env: Record<string, string> = {}): Promise<ServerProcess> {
  const meili = testMeili()
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kring-server-'))
  const database = process.env.DATABASE_URL ? (await createTestDatabase(t)).config : null
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: projectRoot,
    env: childEnv({
      KRING_DATA_DIR: dataDir,
      DATABASE_URL: database?.kind === 'postgres' ? database.url : '',
      MEILI_URL: meili.url,
      MEILI_MASTER_KEY: meili.masterKey,
      MEILI_INDEX_PREFIX: `s${randomBytes(4).toString('hex')}_`,
      KRING_DEMO: '0',
      PORT: '0',
      LOG_LEVEL: 'info',
      KRING_REGISTER_RATE_MAX: '1000',
      KRING_LOGIN_RATE_MAX: '1000',
      ...env,
    }),
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      await exited
    }
  })
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')))
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')))
  const port = await new Promise<number>((resolve, reject) => {
    const onData = () => {
      const ready = /Kring is ready at http:\/\/127\.0\.0\.1:(\d+)/.exec(output)
      if (!ready) return
      child.stdout!.off('data', onData)
      resolve(Number(ready[1]))
    }
    child.stdout!.on('data', onData)
    void exited.then((code) => reject(new Error(`the server exited (${code}) before it was ready:\n${output}`)))
  })
  const logLines = () =>
    output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
  /** The log line of one request: pino writes it after the response went out, so it may arrive a moment later. */
  const logLineFor = (reqId: string) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const look = () => {
        const line = logLines().find((entry) => entry.reqId === reqId)
        if (!line) return
        child.stdout!.off('data', look)
        resolve(line)
      }
      child.stdout!.on('data', look)
      look()
    })
  return { child, port, logLines, logLineFor, exited }
}
