// Request URLs as the log shows them: whole, except the secrets some of them carry (form tokens, invitation and
// account-link tokens), which are replaced so a log file never lets its reader act as someone else.
import type { FastifyRequest } from 'fastify'

export const redacted = 'REDACTED'

/** Path segments that are followed by a secret: /invite/<token>, /password/reset/<token>, /verify/<token>, ... */
const secretAfterSegment = new Set(['invite', 'reset', 'verify', 'unsubscribe', 'subscriptions', 'token', 'tokens'])

/** Query parameters whose value is a secret, by name: _csrf, token, invite_token, reset, unsubscribe, key, ... */
const secretParam = /^_?csrf$|token|secret|password|^reset|^unsubscribe|^key$|_key$|^sig|^code$/i

/** The URL with every secret it carries replaced; the path and the other parameters stay as they were. */
export function redactUrl(url: string, depth = 0): string {
  const queryAt = url.indexOf('?')
  const path = queryAt === -1 ? url : url.slice(0, queryAt)
  const segments = path.split('/')
  for (let i = 1; i < segments.length; i++) {
    if (segments[i] !== '' && secretAfterSegment.has(segments[i - 1].toLowerCase())) segments[i] = redacted
  }
  const safePath = segments.join('/')
  if (queryAt === -1) return safePath
  const pairs = url
    .slice(queryAt + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=')
      if (equals === -1) return pair
      const name = pair.slice(0, equals)
      const value = pair.slice(equals + 1)
      if (secretParam.test(safeDecode(name))) return `${name}=${redacted}`
      // A return address (?next=/invite/<token>) carries the secrets of the page it returns to.
      const decoded = safeDecode(value)
      if (depth < 2 && decoded.startsWith('/')) return `${name}=${encodeURIComponent(redactUrl(decoded, depth + 1))}`
      return pair
    })
  return `${safePath}?${pairs.join('&')}`
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '))
  } catch {
    return text
  }
}

/** Fastify's request serializer with the URL redacted: what every "incoming request" line and error line shows. */
export function serializeRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  }
}
