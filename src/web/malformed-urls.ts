// Requests the router cannot read (a broken %-encoding, a path segment past the router's length limit) and requests
// Node cannot parse at all: each still gets a Kring page with the security headers and a request id.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'
import { randomUUID } from 'node:crypto'
import { badRequest, notFound } from './errors.js'
import { redactUrl } from './log-redaction.js'

const malformed = Symbol('kring.malformedUrl')
type Flagged = IncomingMessage & { [malformed]?: 'encoding' | 'too_long' }

/**
 * Fastify's frameworkErrors. Its request has been through no hook (no helmet, no language, no cookies), so rather than
 * answer from here the request goes back to the router with a path it can read, marked, and the marker turns into the
 * error in an onRequest hook that runs after the others: the page then has everything a normal error page has.
 */
export function onFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const raw = request.raw as Flagged
  if (raw[malformed] !== undefined) {
    // Only if the rewritten URL failed again, which it cannot: answer plainly rather than loop.
    void reply.code(400).type('text/plain; charset=utf-8').send('Bad request')
    return
  }
  const url = raw.url ?? '/'
  request.log.info({ code: error.code, url: redactUrl(url) }, 'the router could not read this URL')
  const queryAt = url.indexOf('?')
  if (error.code === 'FST_ERR_BAD_URL') {
    raw[malformed] = 'encoding'
    // Every % as a literal %, so the path decodes; the marker makes it a 400 anyway.
    raw.url =
      (queryAt === -1 ? url : url.slice(0, queryAt)).replace(/%/g, '%25') + (queryAt === -1 ? '' : url.slice(queryAt))
  } else {
    raw[malformed] = 'too_long'
    raw.url = '/'
  }
  request.server.routing(raw, reply.raw)
}

/** Whether a query string holds a % that does not start a valid UTF-8 escape (?q=%, ?q=%E0%A4). */
export function hasMalformedQuery(url: string): boolean {
  const queryAt = url.indexOf('?')
  if (queryAt === -1 || url.indexOf('%', queryAt) === -1) return false
  try {
    decodeURIComponent(url.slice(queryAt + 1))
    return false
  } catch {
    return true
  }
}

/** After helmet, the request id and the viewer's language are set: a malformed URL becomes an error page from here. */
export function installMalformedUrlCheck(app: FastifyInstance) {
  app.addHook('onRequest', (request, _reply, done) => {
    const flag = (request.raw as Flagged)[malformed]
    if (flag === 'too_long') return done(notFound())
    if (flag === 'encoding' || hasMalformedQuery(request.url)) return done(badRequest('error.bad_url.message'))
    done()
  })
}

const clientErrorPage = (id: string) =>
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bad request · Kring</title></head><body>' +
  '<h1>Something is wrong with the request</h1><p>Kring could not read this request. Go back and try again.</p>' +
  `<p>Request id: ${id}</p><p><a href="/">Back to the home page</a></p></body></html>`

/**
 * Fastify's clientErrorHandler: Node could not parse the request (an unknown method, a control character in a header),
 * so there is no request to hand to the app. A short page with the security headers, instead of Fastify's bare JSON.
 */
export function onClientError(this: FastifyInstance, error: NodeJS.ErrnoException, socket: Socket) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const id = randomUUID()
  const status =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? '408 Request Timeout'
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? '431 Request Header Fields Too Large'
        : '400 Bad Request'
  this.log.info({ reqId: id, code: error.code }, 'a request Node could not parse was refused')
  if (!socket.writable) return void socket.destroy()
  const body = clientErrorPage(id)
  // end, not write + destroy: the page is flushed before the connection closes.
  socket.end(
    `HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: text/html; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nContent-Security-Policy: default-src 'none'\r\n` +
      `X-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\nX-Request-Id: ${id}\r\n\r\n${body}`,
  )
}
