// Writes of watching: a member's level on one thread, community or theme; the defaults applied when they start or
// reply to a thread; their chosen defaults; and how far they have read a thread.
import type { Kysely, Transaction } from 'kysely'
import type { Db } from '../db/connect.js'
import type { Database, WatchLevel, WatchTarget } from '../db/database.js'
import { bufferThreadRead } from './read-buffer.js'
import { mayReadCommunity, mayReadThread } from './readers.js'

type Trx = Transaction<Database> | Kysely<Database>

export type SetWatchResult = { ok: true; url: string } | { ok: false; reason: 'not_found' }

/** Sets the level, in one transaction with the check that the member may read what they watch. */
export async function setWatch(
  db: Db,
  input: { userId: number; targetType: WatchTarget; targetId: number; level: WatchLevel },
): Promise<SetWatchResult> {
  return db.transaction().execute(async (trx) => {
    const url = await watchableUrl(trx, input.userId, input.targetType, input.targetId)
    if (url === null) return { ok: false, reason: 'not_found' }
    await trx
      .insertInto('watches')
      .values({
        user_id: input.userId,
        target_type: input.targetType,
        target_id: input.targetId,
        level: input.level,
      })
      .onConflict((oc) =>
        oc.columns(['user_id', 'target_type', 'target_id']).doUpdateSet({ level: input.level, updated_at: new Date() }),
      )
      .execute()
    return { ok: true, url }
  })
}

/** Where the target's page is, if the member may read it; null for one that does not exist for them. */
async function watchableUrl(trx: Trx, userId: number, type: WatchTarget, id: number): Promise<string | null> {
  if (type === 'thread') return (await mayReadThread(trx, userId, id)) ? `/t/${id}` : null
  if (type === 'community') {
    const community = await trx.selectFrom('communities').select('slug').where('id', '=', id).executeTakeFirst()
    return community && (await mayReadCommunity(trx, userId, id)) ? `/c/${community.slug}` : null
  }
  const theme = await trx
    .selectFrom('tags')
    .select('slug')
    .where('id', '=', id)
    .where('kind', '=', 'theme')
    .where('merged_into_id', 'is', null)
    .executeTakeFirst()
  return theme ? `/themes/${theme.slug}` : null
}

/**
 * The member's default for a thread they start (`watch_on_start`) or reply to (`watch_on_reply`), in the transaction of
 * the post. A reply never changes a level the member already has on the thread (chosen, or from starting it): no
 * downgrade from watching to tracking, and a muted thread stays muted.
 */
export async function applyDefaultWatch(trx: Trx, userId: number, threadId: number, on: 'start' | 'reply') {
  const user = await trx
    .selectFrom('users')
    .select(['watch_on_start', 'watch_on_reply'])
    .where('id', '=', userId)
    .executeTakeFirst()
  if (!user) return
  const level = on === 'start' ? user.watch_on_start : user.watch_on_reply
  // "normal" is what having no row means: nothing to store.
  if (level === 'normal') return
  await trx
    .insertInto('watches')
    .values({ user_id: userId, target_type: 'thread', target_id: threadId, level })
    .onConflict((oc) => oc.columns(['user_id', 'target_type', 'target_id']).doNothing())
    .execute()
}

export async function saveWatchDefaults(
  db: Db,
  input: { userId: number; onStart: WatchLevel; onReply: WatchLevel },
): Promise<void> {
  await db
    .updateTable('users')
    .set({ watch_on_start: input.onStart, watch_on_reply: input.onReply, updated_at: new Date() })
    .where('id', '=', input.userId)
    .execute()
}

/**
 * Records that the member has seen replies up to `lastPostId`. Off the request path: the position is buffered and
 * written with others in one upsert that only ever moves forward (read-buffer.ts).
 */
export async function markThreadRead(db: Db, input: { userId: number; threadId: number; lastPostId: number }) {
  bufferThreadRead(db, input)
}
