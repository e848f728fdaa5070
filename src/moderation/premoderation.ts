// Pre-moderation: a member's first posts in a community wait for a moderator until enough of them were approved.
import type { Transaction } from 'kysely'
import type { Database } from '../db/database.js'

export async function needsApproval(
  trx: Transaction<Database>,
  communityId: number,
  authorId: number,
): Promise<boolean> {
  const row = await trx
    .selectFrom('users as u')
    .innerJoin('communities as c', 'c.id', 'c.id')
    .leftJoin('community_members as m', (join) =>
      join.onRef('m.user_id', '=', 'u.id').onRef('m.community_id', '=', 'c.id'),
    )
    .select(['u.site_role', 'm.role', 'm.approved_posts', 'c.premoderation_count'])
    .where('u.id', '=', authorId)
    .where('c.id', '=', communityId)
    .executeTakeFirst()
  if (!row || row.site_role === 'admin' || row.role === 'moderator') return false
  return (row.approved_posts ?? 0) < row.premoderation_count
}
