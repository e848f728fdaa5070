// What the thread page tells people about a thread's state: waiting for a moderator (not "deleted"), hidden after
// flags and waiting for review, and why a thread is locked or pinned.
import Handlebars from 'handlebars'
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { Client } from '../helpers/client.js'
import { createCommunityWith, createThreadIn, createUser, replyIn } from '../helpers/factories.js'
import { loggedIn, replyItem } from '../helpers/moderation.js'
import { translate as translateText, type Locale } from '../../src/web/i18n.js'

/** A catalog text as Handlebars prints it in the page. */
const translate = (locale: Locale, key: string, vars?: Record<string, string>) =>
  Handlebars.escapeExpression(translateText(locale, key, vars))

t.test('a pending thread waits for a moderator', async (t) => {
  const { app, db } = await buildTestApp(t)
  const newcomer = await createUser(db, { displayName: 'New Nora' })
  const other = await createUser(db, { displayName: 'Other Olga' })
  const community = await createCommunityWith(db, { premoderation: 2, members: [newcomer, other] })
  const author = await loggedIn(app, newcomer)
  await author.get(`/c/${community.slug}/new`)
  const started = await author.post(`/c/${community.slug}/new`, {
    title: 'My first question',
    body: 'Is anyone there?',
    submission_key: /name="submission_key" value="([^"]+)"/.exec(
      (await author.get(`/c/${community.slug}/new`)).body,
    )![1],
  })
  t.equal(started.status, 303)
  const thread = await db
    .selectFrom('threads')
    .select(['id', 'status'])
    .where('title', '=', 'My first question')
    .executeTakeFirstOrThrow()
  t.equal(thread.status, 'pending')

  const page = await author.get(`/t/${thread.id}`)
  t.equal(page.status, 200)
  t.match(page.body, translate('en', 'posts.notice.thread_pending_own'), 'the author is told it waits for a moderator')
  t.match(page.body, translate('en', 'posts.reply.thread_pending'), 'and when they can reply')
  t.notMatch(page.body, translate('en', 'discussions.reply.thread_gone'), 'never that it was deleted')

  for (const client of [new Client(app), await loggedIn(app, other)]) {
    const refused = await client.get(`/t/${thread.id}`)
    t.equal(refused.status, 404, 'others do not see it')
    t.match(refused.body, translate('en', 'posts.thread.unavailable'), 'and are told it is not available')
    t.notMatch(refused.body, 'My first question')
  }
})

t.test('a reply hidden after flags tells its author it waits for review', async (t) => {
  const { app, db } = await buildTestApp(t)
  const author = await createUser(db, { displayName: 'Flagged Fred' })
  const flaggers = [await createUser(db), await createUser(db), await createUser(db)]
  const moderator = await createUser(db, { displayName: 'Mo' })
  const community = await createCommunityWith(db, { moderators: [moderator], members: [author, ...flaggers] })
  const threadId = await createThreadIn(db, community.id, flaggers[0])
  const replyId = await replyIn(db, threadId, author, null, 'Buy cheap watches')
  for (const flagger of flaggers) {
    const client = await loggedIn(app, flagger)
    await client.get(`/t/${threadId}`)
    await client.post('/flags', { target_type: 'post', target_id: String(replyId), reason: 'spam', note: '' })
  }
  const row = await db.selectFrom('posts').select('status').where('id', '=', replyId).executeTakeFirstOrThrow()
  t.equal(row.status, 'hidden', 'hidden after three flags')

  const own = await (await loggedIn(app, author)).get(`/t/${threadId}`)
  t.match(
    replyItem(own.body, replyId) ?? '',
    translate('en', 'posts.notice.reply_flagged_own'),
    'the author is told why',
  )
  const asMod = await (await loggedIn(app, moderator)).get(`/t/${threadId}`)
  t.match(replyItem(asMod.body, replyId) ?? '', translate('en', 'posts.notice.reply_flagged'), 'moderators too')
  const visitor = await new Client(app).get(`/t/${threadId}`)
  t.notMatch(visitor.body, 'Buy cheap watches', 'others do not see the text')

  await t.test('a reply a moderator hid shows the moderator reason instead', async (t) => {
    const other = await replyIn(db, threadId, author, null, 'Another one')
    const mod = await loggedIn(app, moderator)
    await mod.get(`/t/${threadId}`)
    await mod.post(`/mod/content/post/${other}/hide`, { reason: 'Personal data' })
    const page = await (await loggedIn(app, author)).get(`/t/${threadId}`)
    const item = replyItem(page.body, other) ?? ''
    t.match(item, translate('en', 'moderation.notice.reply_hidden'))
    t.match(item, 'Personal data')
    t.notMatch(item, translate('en', 'posts.notice.reply_flagged_own'))
  })
})

t.test('lock and pin reasons show beside the state', async (t) => {
  const { app, db } = await buildTestApp(t)
  const ana = await createUser(db)
  const community = await createCommunityWith(db, { members: [ana] })
  const threadId = await createThreadIn(db, community.id, ana)
  await db
    .updateTable('threads')
    .set({ locked: true, lock_reason: 'Settled at the meeting', pinned: true, pin_reason: 'Read this first' })
    .where('id', '=', threadId)
    .execute()
  for (const locale of ['en', 'nl'] as const) {
    const page = await new Client(app).get(`/t/${threadId}`, { 'accept-language': locale })
    t.match(page.body, translate(locale, 'posts.state.lock_reason', { reason: 'Settled at the meeting' }), locale)
    t.match(page.body, translate(locale, 'posts.state.pin_reason', { reason: 'Read this first' }), locale)
  }
  await db.updateTable('threads').set({ lock_reason: null }).where('id', '=', threadId).execute()
  const page = await new Client(app).get(`/t/${threadId}`)
  t.match(page.body, 'badge-locked', 'still locked')
  t.notMatch(page.body, 'Settled at the meeting', 'without a reason, none is shown')
})
