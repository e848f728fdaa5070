// Moderation messages that tell the truth: lock and pin reasons, a move list of communities, a suspension's end read
// as the same calendar day in every time zone, and a queue and log that name what was acted on in the reader's words.
import t from 'tap'
import { translate } from '../../src/web/i18n.js'
import { buildTestApp } from '../helpers/app.js'
import { decodeEntities } from '../helpers/client.js'
import { createCommunityWith, createThreadIn, createUser, replyIn } from '../helpers/factories.js'
import { loggedIn, logRows } from '../helpers/moderation.js'

const en = (key: string, vars?: Record<string, string>) => translate('en', key, vars)

t.test(
  'lock and pin take an optional reason, cleared again; moving offers the communities one may move to',
  async (t) => {
    const { app, db } = await buildTestApp(t)
    const moderator = await createUser(db, { displayName: 'Mona Moderator' })
    const author = await createUser(db, { displayName: 'Arno Author' })
    const home = await createCommunityWith(db, {
      slug: 'reason-home',
      name: 'Reason home',
      moderators: [moderator],
      members: [author],
    })
    await createCommunityWith(db, { slug: 'reason-away', name: 'Reason away', moderators: [moderator] })
    await createCommunityWith(db, { slug: 'not-mine', name: 'Not mine at all' })
    const threadId = await createThreadIn(db, home.id, author, { title: 'A thread to look after' })
    const mod = await loggedIn(app, moderator)
    const reasons = () =>
      db
        .selectFrom('threads')
        .select(['locked', 'pinned', 'lock_reason', 'pin_reason'])
        .where('id', '=', threadId)
        .executeTakeFirstOrThrow()

    const page = decodeEntities((await mod.get(`/t/${threadId}`)).body)
    t.match(
      page,
      `<label for="lock-reason-${threadId}">${en('mod_truth.tools.lock_reason')}</label>`,
      'a labelled reason field',
    )
    t.match(page, `<label for="pin-reason-${threadId}">${en('mod_truth.tools.pin_reason')}</label>`)
    const select = /<select id="move-to-\d+" name="community" required>([\s\S]*?)<\/select>/.exec(page)
    t.ok(select, 'moving offers a select, not a free text field')
    t.match(
      select![1],
      '<option value="reason-away">Reason away</option>',
      'with the communities this moderator looks after',
    )
    t.notMatch(select![1], 'not-mine', 'not those they do not moderate')
    t.notMatch(select![1], 'value="reason-home"', 'nor the one it is in')

    t.equal((await mod.post(`/mod/thread/${threadId}/lock`, { reason: 'Cooling down for a day' })).status, 303)
    t.equal((await mod.post(`/mod/thread/${threadId}/pin`, { reason: 'House rules' })).status, 303)
    t.match(await reasons(), {
      locked: true,
      pinned: true,
      lock_reason: 'Cooling down for a day',
      pin_reason: 'House rules',
    })
    const [logged] = await logRows(db, { actorId: moderator.id, action: 'pin', targetId: threadId })
    t.equal(logged!.reason, 'House rules', 'the reason is in the log')
    t.equal((await mod.post(`/mod/thread/${threadId}/unlock`)).status, 303)
    t.equal((await mod.post(`/mod/thread/${threadId}/unpin`)).status, 303)
    t.match(
      await reasons(),
      { locked: false, pinned: false, lock_reason: null, pin_reason: null },
      'cleared with the lock and pin',
    )
    t.equal((await mod.post(`/mod/thread/${threadId}/lock`)).status, 303, 'a reason is optional')
    t.match(await reasons(), { locked: true, lock_reason: null })

    await mod.get(`/t/${threadId}`)
    t.equal(
      (await mod.post(`/mod/thread/${threadId}/move`, { community: 'not-mine' })).status,
      403,
      'not into a community they do not moderate',
    )
    t.equal(
      (await mod.post(`/mod/thread/${threadId}/move`, { community: 'reason-away', reason: 'Belongs there' })).status,
      303,
    )
    const moved = await db
      .selectFrom('threads as t')
      .innerJoin('communities as c', 'c.id', 't.community_id')
      .select('c.slug')
      .where('t.id', '=', threadId)
      .executeTakeFirstOrThrow()
    t.equal(moved.slug, 'reason-away')

    const admin = await loggedIn(app, await createUser(db, { siteRole: 'admin' }))
    const adminSelect = /<select id="move-to-\d+" name="community" required>([\s\S]*?)<\/select>/.exec(
      (await admin.get(`/t/${threadId}`)).body,
    )
    t.match(adminSelect![1], 'value="not-mine"', 'an admin may move it to any community')
    t.match(adminSelect![1], 'value="reason-home"')
  },
)

