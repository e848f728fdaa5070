// Writes to threads and replies, each in one transaction that also keeps the counters and activity times exact.
import { sql, type Transaction } from 'kysely'
import type { Db } from '../db/connect.js'
import type { Database } from '../db/database.js'
import { renderMarkdown } from '../markdown/render.js'
import { withdrawPendingEmails } from '../mail/outbox.js'
import { enqueueSearch, enqueueThreadOfAnswer } from '../search/outbox.js'
import { queueForReview } from '../moderation/commands.js'
import { needsApproval } from '../moderation/premoderation.js'
import { lockActiveActor } from '../moderation/actor-guard.js'
import { writeLog } from '../moderation/log.js'
import { forbidden } from '../web/errors.js'
import type { StaleEdit } from '../web/edit-version.js'
import { earlierSubmission, isDuplicateSubmission, recordSubmission } from '../web/form-submission.js'
import { placeReply } from './reply-path.js'
import { announceAnswer, announceReply, announceThread } from '../notifications/producers.js'
import type { NotifyConfig } from '../notifications/notify.js'
import { applyDefaultWatch } from '../watching/commands.js'
import type { Config } from '../config.js'
import { recordMentions } from '../mentions/commands.js'
import type { MentionMap } from '../mentions/syntax.js'
import { readersOfCommunity } from '../watching/readers.js'

type Trx = Transaction<Database>

// A body is rendered before its transaction begins: however long the Markdown takes, no row lock or pool connection
// is held meanwhile (the form's check has usually rendered it already, and this reuses that).
const renderOutsideLocks = (bodyMd: string, mentions: MentionMap | null = null) => renderMarkdown(bodyMd, mentions)

/** What a write needs to tell the members it mentions: their names resolved (src/mentions) and the app's links. */
export interface MentionInput {
  mentions?: MentionMap
  reach?: Pick<Config, 'publicUrl' | 'sessionSecret'>
}

const excerptOf = (text: string) => (text.length > 280 ? `${text.slice(0, 279)}…` : text)

/** The mentions of a thread's or reply's text, for recordMentions: the readers are those of its community. */
function mentionWrite(
  rendered: { text: string; mentioned: number[] },
  content: { type: 'thread' | 'post'; id: number; threadId: number; communityId: number; authorId: number },
  title: string,
  visible: boolean,
) {
  return {
    contentType: content.type,
    contentId: content.id,
    authorId: content.authorId,
    mentioned: rendered.mentioned,
    visible,
    readers: (trx: Parameters<typeof readersOfCommunity>[0], ids: number[]) =>
      readersOfCommunity(trx, content.communityId, ids),
    url: content.type === 'thread' ? threadUrl(content.id) : replyUrl(content.threadId, content.id),
    title,
    excerpt: excerptOf(rendered.text),
    conversation: `thread-${content.threadId}`,
  }
}

export const threadUrl = (threadId: number) => `/t/${threadId}`
/** A reply's permalink: it redirects to the page of the thread that shows the reply in its conversation. */
export const replyUrl = (_threadId: number, postId: number) => `/posts/${postId}`

export type WriteResult =
  | { ok: true; url: string }
  | {
      ok: false
      reason: 'thread_gone' | 'thread_locked' | 'parent_not_found' | 'parent_deleted' | 'anonymous_not_allowed'
    }

/** Whether the community lets its members post without a name, read in the write's transaction. */
async function allowsAnonymousNow(trx: Transaction<Database>, communityId: number) {
  const row = await trx
    .selectFrom('communities')
    .select('anonymous_label')
    .where('id', '=', communityId)
    .executeTakeFirst()
  return row !== undefined && row.anonymous_label !== null
}

