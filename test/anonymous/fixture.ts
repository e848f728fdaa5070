// What the tests of posting without a name share: a community that allows it, its people, and logged-in clients.
import type { FastifyInstance } from 'fastify'
import type { Db } from '../../src/db/connect.js'
import { createCommunityWith, createUser, type TestUser } from '../helpers/factories.js'

export const author = 'Parveen Quorrish'

/** A community whose members may post as "a parent in this community": the author, a member, a moderator. */
export async function anonymousCommunity(db: Db, label: string | null = 'a parent in this community') {
  const parent = await createUser(db, { displayName: author })
  await db
    .updateTable('users')
    .set({ organisation: 'Zonnebloem School', country: 'BE' })
    .where('id', '=', parent.id)
    .execute()
  const member = await createUser(db, { displayName: 'Mara Member' })
  const moderator = await createUser(db, { displayName: 'Moira Moderator' })
  const community = await createCommunityWith(db, { moderators: [moderator], members: [parent, member] })
  await db.updateTable('communities').set({ anonymous_label: label }).where('id', '=', community.id).execute()
  return { community, parent, member, moderator }
}

export type People = { parent: TestUser; member: TestUser; moderator: TestUser }
export type App = FastifyInstance
