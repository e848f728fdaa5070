// Writes of profiles, each in one transaction with the actor locked: the profile itself, endorsements, the picture.
import { createHash } from 'node:crypto'
import type { Db } from '../db/connect.js'
import type { ProfileVisibility } from '../db/database.js'
import { renderMarkdown } from '../markdown/render.js'
import { lockActiveActor } from '../moderation/actor-guard.js'
import { forbidden, notFound } from '../web/errors.js'
import { canSeeProfile } from './policy.js'

export interface ProfileChange {
  organisation: string
  country: string
  languages: string[]
  bio: string
  visibility: ProfileVisibility
  showOrganisation: boolean
  showCountry: boolean
  themeIds: number[]
}

export async function saveProfile(db: Db, userId: number, change: ProfileChange): Promise<void> {
  const bioHtml = change.bio ? renderMarkdown(change.bio).html : ''
  await db.transaction().execute(async (trx) => {
    await lockActiveActor(trx, userId, { updatesUser: true })
    await trx
      .updateTable('users')
      .set({
        organisation: change.organisation || null,
        country: change.country || null,
        languages: change.languages,
        bio: change.bio || null,
        bio_html: bioHtml,
        profile_visibility: change.visibility,
        show_organisation: change.showOrganisation,
        show_country: change.showCountry,
        updated_at: new Date(),
      })
      .where('id', '=', userId)
      .execute()
    // A theme no longer declared takes its endorsements with it (foreign key, on delete cascade).
    let removal = trx.deleteFrom('user_expertise').where('user_id', '=', userId)
    if (change.themeIds.length > 0) removal = removal.where('tag_id', 'not in', change.themeIds)
    await removal.execute()
    if (change.themeIds.length > 0)
      await trx
        .insertInto('user_expertise')
        .values(change.themeIds.map((tagId) => ({ user_id: userId, tag_id: tagId })))
        .onConflict((oc) => oc.doNothing())
        .execute()
  })
}

export type EndorseResult = { ok: true } | { ok: false; reason: 'not_declared' }

/** Endorses (or withdraws the endorsement of) a member's declared theme, if the endorser may see their profile. */
export async function setEndorsement(
  db: Db,
  input: { endorserId: number; memberId: number; tagId: number; endorse: boolean },
): Promise<EndorseResult> {
  if (input.endorserId === input.memberId) throw forbidden('people.error.self_endorse')
  return db.transaction().execute(async (trx) => {
    const actor = await lockActiveActor(trx, input.endorserId)
    const member = await trx
      .selectFrom('users')
      .select(['id', 'profile_visibility'])
      .where('id', '=', input.memberId)
      .executeTakeFirst()
    if (!member) throw notFound()
    const reach = await trx
      .selectFrom('community_members as mine')
      .innerJoin('community_members as theirs', 'theirs.community_id', 'mine.community_id')
      .select(['mine.role'])
      .where('mine.user_id', '=', input.endorserId)
      .where('mine.status', '=', 'active')
      .where('theirs.user_id', '=', input.memberId)
      .where('theirs.status', '=', 'active')
      .executeTakeFirst()
    const moderator = await trx
      .selectFrom('community_members')
      .select('user_id')
      .where('user_id', '=', input.endorserId)
      .where('status', '=', 'active')
      .where('role', '=', 'moderator')
      .executeTakeFirst()
    const viewer = { id: actor.id, siteRole: actor.isAdmin ? 'admin' : 'member' } as Parameters<typeof canSeeProfile>[0]
    if (!canSeeProfile(viewer, member, { isModerator: moderator !== undefined, sharesCommunity: reach !== undefined }))
      throw notFound()
    const declared = await trx
      .selectFrom('user_expertise')
      .select('tag_id')
      .where('user_id', '=', input.memberId)
      .where('tag_id', '=', input.tagId)
      .forShare()
      .executeTakeFirst()
    if (!declared) return { ok: false, reason: 'not_declared' } as const
    if (input.endorse)
      await trx
        .insertInto('expertise_endorsements')
        .values({ user_id: input.memberId, tag_id: input.tagId, endorser_id: input.endorserId })
        .onConflict((oc) => oc.doNothing())
        .execute()
    else
      await trx
        .deleteFrom('expertise_endorsements')
        .where('user_id', '=', input.memberId)
        .where('tag_id', '=', input.tagId)
        .where('endorser_id', '=', input.endorserId)
        .execute()
    return { ok: true } as const
  })
}

export async function savePicture(db: Db, userId: number, picture: { bytes: Buffer; contentType: string }) {
  const etag = `"${createHash('sha256').update(picture.bytes).digest('base64url').slice(0, 27)}"`
  await db.transaction().execute(async (trx) => {
    await lockActiveActor(trx, userId, { updatesUser: true })
    await trx
      .insertInto('profile_pictures')
      .values({ user_id: userId, bytes: picture.bytes, content_type: picture.contentType, etag })
      .onConflict((oc) =>
        oc
          .column('user_id')
          .doUpdateSet({ bytes: picture.bytes, content_type: picture.contentType, etag, updated_at: new Date() }),
      )
      .execute()
  })
}

export async function removePicture(db: Db, userId: number) {
  await db.transaction().execute(async (trx) => {
    await lockActiveActor(trx, userId, { updatesUser: true })
    await trx.deleteFrom('profile_pictures').where('user_id', '=', userId).execute()
  })
}
