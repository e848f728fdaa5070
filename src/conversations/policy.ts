// Who may write what in private conversations, checked inside the write's transaction: blocks and sending limits.
import { sql, type Transaction } from 'kysely'
import type { Database } from '../db/database.js'
import { isNewAccount } from '../moderation/policy.js'
import { HttpError } from '../web/errors.js'

type Trx = Transaction<Database>

/** Two people or a small group: the starter and at most nine others. */
export const maxParticipants = 10
export const maxSubjectLength = 200

/**
 * Sending limits per account, counted in PostgreSQL (so every instance sees the same count). Accounts younger than a
 * week get the tight ones: spam comes from fresh accounts. Everyone has a ceiling that no person typing reaches.
 */
export const conversationLimits = {
  newAccount: { conversationsPerDay: 3, messagesPerHour: 20 },
  established: { conversationsPerDay: 50, messagesPerHour: 200 },
}

export const blockedMessage = 'conversations.error.blocked'

/** The refusal when someone in the conversation blocked the writer: it says no more than that. */
export const cannotMessage = (keptText?: string) => new HttpError(403, blockedMessage, undefined, keptText)

/** Whether any of `userIds` blocked `authorId`, read in the transaction of the write. */
export async function anyBlocks(trx: Trx, authorId: number, userIds: number[]): Promise<boolean> {
  if (userIds.length === 0) return false
  const row = await trx
    .selectFrom('member_blocks')
    .select('blocker_id')
    .where('blocked_id', '=', authorId)
    .where('blocker_id', 'in', userIds)
    .limit(1)
    .executeTakeFirst()
  return row !== undefined
}

/**
 * Refuses (429, the text kept) when the author reached a limit. Takes a lock per author for the rest of the
 * transaction, so that two messages sent at once cannot both pass the last free place.
 */
export async function checkSendingLimits(
  trx: Trx,
  author: { id: number; createdAt: Date },
  starting: boolean,
  keptText: string,
): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('kring.messages'), ${author.id})`.execute(trx)
  const limits = isNewAccount(author.createdAt) ? conversationLimits.newAccount : conversationLimits.established
  if (starting) {
    const started = await trx
      .selectFrom('conversations')
      .select(sql<number>`count(*)::int`.as('count'))
      .where('created_by', '=', author.id)
      .where('created_at', '>', sql<Date>`now() - interval '1 day'`)
      .executeTakeFirstOrThrow()
    if (started.count >= limits.conversationsPerDay)
      throw new HttpError(
        429,
        'conversations.error.too_many_conversations',
        { max: limits.conversationsPerDay },
        keptText,
      )
  }
  const sent = await trx
    .selectFrom('messages')
    .select(sql<number>`count(*)::int`.as('count'))
    .where('author_id', '=', author.id)
    .where('created_at', '>', sql<Date>`now() - interval '1 hour'`)
    .executeTakeFirstOrThrow()
  if (sent.count >= limits.messagesPerHour)
    throw new HttpError(429, 'conversations.error.too_many_messages', { max: limits.messagesPerHour }, keptText)
}
