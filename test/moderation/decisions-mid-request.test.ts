// A suspension or a withdrawn role that commits while a write is under way holds for that write: the request's own
// checks at its start saw the old state, the write's transaction waits for the decision and sees it.
import t from 'tap'
import type { Db } from '../../src/db/connect.js'
import { setMemberRole } from '../../src/communities/commands.js'
import { createDraft } from '../../src/library/commands.js'
import { replyToThread } from '../../src/discussions/commands.js'
import { cancelMeeting, setAttendance } from '../../src/meetings/commands.js'
import { setVisibility, suspendUser } from '../../src/moderation/commands.js'
import { findTarget } from '../../src/moderation/targets.js'
import { HttpError } from '../../src/web/errors.js'
import { buildTestApp } from '../helpers/app.js'
import { someoneWaitsForALock } from '../helpers/lock-waits.js'
import type { Response } from '../helpers/client.js'
import { createCommunityWith, createThreadIn, createUser, replyIn, createMeetingIn } from '../helpers/factories.js'
import { loggedIn } from '../helpers/moderation.js'

const onServer = Boolean(process.env.DATABASE_URL)

/** Holds `decide` uncommitted on a second connection while `request` starts, commits it once the request waits. */
async function decideWhileRequestWaits(
  other: Db,
  decide: (trx: Db) => Promise<unknown>,
  request: () => Promise<Response>,
): Promise<Response> {
  let pending: Promise<Response> | undefined
  await other.transaction().execute(async (trx) => {
    await decide(trx as unknown as Db)
    pending = request()
    await someoneWaitsForALock(other)
  })
  return pending!
}

t.test('a reply sent while a suspension is being saved is refused', async (t) => {
  const { app, db, database } = await buildTestApp(t)
  const admin = await createUser(db, { siteRole: 'admin' })
  const member = await createUser(db)
  const community = await createCommunityWith(db, { members: [member] })
  const threadId = await createThreadIn(db, community.id, member)
  const replies = () => db.selectFrom('posts').select('id').where('thread_id', '=', threadId).execute()

  if (onServer) {
    const client = await loggedIn(app, member)
    await client.get(`/t/${threadId}`)
    const other = await database.connectAgain()
    const response = await decideWhileRequestWaits(
      other,
      (trx) =>
        trx
          .updateTable('users')
          .set({ status: 'suspended', suspended_until: null, suspension_reason: 'Spam wave' })
          .where('id', '=', member.id)
          .execute(),
      () =>
        client.post(`/t/${threadId}/replies`, {
          body: 'Sent just as the suspension is saved',
          parent_id: '',
          submission_key: '',
        }),
    )
    t.equal(response.status, 403, 'the reply is refused')
    t.match(response.body, 'Your account is suspended')
  } else {
    // PGlite runs one transaction at a time, so the race cannot happen there; the command itself still refuses.
    await suspendUser(db, { userId: member.id, adminId: admin.id, reason: 'Spam wave', until: null })
    const error = await replyToThread(db, {
      threadId,
      parentId: null,
      authorId: member.id,
      bodyMd: 'Too late',
      submissionKey: null,
    }).catch((e: unknown) => e)
    t.ok(error instanceof HttpError && error.statusCode === 403, 'the write refuses a suspended author')
  }
  t.equal((await replies()).length, 0, 'and nothing was stored')
})

t.test('a moderator whose role is withdrawn meanwhile cannot hide', async (t) => {
  const { app, db, database } = await buildTestApp(t)
  const admin = await createUser(db, { siteRole: 'admin' })
  const moderator = await createUser(db)
  const author = await createUser(db)
  const community = await createCommunityWith(db, { moderators: [moderator, admin], members: [author] })
  const threadId = await createThreadIn(db, community.id, author)
  const postId = await replyIn(db, threadId, author)
  const status = async () =>
    (await db.selectFrom('posts').select('status').where('id', '=', postId).executeTakeFirstOrThrow()).status

  if (onServer) {
    const client = await loggedIn(app, moderator)
    await client.get(`/t/${threadId}`)
    const other = await database.connectAgain()
    const response = await decideWhileRequestWaits(
      other,
      (trx) =>
        trx
          .updateTable('community_members')
          .set({ role: 'member' })
          .where('community_id', '=', community.id)
          .where('user_id', '=', moderator.id)
          .execute(),
      () => client.post(`/mod/content/post/${postId}/hide`, { reason: 'Off topic' }),
    )
    t.equal(response.status, 403, 'the hide is refused')
  } else {
    const target = await findTarget(db, 'post', postId)
    await setMemberRole(db, community.id, moderator.id, 'member', admin.id)
    const error = await setVisibility(db, {
      target: target!,
      moderatorId: moderator.id,
      hide: true,
      reason: 'Off topic',
    }).catch((e: unknown) => e)
    t.ok(error instanceof HttpError && error.statusCode === 403, 'the write refuses a former moderator')
  }
  t.equal(await status(), 'visible', 'the reply is still visible')
  const logged = await db
    .selectFrom('moderation_log')
    .select('id')
    .where('action', '=', 'hide')
    .where('actor_id', '=', moderator.id)
    .execute()
  t.equal(logged.length, 0, 'and no hide was logged')
})

