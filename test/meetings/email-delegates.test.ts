// A member named as someone's delegate is told and briefed by email (the last published session summary, the open
// action items, the questions so far; nothing hidden or unpublished), through HTTP and real SMTP; topic votes opened and
// closed reach the community's members and nobody else.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { Client, logIn } from '../helpers/client.js'
import { createCommunityWith, createUser } from '../helpers/factories.js'
import { startSmtp } from '../helpers/smtp.js'

const nextYear = new Date().getUTCFullYear() + 1
const lastYear = nextYear - 2

async function setup(t: Parameters<typeof buildTestApp>[0]) {
  const smtp = await startSmtp(t)
  const { app, db } = await buildTestApp(t, {
    config: { mail: { smtpUrl: smtp.url, from: 'Kring <kring@example.test>', concurrency: 2 } },
  })
  const moderator = await createUser(db, { displayName: 'Mod Erator' })
  const member = await createUser(db, { displayName: 'Ana <Sender>' })
  const delegate = await createUser(db, { displayName: 'Bea Delegate' })
  const quiet = await createUser(db, { displayName: 'Quiet Delegate' })
  const outsider = await createUser(db, { displayName: 'Out Sider' })
  await db
    .updateTable('users')
    .set({ email_preferences: JSON.stringify({ meetings: 'never', actions: 'never' }) })
    .where('id', '=', quiet.id)
    .execute()
  await createCommunityWith(db, {
    slug: 'homeshare',
    name: 'Homeshare',
    visibility: 'members',
    moderators: [moderator],
    members: [member, delegate, quiet],
  })
  const as = async (user: { email: string; password: string }) => {
    const client = new Client(app)
    await logIn(client, user.email, user.password)
    return client
  }
  const clients = { moderator: await as(moderator), member: await as(member), outsider: await as(outsider) }
  const planAt = async (year: number, title: string) => {
    const planned = await clients.moderator.submit('/c/homeshare/meetings/new', '/c/homeshare/meetings/new', {
      title,
      topic: '',
      starts_at: `${year}-03-10T10:00`,
      ends_at: `${year}-03-10T11:00`,
      time_zone: 'UTC',
      online_url: '',
      agenda: '',
    })
    if (planned.status !== 303) throw new Error(`planning failed: ${planned.status}`)
    return planned.location!
  }
  return { app, db, smtp, clients, moderator, member, delegate, quiet, outsider, planAt }
}