/** Runs a write that may be a resubmission of the same form, returning where the first one led. */
async function once(
  db: Db,
  key: string | null,
  userId: number,
  write: () => Promise<WriteResult>,
): Promise<WriteResult> {
  const earlier = await earlierSubmission(db, key, userId)
  if (earlier) return { ok: true, url: earlier }
  try {
    return await write()
  } catch (error) {
    if (!isDuplicateSubmission(error)) throw error
    const first = await earlierSubmission(db, key, userId)
    if (!first) throw error
    return { ok: true, url: first }
  }
}

export async function startThread(
  db: Db,
  input: {
    communityId: number
    authorId: number
    title: string
    bodyMd: string
    themeIds: number[]
    submissionKey: string | null
    createdAt?: Date
    forceReview?: boolean
    /** Posted without a name (the community must allow it). */
    anonymous?: boolean
  } & MentionInput,
): Promise<WriteResult & { threadId?: number; pending?: boolean }> {
  let threadId: number | undefined
  let pending = false
  const rendered = renderOutsideLocks(input.bodyMd, input.mentions)
  const bodyHtml = rendered.html
  const result = await once(db, input.submissionKey, input.authorId, () =>
    db.transaction().execute(async (trx) => {
      await lockActiveActor(trx, input.authorId, { communityId: input.communityId, need: 'member' })
      if (input.anonymous && !(await allowsAnonymousNow(trx, input.communityId)))
        return { ok: false, reason: 'anonymous_not_allowed' } as const
      const now = input.createdAt ?? new Date()
      pending = input.forceReview === true || (await needsApproval(trx, input.communityId, input.authorId))
      const thread = await trx
        .insertInto('threads')
        .values({
          community_id: input.communityId,
          author_id: input.authorId,
          title: input.title,
          body_md: input.bodyMd,
          body_html: bodyHtml,
          last_post_at: now,
          last_poster_id: input.authorId,
          created_at: now,
          status: pending ? 'pending' : 'visible',
          anonymous: input.anonymous === true,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      threadId = thread.id
      if (input.themeIds.length)
        await trx
          .insertInto('thread_tags')
          .values(input.themeIds.map((tag_id) => ({ thread_id: thread.id, tag_id })))
          .execute()
      await enqueueSearch(trx, 'thread', thread.id)
      await applyDefaultWatch(trx, input.authorId, thread.id, 'start')
      await recordMentions(
        trx,
        input.reach ?? null,
        mentionWrite(
          rendered,
          {
            type: 'thread',
            id: thread.id,
            threadId: thread.id,
            communityId: input.communityId,
            authorId: input.authorId,
          },
          input.title,
          !pending,
        ),
      )
      if (pending) {
        await queueForReview(trx, 'thread', thread.id)
      } else {
        await trx
          .updateTable('communities')
          .set({
            thread_count: sql`thread_count + 1`,
            last_activity_at: sql`greatest(coalesce(last_activity_at, ${now}), ${now})`,
          })
          .where('id', '=', input.communityId)
          .execute()
        // Pending threads are announced when approved (src/moderation/commands.ts), not before.
        if (input.reach) await announceThread(trx, thread.id)
      }
      const url = threadUrl(thread.id)
      await recordSubmission(trx, input.submissionKey, input.authorId, url)
      return { ok: true, url } as const
    }),
  )
  return { ...result, threadId, pending }
}

/**
 * Locks the writer (not suspended, still an active member of the thread's community) before the thread itself.
 * Returns null for a thread that does not exist; the caller's locked read then answers for it.
 */
async function lockThreadWriter(trx: Trx, threadId: number, userId: number) {
  const thread = await trx.selectFrom('threads').select('community_id').where('id', '=', threadId).executeTakeFirst()
  if (!thread) return null
  // A guest invited to this thread replies to it like a member (src/guests/policy.ts).
  const actor = await lockActiveActor(trx, userId, {
    communityId: thread.community_id,
    need: 'member',
    guest: { threadId },
  })
  return { ...actor, communityId: thread.community_id }
}

/** Edits and deletions: by their author while still an active member, or by a moderator of the community now. */
async function lockContentChanger(trx: Trx, content: { threadId: number } | { postId: number }, userId: number) {
  const row =
    'threadId' in content
      ? await trx
          .selectFrom('threads')
          .select(['community_id', 'author_id'])
          .where('id', '=', content.threadId)
          .executeTakeFirst()
      : await trx
          .selectFrom('posts as p')
          .innerJoin('threads as t', 't.id', 'p.thread_id')
          .select(['t.community_id', 'p.author_id'])
          .where('p.id', '=', content.postId)
          .executeTakeFirst()
  if (!row) return
  const actor = await lockActiveActor(trx, userId, { communityId: row.community_id })
  if (!actor.isModerator && !(actor.isMember && row.author_id === userId))
    throw forbidden('discussions.error.not_yours')
}

// Row locks here are FOR NO KEY UPDATE, never FOR UPDATE: these writes change no keys, and the stronger lock would block
// the key-share locks that foreign keys take (a reply's parent, a revision's thread), so a reply and an edit of its
// parent could wait on each other and deadlock.

export async function replyToThread(
  db: Db,
  input: {
    threadId: number
    parentId: number | null
    authorId: number
    bodyMd: string
    submissionKey: string | null
    createdAt?: Date
    forceReview?: boolean
    /** Posted without a name (the community must allow it). */
    anonymous?: boolean
  } & MentionInput,
): Promise<WriteResult & { postId?: number; pending?: boolean }> {
  let postId: number | undefined
  let pending = false
  const rendered = renderOutsideLocks(input.bodyMd, input.mentions)
  const bodyHtml = rendered.html
  const result = await once(db, input.submissionKey, input.authorId, () =>
    db.transaction().execute(async (trx) => {
      // The author and their membership first (the order every write takes), then the thread: concurrent replies
      // queue on it, and a thread deleted, locked or moved meanwhile is seen.
      let actor = await lockThreadWriter(trx, input.threadId, input.authorId)
      const thread = await trx
        .selectFrom('threads')
        .select(['id', 'community_id', 'status', 'locked', 'title'])
        .where('id', '=', input.threadId)
        .forNoKeyUpdate()
        .executeTakeFirst()
      if (!thread || thread.status !== 'visible') return { ok: false, reason: 'thread_gone' } as const
      if (!actor || thread.community_id !== actor.communityId) {
        // Moved to another community in between (rare): membership there is what counts.
        actor = {
          ...(await lockActiveActor(trx, input.authorId, {
            communityId: thread.community_id,
            need: 'member',
            guest: { threadId: input.threadId },
          })),
          communityId: thread.community_id,
        }
      }
      if (thread.locked && !actor.isModerator) return { ok: false, reason: 'thread_locked' } as const
      if (input.anonymous && !(await allowsAnonymousNow(trx, thread.community_id)))
        return { ok: false, reason: 'anonymous_not_allowed' } as const
      let parent: { path: string; depth: number } | null = null
      if (input.parentId !== null) {
        const row = await trx
          .selectFrom('posts')
          .select(['path', 'depth', 'status'])
          .where('id', '=', input.parentId)
          .where('thread_id', '=', input.threadId)
          .executeTakeFirst()
        if (!row) return { ok: false, reason: 'parent_not_found' } as const
        if (row.status === 'deleted') return { ok: false, reason: 'parent_deleted' } as const
        parent = row
      }
      const now = input.createdAt ?? new Date()
      pending = input.forceReview === true || (await needsApproval(trx, thread.community_id, input.authorId))
      // The path needs the new id, so the row goes in with a placeholder that is unique until it is set.
      const inserted = await trx
        .insertInto('posts')
        .values({
          thread_id: input.threadId,
          parent_id: input.parentId,
          author_id: input.authorId,
          body_md: input.bodyMd,
          body_html: bodyHtml,
          path: `~pending-${process.pid}-${Date.now()}-${Math.random()}`,
          depth: 0,
          created_at: now,
          status: pending ? 'pending' : 'visible',
          anonymous: input.anonymous === true,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      postId = inserted.id
      const place = placeReply(parent, inserted.id)
      await trx.updateTable('posts').set(place).where('id', '=', inserted.id).execute()
      await enqueueSearch(trx, 'post', inserted.id)
      await applyDefaultWatch(trx, input.authorId, input.threadId, 'reply')
      await recordMentions(
        trx,
        input.reach ?? null,
        mentionWrite(
          rendered,
          {
            type: 'post',
            id: inserted.id,
            threadId: input.threadId,
            communityId: thread.community_id,
            authorId: input.authorId,
          },
          thread.title,
          !pending,
        ),
      )
      if (pending) {
        // Waits for a moderator: no count, no activity, nobody but its author and the moderators sees it yet.
        await queueForReview(trx, 'post', inserted.id)
      } else {
        await trx
          .updateTable('threads')
          .set({
            reply_count: sql`reply_count + 1`,
            last_post_at: sql`greatest(last_post_at, ${now})`,
            last_poster_id: input.authorId,
          })
          .where('id', '=', input.threadId)
          .execute()
        await trx
          .updateTable('communities')
          .set({ last_activity_at: sql`greatest(coalesce(last_activity_at, ${now}), ${now})` })
          .where('id', '=', thread.community_id)
          .execute()
        // A pending reply tells nobody until a moderator approves it.
        if (input.reach) await announceReply(trx, input.reach, inserted.id)
      }
      const url = replyUrl(input.threadId, inserted.id)
      await recordSubmission(trx, input.submissionKey, input.authorId, url)
      return { ok: true, url } as const
    }),
  )
  return { ...result, postId, pending }
}

/** The text a stale edit is shown beside the user's own, so they can merge and save again from `version`. */
export type CurrentText = { title: string | null; bodyHtml: string; version: number }
export type EditResult = { ok: true } | { ok: false; reason: 'gone' } | StaleEdit<CurrentText>

export async function editThread(
  db: Db,
  input: {
    threadId: number
    editorId: number
    title: string
    bodyMd: string
    themeIds: number[]
    version: number | null
  } & MentionInput,
): Promise<EditResult> {
  const rendered = renderOutsideLocks(input.bodyMd, input.mentions)
  const bodyHtml = rendered.html
  return db.transaction().execute(async (trx) => {
    await lockContentChanger(trx, { threadId: input.threadId }, input.editorId)
    const current = await trx
      .selectFrom('threads')
      .select([
        'title',
        'body_md',
        'body_html',
        'status',
        'author_id',
        'created_at',
        'edited_at',
        'edited_by',
        'version',
        'community_id',
      ])
      .where('id', '=', input.threadId)
      .forNoKeyUpdate()
      .executeTakeFirst()
    if (!current || current.status === 'deleted') return { ok: false, reason: 'gone' }
    // Compared under the row lock: of two saves from the same version, the second waits here and then sees the first.
    if (current.version !== input.version)
      return {
        ok: false,
        reason: 'stale',
        current: { title: current.title, bodyHtml: current.body_html, version: current.version },
      }
    // The version being replaced becomes a revision, attributed to whoever wrote it.
    await trx
      .insertInto('post_revisions')
      .values({
        thread_id: input.threadId,
        post_id: null,
        editor_id: current.edited_by ?? current.author_id,
        title: current.title,
        body_md: current.body_md,
        body_html: current.body_html,
        created_at: current.edited_at ?? current.created_at,
      })
      .execute()
    await trx
      .updateTable('threads')
      .set({
        title: input.title,
        body_md: input.bodyMd,
        body_html: bodyHtml,
        edited_at: new Date(),
        edited_by: input.editorId,
        version: current.version + 1,
      })
      .where('id', '=', input.threadId)
      .execute()
    await trx.deleteFrom('thread_tags').where('thread_id', '=', input.threadId).execute()
    if (input.themeIds.length)
      await trx
        .insertInto('thread_tags')
        .values(input.themeIds.map((tag_id) => ({ thread_id: input.threadId, tag_id })))
        .execute()
    await enqueueSearch(trx, 'thread', input.threadId)
    // Only the members this edit newly mentions hear of it, and only from the author's text (not a moderator's edit).
    await recordMentions(
      trx,
      input.reach ?? null,
      mentionWrite(
        rendered,
        {
          type: 'thread',
          id: input.threadId,
          threadId: input.threadId,
          communityId: current.community_id,
          authorId: current.author_id,
        },
        input.title,
        current.status === 'visible' && input.editorId === current.author_id,
      ),
    )
    return { ok: true }
  })
}

export async function editPost(
  db: Db,
  input: { postId: number; editorId: number; bodyMd: string; version: number | null } & MentionInput,
): Promise<EditResult> {
  const rendered = renderOutsideLocks(input.bodyMd, input.mentions)
  const bodyHtml = rendered.html
  return db.transaction().execute(async (trx) => {
    await lockContentChanger(trx, { postId: input.postId }, input.editorId)
    const current = await trx
      .selectFrom('posts')
      .select([
        'thread_id',
        'body_md',
        'body_html',
        'status',
        'author_id',
        'created_at',
        'edited_at',
        'edited_by',
        'version',
      ])
      .where('id', '=', input.postId)
      .forNoKeyUpdate()
      .executeTakeFirst()
    if (!current || current.status === 'deleted') return { ok: false, reason: 'gone' }
    if (current.version !== input.version)
      return {
        ok: false,
        reason: 'stale',
        current: { title: null, bodyHtml: current.body_html, version: current.version },
      }
    await trx
      .insertInto('post_revisions')
      .values({
        thread_id: current.thread_id,
        post_id: input.postId,
        editor_id: current.edited_by ?? current.author_id,
        title: null,
        body_md: current.body_md,
        body_html: current.body_html,
        created_at: current.edited_at ?? current.created_at,
      })
      .execute()
    await trx
      .updateTable('posts')
      .set({
        body_md: input.bodyMd,
        body_html: bodyHtml,
        edited_at: new Date(),
        edited_by: input.editorId,
        version: current.version + 1,
      })
      .where('id', '=', input.postId)
      .execute()
    await enqueueSearch(trx, 'post', input.postId)
    const thread = await trx
      .selectFrom('threads')
      .select(['title', 'status', 'community_id'])
      .where('id', '=', current.thread_id)
      .executeTakeFirstOrThrow()
    await recordMentions(
      trx,
      input.reach ?? null,
      mentionWrite(
        rendered,
        {
          type: 'post',
          id: input.postId,
          threadId: current.thread_id,
          communityId: thread.community_id,
          authorId: current.author_id,
        },
        thread.title,
        current.status === 'visible' && thread.status === 'visible' && input.editorId === current.author_id,
      ),
    )
    return { ok: true }
  })
}

/** Soft delete: the row stays so the reply tree keeps its shape; the page shows a placeholder. */
export async function deletePost(db: Db, input: { postId: number; deletedBy: number }): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await lockContentChanger(trx, { postId: input.postId }, input.deletedBy)
    const post = await trx
      .selectFrom('posts')
      .select(['thread_id', 'status'])
      .where('id', '=', input.postId)
      .forNoKeyUpdate()
      .executeTakeFirst()
    if (!post || post.status === 'deleted') return false
    await trx
      .updateTable('posts')
      .set({ status: 'deleted', deleted_at: new Date(), edited_by: input.deletedBy })
      .where('id', '=', input.postId)
      .execute()
    if (post.status === 'visible')
      await trx
        .updateTable('threads')
        .set({ reply_count: sql`reply_count - 1` })
        .where('id', '=', post.thread_id)
        .execute()
    await enqueueSearch(trx, 'post', input.postId, 'delete')
    await enqueueThreadOfAnswer(trx, input.postId)
    await withdrawPendingEmails(trx, { type: 'post', id: input.postId })
    return true
  })
}

export async function deleteThread(db: Db, input: { threadId: number; deletedBy: number }): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await lockContentChanger(trx, { threadId: input.threadId }, input.deletedBy)
    const thread = await trx
      .selectFrom('threads')
      .select(['community_id', 'status'])
      .where('id', '=', input.threadId)
      .forNoKeyUpdate()
      .executeTakeFirst()
    if (!thread || thread.status === 'deleted') return false
    await trx
      .updateTable('threads')
      .set({ status: 'deleted', deleted_at: new Date(), edited_by: input.deletedBy })
      .where('id', '=', input.threadId)
      .execute()
    if (thread.status === 'visible')
      await trx
        .updateTable('communities')
        .set({ thread_count: sql`thread_count - 1` })
        .where('id', '=', thread.community_id)
        .execute()
    await enqueueSearch(trx, 'thread', input.threadId, 'delete')
    await withdrawPendingEmails(trx, { type: 'thread', id: input.threadId })
    return true
  })
}

