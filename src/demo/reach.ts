// A little of what reaching people looks like, for the demo: replies to Sofia's welcome thread written through the
// commands with the app's config, so she has a collapsed notification and the emails wait in the outbox (shown at
// /dev/mail once the mail worker has written them), a watcher of the community hears of a new thread, and Claire and
// Sofia hold a private conversation.
import type { Db } from '../db/connect.js'
import { replyToConversation, startConversation } from '../conversations/commands.js'
import { replyToThread, startThread } from '../discussions/commands.js'
import type { NotifyConfig } from '../notifications/notify.js'

export async function seedReachDemo(db: Db, reach: NotifyConfig, user: (key: string) => number): Promise<void> {
  const welcome = await db
    .selectFrom('threads')
    .innerJoin('communities as c', 'c.id', 'threads.community_id')
    .select(['threads.id', 'threads.community_id'])
    .where('c.slug', '=', 'homeshare-network')
    .where('threads.author_id', '=', user('sofia'))
    .orderBy('threads.id')
    .executeTakeFirst()
  if (!welcome) return
  await db
    .insertInto('watches')
    .values({ user_id: user('anouk'), target_type: 'community', target_id: welcome.community_id, level: 'watching' })
    .onConflict((oc) => oc.columns(['user_id', 'target_type', 'target_id']).doUpdateSet({ level: 'watching' }))
    .execute()
  for (const [author, body] of [
    [
      'claire',
      'Claire from Lyon. We match about 60 pairs a year; right now I am looking for a fair way to end a match.',
    ],
    ['aoife', 'Aoife, west of Ireland. Rural matches are our struggle: homesharers without a car. Glad to be here.'],
  ] as const)
    await replyToThread(db, {
      threadId: welcome.id,
      parentId: null,
      authorId: user(author),
      bodyMd: body,
      submissionKey: null,
      reach,
    })
  await startThread(db, {
    communityId: welcome.community_id,
    authorId: user('thomas'),
    title: 'Who has a template for the first house visit?',
    bodyMd:
      'We are rewriting ours. What do you ask the householder on the first visit, and what do you leave for later?',
    themeIds: [],
    submissionKey: null,
    reach,
  })
  // A private conversation, without notifications or emails (those above are the demo of reaching people): Sofia has
  // an unread message from Claire beside "Messages" in her account menu.
  const conversation = await startConversation(db, null, {
    authorId: user('claire'),
    recipientIds: [user('sofia')],
    subject: 'Ending a match fairly',
    bodyMd: 'Sofia, could I see the letter you send when a match ends? Ours sounds like a dismissal.',
  })
  await replyToConversation(db, null, {
    conversationId: conversation.conversationId,
    authorId: user('sofia'),
    bodyMd: 'Of course. I will send it after our meeting; it starts with what went well.',
  })
  await replyToConversation(db, null, {
    conversationId: conversation.conversationId,
    authorId: user('claire'),
    bodyMd: 'Thank you! That is exactly the tone we miss.',
  })
}