t.test('the delegate is told and briefed with what they may read, and nothing hidden', async (t) => {
  const { app, db, smtp, clients, member, delegate, quiet, planAt } = await setup(t)
  // Last session: its summary published, with one open and one done action item.
  const past = await planAt(lastYear, 'Winter circle')
  await clients.moderator.submit(past, `${past}/items`, {
    text: 'Call the housing office',
    owner: String(member.id),
    due_on: '',
  })
  await clients.moderator.submit(past, `${past}/items`, { text: 'Finished business', owner: '', due_on: '' })
  const done = await db
    .selectFrom('meeting_action_items')
    .select('id')
    .where('text', '=', 'Finished business')
    .executeTakeFirstOrThrow()
  t.equal((await clients.moderator.submit(past, `${past}/items/${done.id}/status`, { status: 'done' })).status, 303)
  const summary = await clients.moderator.post(`${past}/summary`)
  t.equal(summary.status, 303)
  await clients.moderator.get(summary.location!)
  t.equal((await clients.moderator.post(`${summary.location}/publish`)).status, 303)
  // A newer summary that is still a draft must not be in the briefing.
  const other = await planAt(lastYear + 1, 'Draft circle')
  t.equal((await clients.moderator.post(`${other}/summary`)).status, 303)

  const next = await planAt(nextYear, 'Spring circle')
  t.equal(
    (await clients.member.submit(next, `${next}/questions`, { question: 'How do we <b>screen</b> hosts?' })).status,
    303,
  )
  await app.mail.drain()
  smtp.received.splice(0)

  const named = await clients.member.submit(next, `${next}/attendance`, {
    answer: 'delegate',
    delegate: String(delegate.id),
  })
  t.equal(named.status, 303)
  await app.mail.drain()
  await smtp.waitFor(1)
  t.equal(smtp.received.length, 1, 'only the delegate hears of it')
  const briefing = smtp.to(delegate.email)[0].parsed
  t.match(briefing.subject, 'Your briefing as Ana <Sender>')
  t.match(briefing.text, 'Ana <Sender> named you their delegate for “Spring circle”')
  t.match(briefing.html, 'Ana &lt;Sender&gt;', 'names are escaped in the HTML part')
  t.match(briefing.text, 'The last session summary')
  t.match(briefing.text, `http://localhost:80${summary.location}`, 'the published summary')
  t.notMatch(briefing.text, 'Draft circle', 'not the draft one')
  t.match(briefing.text, 'Call the housing office', 'the open action item')
  t.match(briefing.text, 'Owner: Ana <Sender>')
  t.notMatch(briefing.text, 'Finished business', 'not the done one')
  t.match(briefing.text, 'How do we <b>screen</b> hosts?', 'the questions so far')
  t.match(briefing.html, 'How do we &lt;b&gt;screen&lt;/b&gt; hosts?')
  t.equal(briefing.inReplyTo, `<meeting-${next.split('/').pop()}@localhost>`)
  const notice = await db
    .selectFrom('notifications')
    .select(['kind', 'url', 'actor_id'])
    .where('user_id', '=', delegate.id)
    .where('kind', '=', 'delegate')
    .executeTakeFirstOrThrow()
  t.same(notice, { kind: 'delegate', url: next, actor_id: member.id }, 'and sees it in the app')

  // The same answer again tells nobody twice; hiding the summary keeps it out of the next briefing.
  await clients.member.submit(next, `${next}/attendance`, { answer: 'delegate', delegate: String(delegate.id) })
  t.same(await app.mail.drain(), { sent: 0, failed: 0 })
  await db
    .updateTable('articles')
    .set({ hidden_at: new Date(), hidden_reason: 'test' })
    .where('kind', '=', 'session_summary')
    .execute()
  await clients.member.submit(next, `${next}/attendance`, { answer: 'delegate', delegate: String(quiet.id) })
  t.same(await app.mail.drain(), { sent: 0, failed: 0 }, 'a delegate who wants no meeting mail gets none')
  t.ok(
    await db
      .selectFrom('notifications')
      .select('id')
      .where('user_id', '=', quiet.id)
      .where('kind', '=', 'delegate')
      .executeTakeFirst(),
    'but the notification',
  )
  await clients.member.submit(next, `${next}/attendance`, { answer: 'delegate', delegate: String(delegate.id) })
  await app.mail.drain()
  await smtp.waitFor(2)
  const second = smtp.to(delegate.email)[1].parsed
  t.notMatch(second.text, `${summary.location}`, 'a hidden summary never leaves in an email')
  t.match(second.text, /The last session summary\n-+\n\* None yet/)
})

t.test('topic votes opened and closed reach members, not outsiders', async (t) => {
  const { app, smtp, clients, moderator, member, delegate, quiet, outsider } = await setup(t)
  t.equal(
    (await clients.member.submit('/c/homeshare/meetings', '/c/homeshare/topics', { title: 'Insurance for hosts' }))
      .status,
    303,
  )
  await app.mail.drain()
  await smtp.waitFor(2)
  t.same(
    smtp.received.map((m) => m.envelopeTo[0]).sort(),
    [moderator.email, delegate.email].sort(),
    'members who want action mail; not the proposer, the one who wants none, or the outsider',
  )
  t.same(smtp.to(outsider.email), [])
  t.same(smtp.to(quiet.email), [])
  t.same(smtp.to(member.email), [])
  t.match(smtp.to(delegate.email)[0].parsed.subject, 'A topic vote opened for “Insurance for hosts”')
  smtp.received.splice(0)
  t.equal(
    (await clients.member.submit('/c/homeshare/meetings', '/c/homeshare/topics', { title: 'Matching by hobbies' }))
      .status,
    303,
  )
  t.same(
    await app.mail.drain(),
    { sent: 0, failed: 0 },
    'a second proposal while the first notice is unread waits in the bell, not in everyone’s inbox',
  )
  t.equal((await clients.moderator.submit('/c/homeshare/meetings', '/c/homeshare/topics/close', {})).status, 303)
  await app.mail.drain()
  await smtp.waitFor(2)
  t.same(smtp.received.map((m) => m.envelopeTo[0]).sort(), [member.email, delegate.email].sort())
  t.match(smtp.to(member.email)[0].parsed.subject, 'The topic vote for “Insurance for hosts” closed')
  t.match(smtp.to(member.email)[0].parsed.text, 'http://localhost:80/c/homeshare/meetings#topics')
})
