// Each write form carries a one-time key, so a double click or a resent POST creates one post, not two.
import { randomBytes } from 'node:crypto'
import type { Transaction } from 'kysely'
import type { Db } from '../db/connect.js'
import type { Database } from '../db/database.js'

export const newSubmissionKey = () => randomBytes(16).toString('base64url')

export function validSubmissionKey(value: unknown): string | null {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{16,64}$/.test(value) ? value : null
}

/** Where the first submission with this key led, if it was this user's. */
export async function earlierSubmission(
  db: Db | Transaction<Database>,
  key: string | null,
  userId: number,
): Promise<string | null> {
  if (!key) return null
  const row = await db
    .selectFrom('form_submissions')
    .select(['result_url', 'user_id'])
    .where('key', '=', key)
    .executeTakeFirst()
  return row && row.user_id === userId ? row.result_url : null
}

export async function recordSubmission(
  trx: Transaction<Database>,
  key: string | null,
  userId: number,
  resultUrl: string,
) {
  if (!key) return
  // A concurrent twin that got here first makes this insert fail, rolling back the duplicate write with it.
  await trx.insertInto('form_submissions').values({ key, user_id: userId, result_url: resultUrl }).execute()
}

export function isDuplicateSubmission(error: unknown): boolean {
  const e = error as { code?: string; constraint?: string; message?: string }
  return e?.code === '23505' && (e.constraint === 'form_submissions_pkey' || /form_submissions/.test(e.message ?? ''))
}
