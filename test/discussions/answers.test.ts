// Accepted answers: who may mark one (starter, moderator; not other members, visitors or the suspended), where it shows
// (under the first post, a badge on the reply), replacing and unmarking it, and that a hidden answer is no answer.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { Client } from '../helpers/client.js'
import { createCommunityWith, createThreadIn, createUser, replyIn } from '../helpers/factories.js'
import { loggedIn, logRows, replyItem } from '../helpers/moderation.js'
import { translate } from '../../src/web/i18n.js'

// The answer's heading names its author, linked to their profile.
const answerBy = (name: string, id: number) =>
  translate('en', 'posts.answer.by', { name: `<a href="/u/${id}" class="person">${name}</a>` })
const badge = translate('en', 'posts.answer.badge')
const markLabel = translate('en', 'posts.answer.mark')

/** The part of the page between the first post and the replies: where the accepted answer shows. */
const underFirstPost = (body: string) => body.slice(body.indexOf('id="opening"'), body.indexOf('id="replies-title"'))

t.test('who may mark a reply as the answer', async (t) => {
  const { app, db } = await buildTestApp(t)
  const starter = await createUser(db, { displayName: 'Starter Sam' })
  const helper = await createUser(db, { displayName: 'Helpful Hana' })
  const other = await createUser(db, { displayName: 'Other Olga' })
  const moderator = await createUser(db, { displayName: 'Moderator Mo' })
  const suspended = await createUser(db, { displayName: 'Suspended Suki' })
  const community = await createCommunityWith(db, {
    moderators: [moderator],
    members: [starter, helper, other, suspended],
  })
  const threadId = await createThreadIn(db, community.id, starter, { title: 'How do you plan intake?' })
  const replyId = await replyIn(db, threadId, helper, null, 'We plan **two** conversations before a match.')
  const answerOf = async () =>
    (await db.selectFrom('threads').select('answer_post_id').where('id', '=', threadId).executeTakeFirstOrThrow())
      .answer_post_id

  await t.test('a visitor is sent to log in and changes nothing', async (t) => {
    const visitor = new Client(app)
    const page = await visitor.get(`/t/${threadId}`)
    t.notMatch(page.body, markLabel, 'no mark button for visitors')
    const response = await visitor.post(`/posts/${replyId}/answer`, {})
    t.ok([401, 403].includes(response.status), `refused (${response.status})`)
    t.equal(await answerOf(), null)
  })

  await t.test('another member may not', async (t) => {
    const client = await loggedIn(app, other)
    const page = await client.get(`/t/${threadId}`)
    t.notMatch(page.body, markLabel, 'no mark button for other members')
    const response = await client.post(`/posts/${replyId}/answer`, {})
    t.equal(response.status, 403)
    t.match(response.body, translate('en', 'posts.answer.not_allowed'), 'told who may')
    t.equal(await answerOf(), null)
  })

  await t.test('a suspended starter may not', async (t) => {
    const ownThread = await createThreadIn(db, community.id, suspended, { title: 'Suspended question' })
    const ownReply = await replyIn(db, ownThread, helper)
    const client = await loggedIn(app, suspended)
    await client.get(`/t/${ownThread}`)
    await db
      .updateTable('users')
      .set({ status: 'suspended', suspension_reason: 'Cooling off' })
      .where('id', '=', suspended.id)
      .execute()
    const response = await client.post(`/posts/${ownReply}/answer`, {})
    t.equal(response.status, 403)
    const row = await db.selectFrom('threads').select('answer_post_id').where('id', '=', ownThread).executeTakeFirst()
    t.equal(row?.answer_post_id, null)
  })

  await t.test(
    'the starter marks it without a log entry; it shows under the first post and on the reply',
    async (t) => {
      const client = await loggedIn(app, starter)
      const before = await client.get(`/t/${threadId}`)
      t.match(replyItem(before.body, replyId) ?? '', markLabel, 'the starter sees the mark button on the reply')
      t.match(replyItem(before.body, replyId) ?? '', /<details class="menu post-menu">/, 'inside the menu')
      const response = await client.post(`/posts/${replyId}/answer`, {})
      t.equal(response.status, 303)
      t.match(response.location, `#p${replyId}`, 'back to the reply')
      t.equal(await answerOf(), replyId)
      t.same(await logRows(db, { action: 'mark_answer' }), [], 'a starter marking their own question is not moderation')
      const told = await db
        .selectFrom('notifications')
        .select('kind')
        .where('user_id', '=', helper.id)
        .where('kind', '=', 'answer_accepted')
        .execute()
      t.equal(told.length, 1, 'the author of the reply is notified')

      const page = await new Client(app).get(`/t/${threadId}`)
      const top = underFirstPost(page.body)
      t.match(top, answerBy('Helpful Hana', helper.id), 'the answer shows under the first post')
      t.match(top, 'We plan two conversations before a match.', 'with a plain-text excerpt')
      t.notMatch(top, '<strong>two</strong>', 'not its HTML')
      t.match(top, `href="#p${replyId}"`, 'and a link to it')
      t.match(replyItem(page.body, replyId) ?? '', `badge-answered">${badge}<`, 'the reply carries the badge')
    },
  )

  await t.test('a moderator replaces it, logged; the starter unmarks it', async (t) => {
    const second = await replyIn(db, threadId, other, null, 'Ask the family first.')
    const mod = await loggedIn(app, moderator)
    await mod.get(`/t/${threadId}`)
    t.equal((await mod.post(`/posts/${second}/answer`, {})).status, 303)
    t.equal(await answerOf(), second, 'the new answer replaces the old one')
    const logged = await logRows(db, { action: 'mark_answer', actorId: moderator.id })
    t.equal(logged.length, 1, 'the moderator act is in the moderation log')
    t.equal(logged[0]?.target_id, second)
    const page = await mod.get(`/t/${threadId}`)
    t.match(underFirstPost(page.body), answerBy('Other Olga', other.id))
    t.notMatch(replyItem(page.body, replyId) ?? '', 'badge-answered', 'the old answer lost its badge')

    const client = await loggedIn(app, starter)
    const mine = await client.get(`/t/${threadId}`)
    t.match(replyItem(mine.body, second) ?? '', translate('en', 'posts.answer.unmark'), 'an unmark button')
    t.equal((await client.post(`/posts/${second}/unanswer`, {})).status, 303)
    t.equal(await answerOf(), null, 'no answer any more')
    const after = await client.get(`/t/${threadId}`)
    t.notMatch(underFirstPost(after.body), 'accepted-answer', 'nothing under the first post')
  })
})

