// Device cookies (OWASP, "slow down online guessing attacks with device cookies"): a browser that once logged in to an
// account is exempt from that account's failed-login throttle, so a stranger who keeps the throttle busy with wrong
// guesses cannot lock the owner out. The per-address rate limit still applies to every browser.
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'

export const deviceCookie = 'kring_device'
const maxAgeSeconds = 365 * 24 * 60 * 60

/** Names the account without naming its email: an HMAC under the server's secret, so it cannot be made elsewhere. */
function deviceValue(secret: string, emailKey: string): string {
  return createHmac('sha256', secret).update(`kring device:${emailKey}`).digest('base64url')
}

/** Set at each successful login and kept at logout: the browser stays known to the account it logged in to. */
export function rememberDevice(request: FastifyRequest, reply: FastifyReply, emailKey: string) {
  const { config } = request.server
  reply.setCookie(deviceCookie, deviceValue(config.sessionSecret, emailKey), {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    signed: true,
    maxAge: maxAgeSeconds,
    secure: config.secureCookies,
  })
}

/** Whether this browser carries a valid (signed, unaltered) device cookie for exactly this account. */
export function isKnownDevice(request: FastifyRequest, emailKey: string): boolean {
  const raw = request.cookies?.[deviceCookie]
  if (!raw) return false
  const unsigned = request.unsignCookie(raw)
  if (!unsigned.valid || !unsigned.value) return false
  const expected = Buffer.from(deviceValue(request.server.config.sessionSecret, emailKey))
  const given = Buffer.from(unsigned.value)
  return given.length === expected.length && timingSafeEqual(given, expected)
}
