// Membership decisions against what is true at the moment of the write: the join policy as it is now, and a role
// change that meets the member's own write in the same lock order instead of deadlocking with it.
import t from 'tap'
import { joinCommunity, setMemberRole } from '../../src/communities/commands.js'
import { buildTestApp } from '../helpers/app.js'
import { someoneWaitsForALock } from '../helpers/lock-waits.js'
import { createCommunityWith, createUser } from '../helpers/factories.js'

const onServer = Boolean(process.env.DATABASE_URL)

t.test('a join decided on a policy read before an admin closed the community follows the new policy', async (t) => {
  const { db } = await buildTestApp(t)
  const member = await createUser(db)
  const community = await createCommunityWith(db, { joinPolicy: 'open' })
  // The route read the community while it was open; the admin switches it to requests before the join's transaction.
  const readByTheRoute = { id: community.id, join_policy: 'open' }
  await db.updateTable('communities').set({ join_policy: 'request' }).where('id', '=', community.id).execute()
  t.equal(await joinCommunity(db, readByTheRoute, member.id, null), 'requested', 'the join became a request')
  const row = await db
    .selectFrom('community_members')
    .select('status')
    .where('community_id', '=', community.id)
    .where('user_id', '=', member.id)
    .executeTakeFirstOrThrow()
  t.equal(row.status, 'pending', 'the member waits for a moderator')

  const closed = await createCommunityWith(db, { joinPolicy: 'open' })
  await db.updateTable('communities').set({ join_policy: 'invite' }).where('id', '=', closed.id).execute()
  t.equal(await joinCommunity(db, { id: closed.id, join_policy: 'open' }, member.id, null), 'invite_only')
})

t.test("a role change meeting the member's own write waits for it instead of deadlocking", async (t) => {
  const { db, database } = await buildTestApp(t)
  const admin = await createUser(db, { siteRole: 'admin' })
  const member = await createUser(db)
  const community = await createCommunityWith(db, { members: [member] })
  const role = () =>
    db
      .selectFrom('community_members')
      .select('role')
      .where('community_id', '=', community.id)
      .where('user_id', '=', member.id)
      .executeTakeFirstOrThrow()

  if (onServer) {
    // The member's write, as every command takes its locks: their user row first, then their membership row.
    const other = await database.connectAgain()
    t.teardown(() => other.destroy())
    let change: Promise<boolean> | undefined
    await other.transaction().execute(async (trx) => {
      await trx.selectFrom('users').select('id').where('id', '=', member.id).forShare().execute()
      change = setMemberRole(db, community.id, member.id, 'moderator', admin.id)
      await someoneWaitsForALock(other)
      await trx
        .selectFrom('community_members')
        .select('role')
        .where('community_id', '=', community.id)
        .where('user_id', '=', member.id)
        .forShare()
        .execute()
    })
    t.equal(await change, true, 'the role change went through once the write was done')
  } else {
    // PGlite runs one transaction at a time, so the two cannot interleave; the change itself still holds.
    t.equal(await setMemberRole(db, community.id, member.id, 'moderator', admin.id), true)
  }
  t.equal((await role()).role, 'moderator')
  const user = await db
    .selectFrom('users')
    .select('role_changed_at')
    .where('id', '=', member.id)
    .executeTakeFirstOrThrow()
  t.ok(user.role_changed_at, "the member's sessions will take the new role")
})