export type AnswerResult = { ok: true; changed: boolean } | { ok: false; reason: 'not_found' | 'not_visible' }

/**
 * Marks a reply as its thread's accepted answer (replacing any earlier one), or with `mark: false` takes that mark
 * away again. Only the thread's starter (an active member) or a moderator of its community may, and only while the
 * thread and the reply are visible; decided here with the actor's rows locked. A moderator's act is logged; the
 * thread goes to the search outbox, whose documents say whether it is answered.
 */
export async function markAnswer(
  db: Db,
  input: { postId: number; actorId: number; mark: boolean; reach?: NotifyConfig },
): Promise<AnswerResult> {
  return db.transaction().execute(async (trx) => {
    const found = await trx
      .selectFrom('posts as p')
      .innerJoin('threads as t', 't.id', 'p.thread_id')
      .select(['p.thread_id', 't.community_id'])
      .where('p.id', '=', input.postId)
      .executeTakeFirst()
    if (!found) return { ok: false, reason: 'not_found' }
    const actor = await lockActiveActor(trx, input.actorId, { communityId: found.community_id })
    const thread = await trx
      .selectFrom('threads')
      .select(['id', 'author_id', 'community_id', 'status', 'answer_post_id'])
      .where('id', '=', found.thread_id)
      .forNoKeyUpdate()
      .executeTakeFirstOrThrow()
    const isStarter = actor.isMember && thread.author_id === input.actorId
    if (!actor.isModerator && !isStarter) throw forbidden('posts.answer.not_allowed')
    const post = await trx
      .selectFrom('posts')
      .select(['id', 'status', 'author_id'])
      .where('id', '=', input.postId)
      .where('thread_id', '=', thread.id)
      .forShare()
      .executeTakeFirstOrThrow()
    if (thread.status !== 'visible' || (input.mark && post.status !== 'visible'))
      return { ok: false, reason: 'not_visible' }
    const isCurrent = thread.answer_post_id === post.id
    if (input.mark ? isCurrent : !isCurrent) return { ok: true, changed: false }
    await trx
      .updateTable('threads')
      .set(
        input.mark
          ? { answer_post_id: post.id, answered_by: input.actorId, answered_at: new Date() }
          : { answer_post_id: null, answered_by: null, answered_at: null },
      )
      .where('id', '=', thread.id)
      .execute()
    if (!isStarter)
      await writeLog(trx, {
        actorId: input.actorId,
        action: input.mark ? 'mark_answer' : 'unmark_answer',
        targetType: 'post',
        targetId: post.id,
        communityId: thread.community_id,
        subjectUserId: post.author_id,
      })
    await enqueueSearch(trx, 'thread', thread.id)
    if (input.mark && input.reach) await announceAnswer(trx, input.reach, post.id, input.actorId)
    return { ok: true, changed: true }
  })
}
