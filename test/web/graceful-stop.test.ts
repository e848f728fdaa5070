// Stopping Kring: a stop signal drains requests in flight for at most KRING_SHUTDOWN_TIMEOUT_MS, and a second signal
// ends the process at once, so an operator is never left waiting on a client that does not finish its request.
import { connect, type Socket } from 'node:net'
import t from 'tap'
import { startServer, type ServerProcess } from '../helpers/server-process.js'

/** A POST whose body never finishes arriving: the request stays in flight until the server gives up on it. */
async function stuckRequest(server: ServerProcess): Promise<Socket> {
  const socket = await new Promise<Socket>((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1', () => {
      socket.write(
        `POST /login HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n` +
          'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nemail=a',
      )
      resolve(socket)
    })
    socket.on('error', () => {})
    socket.once('error', reject)
  })
  // Until Kring has read the request line it is an idle connection, which a stop closes at once.
  while (
    !server
      .logLines()
      .some((line) => line.msg === 'incoming request' && (line.req as { url?: string } | undefined)?.url === '/login')
  )
    await new Promise((resolve) => setTimeout(resolve, 20))
  return socket
}

/** The process's exit, or 'still running' once `ms` have passed: a hung stop is a failure, not a hung test. */
function exitWithin(server: ServerProcess, ms: number): Promise<number | null | 'still running'> {
  return Promise.race([server.exited, new Promise<'still running'>((r) => setTimeout(() => r('still running'), ms))])
}

const logged = (server: ServerProcess, msg: string) => server.logLines().some((line) => line.msg === msg)

t.test('without requests in flight, a stop signal ends the process cleanly', async (t) => {
  const server = await startServer(t)
  server.child.kill('SIGTERM')
  t.equal(await exitWithin(server, 20_000), 0, 'exit code 0')
})

t.test('a second stop signal ends the process at once, while a request is still in flight', async (t) => {
  const server = await startServer(t, { KRING_SHUTDOWN_TIMEOUT_MS: '600000' })
  const socket = await stuckRequest(server)
  t.teardown(() => socket.destroy())
  server.child.kill('SIGTERM')
  t.equal(await exitWithin(server, 1500), 'still running', 'the first signal waits for the request in flight')
  t.ok(logged(server, 'shutting down'), 'the first signal was heard')
  server.child.kill('SIGTERM')
  t.equal(await exitWithin(server, 20_000), 1, 'the second signal exits (code 1) without waiting for the drain')
  t.ok(logged(server, 'second stop signal: exiting now'), 'and says why in the log')
})

t.test('the drain timeout ends a stop that a request in flight would hold up', async (t) => {
  const server = await startServer(t, { KRING_SHUTDOWN_TIMEOUT_MS: '1000' })
  const socket = await stuckRequest(server)
  t.teardown(() => socket.destroy())
  server.child.kill('SIGTERM')
  // The request would hold the stop up for Fastify's 30 s request timeout; the drain timeout is one second.
  t.equal(await exitWithin(server, 20_000), 1, 'the process exits on its own after the drain timeout')
  t.ok(logged(server, 'requests still running after the drain timeout: exiting anyway'), 'and says why in the log')
})
