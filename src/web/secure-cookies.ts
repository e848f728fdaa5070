// In production, every cookie Kring sends is Secure and HttpOnly, including those a plugin clears on its own.
import type { FastifyInstance } from 'fastify'

/**
 * @fastify/session clears a replaced or destroyed session cookie with only its path, so the clearing Set-Cookie
 * lacks the flags the cookie was set with. Added after the session plugin, this onSend hook runs after its own and
 * adds what is missing to each Set-Cookie header; cookies that already carry the flags are left as they are.
 */
export function installSecureCookies(app: FastifyInstance) {
  app.addHook('onSend', async (_request, reply, payload) => {
    const header = reply.getHeader('set-cookie')
    if (!header) return payload
    const cookies = (Array.isArray(header) ? header : [String(header)]).map(withFlags)
    // Removed first: reply.header appends to Set-Cookie instead of replacing it.
    reply.removeHeader('set-cookie')
    reply.header('set-cookie', cookies)
    return payload
  })
}

function withFlags(cookie: string): string {
  let out = cookie
  if (!/;\s*Secure(;|$)/i.test(out)) out += '; Secure'
  if (!/;\s*HttpOnly(;|$)/i.test(out)) out += '; HttpOnly'
  return out
}
