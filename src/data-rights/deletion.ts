// "Delete my account": the request (password checked, never the last admin, every session ended, a grace period),
// the change of mind, and the deletion itself, one transaction per account: the users row is anonymised, what ties the
// person to others (memberships, attendance, notifications, subscriptions, reads; the profile, expertise, endorsements,
// blocks and conversations in deletion-profile.ts) goes, their content is removed or kept under "Former member", their
// name leaves mentions, and search and kept pages follow (outbox; page versions move by the users triggers). The log
// keeps the user id and the mode only.
import { randomBytes } from 'node:crypto'
import { sql, type Kysely, type Transaction } from 'kysely'
import { verifyPassword } from '../accounts/password.js'
import type { Database } from '../db/database.js'
import { writeLog } from '../moderation/log.js'
import { enqueueMany } from '../search/outbox.js'
import { clearedProfile, leaveConversations, removeOtherReferences, removeProfile } from './deletion-profile.js'

export type DeletionMode = 'remove' | 'keep'
export const graceMs = 7 * 24 * 60 * 60 * 1000
/** What the users row says in place of a name; pages say "Former member" in the reader's language (present.ts). */
export const formerMemberName = 'Former member'

export const isDeletionMode = (value: unknown): value is DeletionMode => value === 'remove' || value === 'keep'

/** Whether this admin is the last one who could still administer Kring. */
async function isLastAdmin(trx: Kysely<Database>, userId: number): Promise<boolean> {
  const others = await trx
    .selectFrom('users')
    .select(sql<number>`count(*)`.as('n'))
    .where('site_role', '=', 'admin')
    .where('status', '=', 'active')
    .where('deleted_at', 'is', null)
    .where('deletion_requested_at', 'is', null)
    .where('id', '!=', userId)
    .executeTakeFirstOrThrow()
  return Number(others.n) === 0
}

export type DeletionRequestResult =
  { ok: true; deleteOn: Date } | { ok: false; reason: 'wrong_password' | 'last_admin' | 'gone' }

export async function requestDeletion(
  db: Kysely<Database>,
  input: { userId: number; password: string; mode: DeletionMode; now?: Date },
): Promise<DeletionRequestResult> {
  const now = input.now ?? new Date()
  const stored = await db.selectFrom('users').select('password_hash').where('id', '=', input.userId).executeTakeFirst()
  // The password is checked outside the transaction: scrypt takes a while, and no row needs to be locked for it.
  if (!stored) return { ok: false, reason: 'gone' }
  if (!(await verifyPassword(input.password, stored.password_hash))) return { ok: false, reason: 'wrong_password' }
  return db.transaction().execute(async (trx) => {
    // Admins lock their rows in id order before counting, so two last admins cannot both leave at once.
    await trx.selectFrom('users').select('id').where('site_role', '=', 'admin').orderBy('id').forUpdate().execute()
    const user = await trx
      .selectFrom('users')
      .select(['site_role', 'deleted_at'])
      .where('id', '=', input.userId)
      .forUpdate()
      .executeTakeFirst()
    if (!user || user.deleted_at) return { ok: false, reason: 'gone' } as const
    if (user.site_role === 'admin' && (await isLastAdmin(trx, input.userId)))
      return { ok: false, reason: 'last_admin' } as const
    await trx
      .updateTable('users')
      .set({ deletion_requested_at: now, deletion_mode: input.mode })
      .where('id', '=', input.userId)
      .execute()
    // Every login ends at once, on every device: the grace page is reached only by logging in again.
    await trx.deleteFrom('sessions').where('user_id', '=', input.userId).execute()
    return { ok: true, deleteOn: new Date(now.getTime() + graceMs) } as const
  })
}

