// Member digests end to end over real SMTP: sent at the member's own hour in their time zone, exactly once however
// many times or instances run the schedule, caught up after downtime, nothing when nothing is new, and only what the
// member may read (hidden replies and members-only communities they left stay out).
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { createCommunityWith, createThreadIn, replyIn, createThemeWith } from '../helpers/factories.js'
import { startSmtp } from '../helpers/smtp.js'
import { notify } from '../../src/notifications/notify.js'
import { unsubscribeUrl } from '../../src/notifications/notify.js'
import { appWithSmtp, memberWith, minutes, nextSlot, smtpMail, watch } from './helpers.js'

t.test('a daily digest arrives at the member’s local hour with the new replies of a watched thread', async (t) => {
  const smtp = await startSmtp(t)
  const { app, db } = await appWithSmtp(t, smtp)
  const reader = await memberWith(db, { preferences: { digest: 'daily' }, timeZone: 'Asia/Tokyo', hour: 7 })
  const author = await memberWith(db, { displayName: 'Ana <b>Author</b>' })
  const community = await createCommunityWith(db, { members: [reader, author], name: 'Home care' })
  const threadId = await createThreadIn(db, community.id, author, { title: 'Intake & <script>x</script> visits' })
  await watch(db, reader, 'thread', threadId)
  const replyId = await replyIn(db, threadId, author)
  await replyIn(db, threadId, author)

  const slot = nextSlot('daily', 'Asia/Tokyo', 7)
  t.equal(new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Tokyo', hour: '2-digit' }).format(slot), '07')
  await app.scheduler.runDue(minutes(slot, -1))
  t.same(await app.mail.drain(), { sent: 0, failed: 0 }, 'nothing a minute before 07:00 in Tokyo')

  await app.scheduler.runDue(minutes(slot, 1))
  t.same(await app.mail.drain(), { sent: 1, failed: 0 })
  const [mail] = await smtp.waitFor(1)
  t.same(mail.envelopeTo, [reader.email])
  t.equal(mail.parsed.subject, 'Your daily digest from Kring')
  t.match(mail.parsed.text, /Intake & <script>x<\/script> visits/)
  t.match(mail.parsed.text, /2 new replies, in Home care/)
  t.match(mail.parsed.text, new RegExp(`/posts/${replyId}\\n`), 'to the reply, on whatever page it is')
  t.notMatch(mail.parsed.text, /#post-/)
  t.match(mail.parsed.html, /Intake &amp; &lt;script&gt;x&lt;\/script&gt; visits/, 'titles are escaped in HTML')
  t.notMatch(mail.parsed.html, /<script>/)
  t.match(mail.raw, /^List-Unsubscribe:\s+<http:\/\/localhost:80\/unsubscribe\/[^>]+>\r?$/m)
  t.match(mail.parsed.text, /Email preferences: http:\/\/localhost:80\/settings\/notifications\/\S+/)

  await app.scheduler.runDue(minutes(slot, 30))
  t.same(await app.mail.drain(), { sent: 0, failed: 0 }, 'the same slot never sends twice')
})

t.test('two instances running the same slot at once send one digest', async (t) => {
  const smtp = await startSmtp(t)
  const first = await appWithSmtp(t, smtp)
  const second = await buildTestApp(t, {
    database: first.database,
    config: { mail: smtpMail(smtp.url), sessionSecret: first.config.sessionSecret },
    services: { scheduler: false, mailWorker: false },
  })
  const { db } = first
  const readers = await Promise.all(
    [1, 2, 3].map(() => memberWith(db, { preferences: { digest: 'weekly' }, weekday: 3, hour: 9 })),
  )
  const author = await memberWith(db)
  const community = await createCommunityWith(db, { members: [...readers, author] })
  for (const reader of readers) await watch(db, reader, 'community', community.id)
  await createThreadIn(db, community.id, author, { title: 'Weekly news' })

  const slot = nextSlot('weekly', 'UTC', 9, 3)
  t.equal(slot.getUTCDay(), 3, 'on Wednesday')
  const clock = minutes(slot, 5)
  await Promise.all([first.app.scheduler.runDue(clock), second.app.scheduler.runDue(clock)])
  await Promise.all([first.app.scheduler.runDue(clock), second.app.scheduler.runDue(clock)])
  const sent = (await first.app.mail.drain()).sent + (await second.app.mail.drain()).sent
  t.equal(sent, 3, 'one digest per member')
  await smtp.waitFor(3)
  for (const reader of readers) {
    t.equal(smtp.to(reader.email).length, 1)
    t.match(smtp.to(reader.email)[0].parsed.text, /Weekly news/)
  }
})

t.test('after downtime the missed digest is caught up once, then the next week reports only what is new', async (t) => {
  const smtp = await startSmtp(t)
  const { app, db } = await appWithSmtp(t, smtp)
  const reader = await memberWith(db, { preferences: { digest: 'weekly' }, weekday: 1, hour: 8 })
  const author = await memberWith(db)
  const community = await createCommunityWith(db, { members: [reader, author] })
  await watch(db, reader, 'community', community.id)
  await createThreadIn(db, community.id, author, { title: 'Before the outage' })

  const slot = nextSlot('weekly', 'UTC', 8, 1)
  // Kring was down from before the slot until three days after it: the first tick after it catches up.
  await app.scheduler.runDue(new Date(slot.getTime() + 3 * 86_400_000))
  await app.scheduler.runDue(new Date(slot.getTime() + 4 * 86_400_000))
  t.same(await app.mail.drain(), { sent: 1, failed: 0 }, 'one digest for the missed slot')
  await smtp.waitFor(1)
  t.match(smtp.received[0].parsed.text, /Before the outage/)

  // A digest covers up to its slot; this thread stands for one written in the days after the caught-up slot.
  const laterId = await createThreadIn(db, community.id, author, { title: 'During the next week' })
  await db
    .updateTable('threads')
    .set({ created_at: new Date(slot.getTime() + 5 * 86_400_000) })
    .where('id', '=', laterId)
    .execute()
  await app.scheduler.runDue(new Date(slot.getTime() + 7 * 86_400_000 + 60_000))
  t.same(await app.mail.drain(), { sent: 1, failed: 0 })
  await smtp.waitFor(2)
  t.match(smtp.received[1].parsed.text, /During the next week/)
  t.notMatch(smtp.received[1].parsed.text, /Before the outage/, 'what the previous digest reported is not repeated')
})

t.test('nothing new sends nothing but records the slot', async (t) => {
  const smtp = await startSmtp(t)
  const { app, db } = await appWithSmtp(t, smtp)
  const reader = await memberWith(db, { preferences: { digest: 'daily' } })
  const slot = nextSlot('daily', 'UTC', 8)
  const ran = await app.scheduler.runDue(minutes(slot, 1))
  t.equal(ran.digests, 1, 'the slot ran')
  t.same(await app.mail.drain(), { sent: 0, failed: 0 })
  const runs = await db.selectFrom('scheduled_runs').select(['job', 'slot']).where('job', '=', 'digest.daily').execute()
  t.same(runs, [{ job: 'digest.daily', slot: `${reader.id}:${slot.toISOString().slice(0, 10)}` }])
})

t.test('hidden replies, threads and members-only content the member may not read stay out', async (t) => {
  const smtp = await startSmtp(t)
  const { app, db } = await appWithSmtp(t, smtp)
  const reader = await memberWith(db, { preferences: { digest: 'daily' } })
  const author = await memberWith(db)
  const open = await createCommunityWith(db, { members: [reader, author] })
  const closed = await createCommunityWith(db, { visibility: 'members', members: [author] })
  const threadId = await createThreadIn(db, open.id, author, { title: 'Open thread' })
  await watch(db, reader, 'thread', threadId)
  const hiddenReply = await replyIn(db, threadId, author, null, 'A reply a moderator hid later')
  await db.updateTable('posts').set({ status: 'hidden' }).where('id', '=', hiddenReply).execute()
  const visibleReply = await replyIn(db, threadId, author, null, 'A visible reply')
  const secretId = await createThreadIn(db, closed.id, author, { title: 'Members-only plans' })
  // The reader once watched the members-only community (and its thread) but is not a member of it.
  await watch(db, reader, 'community', closed.id)
  await watch(db, reader, 'thread', secretId)
  await replyIn(db, secretId, author)
  const theme = await createThemeWith(db, 'intake', { en: 'Intake' })
  await watch(db, reader, 'theme', theme)
  const hiddenThread = await createThreadIn(db, open.id, author, { title: 'Hidden thread', themeIds: [theme] })
  await db.updateTable('threads').set({ status: 'hidden' }).where('id', '=', hiddenThread).execute()

  await app.scheduler.runDue(minutes(nextSlot('daily', 'UTC', 8), 1))
  t.same(await app.mail.drain(), { sent: 1, failed: 0 })
  const [mail] = await smtp.waitFor(1)
  t.match(mail.parsed.text, new RegExp(`/posts/${visibleReply}\\n`))
  t.match(mail.parsed.text, /1 new reply/)
  t.notMatch(mail.parsed.text, new RegExp(`/posts/${hiddenReply}\\n`))
  t.notMatch(mail.parsed.text, /Members-only plans/)
  t.notMatch(mail.parsed.text, new RegExp(`/t/${secretId}`))
  t.notMatch(mail.parsed.text, /Hidden thread/)
})

t.test('notifications gathered daily: no email at once, in the digest unless their subject was hidden', async (t) => {
  const smtp = await startSmtp(t)
  const { app, db, config } = await appWithSmtp(t, smtp)
  const reader = await memberWith(db, { preferences: { replies: 'daily', digest: 'never' }, locale: 'nl' })
  const author = await memberWith(db, { displayName: 'Ana' })
  const community = await createCommunityWith(db, { members: [reader, author] })
  const threadId = await createThreadIn(db, community.id, author, { title: 'Huisbezoeken' })
  const kept = await replyIn(db, threadId, author)
  const hidden = await replyIn(db, threadId, author)
  await db.transaction().execute(async (trx) => {
    for (const postId of [kept, hidden])
      await notify(trx, config, {
        userId: reader.id,
        kind: 'reply',
        groupKey: `reply:post:${postId}`,
        url: `/t/${threadId}#post-${postId}`,
        actorId: author.id,
        subject: { type: 'post', id: postId },
        data: { actor: 'Ana', title: postId === kept ? 'Huisbezoeken' : 'Verborgen' },
      })
  })
  t.same(await app.mail.drain(), { sent: 0, failed: 0 }, 'replies are gathered daily, not sent at once')
  await db.updateTable('posts').set({ status: 'hidden' }).where('id', '=', hidden).execute()

  await app.scheduler.runDue(minutes(nextSlot('daily', 'UTC', 8), 1))
  t.same(await app.mail.drain(), { sent: 1, failed: 0 })
  const [mail] = await smtp.waitFor(1)
  t.equal(mail.parsed.subject, 'Je dagelijkse overzicht van Kring', 'in the member’s language')
  t.match(mail.parsed.text, new RegExp(`#post-${kept}`))
  t.notMatch(mail.parsed.text, new RegExp(`#post-${hidden}`))
  t.notMatch(mail.parsed.text, /Verborgen/)
})

t.test('paused and unverified members get no digest; "never" gets none', async (t) => {
  const smtp = await startSmtp(t)
  const { app, db } = await appWithSmtp(t, smtp)
  const paused = await memberWith(db, { preferences: { digest: 'daily' }, paused: true })
  const unverified = await memberWith(db, { preferences: { digest: 'daily' } })
  await db.updateTable('users').set({ email_verified_at: null }).where('id', '=', unverified.id).execute()
  const never = await memberWith(db, { preferences: { digest: 'never' } })
  const author = await memberWith(db)
  const community = await createCommunityWith(db, { members: [paused, unverified, never, author] })
  for (const member of [paused, unverified, never]) await watch(db, member, 'community', community.id)
  await createThreadIn(db, community.id, author)
  await app.scheduler.runDue(minutes(nextSlot('daily', 'UTC', 8), 1))
  t.same(await app.mail.drain(), { sent: 0, failed: 0 })
})

t.test('library articles in watched themes, upcoming meetings and open action items', async (t) => {
  const smtp = await startSmtp(t)
  const { app, db } = await appWithSmtp(t, smtp)
  const reader = await memberWith(db, { preferences: { digest: 'weekly' }, weekday: 5, hour: 10 })
  const author = await memberWith(db)
  const community = await createCommunityWith(db, { members: [reader, author], moderators: [] })
  const theme = await createThemeWith(db, 'home-visits', { en: 'Home visits' })
  await watch(db, reader, 'theme', theme)
  const article = await db
    .insertInto('articles')
    .values({
      slug: 'a-practice',
      title: 'A practice <em>worth</em> sharing',
      summary: 'What worked for us',
      kind: 'practice',
      language: 'en',
      body_md: 'Body',
      body_html: '<p>Body</p>',
      status: 'published',
      author_id: author.id,
      published_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db.insertInto('article_tags').values({ article_id: article.id, tag_id: theme }).execute()
  const digestAt = minutes(nextSlot('weekly', 'UTC', 10, 5), 1)
  const meeting = await db
    .insertInto('meetings')
    .values({
      community_id: community.id,
      organiser_id: author.id,
      title: 'Winter circle',
      // Counted from the digest's slot, not from now: the "actions due" mail a week before a meeting must not fall
      // before the slot on any weekday the suite runs.
      starts_at: new Date(digestAt.getTime() + 10 * 86_400_000),
      ends_at: new Date(digestAt.getTime() + 10 * 86_400_000 + 3600_000),
      time_zone: 'UTC',
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db
    .insertInto('meeting_action_items')
    .values({ meeting_id: meeting.id, text: 'Send the intake checklist', owner_id: reader.id, due_on: '2027-01-15' })
    .execute()

  await app.scheduler.runDue(digestAt)
  t.same(await app.mail.drain(), { sent: 1, failed: 0 })
  const [mail] = await smtp.waitFor(1)
  t.match(mail.parsed.text, /New in the library\n-+\n\* A practice <em>worth<\/em> sharing/)
  t.match(mail.parsed.text, /http:\/\/localhost:80\/library\/a-practice/)
  t.match(mail.parsed.text, /Upcoming meetings\n-+\n\* Winter circle/)
  t.match(
    mail.parsed.text,
    /Your open action items\n-+\n\* Send the intake checklist\n {2}From Winter circle, due 15 Jan 2027/,
  )
})

t.test('gathered notifications about articles, comments, meetings and communities are checked again', async (t) => {
  const smtp = await startSmtp(t)
  const { app, db, config } = await appWithSmtp(t, smtp)
  const reader = await memberWith(db, {
    preferences: { your_content: 'weekly', communities: 'weekly', meetings: 'weekly' },
    weekday: 2,
  })
  const author = await memberWith(db)
  const closed = await createCommunityWith(db, { visibility: 'members', members: [author] })
  const article = (slug: string, hidden: boolean) =>
    db
      .insertInto('articles')
      .values({
        slug,
        title: slug,
        kind: 'practice',
        language: 'en',
        body_md: 'Body',
        body_html: '<p>Body</p>',
        status: 'published',
        // A hidden article stays out unless it is the member's own (then a notice about it is about that very one).
        author_id: hidden ? author.id : reader.id,
        published_at: new Date(),
        hidden_at: hidden ? new Date() : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  const shown = await article('shown-article', false)
  const hiddenArticle = await article('hidden-article', true)
  const comment = await db
    .insertInto('comments')
    .values({ article_id: shown.id, author_id: author.id, body_md: 'Nice', body_html: '<p>Nice</p>' })
    .returning('id')
    .executeTakeFirstOrThrow()
  const meeting = await db
    .insertInto('meetings')
    .values({
      community_id: closed.id,
      organiser_id: author.id,
      title: 'Closed meeting',
      starts_at: new Date(Date.now() + 3 * 86_400_000),
      ends_at: new Date(Date.now() + 3 * 86_400_000 + 3600_000),
      time_zone: 'UTC',
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db.transaction().execute((trx) =>
    notify(trx, config, [
      {
        userId: reader.id,
        kind: 'article_published',
        groupKey: 'a:1',
        url: '/library/shown-article',
        subject: { type: 'article', id: shown.id },
        data: { title: 'Shown article' },
      },
      {
        userId: reader.id,
        kind: 'article_published',
        groupKey: 'a:2',
        url: '/library/hidden-article',
        subject: { type: 'article', id: hiddenArticle.id },
        data: { title: 'Hidden article' },
      },
      {
        userId: reader.id,
        kind: 'article_comment',
        groupKey: 'c:1',
        url: `/library/shown-article#comment-${comment.id}`,
        actorId: author.id,
        subject: { type: 'comment', id: comment.id },
        data: { actor: 'Ana', title: 'Shown article' },
      },
      {
        userId: reader.id,
        kind: 'join_answered',
        groupKey: 'j:1',
        url: `/c/${closed.slug}`,
        subject: { type: 'community', id: closed.id },
        data: { community: 'The closed circle' },
      },
      {
        userId: reader.id,
        kind: 'meeting_changed',
        groupKey: 'm:1',
        url: `/meetings/${meeting.id}`,
        subject: { type: 'meeting', id: meeting.id },
        data: { title: 'Closed meeting', community: 'The closed circle' },
      },
    ]),
  )
  t.same(await app.mail.drain(), { sent: 0, failed: 0 }, 'all gathered weekly')
  await app.scheduler.runDue(minutes(nextSlot('weekly', 'UTC', 8, 2), 1))
  t.same(await app.mail.drain(), { sent: 1, failed: 0 })
  const [mail] = await smtp.waitFor(1)
  t.match(mail.parsed.text, /\/library\/shown-article\n/)
  t.match(mail.parsed.text, new RegExp(`/library/shown-article#comment-${comment.id}`))
  t.match(mail.parsed.text, new RegExp(`/c/${closed.slug}`), 'a join answer names the community, readable or not')
  t.notMatch(mail.parsed.text, /hidden-article/)
  t.notMatch(mail.parsed.text, new RegExp(`/meetings/${meeting.id}`), 'not a meeting of a community they cannot read')
})

t.test(
  'the digest speaks *_key values, keeps the member’s own hidden and sent-back content, not others’',
  async (t) => {
    const smtp = await startSmtp(t)
    const { app, db, config } = await appWithSmtp(t, smtp)
    const reader = await memberWith(db, { preferences: { your_content: 'daily', communities: 'daily' } })
    const other = await memberWith(db)
    const community = await createCommunityWith(db, { members: [reader, other] })
    const ownThread = await createThreadIn(db, community.id, reader, { title: 'Own thread' })
    const ownPost = await replyIn(db, ownThread, reader)
    const othersPost = await replyIn(db, ownThread, other)
    await db.updateTable('posts').set({ status: 'hidden' }).where('id', 'in', [ownPost, othersPost]).execute()
    const draft = await db
      .insertInto('articles')
      .values({
        slug: 'sent-back',
        title: 'Sent back',
        kind: 'practice',
        language: 'en',
        body_md: 'Body',
        body_html: '<p>Body</p>',
        status: 'draft',
        author_id: reader.id,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await db.transaction().execute((trx) =>
      notify(trx, config, [
        {
          userId: reader.id,
          kind: 'post_hidden',
          groupKey: 'h:own',
          url: `/posts/${ownPost}`,
          subject: { type: 'post', id: ownPost },
          data: { title: 'Own thread', reason_key: 'notifications.reason.flagged' },
        },
        {
          // Not a notice a member gets about someone else's post: it must not show that hidden post all the same.
          userId: reader.id,
          kind: 'post_hidden',
          groupKey: 'h:other',
          url: `/posts/${othersPost}`,
          subject: { type: 'post', id: othersPost },
          data: { title: 'Someone else', reason: 'x' },
        },
        {
          userId: reader.id,
          kind: 'article_returned',
          groupKey: 'r:1',
          url: '/library/sent-back/edit',
          subject: { type: 'article', id: draft.id },
          data: { title: 'Sent back', note: 'Add sources' },
        },
        {
          userId: reader.id,
          kind: 'join_answered',
          groupKey: 'j:1',
          url: `/c/${community.slug}`,
          subject: { type: 'community', id: community.id },
          data: { community: 'Home care', answer_key: 'notifications.answer.approved' },
        },
      ]),
    )
    await app.scheduler.runDue(minutes(nextSlot('daily', 'UTC', 8), 1))
    t.same(await app.mail.drain(), { sent: 1, failed: 0 })
    const [mail] = await smtp.waitFor(1)
    t.match(mail.parsed.text, /Your request to join Home care was answered: you are now a member/)
    t.notMatch(mail.parsed.text, /\{answer\}|\{reason\}/)
    t.match(mail.parsed.text, /Your post in “Own thread” was hidden: flagged by several members/)
    t.match(mail.parsed.text, new RegExp(`/posts/${ownPost}\\n`))
    t.notMatch(mail.parsed.text, /Someone else/)
    t.notMatch(mail.parsed.text, new RegExp(`/posts/${othersPost}\\n`))
    t.match(mail.parsed.text, /“Sent back” was sent back to you: Add sources/)
  },
)

t.test('the digest’s unsubscribe link stops that digest, the categories gathered in it included', async (t) => {
  const smtp = await startSmtp(t)
  const { app, db, config } = await appWithSmtp(t, smtp)
  const reader = await memberWith(db, { preferences: { replies: 'daily', meetings: 'weekly' } })
  const author = await memberWith(db, { displayName: 'Ana' })
  const community = await createCommunityWith(db, { members: [reader, author] })
  const threadId = await createThreadIn(db, community.id, author)
  const send = async (postId: number) =>
    db.transaction().execute((trx) =>
      notify(trx, config, {
        userId: reader.id,
        kind: 'reply',
        groupKey: `reply:post:${postId}`,
        url: `/posts/${postId}`,
        actorId: author.id,
        subject: { type: 'post', id: postId },
        data: { actor: 'Ana', title: 'T' },
      }),
    )
  await send(await replyIn(db, threadId, author))
  const first = nextSlot('daily', 'UTC', 8)
  await app.scheduler.runDue(minutes(first, 1))
  t.same(await app.mail.drain(), { sent: 1, failed: 0 })
  const [mail] = await smtp.waitFor(1)
  const link = /^List-Unsubscribe:\s+<([^>]+)>\r?$/m.exec(mail.raw)![1]
  t.not(link, unsubscribeUrl(config, reader.id, 'digest'), 'not the link that stops only the digest’s own content')
  const response = await app.inject({
    method: 'POST',
    url: link.replace(config.publicUrl, ''),
    payload: 'List-Unsubscribe=One-Click',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  })
  t.equal(response.statusCode, 200)
  const { email_preferences } = await db
    .selectFrom('users')
    .select('email_preferences')
    .where('id', '=', reader.id)
    .executeTakeFirstOrThrow()
  t.same(email_preferences, { digest: 'never', replies: 'never', meetings: 'weekly' }, 'the weekly one is kept')

  await send(await replyIn(db, threadId, author))
  await app.scheduler.runDue(minutes(first, 24 * 60 + 1))
  t.same(await app.mail.drain(), { sent: 0, failed: 0 }, 'no daily digest any more')
})

t.test('suspended members get no digest; one whose suspension has ended does', async (t) => {
  const smtp = await startSmtp(t)
  const { app, db } = await appWithSmtp(t, smtp)
  const suspended = await memberWith(db, { preferences: { digest: 'daily' } })
  const ended = await memberWith(db, { preferences: { digest: 'daily' } })
  const author = await memberWith(db)
  const community = await createCommunityWith(db, { members: [suspended, ended, author] })
  for (const member of [suspended, ended]) await watch(db, member, 'community', community.id)
  await db
    .updateTable('users')
    .set({ status: 'suspended', suspended_until: new Date(Date.now() + 30 * 86_400_000) })
    .where('id', '=', suspended.id)
    .execute()
  await db
    .updateTable('users')
    .set({ status: 'suspended', suspended_until: new Date(Date.now() - 60_000) })
    .where('id', '=', ended.id)
    .execute()
  await createThreadIn(db, community.id, author)
  await app.scheduler.runDue(minutes(nextSlot('daily', 'UTC', 8), 1))
  t.same(await app.mail.drain(), { sent: 1, failed: 0 })
  const [mail] = await smtp.waitFor(1)
  t.same(mail.envelopeTo, [ended.email])
})
