import t from 'tap'
import { spawn } from 'node:child_process'
import { childEnv } from '../helpers/child-env.js'
import { projectRoot } from '../setup/paths.js'

// A process with server.ts's last resort installed: a plain node:http server whose handler throws in a callback.
const script = `
import http from 'node:http'
import pino from 'pino'
import { installLastResort } from './src/last-resort.ts'
installLastResort(pino())
const server = http.createServer((req, res) => {
  if (req.url === '/bad-header') setImmediate(() => res.writeHead(200, { location: '/\\u2028' }))
  else if (req.url === '/bug') setImmediate(() => { throw new Error('a real bug') })
  else res.end('alive ' + process.pid)
})
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })))
`

t.test(
  'an error Node raises while writing a response is logged and the process keeps serving; any other error ends it',
  async (t) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: projectRoot,
      env: childEnv({}),
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')))
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    t.teardown(() => {
      if (child.exitCode === null) child.kill()
    })
    const port = await new Promise<number>((resolve) => {
      const onData = () => {
        const ready = /\{"port":(\d+)\}/.exec(output)
        if (ready) resolve(Number(ready[1]))
      }
      child.stdout.on('data', onData)
    })
    const get = (path: string) =>
      fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2000) })
        .then((r) => r.text())
        .catch(() => null)

    await get('/bad-header')
    t.equal(await get('/'), `alive ${child.pid}`, 'the same process answers after the header error')
    t.match(output, 'a response could not be written and no request handler caught it')
    t.match(output, 'ERR_INVALID_CHAR')

    void get('/bug')
    t.equal(await exited, 1, 'a real bug still ends the process')
    t.match(output, 'uncaught exception: Kring stops')
  },
)
