// The tokens in subscription links: random, 32 URL-safe characters (well under Fastify's 100-character parameter
// limit), and stored only as their SHA-256, so a leaked table does not let anyone manage someone's subscriptions.
import { hashLinkToken, newLinkToken } from '../web/link-tokens.js'

export const confirmationLifetimeMs = 48 * 3600_000
/** A management link sits in every digest; it outlives a few missed weeks. */
export const manageLifetimeMs = 90 * 86_400_000

export const newToken = () => newLinkToken(24)
export const hashToken = hashLinkToken

/** Only what newToken makes: anything else is refused before a query. */
export function isTokenShape(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{32}$/.test(value)
}
