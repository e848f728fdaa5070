// Flags feed review items: reasons, one flag per member, none on one's own post, auto-hide at three distinct members,
// and the review queue that shows what a moderator needs and records every decision.
import t from 'tap'
import { addComment, createDraft, transitionArticle } from '../../src/library/commands.js'
import { buildTestApp } from '../helpers/app.js'
import { Client, decodeEntities } from '../helpers/client.js'
import { createCommunityWith, createThreadIn, createUser, replyIn } from '../helpers/factories.js'
import { loggedIn, logRows, openItemOf, replyItem } from '../helpers/moderation.js'
import { translate } from '../../src/web/i18n.js'

t.test('flags and the review queue', async (t) => {
  const { app, db } = await buildTestApp(t)
  const moderator = await createUser(db, { displayName: 'Mona Moderator' })
  const admin = await createUser(db, { displayName: 'Ada Admin', siteRole: 'admin' })
  const author = await createUser(db, { displayName: 'Arno Author' })
  const flaggers = [
    await createUser(db, { displayName: 'Fien Flagger' }),
    await createUser(db, { displayName: 'Gust Flagger' }),
    await createUser(db, { displayName: 'Hilde Flagger' }),
  ]
  const reader = await createUser(db, { displayName: 'Rik Reader' })
  const community = await createCommunityWith(db, {
    slug: 'flag-community',
    moderators: [moderator],
    members: [author, reader, ...flaggers],
  })
  const [f1, f2, f3] = await Promise.all(flaggers.map((user) => loggedIn(app, user)))
  const authorClient = await loggedIn(app, author)
  const readerClient = await loggedIn(app, reader)
  const modClient = await loggedIn(app, moderator)
  const adminClient = await loggedIn(app, admin)
  const visitor = new Client(app)
  const flag = (client: Client, type: string, id: number, reason: string, note = '') =>
    client.post('/flags', { target_type: type, target_id: String(id), reason, note })
  const postRow = (id: number) =>
    db
      .selectFrom('posts')
      .select(['status', 'hidden_reason', 'hidden_by'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
  const replyCount = async (threadId: number) =>
    (await db.selectFrom('threads').select('reply_count').where('id', '=', threadId).executeTakeFirstOrThrow())
      .reply_count

  t.test(
    'every reason is accepted; "other" needs a note; nonsense, twice and one\'s own post are refused',
    async (t) => {
      const threadId = await createThreadIn(db, community.id, moderator, { title: 'Reasons thread' })
      for (const reason of ['spam', 'abuse', 'off_topic', 'privacy', 'other']) {
        const postId = await replyIn(db, threadId, author, null, `A reply flagged for ${reason}`)
        if (reason === 'other') {
          const bare = await flag(f1, 'post', postId, 'other')
          t.equal(bare.status, 400, '"other" without a note is refused')
          t.match(bare.body, 'Tell the moderators what is wrong in a short note.')
        }
        const note = reason === 'other' ? 'Mentions a resident by name' : ''
        const response = await flag(f1, 'post', postId, reason, note)
        t.equal(response.status, 303, `flagged as ${reason}`)
        t.equal(response.location, `/posts/${postId}`, 'back to the reply')
        const row = await db
          .selectFrom('flags')
          .select(['reason', 'note', 'review_item_id'])
          .where('target_id', '=', postId)
          .where('target_type', '=', 'post')
          .executeTakeFirstOrThrow()
        t.equal(row.reason, reason)
        t.equal(row.note, note || null)
        t.ok(row.review_item_id, 'the flag opened a review item')
      }

      const postId = await replyIn(db, threadId, author, null, 'Flag me once')
      const nonsense = await flag(f2, 'post', postId, 'boring')
      t.equal(nonsense.status, 400)
      t.match(nonsense.body, 'Choose why you flag this.')
      t.equal((await flag(f2, 'member', postId, 'spam')).status, 400, 'an unknown kind of content')
      t.equal((await flag(f2, 'post', 999_999, 'spam')).status, 404, 'content that does not exist')
      t.equal((await flag(f2, 'post', postId, 'spam')).status, 303)
      const twice = await flag(f2, 'post', postId, 'abuse')
      t.equal(twice.status, 400, 'one flag per member per item')
      t.match(twice.body, 'You already flagged this.')
      const own = await flag(authorClient, 'post', postId, 'spam')
      t.equal(own.status, 400, "no flag on one's own post")
      t.match(own.body, 'You cannot flag your own post.')
      t.equal(
        (
          await db
            .selectFrom('flags')
            .select('id')
            .where('target_id', '=', postId)
            .where('target_type', '=', 'post')
            .execute()
        ).length,
        1,
        'only the first flag was kept',
      )
      t.equal((await postRow(postId)).status, 'visible', 'one flag hides nothing')
    },
  )

  t.test('only what a member can read can be flagged by them', async (t) => {
    const closed = await createCommunityWith(db, {
      slug: 'closed-circle',
      visibility: 'members',
      moderators: [moderator],
      members: [author],
    })
    const closedThread = await createThreadIn(db, closed.id, author, { title: 'Members only' })
    const closedPost = await replyIn(db, closedThread, moderator, null, 'Only members read this')
    for (const [type, id] of [
      ['thread', closedThread],
      ['post', closedPost],
    ] as const) {
      const response = await flag(f1, type, id, 'spam')
      t.equal(response.status, 404, `an outsider cannot flag a ${type} in a members-only community`)
    }
    const openThread = await createThreadIn(db, community.id, moderator, { title: 'Out of sight' })
    const hiddenPost = await replyIn(db, openThread, author, null, 'Hidden by a moderator already')
    await db
      .updateTable('posts')
      .set({ status: 'hidden', hidden_by: moderator.id, hidden_reason: 'Earlier' })
      .where('id', '=', hiddenPost)
      .execute()
    t.equal((await flag(f1, 'post', hiddenPost, 'spam')).status, 404, 'nor content that is hidden from them')
    const recorded = await db
      .selectFrom('flags')
      .select('id')
      .where((eb) =>
        eb.or([
          eb.and([eb('target_type', '=', 'thread'), eb('target_id', '=', closedThread)]),
          eb.and([eb('target_type', '=', 'post'), eb('target_id', 'in', [closedPost, hiddenPost])]),
        ]),
      )
      .execute()
    t.equal(recorded.length, 0, 'no flag was recorded')
  })

  t.test(
    'three members flag a reply: it is hidden, the tree stays, the author still sees it; a moderator keeps it',
    async (t) => {
      const threadId = await createThreadIn(db, community.id, moderator, { title: 'Auto-hide thread' })
      const flagged = await replyIn(db, threadId, author, null, 'Sell your spare room to us today')
      const answer = await replyIn(db, threadId, reader, flagged, 'An answer underneath the flagged reply')
      t.equal(await replyCount(threadId), 2)

      t.equal((await flag(f1, 'post', flagged, 'spam')).status, 303)
      t.equal((await flag(f2, 'post', flagged, 'abuse')).status, 303)
      t.equal((await flag(f1, 'post', flagged, 'spam')).status, 400, 'the same member again does not count')
      t.equal((await postRow(flagged)).status, 'visible', 'two members are not enough')
      t.match((await readerClient.get(`/t/${threadId}`)).body, 'Sell your spare room')
      t.equal((await flag(f3, 'post', flagged, 'other', 'Advertises a paid service')).status, 303)
      const row = await postRow(flagged)
      t.equal(row.status, 'hidden', 'the third distinct member hides it')
      t.equal(row.hidden_by, null, 'hidden by Kring itself, not by a person')

      for (const [who, client] of [
        ['another member', readerClient],
        ['a visitor', visitor],
      ] as const) {
        const page = await client.get(`/t/${threadId}`)
        t.equal(page.status, 200)
        t.notMatch(page.body, 'Sell your spare room', `${who} no longer reads it`)
        t.match(
          replyItem(page.body, flagged),
          'A reply hidden by the moderators.',
          `${who} sees a placeholder in its place`,
        )
        t.match(
          replyItem(page.body, answer),
          'An answer underneath the flagged reply',
          `${who} still reads the answer to it: the tree is intact`,
        )
        t.match(page.body, '1 reply', `${who} sees the count drop`)
      }
      const own = await authorClient.get(`/t/${threadId}`)
      t.match(replyItem(own.body, flagged), 'Sell your spare room', 'the author still reads it')
      t.match(
        decodeEntities(replyItem(own.body, flagged) ?? ''),
        translate('en', 'posts.notice.reply_flagged_own'),
        'with a notice that says flags hid it and a moderator will review it',
      )
      t.equal(await replyCount(threadId), 1, 'the count dropped')
      const [autoHide] = await logRows(db, { action: 'auto_hide', targetId: flagged })
      t.equal(autoHide.actor_id, null, 'the auto-hide is logged as done by Kring')
      t.equal(autoHide.reason, '3 flags')
      t.equal(autoHide.subject_user_id, author.id)

      const item = (await openItemOf(db, 'post', flagged))!
      t.equal(item.kind, 'flagged')
      const queue = decodeEntities((await modClient.get('/mod')).body)
      const card = queue.slice(queue.indexOf(`id="item-${item.id}"`)).split('<li class="card review-item"')[0]
      t.match(card, 'Sell your spare room to us today', 'the queue shows the content')
      t.match(card, `href="/t/${threadId}?at=${flagged}#p${flagged}"`, 'with a link to it in its thread')
      t.match(card, 'Auto-hide thread', 'named by its thread')
      t.match(card, 'Arno Author', 'by whom')
      t.match(card, /member since <time[^>]*>[^<]+<\/time> · \d+ posts, moderated 1 times/, "and the author's history")
      t.match(card, /Fien Flagger<\/strong>: Spam or advertising/, 'who flagged it and why')
      t.match(card, /Gust Flagger<\/strong>: Abusive or disrespectful/)
      t.match(card, /Hilde Flagger<\/strong>: Something else — “Advertises a paid service”/)
      t.match(card, `state: ${translate('en', 'mod_truth.state.hidden')}`, 'its state, translated')

      const kept = await modClient.post(`/mod/items/${item.id}`, {
        action: 'keep',
        reason: 'It is an answer to the question',
      })
      t.equal(kept.status, 303)
      t.equal(kept.location, '/mod')
      t.equal((await postRow(flagged)).status, 'visible', 'kept: visible again')
      t.match(
        replyItem((await readerClient.get(`/t/${threadId}`)).body, flagged),
        'Sell your spare room',
        'others read it again',
      )
      t.equal(await replyCount(threadId), 2, 'and count it again')
      const resolved = await db
        .selectFrom('review_items')
        .selectAll()
        .where('id', '=', item.id)
        .executeTakeFirstOrThrow()
      t.equal(resolved.status, 'ignored', 'the flags are dismissed')
      t.equal(resolved.resolution, 'keep')
      t.equal(resolved.resolved_by, moderator.id)
      t.ok(resolved.resolved_at)
      t.notMatch((await modClient.get('/mod')).body, `id="item-${item.id}"`, 'the item left the queue')

      const again = await modClient.post(`/mod/items/${item.id}`, { action: 'hide', reason: 'Changed my mind' })
      t.equal(again.status, 400, 'an item is resolved once')
      t.match(again.body, 'Another moderator already handled this.')
      t.equal((await postRow(flagged)).status, 'visible', 'and the second decision changed nothing')
      const [keep] = await logRows(db, { action: 'keep', targetId: flagged })
      t.equal(keep.actor_id, moderator.id)
      t.equal(keep.reason, 'It is an answer to the question')
      t.ok(keep.created_at)
    },
  )

  t.test(
    'hide and delete from the queue need a reason, which the author reads; the log has every resolution',
    async (t) => {
      const threadId = await createThreadIn(db, community.id, moderator, { title: 'Decisions thread' })
      const toHide = await replyIn(db, threadId, author, null, 'Her phone number is 0470 12 34 56')
      const toDelete = await replyIn(db, threadId, author, null, 'Buy cheap watches here')
      await flag(f1, 'post', toHide, 'privacy')
      await flag(f1, 'post', toDelete, 'spam')
      const hideItem = (await openItemOf(db, 'post', toHide))!
      const deleteItem = (await openItemOf(db, 'post', toDelete))!

      const noReason = await modClient.post(`/mod/items/${hideItem.id}`, { action: 'hide', reason: '' })
      t.equal(noReason.status, 400)
      t.match(noReason.body, 'Give a reason: the author will see it.')
      t.equal(
        (await modClient.post(`/mod/items/${hideItem.id}`, { action: 'approve' })).status,
        400,
        'approve is for queued posts, not flags',
      )
      t.equal(
        (await modClient.post(`/mod/items/${hideItem.id}`, { action: 'explode' })).status,
        400,
        'an unknown action',
      )
      t.equal((await postRow(toHide)).status, 'visible', 'nothing happened yet')

      t.equal(
        (await modClient.post(`/mod/items/${hideItem.id}`, { action: 'hide', reason: 'Shares a phone number' })).status,
        303,
      )
      t.same(await postRow(toHide), {
        status: 'hidden',
        hidden_reason: 'Shares a phone number',
        hidden_by: moderator.id,
      })
      const authorView = await authorClient.get(`/t/${threadId}`)
      t.match(
        replyItem(authorView.body, toHide),
        'This reply is hidden from others by a moderator. Reason: Shares a phone number',
        'the author reads why',
      )
      t.notMatch((await readerClient.get(`/t/${threadId}`)).body, '0470 12 34 56', 'others do not read it')

      t.equal(
        (await modClient.post(`/mod/items/${deleteItem.id}`, { action: 'delete', reason: 'Spam link' })).status,
        303,
      )
      t.equal((await postRow(toDelete)).status, 'deleted')
      const readerView = await readerClient.get(`/t/${threadId}`)
      t.notMatch(readerView.body, 'Buy cheap watches', 'a deleted reply is gone')
      t.match(
        replyItem(readerView.body, toDelete),
        'Reply deleted by a moderator.',
        'its placeholder says who deleted it',
      )
      t.equal(await replyCount(threadId), 0)

      const log = decodeEntities((await adminClient.get('/mod/log')).body)
      for (const [action, reason] of [
        ['Hide', 'Shares a phone number'],
        ['Delete', 'Spam link'],
        ['Keep', 'It is an answer to the question'],
        ['Hidden by flags', '3 flags'],
      ]) {
        t.match(
          log,
          new RegExp(
            `<td>${action}</td>\\s*<td><a href="/t/\\d+\\?at=\\d+#p\\d+">Reply in “[^”]+”</a> · Member Arno Author · Community flag-community</td>\\s*<td>${reason}</td>`,
          ),
          `the log shows "${action}", what it was done to (by its thread's title, linked) and its reason`,
        )
      }
      t.match(
        log,
        /<td><time datetime="[^"]+">[^<]+<\/time><\/td>\s*<td><a href="\/u\/\d+" class="person">Mona Moderator<\/a><\/td>\s*<td>Hide<\/td>/,
        'when and who',
      )
      t.match(log, /<td>Kring \(automatic\)<\/td>\s*<td>Hidden by flags<\/td>/, 'the auto-hide is by Kring')
    },
  )

  t.test(
    'threads, article comments and articles are flagged into the queue too; a thread hidden by flags is gone for others',
    async (t) => {
      const threadId = await createThreadIn(db, community.id, author, { title: 'A thread about cheap watches' })
      for (const client of [f1, f2, f3]) t.equal((await flag(client, 'thread', threadId, 'spam')).status, 303)
      t.equal(
        (await db.selectFrom('threads').select('status').where('id', '=', threadId).executeTakeFirstOrThrow()).status,
        'hidden',
      )
      t.equal(
        (await readerClient.get(`/t/${threadId}`)).status,
        404,
        'a hidden thread does not exist for other members',
      )
      t.equal((await visitor.get(`/t/${threadId}`)).status, 404, 'nor for visitors')
      const own = await authorClient.get(`/t/${threadId}`)
      t.equal(own.status, 200)
      t.match(
        decodeEntities(own.body),
        translate('en', 'posts.notice.thread_flagged_own'),
        'its author reads it with a notice that flags hid it',
      )

      const draft = await createDraft(db, {
        title: 'Matching hosts and students',
        slug: 'matching-hosts',
        summary: 'How we match.',
        kind: 'guide',
        language: 'en',
        body_md: 'Carefully.',
        community_id: community.id,
        themeIds: [],
        authorId: author.id,
        practice: {
          practice_context: null,
          practice_target_group: null,
          practice_country: null,
          practice_what_worked: null,
          practice_what_did_not: null,
          practice_contact: null,
        },
      })
      if (!draft.ok) throw new Error('no article')
      await transitionArticle(db, draft.id, 'publish', null)
      const comment = await addComment(db, {
        articleId: draft.id,
        authorId: author.id,
        parentId: null,
        bodyMd: 'A comment worth a flag',
      })
      if (!comment.ok) throw new Error('no comment')
      t.equal((await flag(f1, 'comment', comment.id, 'off_topic')).status, 303)
      t.equal((await flag(f2, 'article', draft.id, 'privacy')).status, 303)
      const queue = (await modClient.get('/mod')).body
      for (const [type, id, label] of [
        ['thread', threadId, 'Thread'],
        ['comment', comment.id, 'Comment'],
        ['article', draft.id, 'Article'],
      ] as const) {
        const item = (await openItemOf(db, type, id))!
        t.equal(item.community_id, community.id, `the ${type} item belongs to the community`)
        t.match(
          queue,
          new RegExp(`id="item-${item.id}">\\s*<p class="meta"><span class="badge ">Flagged</span> ${label}`),
          `the ${type} is in the queue`,
        )
      }
    },
  )
})