t.test('a hidden or deleted answer is no answer', async (t) => {
  const { app, db } = await buildTestApp(t)
  const starter = await createUser(db, { displayName: 'Starter Sam' })
  const helper = await createUser(db, { displayName: 'Helpful Hana' })
  const moderator = await createUser(db, { displayName: 'Moderator Mo' })
  const community = await createCommunityWith(db, { moderators: [moderator], members: [starter, helper] })
  const threadId = await createThreadIn(db, community.id, starter)
  const replyId = await replyIn(db, threadId, helper, null, 'A secret recipe that breaks the rules.')
  const client = await loggedIn(app, starter)
  await client.get(`/t/${threadId}`)
  t.equal((await client.post(`/posts/${replyId}/answer`, {})).status, 303)

  const mod = await loggedIn(app, moderator)
  await mod.get(`/t/${threadId}`)
  t.equal((await mod.post(`/mod/content/post/${replyId}/hide`, { reason: 'Off the rails' })).status, 303)
  const visitorPage = await new Client(app).get(`/t/${threadId}`)
  t.notMatch(visitorPage.body, answerBy('Helpful Hana', helper.id), 'not shown under the first post')
  t.notMatch(visitorPage.body, 'A secret recipe', 'nor its text')
  t.notMatch(visitorPage.body, 'badge-answered', 'no answered badge anywhere')
  const starterPage = await client.get(`/t/${threadId}`)
  t.notMatch(starterPage.body, answerBy('Helpful Hana', helper.id), 'not for the starter either')

  const hidden = await client.post(`/posts/${replyId}/answer`, {})
  t.equal(hidden.status, 409, 'a hidden reply cannot be marked again')
})
