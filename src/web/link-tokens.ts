// The random tokens in links Kring sends (invitations, account mail, subscriptions): the link carries random bytes,
// the database keeps only their SHA-256 (a fast hash suffices: the token is random, not a password), so a leaked
// table opens nothing.
import { createHash, randomBytes } from 'node:crypto'

export function hashLinkToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}

/** A fresh token of `bytes` random bytes (base64url, 4/3 as many characters) and the hash to store. */
export function newLinkToken(bytes: number): { token: string; hash: string } {
  const token = randomBytes(bytes).toString('base64url')
  return { token, hash: hashLinkToken(token) }
}
