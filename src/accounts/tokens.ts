// Single-use tokens for the links in account mail: 32 random bytes, stored as their hash (src/web/link-tokens.ts).
import type { Transaction } from 'kysely'
import type { AccountTokensTable, Database } from '../db/database.js'
import { hashLinkToken, newLinkToken } from '../web/link-tokens.js'

type Trx = Transaction<Database>
export type TokenPurpose = AccountTokensTable['purpose']

export const tokenLifetimeMs: Record<TokenPurpose, number> = {
  verify: 24 * 3600_000,
  reset: 3600_000,
  email_change: 24 * 3600_000,
}

/** Only what we hand out: 43 base64url characters. Anything else is refused before it reaches the database. */
export const isTokenShaped = (token: unknown): token is string =>
  typeof token === 'string' && /^[A-Za-z0-9_-]{43}$/.test(token)

export async function issueToken(
  trx: Trx,
  purpose: TokenPurpose,
  userId: number,
  options: { newEmail?: string; now?: Date } = {},
): Promise<string> {
  const { token, hash } = newLinkToken(32)
  const now = options.now ?? new Date()
  await trx
    .insertInto('account_tokens')
    .values({
      purpose,
      user_id: userId,
      token_hash: hash,
      new_email: options.newEmail ?? null,
      expires_at: new Date(now.getTime() + tokenLifetimeMs[purpose]),
    })
    .execute()
  return token
}

export interface UsableToken {
  id: string
  userId: number
  newEmail: string | null
}

/**
 * The token's row when it exists for this purpose, is unused and unexpired; else null (one answer for all three, so
 * the page does not tell a guesser which tokens exist). With `lock`, the row is locked so that two clicks use it once.
 */
export async function findUsableToken(
  trx: Trx,
  purpose: TokenPurpose,
  token: unknown,
  options: { lock?: boolean } = {},
): Promise<UsableToken | null> {
  if (!isTokenShaped(token)) return null
  const query = trx
    .selectFrom('account_tokens')
    .select(['id', 'user_id', 'new_email', 'expires_at', 'used_at'])
    .where('token_hash', '=', hashLinkToken(token))
    .where('purpose', '=', purpose)
  const row = await (options.lock ? query.forUpdate() : query).executeTakeFirst()
  if (!row || row.used_at !== null || row.expires_at.getTime() <= Date.now()) return null
  return { id: row.id, userId: row.user_id, newEmail: row.new_email }
}

/** Marks the token used, and every other open token of the member for the same purpose: one link wins. */
export async function useTokens(trx: Trx, purpose: TokenPurpose, userId: number): Promise<void> {
  await trx
    .updateTable('account_tokens')
    .set({ used_at: new Date() })
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .execute()
}

/** How many tokens of this purpose the member was sent since `since`: the per-address rate limit. */
export async function tokensSentSince(trx: Trx, purpose: TokenPurpose, userId: number, since: Date): Promise<number> {
  const row = await trx
    .selectFrom('account_tokens')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}
