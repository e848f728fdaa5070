// One-shot notices after a redirect ("You are logged out."), kept in a signed cookie so visitors need no session row.
import type { FastifyReply, FastifyRequest } from 'fastify'

const flashCookie = 'kring_flash'

export function setFlash(reply: FastifyReply, messageKey: string) {
  const secure = reply.server.config?.secureCookies ?? false
  reply.setCookie(flashCookie, messageKey, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    signed: true,
    maxAge: 60,
    secure,
  })
}

export function takeFlash(request: FastifyRequest, reply: FastifyReply): string | null {
  const raw = request.cookies?.[flashCookie]
  if (!raw) return null
  reply.clearCookie(flashCookie, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: reply.server.config?.secureCookies ?? false,
  })
  const unsigned = request.unsignCookie(raw)
  return unsigned.valid && unsigned.value && /^[a-z0-9_.]+$/.test(unsigned.value) ? unsigned.value : null
}

/** Whether a notice waits to be shown: such a page is this visitor's own, never one shared between visitors. */
export function hasFlash(request: FastifyRequest): boolean {
  return Boolean(request.cookies?.[flashCookie])
}