t.test(
  'a member removed meanwhile cannot reply, and a moderator demoted cannot reply to a locked thread',
  async (t) => {
    const { db } = await buildTestApp(t)
    const admin = await createUser(db, { siteRole: 'admin' })
    const moderator = await createUser(db)
    const member = await createUser(db)
    const community = await createCommunityWith(db, { moderators: [moderator, admin], members: [member] })
    const threadId = await createThreadIn(db, community.id, member)
    await db
      .deleteFrom('community_members')
      .where('community_id', '=', community.id)
      .where('user_id', '=', member.id)
      .execute()
    const removed = await replyToThread(db, {
      threadId,
      parentId: null,
      authorId: member.id,
      bodyMd: 'Still here?',
      submissionKey: null,
    }).catch((e: unknown) => e)
    t.ok(removed instanceof HttpError && removed.statusCode === 403, 'a former member is refused')

    await db.updateTable('threads').set({ locked: true }).where('id', '=', threadId).execute()
    const asModerator = await replyToThread(db, {
      threadId,
      parentId: null,
      authorId: moderator.id,
      bodyMd: 'Closing note',
      submissionKey: null,
    })
    t.ok(asModerator.ok, 'a moderator replies to a locked thread')
    await setMemberRole(db, community.id, moderator.id, 'member', admin.id)
    const demoted = await replyToThread(db, {
      threadId,
      parentId: null,
      authorId: moderator.id,
      bodyMd: 'One more',
      submissionKey: null,
    })
    t.same(
      demoted,
      { ok: false, reason: 'thread_locked', postId: undefined, pending: false },
      'once demoted, the lock holds for them',
    )
  },
)

t.test('an attendance answer sent while the meeting is being cancelled is refused', async (t) => {
  const { app, db, database } = await buildTestApp(t)
  const moderator = await createUser(db)
  const member = await createUser(db)
  const community = await createCommunityWith(db, { moderators: [moderator], members: [member] })
  const meetingId = await createMeetingIn(db, community.id, moderator)
  const answers = () =>
    db.selectFrom('meeting_attendance').select('user_id').where('meeting_id', '=', meetingId).execute()

  if (onServer) {
    const client = await loggedIn(app, member)
    await client.get(`/meetings/${meetingId}`)
    const other = await database.connectAgain()
    const response = await decideWhileRequestWaits(
      other,
      (trx) =>
        trx
          .updateTable('meetings')
          .set({ cancelled_at: new Date(), cancel_reason: 'Speaker ill' })
          .where('id', '=', meetingId)
          .execute(),
      () => client.post(`/meetings/${meetingId}/attendance`, { answer: 'yes', delegate: '' }),
    )
    t.equal(response.status, 409, 'the answer is refused: the meeting will not take place')
  } else {
    await cancelMeeting(db, { meetingId, actorId: moderator.id, communityId: community.id, reason: 'Speaker ill' })
    const error = await setAttendance(db, { meetingId, userId: member.id, attending: true, delegateId: null }).catch(
      (e: unknown) => e,
    )
    t.ok(error instanceof HttpError && error.statusCode === 409, 'the write refuses a cancelled meeting')
  }
  t.equal((await answers()).length, 0, 'and no answer was stored')
})

t.test('a moderator demoted while turning a thread into a draft makes no draft', async (t) => {
  const { app, db, database } = await buildTestApp(t)
  const admin = await createUser(db, { siteRole: 'admin' })
  const moderator = await createUser(db)
  const author = await createUser(db)
  const community = await createCommunityWith(db, { moderators: [moderator, admin], members: [author] })
  const threadId = await createThreadIn(db, community.id, author, { title: 'Evening intakes' })
  const drafts = () => db.selectFrom('articles').select('id').execute()

  if (onServer) {
    const client = await loggedIn(app, moderator)
    await client.get(`/t/${threadId}/to-library`)
    const other = await database.connectAgain()
    const response = await decideWhileRequestWaits(
      other,
      (trx) =>
        trx
          .updateTable('community_members')
          .set({ role: 'member' })
          .where('community_id', '=', community.id)
          .where('user_id', '=', moderator.id)
          .execute(),
      () => client.post(`/t/${threadId}/to-library`, {}),
    )
    t.equal(response.status, 403, 'the draft is refused')
  } else {
    await setMemberRole(db, community.id, moderator.id, 'member', admin.id)
    const error = await createDraft(db, {
      title: 'Evening intakes',
      slug: 'evening-intakes',
      summary: '',
      kind: 'practice',
      language: 'en',
      body_md: 'How do you prepare them?',
      community_id: community.id,
      themeIds: [],
      practice: {
        practice_context: null,
        practice_target_group: null,
        practice_country: null,
        practice_what_worked: null,
        practice_what_did_not: null,
        practice_contact: null,
      },
      authorId: moderator.id,
      moderatorOf: community.id,
      sources: [{ threadId, postId: null }],
    }).catch((e: unknown) => e)
    t.ok(error instanceof HttpError && error.statusCode === 403, 'the write refuses a former moderator')
  }
  t.equal((await drafts()).length, 0, 'and no draft exists')
})
