// Scheduled meeting mail through HTTP, the scheduler with a clock of the test's own, and real SMTP: the reminder a day
// before goes once to the members expected there (with link and escaped agenda), is caught up after downtime but not
// for a meeting already under way, and action-item owners hear a week before the next meeting, once.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { Client, logIn } from '../helpers/client.js'
import { createCommunityWith, createUser } from '../helpers/factories.js'
import { startSmtp } from '../helpers/smtp.js'

const nextYear = new Date().getUTCFullYear() + 1
const hour = 3600_000

async function setup(t: Parameters<typeof buildTestApp>[0]) {
  const smtp = await startSmtp(t)
  const { app, db } = await buildTestApp(t, {
    config: { mail: { smtpUrl: smtp.url, from: 'Kring <kring@example.test>', concurrency: 2 } },
  })
  const moderator = await createUser(db, { displayName: 'Mod Erator' })
  const coming = await createUser(db, { displayName: 'Coming Member' })
  const away = await createUser(db, { displayName: 'Away Member' })
  const sender = await createUser(db, { displayName: 'Sends A Delegate' })
  const delegate = await createUser(db, { displayName: 'The Delegate' })
  const outsider = await createUser(db, { displayName: 'Out Sider' })
  await createCommunityWith(db, {
    slug: 'homeshare',
    name: 'Homeshare',
    visibility: 'members',
    moderators: [moderator],
    members: [coming, away, sender, delegate],
  })
  // Their digests would list the meeting too; this file reads the reminders alone.
  await db
    .updateTable('users')
    .set({ email_preferences: JSON.stringify({ digest: 'never' }) })
    .execute()
  const as = async (user: { email: string; password: string }) => {
    const client = new Client(app)
    await logIn(client, user.email, user.password)
    return client
  }
  const clients = { moderator: await as(moderator), away: await as(away), sender: await as(sender) }
  const planAt = async (day: string, title: string) => {
    const planned = await clients.moderator.submit('/c/homeshare/meetings/new', '/c/homeshare/meetings/new', {
      title,
      topic: '',
      starts_at: `${nextYear}-${day}T10:00`,
      ends_at: `${nextYear}-${day}T11:00`,
      time_zone: 'UTC',
      online_url: 'https://meet.example.org/homeshare',
      agenda: '1. <img src=x onerror=alert(1)> Welcome\n2. *Matching*',
    })
    if (planned.status !== 303) throw new Error(`planning failed: ${planned.status}`)
    return { url: planned.location!, startsAt: new Date(`${nextYear}-${day}T10:00:00Z`) }
  }
  return { app, db, smtp, clients, moderator, coming, away, sender, delegate, outsider, planAt }
}

t.test('the day-before reminder: once, to those expected, with the link and the escaped agenda', async (t) => {
  const { app, db, smtp, clients, moderator, coming, away, sender, delegate, outsider, planAt } = await setup(t)
  const meeting = await planAt('03-10', 'Spring circle')
  await app.mail.drain()
  await smtp.waitFor(4)
  smtp.received.splice(0) // the invitations; the reminders are what this test reads
  t.equal((await clients.away.submit(meeting.url, `${meeting.url}/attendance`, { answer: 'no' })).status, 303)
  t.equal(
    (
      await clients.sender.submit(meeting.url, `${meeting.url}/attendance`, {
        answer: 'delegate',
        delegate: String(delegate.id),
      })
    ).status,
    303,
  )
  await app.mail.drain()
  smtp.received.splice(0) // the delegate's briefing (read in email-delegates.test.ts)

  t.match(await app.scheduler.runDue(new Date(meeting.startsAt.getTime() - 30 * hour)), {
    'meeting-reminder': 0,
    'meeting-actions-due': 1,
  })
  t.same(await app.mail.drain(), { sent: 0, failed: 0 }, 'more than a day before, no reminder (and no action items)')

  const ran = await app.scheduler.runDue(new Date(meeting.startsAt.getTime() - 20 * hour))
  t.equal(ran['meeting-reminder'], 1)
  await app.mail.drain()
  await smtp.waitFor(3)
  const to = smtp.received.map((mail) => mail.envelopeTo[0]).sort()
  t.same(
    to,
    [coming.email, delegate.email, moderator.email].sort(),
    'to members who did not say no (the organiser too) and the delegate; not those away, nor outsiders',
  )
  t.same(smtp.to(away.email), [])
  t.same(smtp.to(sender.email), [])
  t.same(smtp.to(outsider.email), [])
  const reminder = smtp.to(coming.email)[0].parsed
  t.match(reminder.subject, /^Tomorrow: Spring circle/)
  t.match(reminder.text, `http://localhost:80${meeting.url}`)
  t.match(reminder.text, 'https://meet.example.org/homeshare')
  t.match(reminder.text, 'Welcome', 'the agenda is in it')
  t.notMatch(reminder.html, /<img/i, 'and is sanitized in the HTML part')
  t.match(reminder.html, '<em>Matching</em>')
  t.equal(reminder.attachments.length, 0, 'a reminder carries no new calendar version')

  // A second instance's tick, or the next one: the slot already ran.
  t.equal((await app.scheduler.runDue(new Date(meeting.startsAt.getTime() - 19 * hour)))['meeting-reminder'], 0)
  const again = await Promise.all([
    app.scheduler.runDue(new Date(meeting.startsAt.getTime() - 18 * hour)),
    app.scheduler.runDue(new Date(meeting.startsAt.getTime() - 18 * hour)),
  ])
  t.same(
    again.map((r) => r['meeting-reminder']),
    [0, 0],
  )
  t.same(await app.mail.drain(), { sent: 0, failed: 0 }, 'sent exactly once')
  const rows = await db
    .selectFrom('scheduled_runs')
    .select(['job', 'slot'])
    .where('job', '=', 'meeting-reminder')
    .execute()
  t.equal(rows.length, 1)
})

