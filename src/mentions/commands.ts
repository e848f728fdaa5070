// Mentions become rows (so an edit notifies only whom it newly mentions) and a 'mention' notification for each newly
// mentioned member who may read the text. Called in the transaction of the write.
//
// Rules, in one place:
// - never the author; never someone who cannot read the text (a members-only community they are not in): their
//   mention is still a link, and its row is kept with notified_at null, so joining later does not notify them;
// - a text that is not visible (pending approval, hidden) records nothing yet: its mentions are recorded, and
//   notified, by the first edit after it is visible. Approval itself does not notify mentions, so that a moderator's
//   decision never sends mail in the author's name.
import type { Kysely } from 'kysely'
import { actorData } from '../anonymous/label.js'
import type { Config } from '../config.js'
import type { Database, MentionContent } from '../db/database.js'
import { notify } from '../notifications/notify.js'

type NotifyConfig = Pick<Config, 'publicUrl' | 'sessionSecret'>

/** New accounts may mention at most this many members in one text (spam comes from fresh accounts). */
export const NEW_ACCOUNT_MENTION_LIMIT = 3

export interface MentionWrite {
  contentType: MentionContent
  contentId: number
  authorId: number
  /** Members the rendered text links (renderMarkdown's `mentioned`). */
  mentioned: number[]
  /** Whether the text is visible now; nothing is recorded otherwise. */
  visible: boolean
  /** Of the mentioned, who may read the text. */
  readers: (trx: Kysely<Database>, userIds: number[]) => Promise<Set<number>>
  /** Where the notification leads, and what it says (title of the thread or article). */
  url: string
  title: string
  excerpt?: string
  conversation?: string
}

export async function recordMentions(trx: Kysely<Database>, config: NotifyConfig | null, write: MentionWrite) {
  const people = [...new Set(write.mentioned)].filter((id) => id !== write.authorId)
  if (!write.visible || people.length === 0) return
  const added = await trx
    .insertInto('mentions')
    .values(
      people.map((user_id) => ({
        content_type: write.contentType,
        content_id: write.contentId,
        user_id,
        author_id: write.authorId,
      })),
    )
    .onConflict((oc) => oc.columns(['content_type', 'content_id', 'user_id']).doNothing())
    .returning('user_id')
    .execute()
  if (added.length === 0) return
  const readers = await write.readers(
    trx,
    added.map((row) => row.user_id),
  )
  if (readers.size === 0) return
  const author = await trx
    .selectFrom('users')
    .select('display_name')
    .where('id', '=', write.authorId)
    .executeTakeFirst()
  const actor = await mentionActor(trx, write, author?.display_name ?? '')
  const recipients = [...readers]
  await trx
    .updateTable('mentions')
    .set({ notified_at: new Date() })
    .where('content_type', '=', write.contentType)
    .where('content_id', '=', write.contentId)
    .where('user_id', 'in', recipients)
    .execute()
  // Without the app's config (scripts, the demo, test factories) the rows are kept and nobody is told.
  if (!config) return
  await notify(
    trx,
    config,
    recipients.map((userId) => ({
      userId,
      kind: 'mention' as const,
      groupKey: `mention:${write.contentType}:${write.contentId}`,
      url: write.url,
      actorId: write.authorId,
      subject: { type: write.contentType, id: write.contentId },
      data: { ...actor, title: write.title, excerpt: write.excerpt ?? null },
      conversation: write.conversation,
    })),
  )
}

/** Who mentioned them: for a thread or reply written without a name, its community's label (src/anonymous). */
async function mentionActor(trx: Kysely<Database>, write: MentionWrite, name: string) {
  if (write.contentType !== 'thread' && write.contentType !== 'post') return actorData(false, name, null)
  const row =
    write.contentType === 'thread'
      ? await trx
          .selectFrom('threads as t')
          .innerJoin('communities as c', 'c.id', 't.community_id')
          .select(['t.anonymous', 'c.anonymous_label'])
          .where('t.id', '=', write.contentId)
          .executeTakeFirst()
      : await trx
          .selectFrom('posts as p')
          .innerJoin('threads as t', 't.id', 'p.thread_id')
          .innerJoin('communities as c', 'c.id', 't.community_id')
          .select(['p.anonymous', 'c.anonymous_label'])
          .where('p.id', '=', write.contentId)
          .executeTakeFirst()
  return actorData(row?.anonymous ?? false, name, row?.anonymous_label ?? null)
}