/** "Keep my account" during the grace period. */
export async function cancelDeletion(db: Kysely<Database>, userId: number): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ deletion_requested_at: null, deletion_mode: null })
    .where('id', '=', userId)
    .where('deleted_at', 'is', null)
    .where('deletion_requested_at', 'is not', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

export type AnonymiseResult = { ok: true } | { ok: false; reason: 'gone' | 'last_admin' }

/**
 * Carries out a deletion in one transaction. `actorId` null: the member's own request after the grace period; an
 * admin's id: the admin's immediate anonymisation (content kept), refused for the last admin.
 */
export async function anonymiseAccount(
  db: Kysely<Database>,
  input: { userId: number; mode: DeletionMode; actorId: number | null; reason?: string | null; now?: Date },
): Promise<AnonymiseResult> {
  const now = input.now ?? new Date()
  return db.transaction().execute(async (trx) => {
    await trx.selectFrom('users').select('id').where('site_role', '=', 'admin').orderBy('id').forUpdate().execute()
    const user = await trx
      .selectFrom('users')
      .select(['id', 'email', 'display_name', 'site_role', 'deleted_at'])
      .where('id', '=', input.userId)
      .forUpdate()
      .executeTakeFirst()
    if (!user || user.deleted_at) return { ok: false, reason: 'gone' } as const
    if (user.site_role === 'admin' && (await isLastAdmin(trx, user.id)))
      return { ok: false, reason: 'last_admin' } as const
    await handleContent(trx, user.id, input.mode, now)
    await removeFromMentions(trx, user.id, user.display_name)
    await removeFromOthersNotifications(trx, user.id, input.mode)
    await removeTies(trx, user.id, user.email)
    await removeProfile(trx, user.id)
    await leaveConversations(trx, user.id, input.mode)
    await removeOtherReferences(trx, user.id, user.email)
    await trx
      .updateTable('users')
      .set({
        display_name: formerMemberName,
        email: `former-${user.id}-${randomBytes(8).toString('hex')}@deleted.invalid`,
        password_hash: '',
        site_role: 'member',
        status: 'active',
        suspended_until: null,
        suspension_reason: null,
        bio: null,
        organisation: null,
        country: null,
        ...clearedProfile,
        locale: null,
        time_zone: null,
        mail_paused: true,
        email_verified_at: null,
        email_preferences: '{}',
        deletion_requested_at: null,
        deletion_mode: input.mode,
        deleted_at: now,
        role_changed_at: now,
      })
      .where('id', '=', user.id)
      .execute()
    await writeLog(trx, {
      actorId: input.actorId,
      action: input.actorId === null ? `account.deleted_${input.mode}` : 'account.anonymised',
      targetType: 'user',
      targetId: user.id,
      reason: input.reason ?? null,
    })
    return { ok: true } as const
  })
}

async function handleContent(trx: Transaction<Database>, userId: number, mode: DeletionMode, now: Date) {
  const threads = await trx
    .selectFrom('threads')
    .select(['id', 'status', 'community_id'])
    .where('author_id', '=', userId)
    .execute()
  const posts = await trx
    .selectFrom('posts')
    .select(['id', 'status', 'thread_id'])
    .where('author_id', '=', userId)
    .execute()
  const articles = await trx.selectFrom('articles').select('id').where('author_id', '=', userId).execute()
  if (mode === 'remove') {
    // As the author's own delete does: the rows stay (reply trees keep their shape) with the deleted status.
    await trx
      .updateTable('threads')
      .set({ status: 'deleted', deleted_at: now })
      .where('author_id', '=', userId)
      .where('status', '!=', 'deleted')
      .execute()
    await trx
      .updateTable('posts')
      .set({ status: 'deleted', deleted_at: now })
      .where('author_id', '=', userId)
      .where('status', '!=', 'deleted')
      .execute()
    await trx
      .updateTable('comments')
      .set({ status: 'deleted', deleted_at: now })
      .where('author_id', '=', userId)
      .where('status', '!=', 'deleted')
      .execute()
    await trx
      .updateTable('articles')
      .set({ status: 'archived', hidden_at: now })
      .where('author_id', '=', userId)
      .execute()
    await trx.deleteFrom('meeting_questions').where('author_id', '=', userId).execute()
    const visibleReplies = new Map<number, number>()
    for (const post of posts)
      if (post.status === 'visible') visibleReplies.set(post.thread_id, (visibleReplies.get(post.thread_id) ?? 0) + 1)
    for (const [threadId, count] of visibleReplies)
      await trx
        .updateTable('threads')
        .set({ reply_count: sql`greatest(reply_count - ${count}, 0)` })
        .where('id', '=', threadId)
        .execute()
    const visibleThreads = new Map<number, number>()
    for (const thread of threads)
      if (thread.status === 'visible')
        visibleThreads.set(thread.community_id, (visibleThreads.get(thread.community_id) ?? 0) + 1)
    for (const [communityId, count] of visibleThreads)
      await trx
        .updateTable('communities')
        .set({ thread_count: sql`greatest(thread_count - ${count}, 0)` })
        .where('id', '=', communityId)
        .execute()
  } else {
    await trx.updateTable('meeting_questions').set({ author_id: null }).where('author_id', '=', userId).execute()
  }
  // Every search document that shows their name or text is rebuilt (or leaves the index, for removed content).
  const threadIds = [...threads.map((t) => t.id), ...posts.map((p) => p.thread_id)]
  await enqueueMany(trx, 'thread', threadIds)
  await enqueueMany(
    trx,
    'post',
    posts.map((p) => p.id),
  )
  await enqueueMany(
    trx,
    'article',
    articles.map((a) => a.id),
  )
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** Others' posts that mention them: the link and the name become "@former member" in the stored text and HTML. */
async function removeFromMentions(trx: Transaction<Database>, userId: number, name: string) {
  const mentions = await trx
    .selectFrom('mentions')
    .select(['content_type', 'content_id'])
    .where('user_id', '=', userId)
    .execute()
  const link = `<a href="/u/${userId}" class="mention"[^>]*>[^<]*</a>`
  const html = sql<string>`regexp_replace(body_html, ${link}, '<span class="mention">@former member</span>', 'g')`
  const written = `@\\[\\s*${escapeRegExp(name.trim()).replace(/\s+/g, '\\s+')}\\s*(#${userId})?\\s*\\]`
  const md = sql<string>`regexp_replace(body_md, ${written}, '@former member', 'gi')`
  const ids = (type: string) => mentions.filter((m) => m.content_type === type).map((m) => m.content_id)
  for (const table of ['threads', 'posts', 'comments', 'articles'] as const) {
    const type = { threads: 'thread', posts: 'post', comments: 'comment', articles: 'article' }[table]
    const list = ids(type)
    if (list.length === 0) continue
    await trx.updateTable(table).set({ body_html: html, body_md: md }).where('id', 'in', list).execute()
    if (table === 'posts' || table === 'threads' || table === 'articles')
      await enqueueMany(trx, table === 'posts' ? 'post' : table === 'threads' ? 'thread' : 'article', list)
  }
  await trx.deleteFrom('mentions').where('user_id', '=', userId).execute()
}

/** Others' notifications about what they did: gone with removed content, otherwise no longer naming them. */
async function removeFromOthersNotifications(trx: Transaction<Database>, userId: number, mode: DeletionMode) {
  if (mode === 'remove') {
    await trx.deleteFrom('notifications').where('actor_id', '=', userId).execute()
    return
  }
  await trx
    .updateTable('notifications')
    .set({
      data: sql<string>`case when data ? 'actor' then jsonb_set(data, '{actor}', to_jsonb(${formerMemberName}::text)) else data end`,
      actor_id: null,
    })
    .where('actor_id', '=', userId)
    .execute()
}

/** What ties the person to others and to Kring's mail: memberships, attendance, settings, notifications, sessions. */
async function removeTies(trx: Transaction<Database>, userId: number, email: string) {
  await trx.deleteFrom('community_members').where('user_id', '=', userId).execute()
  await trx.deleteFrom('meeting_attendance').where('user_id', '=', userId).execute()
  await trx.updateTable('meeting_attendance').set({ delegate_id: null }).where('delegate_id', '=', userId).execute()
  await trx.updateTable('meeting_action_items').set({ owner_id: null }).where('owner_id', '=', userId).execute()
  await trx.deleteFrom('notifications').where('user_id', '=', userId).execute()
  await trx.deleteFrom('watches').where('user_id', '=', userId).execute()
  await trx.deleteFrom('thread_reads').where('user_id', '=', userId).execute()
  await trx.deleteFrom('community_visits').where('user_id', '=', userId).execute()
  await trx.deleteFrom('digest_marks').where('user_id', '=', userId).execute()
  await trx.deleteFrom('data_exports').where('user_id', '=', userId).execute()
  await trx.deleteFrom('account_tokens').where('user_id', '=', userId).execute()
  await trx.deleteFrom('sessions').where('user_id', '=', userId).execute()
  await trx.deleteFrom('email_outbox').where('user_id', '=', userId).where('status', '=', 'pending').execute()
  await trx
    .deleteFrom('subscribers')
    .where(sql`lower(email)`, '=', email.toLowerCase())
    .execute()
}

/** Carries out every deletion whose grace period is over at `now`; returns how many accounts were deleted. */
export async function runDeletions(db: Kysely<Database>, now: Date): Promise<number> {
  const due = await db
    .selectFrom('users')
    .select(['id', 'deletion_mode'])
    .where('deletion_requested_at', '<=', new Date(now.getTime() - graceMs))
    .where('deleted_at', 'is', null)
    .orderBy('id')
    .limit(100)
    .execute()
  let done = 0
  for (const user of due) {
    const result = await anonymiseAccount(db, {
      userId: user.id,
      mode: user.deletion_mode ?? 'remove',
      actorId: null,
      now,
    })
    if (result.ok) done++
  }
  return done
}
