import t from 'tap'
import { deletePost, editPost, editThread, replyToThread } from '../../src/discussions/commands.js'
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
  const parents = [await replyIn(db, threadId, author), await replyIn(db, threadId, author), await replyIn(db, threadId, author)]
  const failures: string[] = []
  const attempt = (write: () => Promise<unknown>) => write().catch((error: Error & { code?: string }) => failures.push(`${error.code ?? ''} ${error.message}`))
  for (let round = 0; round < 15; round++) {
    const spare = await replyIn(db, threadId, author, parents[round % 3], `spare ${round}`)
    await Promise.all(
      parents.flatMap((parentId, i) => [
        attempt(() => replyToThread(db, { threadId, parentId, authorId: author.id, bodyMd: `answer ${round}.${i}`, submissionKey: null })),
        attempt(() => editPost(db, { postId: parentId, editorId: author.id, bodyMd: `edited ${round}.${i}`, version: round + 1 })),
      ]).concat([
        attempt(() => deletePost(db, { postId: spare, deletedBy: author.id })),
        attempt(() => editThread(db, { threadId, editorId: author.id, title: `Round ${round}`, bodyMd: 'Still going.', themeIds: [], version: round + 1 })),
      ]),
    )
  }
  t.same(failures, [], 'every write went through')
  // Each edit above started from the version the one before it left (one edit of each row per round), so none was stale.
  const edited = await db.selectFrom('posts').select('version').where('id', 'in', parents).execute()
  t.same(edited.map((row) => row.version), [16, 16, 16])
  const replies = await db.selectFrom('posts').select((eb) => eb.fn.countAll<number>().as('n')).where('thread_id', '=', threadId).where('body_md', 'like', 'answer %').executeTakeFirstOrThrow()
  t.equal(Number(replies.n), 45)
})