t.test(
  'after downtime the reminder is caught up, but never for a meeting already under way or cancelled',
  async (t) => {
    const { app, smtp, clients, coming, planAt } = await setup(t)
    const early = await planAt('04-01', 'Early circle')
    const late = await planAt('04-02', 'Late circle')
    const dropped = await planAt('04-02', 'Dropped circle')
    await app.mail.drain()
    await smtp.waitFor(12)
    smtp.received.splice(0)
    t.equal((await clients.moderator.submit(dropped.url, `${dropped.url}/cancel`, { reason: '' })).status, 303)
    await app.mail.drain()
    await smtp.waitFor(4)
    smtp.received.splice(0)

    // Kring was down from two days before until an hour after the early meeting started.
    const ran = await app.scheduler.runDue(new Date(early.startsAt.getTime() + hour))
    t.equal(
      ran['meeting-reminder'],
      1,
      'the late meeting is caught up; the early one has begun; the dropped one is off',
    )
    await app.mail.drain()
    await smtp.waitFor(5)
    const subjects = smtp.to(coming.email).map((mail) => mail.parsed.subject)
    t.equal(subjects.length, 1)
    t.match(subjects[0], /^Tomorrow: Late circle/)
    t.notOk(
      smtp.received.some((mail) => /Early circle|Dropped circle/.test(mail.parsed.subject ?? '')),
      'no reminder for a meeting already under way or cancelled',
    )
    t.ok(late)
  },
)

t.test('action items: the owner hears at assignment and a week before the next meeting, once', async (t) => {
  const { app, smtp, clients, coming, planAt } = await setup(t)
  const first = await planAt('05-01', 'May circle')
  await app.mail.drain()
  await smtp.waitFor(4)
  smtp.received.splice(0)
  const added = await clients.moderator.submit(first.url, `${first.url}/items`, {
    text: 'Write the <b>checklist</b>',
    owner: String(coming.id),
    due_on: '',
  })
  t.equal(added.status, 303)
  await clients.moderator.submit(first.url, `${first.url}/items`, { text: 'Nobody’s item', owner: '', due_on: '' })
  await app.mail.drain()
  await smtp.waitFor(1)
  const assigned = smtp.to(coming.email)[0].parsed
  t.match(assigned.subject, /An action item is yours: “Write the <b>checklist<\/b>”/)
  t.match(assigned.html, '&lt;b&gt;checklist&lt;/b&gt;', 'the item’s text is escaped in the HTML part')
  t.equal(smtp.received.length, 1, 'only the owner is told')
  smtp.received.splice(0)

  const next = await planAt('05-20', 'Late May circle')
  await app.mail.drain()
  await smtp.waitFor(4)
  smtp.received.splice(0)
  // A week before the first meeting (still the next one), the open item is due.
  const weekBefore = new Date(first.startsAt.getTime() - 6 * 24 * hour)
  t.equal((await app.scheduler.runDue(weekBefore))['meeting-actions-due'], 1)
  await app.mail.drain()
  await smtp.waitFor(1)
  const due = smtp.to(coming.email)
  t.equal(due.length, 1)
  t.match(due[0].parsed.subject, /Your action item is due: “Write the <b>checklist<\/b>”/)
  t.match(due[0].parsed.text, `/meetings/${first.url.split('/').pop()}#item-`)
  t.equal((await app.scheduler.runDue(new Date(weekBefore.getTime() + hour)))['meeting-actions-due'], 0)
  t.same(await app.mail.drain(), { sent: 0, failed: 0 }, 'once per meeting')
  t.ok(next)
})
