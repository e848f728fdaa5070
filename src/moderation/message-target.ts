// A private message as a moderation target: no community, so site moderators (admins) review it, and moderators see
// only the flagged message itself (its text, author and the conversation's subject), never the conversation.
import type { Transaction } from 'kysely'
import type { Db } from '../db/connect.js'
import type { Database } from '../db/database.js'
import type { Target } from './targets.js'

export async function findMessageTarget(db: Db | Transaction<Database>, id: number): Promise<Target | null> {
  const row = await db
    .selectFrom('messages as m')
    .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
    .select(['m.id', 'm.conversation_id', 'm.author_id', 'm.status', 'm.hidden_by', 'c.subject', 'm.body_html'])
    .where('m.id', '=', id)
    .executeTakeFirst()
  if (!row) return null
  return {
    type: 'message',
    id,
    communityId: null,
    authorId: row.author_id ?? 0,
    threadId: null,
    status: row.status,
    hiddenBy: row.hidden_by,
    title: row.subject,
    bodyHtml: row.body_html,
    url: `/messages/${row.conversation_id}#message-${row.id}`,
  }
}

/** Whether the member takes part in the message's conversation now: only they may flag it. */
export async function isMessageParticipant(db: Db, messageId: number, userId: number): Promise<boolean> {
  const row = await db
    .selectFrom('messages as m')
    .innerJoin('conversation_participants as p', 'p.conversation_id', 'm.conversation_id')
    .select('m.id')
    .where('m.id', '=', messageId)
    .where('p.user_id', '=', userId)
    .where('p.left_at', 'is', null)
    .executeTakeFirst()
  return row !== undefined
}
