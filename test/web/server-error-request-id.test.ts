// A 500 page in production carries the request id a person can quote, the same one as the X-Request-Id header and
// the one error line logged for it, with the request's context and no internals on the page.
import t from 'tap'
import { HttpError } from '../../src/web/errors.js'
import { buildTestApp } from '../helpers/app.js'
import { Client } from '../helpers/client.js'
import { captureLog } from '../helpers/log-capture.js'

t.test('in production the 500 page shows the request id of its one logged error', async (t) => {
  const log = captureLog()
  const { app } = await buildTestApp(t, {
    config: { env: 'production', secureCookies: true, logLevel: 'info' },
    logStream: log.stream,
  })
  app.get('/test-only/boom', async () => {
    throw new Error('secret internal detail')
  })
  const page = await new Client(app).get('/test-only/boom?q=1', { 'x-forwarded-proto': 'https' })
  t.equal(page.status, 500)
  const id = String(page.headers['x-request-id'])
  t.match(id, /^[0-9a-f-]{36}$/, 'the response names its request')
  t.match(page.body, `request id ${id}`, 'and the page shows the same id')
  t.notMatch(page.body, 'secret internal detail')

  const errors = log.lines().filter((line) => Number(line.level) >= 50)
  t.equal(errors.length, 1, 'the error is logged once')
  t.equal(errors[0].reqId, id, 'under that id')
  t.match(errors[0], {
    msg: 'request failed',
    method: 'GET',
    url: '/test-only/boom?q=1',
    err: { message: 'secret internal detail' },
  })

  const json = await app.inject({ method: 'GET', url: '/test-only/boom', headers: { accept: 'application/json' } })
  t.equal(json.json<{ requestId: string }>().requestId, json.headers['x-request-id'], 'a JSON client gets it too')
})

t.test("an error page that cannot be built still answers with the request id, never Fastify's JSON", async (t) => {
  const log = captureLog()
  const { app } = await buildTestApp(t, { config: { logLevel: 'info' }, logStream: log.stream })
  app.get('/test-only/broken-page', async () => {
    // Whatever fails while the page is built; here a message variable that throws when read.
    const vars = Object.defineProperty({}, 'limit', {
      enumerable: true,
      get() {
        throw new Error('cannot read this variable')
      },
    }) as Record<string, string>
    throw new HttpError(400, 'error.400.message', vars)
  })
  const page = await app.inject({ method: 'GET', url: '/test-only/broken-page' })
  t.equal(page.statusCode, 500)
  t.equal(page.headers['content-type'], 'text/plain; charset=utf-8')
  t.match(page.body, `Request id: ${String(page.headers['x-request-id'])}`)
  t.notMatch(page.body, 'cannot read this variable', 'no internals')
  const errors = log.lines().filter((line) => Number(line.level) >= 50)
  t.equal(errors.length, 1, 'logged once')
  t.equal(errors[0].reqId, page.headers['x-request-id'])
})
