// One id per request, in every log line (reqId), in the X-Request-Id header and on error pages, so a person who
// reports a problem can point at the log lines it left.
import type { FastifyInstance } from 'fastify'
import type { IncomingMessage } from 'node:http'
import { randomUUID } from 'node:crypto'

/** What a proxy in front of Kring may hand on as its own id: short, plain characters, nothing a log or header could misread. */
const acceptedIncomingId = /^[A-Za-z0-9._-]{8,64}$/
const assigned = Symbol('kring.requestId')

type WithId = IncomingMessage & { [assigned]?: string }

/**
 * Fastify's genReqId. An incoming X-Request-Id is kept only when it has the shape above (a proxy's id joins its logs
 * to ours); anything else gets a fresh random id. Remembered on the raw request, so a request Fastify meets twice (a
 * malformed URL handed back to the router) keeps one id.
 */
export function requestIdOf(raw: IncomingMessage): string {
  const req = raw as WithId
  if (req[assigned]) return req[assigned]
  const incoming = req.headers['x-request-id']
  const id = typeof incoming === 'string' && acceptedIncomingId.test(incoming) ? incoming : randomUUID()
  req[assigned] = id
  return id
}

export function installRequestIdHeader(app: FastifyInstance) {
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id)
    done()
  })
}
