// Tokens for links in emails that need no row of their own (unsubscribe, email preferences): the purpose, the subject
// and an HMAC with the site secret. Tokens that must be single-use (verification, password reset) are stored hashed
// instead (src/accounts).
import { createHmac, timingSafeEqual } from 'node:crypto'

const separator = '.'

/** A URL-safe token binding `purpose` to `subject` (e.g. "unsubscribe", "user:12:reply"). */
export function signLink(secret: string, purpose: string, subject: string): string {
  const body = Buffer.from(subject, 'utf8').toString('base64url')
  return `${body}${separator}${mac(secret, purpose, body)}`
}

/** The subject a token was signed for, or null when it was tampered with or made for another purpose. */
export function verifyLink(secret: string, purpose: string, token: string): string | null {
  if (typeof token !== 'string' || token.length > 1000) return null
  const at = token.lastIndexOf(separator)
  if (at <= 0) return null
  const body = token.slice(0, at)
  // Compared as text: decoding base64url would ignore a character appended to the signature.
  const given = Buffer.from(token.slice(at + 1), 'utf8')
  const expected = Buffer.from(mac(secret, purpose, body), 'utf8')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null
  return Buffer.from(body, 'base64url').toString('utf8')
}

function mac(secret: string, purpose: string, body: string): string {
  return createHmac('sha256', secret).update(`kring-link:${purpose}:${body}`).digest('base64url').slice(0, 32)
}