t.test("a suspension's end reads the same day in Auckland and Los Angeles", async (t) => {
  const { app, db } = await buildTestApp(t)
  const year = new Date().getUTCFullYear() + 2
  const auckland = await createUser(db, { siteRole: 'admin', displayName: 'Admin in Auckland' })
  const angeles = await createUser(db, { siteRole: 'admin', displayName: 'Admin in Los Angeles' })
  const member = await createUser(db, { displayName: 'Suspended Sam' })
  await db
    .updateTable('users')
    .set({ time_zone: 'Pacific/Auckland' })
    .where('id', 'in', [auckland.id, member.id])
    .execute()
  await db.updateTable('users').set({ time_zone: 'America/Los_Angeles' }).where('id', '=', angeles.id).execute()
  const fromAuckland = await loggedIn(app, auckland)
  const fromAngeles = await loggedIn(app, angeles)
  await fromAuckland.get('/admin/users')
  t.equal(
    (await fromAuckland.post(`/admin/users/${member.id}/suspend`, { reason: 'Spam', until: `${year}-03-10` })).status,
    303,
  )
  const day = translate('en', 'moderation.users.until')
  for (const [who, client] of [
    ['Auckland', fromAuckland],
    ['Los Angeles', fromAngeles],
  ] as const) {
    const body = (await client.get('/admin/users')).body
    t.match(body, `${day} <time datetime="${year}-03-10">10 Mar ${year}</time>`, `the admin in ${who} reads 10 March`)
  }
  for (const zone of ['Pacific/Auckland', 'America/Los_Angeles']) {
    await db.updateTable('users').set({ time_zone: zone }).where('id', '=', member.id).execute()
    const sam = await loggedIn(app, member)
    t.match(
      decodeEntities((await sam.get('/')).body),
      translate('en', 'moderation.notice.suspended_until', { until: `10 Mar ${year}` }),
      `the member in ${zone} reads 10 March too`,
    )
  }
})

t.test(
  'queue and log name what was acted on and its state, translated; community moderators read their own log',
  async (t) => {
    const { app, db } = await buildTestApp(t)
    const moderator = await createUser(db, { displayName: 'Mona Moderator' })
    const otherMod = await createUser(db, { displayName: 'Otto Othermod' })
    const author = await createUser(db, { displayName: 'Arno Author' })
    const reporter = await createUser(db, { displayName: 'Rita Reporter' })
    const home = await createCommunityWith(db, {
      slug: 'log-home',
      name: 'Log home',
      moderators: [moderator],
      members: [author, reporter],
    })
    const away = await createCommunityWith(db, {
      slug: 'log-away',
      name: 'Log away',
      moderators: [otherMod],
      members: [author],
    })
    const threadId = await createThreadIn(db, home.id, author, { title: 'Finding a host in Ghent' })
    const postId = await replyIn(db, threadId, author, null, 'A reply that someone will flag')
    const awayThread = await createThreadIn(db, away.id, author, { title: 'Somewhere else entirely' })
    const mod = await loggedIn(app, moderator)
    const other = await loggedIn(app, otherMod)
    const flagger = await loggedIn(app, reporter)

    await flagger.get(`/t/${threadId}`)
    t.equal(
      (await flagger.post('/flags', { target_type: 'post', target_id: String(postId), reason: 'spam', note: '' }))
        .status,
      303,
    )
    const queue = decodeEntities((await mod.get('/mod')).body)
    t.match(
      queue,
      en('mod_truth.target.post', { title: 'Finding a host in Ghent' }),
      'the queue says "reply in <thread>"',
    )
    t.match(queue, `${en('moderation.queue.state')}: ${en('mod_truth.state.visible')}`, 'and its state in words')
    t.notMatch(queue, ': visible<', 'not the internal state')

    await mod.get(`/t/${threadId}`)
    await mod.post(`/mod/content/post/${postId}/hide`, { reason: 'Advertising' })
    await mod.post(`/mod/thread/${threadId}/lock`, { reason: 'Enough said' })
    await other.get(`/t/${awayThread}`)
    await other.post(`/mod/thread/${awayThread}/pin`, { reason: 'Welcome' })

    const log = await mod.get('/mod/log')
    t.equal(log.status, 200, 'a community moderator reads the log')
    const text = decodeEntities(log.body)
    t.match(text, en('mod_truth.target.post', { title: 'Finding a host in Ghent' }))
    t.match(text, en('mod_truth.target.thread', { title: 'Finding a host in Ghent' }))
    t.match(text, en('moderation.action.lock'))
    t.notMatch(text, /post #\d+|thread #\d+/, 'never "post #133"')
    t.notMatch(text, 'Somewhere else entirely', 'only the entries of their own communities')
    t.equal((await mod.get('/mod/log?community=log-away')).status, 403, 'not the log of another community')
    t.match(
      decodeEntities((await other.get('/mod/log')).body),
      en('mod_truth.target.thread', { title: 'Somewhere else entirely' }),
    )

    const admin = await loggedIn(app, await createUser(db, { siteRole: 'admin' }))
    const all = decodeEntities((await admin.get('/mod/log')).body)
    t.match(all, 'Somewhere else entirely', 'admins read all of it')
    t.match(all, 'Finding a host in Ghent')
    const member = await loggedIn(app, reporter)
    t.equal((await member.get('/mod/log')).status, 403, 'members do not')
  },
)
