// Who may read a thread or a reply: the same rule as the pages (src/communities/policy.ts canRead and
// src/moderation/visibility.ts), asked inside a write's transaction for the people it concerns.
import type { Kysely } from 'kysely'
import type { Database } from '../db/database.js'

type Q = Kysely<Database>

/**
 * Of `userIds`, those who may read visible content of `communityId` now: anyone for a public community, otherwise its
 * active members and the admins. Pending and hidden content is never passed here (callers notify only for visible).
 */
export async function readersOfCommunity(trx: Q, communityId: number, userIds: number[]): Promise<Set<number>> {
  if (userIds.length === 0) return new Set()
  const rows = await trx
    .selectFrom('users as u')
    .innerJoin('communities as c', (join) => join.on('c.id', '=', communityId))
    .leftJoin('community_members as m', (join) =>
      join.onRef('m.community_id', '=', 'c.id').onRef('m.user_id', '=', 'u.id'),
    )
    .select('u.id')
    .where('u.id', 'in', userIds)
    .where((eb) =>
      eb.or([eb('c.visibility', '=', 'public'), eb('m.status', '=', 'active'), eb('u.site_role', '=', 'admin')]),
    )
    .execute()
  return new Set(rows.map((row) => row.id))
}

/** Whether `userId` may read thread `threadId` as its page would show it (pending/hidden: author and moderators). */
export async function mayReadThread(trx: Q, userId: number, threadId: number): Promise<boolean> {
  const row = await trx
    .selectFrom('threads as t')
    .innerJoin('communities as c', 'c.id', 't.community_id')
    .innerJoin('users as u', (join) => join.on('u.id', '=', userId))
    .leftJoin('community_members as m', (join) =>
      join.onRef('m.community_id', '=', 'c.id').on('m.user_id', '=', userId),
    )
    .select([
      't.status',
      't.author_id',
      'c.visibility',
      'u.site_role',
      'm.status as member_status',
      'm.role as member_role',
    ])
    .where('t.id', '=', threadId)
    .executeTakeFirst()
  if (!row) return false
  const admin = row.site_role === 'admin'
  const active = row.member_status === 'active'
  if (!(row.visibility === 'public' || active || admin)) return false
  if (row.status === 'visible') return true
  if (row.status === 'deleted') return false
  return admin || (active && row.member_role === 'moderator') || row.author_id === userId
}

/** Whether `userId` may read community `communityId`'s threads. */
export async function mayReadCommunity(trx: Q, userId: number, communityId: number): Promise<boolean> {
  return (await readersOfCommunity(trx, communityId, [userId])).has(userId)
}
