// Writes of private conversations, each in one transaction: start, reply, leave, mark read, block and unblock.
import type { Kysely, Transaction } from 'kysely'
import type { Database } from '../db/database.js'
import { renderMarkdown } from '../markdown/render.js'
import { lockActiveActor } from '../moderation/actor-guard.js'
import { excerptOf } from '../notifications/fan-out.js'
import { notify, type NotifyConfig } from '../notifications/notify.js'
import { HttpError, notFound } from '../web/errors.js'
import { anyBlocks, cannotMessage, checkSendingLimits } from './policy.js'

type Db = Kysely<Database>
type Trx = Transaction<Database>

/** A refusal from the shared guards (suspended, unverified) keeps what the member wrote, as every refusal here does. */
function keepingText<T>(text: string, run: () => Promise<T>): Promise<T> {
  return run().catch((error: unknown) => {
    if (error instanceof HttpError && error.keptText === undefined && error.statusCode < 500)
      throw new HttpError(error.statusCode, error.messageKey, error.vars, text)
    throw error
  })
}

async function lockAuthor(trx: Trx, userId: number) {
  await lockActiveActor(trx, userId)
  const row = await trx
    .selectFrom('users')
    .select(['id', 'display_name', 'created_at'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow()
  return { id: row.id, name: row.display_name, createdAt: row.created_at }
}

async function addMessage(
  trx: Trx,
  config: NotifyConfig | null,
  input: { conversationId: number; subject: string; author: { id: number; name: string }; bodyMd: string },
) {
  const rendered = renderMarkdown(input.bodyMd)
  const message = await trx
    .insertInto('messages')
    .values({
      conversation_id: input.conversationId,
      author_id: input.author.id,
      body_md: input.bodyMd,
      body_html: rendered.html,
    })
    .returning(['id', 'created_at'])
    .executeTakeFirstOrThrow()
  await trx
    .updateTable('conversations')
    .set({ last_message_at: message.created_at })
    .where('id', '=', input.conversationId)
    .execute()
  await trx
    .updateTable('conversation_participants')
    .set({ last_message_at: message.created_at })
    .where('conversation_id', '=', input.conversationId)
    .execute()
  // The author has read what they wrote.
  await trx
    .updateTable('conversation_participants')
    .set({ last_read_message_id: message.id })
    .where('conversation_id', '=', input.conversationId)
    .where('user_id', '=', input.author.id)
    .execute()
  const others = await trx
    .selectFrom('conversation_participants')
    .select('user_id')
    .where('conversation_id', '=', input.conversationId)
    .where('left_at', 'is', null)
    .where('user_id', '<>', input.author.id)
    .execute()
  if (config && others.length > 0)
    await notify(
      trx,
      config,
      others.map((row) => ({
        userId: row.user_id,
        kind: 'message' as const,
        groupKey: `message:conversation:${input.conversationId}`,
        url: `/messages/${input.conversationId}#message-${message.id}`,
        actorId: input.author.id,
        subject: { type: 'message' as const, id: message.id },
        data: { actor: input.author.name, title: input.subject, excerpt: excerptOf(rendered.html) },
        conversation: `conversation-${input.conversationId}`,
      })),
    )
  return message.id
}

export interface StartInput {
  authorId: number
  recipientIds: number[]
  subject: string
  bodyMd: string
}

/** Starts a conversation with its first message; the recipients were checked as reachable by the route. */
export async function startConversation(db: Db, config: NotifyConfig | null, input: StartInput) {
  return keepingText(input.bodyMd, () =>
    db.transaction().execute(async (trx) => {
      const author = await lockAuthor(trx, input.authorId)
      if (await anyBlocks(trx, author.id, input.recipientIds)) throw cannotMessage(input.bodyMd)
      await checkSendingLimits(trx, author, true, input.bodyMd)
      const conversation = await trx
        .insertInto('conversations')
        .values({ subject: input.subject, created_by: author.id })
        .returning('id')
        .executeTakeFirstOrThrow()
      await trx
        .insertInto('conversation_participants')
        .values([author.id, ...input.recipientIds].map((user_id) => ({ conversation_id: conversation.id, user_id })))
        .execute()
      const messageId = await addMessage(trx, config, {
        conversationId: conversation.id,
        subject: input.subject,
        author,
        bodyMd: input.bodyMd,
      })
      return { conversationId: conversation.id, messageId }
    }),
  )
}

/** A reply from a participant; refused when someone still in the conversation blocked them. */
export async function replyToConversation(
  db: Db,
  config: NotifyConfig | null,
  input: { conversationId: number; authorId: number; bodyMd: string },
) {
  return keepingText(input.bodyMd, () =>
    db.transaction().execute(async (trx) => {
      const author = await lockAuthor(trx, input.authorId)
      const conversation = await trx
        .selectFrom('conversations as c')
        .innerJoin('conversation_participants as p', 'p.conversation_id', 'c.id')
        .select(['c.id', 'c.subject'])
        .where('c.id', '=', input.conversationId)
        .where('p.user_id', '=', author.id)
        .where('p.left_at', 'is', null)
        .executeTakeFirst()
      if (!conversation) throw notFound()
      const others = await trx
        .selectFrom('conversation_participants')
        .select('user_id')
        .where('conversation_id', '=', conversation.id)
        .where('left_at', 'is', null)
        .where('user_id', '<>', author.id)
        .execute()
      if (
        await anyBlocks(
          trx,
          author.id,
          others.map((row) => row.user_id),
        )
      )
        throw cannotMessage(input.bodyMd)
      await checkSendingLimits(trx, author, false, input.bodyMd)
      const messageId = await addMessage(trx, config, {
        conversationId: conversation.id,
        subject: conversation.subject,
        author,
        bodyMd: input.bodyMd,
      })
      return { messageId }
    }),
  )
}

/** Leaves the conversation: it leaves the inbox, its notifications and waiting emails go too. */
export async function leaveConversation(db: Db, input: { conversationId: number; userId: number }) {
  return db.transaction().execute(async (trx) => {
    const left = await trx
      .updateTable('conversation_participants')
      .set({ left_at: new Date() })
      .where('conversation_id', '=', input.conversationId)
      .where('user_id', '=', input.userId)
      .where('left_at', 'is', null)
      .returning('user_id')
      .executeTakeFirst()
    if (!left) throw notFound()
    const messageIds = trx.selectFrom('messages').select('id').where('conversation_id', '=', input.conversationId)
    await trx
      .deleteFrom('email_outbox')
      .where('status', '=', 'pending')
      .where('user_id', '=', input.userId)
      .where('subject_type', '=', 'message')
      .where('subject_id', 'in', messageIds)
      .execute()
  })
}

/** Moves the read position forward only (never back), and writes nothing when it would not move. */
export async function markRead(db: Db, input: { conversationId: number; userId: number; messageId: number }) {
  await db
    .updateTable('conversation_participants')
    .set({ last_read_message_id: input.messageId })
    .where('conversation_id', '=', input.conversationId)
    .where('user_id', '=', input.userId)
    .where((eb) => eb.or([eb('last_read_message_id', 'is', null), eb('last_read_message_id', '<', input.messageId)]))
    .execute()
}

/** Blocks a member (idempotent); blocking oneself or nobody is a 400/404 the route turns into a page. */
export async function blockMember(db: Db, input: { blockerId: number; blockedId: number }) {
  if (input.blockerId === input.blockedId) throw new HttpError(400, 'conversations.error.block_self')
  await db.transaction().execute(async (trx) => {
    const target = await trx.selectFrom('users').select('id').where('id', '=', input.blockedId).executeTakeFirst()
    if (!target) throw notFound()
    await trx
      .insertInto('member_blocks')
      .values({ blocker_id: input.blockerId, blocked_id: input.blockedId })
      .onConflict((oc) => oc.columns(['blocker_id', 'blocked_id']).doNothing())
      .execute()
  })
}

export async function unblockMember(db: Db, input: { blockerId: number; blockedId: number }) {
  await db
    .deleteFrom('member_blocks')
    .where('blocker_id', '=', input.blockerId)
    .where('blocked_id', '=', input.blockedId)
    .execute()
}
