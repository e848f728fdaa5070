// A community's moderators (or an admin) let its members post without a name, and choose the label readers see.
import type { Db } from '../db/connect.js'
import { lockActiveActor } from '../moderation/actor-guard.js'
import { writeLog } from '../moderation/log.js'
import { enqueueSearch } from '../search/outbox.js'

/**
 * `label` null turns the option off (what was posted without a name stays so), '' is the default label in each
 * reader's language, other text the community's own label. The moderator is checked with their rows locked.
 */
export async function setAnonymousLabel(db: Db, input: { communityId: number; actorId: number; label: string | null }) {
  await db.transaction().execute(async (trx) => {
    await lockActiveActor(trx, input.actorId, { communityId: input.communityId, need: 'moderator' })
    const before = await trx
      .selectFrom('communities')
      .select('anonymous_label')
      .where('id', '=', input.communityId)
      .forNoKeyUpdate()
      .executeTakeFirstOrThrow()
    if (before.anonymous_label === input.label) return
    await trx
      .updateTable('communities')
      .set({ anonymous_label: input.label, updated_at: new Date() })
      .where('id', '=', input.communityId)
      .execute()
    await writeLog(trx, {
      actorId: input.actorId,
      action: 'anonymous_label',
      targetType: 'community',
      targetId: input.communityId,
      communityId: input.communityId,
      reason: input.label === null ? null : input.label || null,
    })
    // The label stands in for the author in the search documents of its anonymous threads and replies.
    await enqueueSearch(trx, 'community', input.communityId)
  })
}
