// Reads of watching: a member's level on one target (a list's unread counts are in discussions/topic-list.ts).
import type { Db } from '../db/connect.js'
import type { WatchLevel, WatchTarget } from '../db/database.js'

export async function watchLevelOf(
  db: Db,
  userId: number,
  targetType: WatchTarget,
  targetId: number,
): Promise<WatchLevel | null> {
  const row = await db
    .selectFrom('watches')
    .select('level')
    .where('user_id', '=', userId)
    .where('target_type', '=', targetType)
    .where('target_id', '=', targetId)
    .executeTakeFirst()
  return row?.level ?? null
}
