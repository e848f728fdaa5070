// The net under every response: a header value HTTP cannot carry is dropped (a redirect falls back to the home page)
// before Node would throw on it, and an exception while the response is written is logged once with the request id
// and answered with a plain 500, instead of escaping into a callback where it would end the whole process.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

/** What Node refuses in a header value (node:_http_common checkInvalidHeaderChar). */
const invalidHeaderChar = /[^\t\x20-\x7e\x80-\xff]/

function validHeaderValue(value: unknown): boolean {
  if (typeof value === 'number') return true
  if (typeof value === 'string') return !invalidHeaderChar.test(value)
  if (Array.isArray(value)) return value.every(validHeaderValue)
  return value === undefined
}

function dropInvalidHeaders(request: FastifyRequest, reply: FastifyReply) {
  const headers = reply.getHeaders()
  for (const name in headers) {
    if (validHeaderValue(headers[name])) continue
    // Values from users are encoded where they are set (safeLocalPath, cookies); reaching this line is a bug there.
    request.log.error({ header: name }, 'a response header held characters HTTP cannot carry; it was left out')
    reply.removeHeader(name)
    if (name === 'location') reply.header('location', '/')
  }
}

function answerWriteFailure(request: FastifyRequest, reply: FastifyReply, error: unknown) {
  request.log.error({ err: error }, 'the response could not be written; answered 500 instead')
  const res = reply.raw
  if (res.headersSent || res.destroyed) {
    res.destroy()
    return
  }
  for (const name of res.getHeaderNames()) res.removeHeader(name)
  const body = `Kring could not send this page. Request id: ${request.id}\n`
  res.writeHead(500, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'content-security-policy': "default-src 'none'",
    'x-content-type-options': 'nosniff',
    'x-request-id': request.id,
  })
  res.end(body)
}

/**
 * Installed after every infra plugin that sets headers in onSend (cookies, session), so its hook runs last: the
 * `done` it calls is what writes the head and the body, and the try around it sees whatever that throws.
 */
export function installResponseGuard(app: FastifyInstance) {
  app.addHook('onSend', (request, reply, payload, done) => {
    dropInvalidHeaders(request, reply)
    try {
      done(null, payload)
    } catch (error) {
      answerWriteFailure(request, reply, error)
    }
  })
}

/**
 * A Content-Disposition for a download, whatever the file is called: an ASCII fallback name (quotes, backslashes and
 * anything beyond ASCII replaced) and the real name percent-encoded as RFC 6266 / 5987 describe.
 */
export function attachment(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\%]/g, '_')
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(filename)}`
}
