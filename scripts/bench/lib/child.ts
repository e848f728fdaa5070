// Servers under load run in their own process, so autocannon (in this one) does not share their event loop.
import { fork, type ChildProcess } from 'node:child_process'

export interface ChildServer<Ready> {
  ready: Ready
  pid: number
  /** The child's own CPU time so far, in milliseconds (user + system). */
  cpuMs(): Promise<number>
  stop(): Promise<void>
}

type Message<Ready> =
  { type: 'ready'; ready: Ready } | { type: 'error'; message: string } | { type: 'cpu'; usage: NodeJS.CpuUsage }

/** Starts `entry` under tsx, hands it `input`, and waits until it reports that it listens. */
export async function startChild<Input, Ready>(
  entry: string,
  input: Input,
  options: { timeoutMs?: number; execArgv?: string[] } = {},
): Promise<ChildServer<Ready>> {
  const child: ChildProcess = fork(entry, [], {
    execArgv: ['--import', 'tsx', ...(options.execArgv ?? [])],
    env: { ...process.env, NODE_ENV: 'production' },
    // Dates in view models survive the trip.
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const cpuWaiters: ((usage: NodeJS.CpuUsage) => void)[] = []
  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${entry} did not report ready in time`)),
      options.timeoutMs ?? 60_000,
    )
    child.on('message', (message: Message<Ready>) => {
      if (message.type === 'cpu') return cpuWaiters.shift()?.(message.usage)
      clearTimeout(timer)
      if (message.type === 'ready') resolve(message.ready)
      else reject(new Error(`${entry}: ${message.message}`))
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${entry} exited with ${code} before it was ready`))
    })
    child.send({ type: 'start', input })
  }).catch(async (error) => {
    child.kill()
    await exited
    throw error
  })
  return {
    ready,
    pid: child.pid!,
    cpuMs() {
      return new Promise((resolve) => {
        cpuWaiters.push((usage) => resolve((usage.user + usage.system) / 1000))
        child.send({ type: 'cpu' })
      })
    },
    async stop() {
      if (child.exitCode !== null) return
      child.send({ type: 'stop' })
      const timer = setTimeout(() => child.kill(), 10_000)
      await exited
      clearTimeout(timer)
    },
  }
}

/** The child's half: receive the input, start, report readiness, and close cleanly when asked. */
export function serveChild<Input, Ready>(start: (input: Input) => Promise<{ ready: Ready; close(): Promise<void> }>) {
  // Imported by a process that startChild did not fork (for benchConfig, say): nothing to serve.
  if (!process.send) return
  process.once('message', (message: { type: string; input: Input }) => void startServing(message))
  process.on('disconnect', () => process.exit(0))

  async function startServing(message: { type: string; input: Input }) {
    if (message.type !== 'start') return
    try {
      const server = await start(message.input)
      process.on('message', (next: { type: string }) => {
        if (next.type === 'cpu') process.send!({ type: 'cpu', usage: process.cpuUsage() })
        if (next.type !== 'stop') return
        server.close().then(
          () => process.exit(0),
          () => process.exit(1),
        )
      })
      process.send!({ type: 'ready', ready: server.ready })
    } catch (error) {
      process.send!({ type: 'error', message: (error as Error).stack ?? String(error) })
      process.exit(1)
    }
  }
}
