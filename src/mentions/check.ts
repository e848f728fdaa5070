// A form's mentions before its write: who they name, and whether a new account names too many.
import type { FastifyRequest } from 'fastify'
import type { Kysely } from 'kysely'
import type { Database } from '../db/database.js'
import { renderMarkdown } from '../markdown/render.js'
import { isNewAccount } from '../moderation/policy.js'
import type { FieldMessage } from '../web/limits.js'
import { NEW_ACCOUNT_MENTION_LIMIT } from './commands.js'
import { resolveMentions } from './resolve.js'
import type { MentionMap } from './syntax.js'

/**
 * Resolves the text's mentions. An account younger than a week (the same line as the posting limits) may mention at
 * most NEW_ACCOUNT_MENTION_LIMIT other members in one text: more is the form again, with its text and this message.
 */
export async function checkMentions(
  db: Kysely<Database>,
  request: FastifyRequest,
  markdown: string,
): Promise<{ mentions: MentionMap; error: FieldMessage | null }> {
  const mentions = await resolveMentions(db, markdown)
  if (mentions.size === 0 || !isNewAccount(request.viewer?.createdAt)) return { mentions, error: null }
  const others = renderMarkdown(markdown, mentions).mentioned.filter((id) => id !== request.viewer?.id)
  if (others.length <= NEW_ACCOUNT_MENTION_LIMIT) return { mentions, error: null }
  return {
    mentions,
    error: { key: 'mentions.error.too_many', vars: { max: NEW_ACCOUNT_MENTION_LIMIT, count: others.length } },
  }
}
