import t from 'tap'
import { deletePost, editPost, editThread, replyToThread } from '../../src/discussions/commands.js'
import { resolveReviewItem } from '../../src/moderation/commands.js'
import { buildTestApp } from '../helpers/app.js'
import { createCommunityWith, createThreadIn, createUser, replyIn } from '../helpers/factories.js'

// Replying takes the thread's row lock and then (through the parent_id foreign key) a share lock on the parent reply;
// editing or deleting a reply locks that reply and then (through post_revisions' and posts' keys) needs a share lock
// on the thread. Row locks that do not block key-share locks keep the two from waiting on each other.
t.test('replies, edits and deletions in one thread at the same time never deadlock', async (t) => {
  const { db } = await buildTestApp(t)
  const author = await createUser(db)
  const community = await createCommunityWith(db, { members: [author] })
  const threadId = await createThreadIn(db, community.id, author)
  const parents = [
    await replyIn(db, threadId, author),
    await replyIn(db, threadId, author),
    await replyIn(db, threadId, author),
  ]
  const failures: string[] = []
  const attempt = (write: () => Promise<unknown>) =>
    write().catch((error: Error & { code?: string }) => failures.push(`${error.code ?? ''} ${error.message}`))
  for (let round = 0; round < 15; round++) {
    const spare = await replyIn(db, threadId, author, parents[round % 3], `spare ${round}`)
    await Promise.all(
      parents
        .flatMap((parentId, i) => [
          attempt(() =>
            replyToThread(db, {
              threadId,
              parentId,
              authorId: author.id,
              bodyMd: `answer ${round}.${i}`,
              submissionKey: null,
            }),
          ),
          attempt(() =>
            editPost(db, { postId: parentId, editorId: author.id, bodyMd: `edited ${round}.${i}`, version: round + 1 }),
          ),
        ])
        .concat([
          attempt(() => deletePost(db, { postId: spare, deletedBy: author.id })),
          attempt(() =>
            editThread(db, {
              threadId,
              editorId: author.id,
              title: `Round ${round}`,
              bodyMd: 'Still going.',
              themeIds: [],
              version: round + 1,
            }),
          ),
        ]),
    )
  }
  t.same(failures, [], 'every write went through')
  // Each edit above started from the version the one before it left (one edit of each row per round), so none was stale.
  const edited = await db.selectFrom('posts').select('version').where('id', 'in', parents).execute()
  t.same(
    edited.map((row) => row.version),
    [16, 16, 16],
  )
  const replies = await db
    .selectFrom('posts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('thread_id', '=', threadId)
    .where('body_md', 'like', 'answer %')
    .executeTakeFirstOrThrow()
  t.equal(Number(replies.n), 45)
})

// Approving a newcomer's reply counts it on their membership row and then shows it in the thread; the newcomer's own
// next reply locks that membership row (still a member?) and then the thread. Both take them in that order.
t.test('a moderator approving a newcomer while the newcomer goes on replying never deadlocks', async (t) => {
  const { db } = await buildTestApp(t)
  const moderator = await createUser(db)
  const newcomer = await createUser(db)
  const community = await createCommunityWith(db, { moderators: [moderator], members: [newcomer], premoderation: 1000 })
  const threadId = await createThreadIn(db, community.id, moderator)
  const failures: string[] = []
  const attempt = (write: () => Promise<unknown>) =>
    write().catch((error: Error & { code?: string }) => failures.push(`${error.code ?? ''} ${error.message}`))
  for (let round = 0; round < 10; round++) {
    const queued = await replyToThread(db, {
      threadId,
      parentId: null,
      authorId: newcomer.id,
      bodyMd: `queued ${round}`,
      submissionKey: null,
    })
    const item = await db
      .selectFrom('review_items')
      .select('id')
      .where('target_type', '=', 'post')
      .where('target_id', '=', queued.postId!)
      .executeTakeFirstOrThrow()
    await Promise.all([
      attempt(() =>
        resolveReviewItem(db, { itemId: item.id, moderatorId: moderator.id, action: 'approve', reason: null }),
      ),
      attempt(() =>
        replyToThread(db, {
          threadId,
          parentId: null,
          authorId: newcomer.id,
          bodyMd: `next ${round}`,
          submissionKey: null,
        }),
      ),
      attempt(() =>
        replyToThread(db, {
          threadId,
          parentId: queued.postId!,
          authorId: moderator.id,
          bodyMd: `welcome ${round}`,
          submissionKey: null,
        }),
      ),
    ])
  }
  t.same(failures, [], 'every write went through')
  const approved = await db
    .selectFrom('community_members')
    .select('approved_posts')
    .where('community_id', '=', community.id)
    .where('user_id', '=', newcomer.id)
    .executeTakeFirstOrThrow()
  t.equal(approved.approved_posts, 10, 'each approval counted once')
})
