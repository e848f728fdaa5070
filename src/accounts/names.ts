// Display names that would pass for a staff member's: compared by Unicode TR39 skeleton (src/web/text-rules.ts).
import type { Transaction } from 'kysely'
import type { Database } from '../db/database.js'
import { nameSkeleton } from '../web/text-rules.js'

/**
 * Whether `displayName` looks like the name of an admin or of a moderator of any community, other than the user
 * `exceptUserId` themselves. Run inside the write's transaction, so the staff list is the one the write commits with.
 * Staff are few, so their names are read and compared here rather than keeping a skeleton column.
 */
export async function looksLikeStaff(
  trx: Transaction<Database>,
  displayName: string,
  exceptUserId: number | null,
): Promise<boolean> {
  const target = nameSkeleton(displayName)
  const staff = await trx
    .selectFrom('users as u')
    .select('u.display_name')
    .where((eb) =>
      eb.or([
        eb('u.site_role', '=', 'admin'),
        eb.exists(
          eb
            .selectFrom('community_members as m')
            .select('m.user_id')
            .whereRef('m.user_id', '=', 'u.id')
            .where('m.role', '=', 'moderator')
            .where('m.status', '=', 'active'),
        ),
      ]),
    )
    .$if(exceptUserId !== null, (qb) => qb.where('u.id', '!=', exceptUserId!))
    .execute()
  return staff.some((row) => nameSkeleton(row.display_name) === target)
}
