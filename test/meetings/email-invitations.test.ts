// Meetings by email, end to end through HTTP and a real SMTP server: planning sends members an invitation with a
// METHOD:REQUEST calendar file in their own language and time zone, a new time sends an update with the same UID and a
// higher SEQUENCE, a cancellation a METHOD:CANCEL; members who want no meeting mail get only the in-app notification,
// and nobody outside the (members-only) community hears of it.
import ICAL from 'ical.js'
import t from 'tap'
import type { ParsedMail } from 'mailparser'
import { buildTestApp } from '../helpers/app.js'
import { Client, logIn } from '../helpers/client.js'
import { createCommunityWith, createUser } from '../helpers/factories.js'
import { startSmtp } from '../helpers/smtp.js'

const nextYear = new Date().getUTCFullYear() + 1
const plan = (overrides: Record<string, string> = {}) => ({
  title: 'Matching hosts and tenants',
  topic: 'How do we match well?',
  starts_at: `${nextYear}-06-18T14:00`,
  ends_at: `${nextYear}-06-18T15:30`,
  time_zone: 'Europe/Amsterdam',
  online_url: 'https://meet.example.org/homeshare',
  agenda: '1. Welcome\n2. <script>alert(1)</script> **Matching**',
  ...overrides,
})

/** The calendar part of a message, read by a maintained iCalendar parser. */
function calendarOf(mail: ParsedMail) {
  const part = mail.attachments.find((a) => a.contentType.startsWith('text/calendar'))
  if (!part) throw new Error('no text/calendar part')
  const component = new ICAL.Component(ICAL.parse(part.content.toString('utf8')) as unknown[])
  const vevent = component.getFirstSubcomponent('vevent')!
  const event = new ICAL.Event(vevent)
  return {
    method: component.getFirstPropertyValue('method'),
    uid: event.uid,
    sequence: event.sequence,
    start: event.startDate.toJSDate(),
    status: vevent.getFirstPropertyValue('status'),
    organizer: String(vevent.getFirstPropertyValue('organizer')),
    url: String(vevent.getFirstPropertyValue('url')),
  }
}

async function setup(t: Parameters<typeof buildTestApp>[0]) {
  const smtp = await startSmtp(t)
  const { app, db } = await buildTestApp(t, {
    config: { mail: { smtpUrl: smtp.url, from: 'Kring <kring@example.test>', concurrency: 2 } },
  })
  const moderator = await createUser(db, { displayName: 'Mod Erator' })
  const dutch = await createUser(db, { displayName: 'Daan', locale: 'nl' })
  const quiet = await createUser(db, { displayName: 'Quiet Member' })
  const outsider = await createUser(db, { displayName: 'Out Sider' })
  await db.updateTable('users').set({ time_zone: 'Asia/Tokyo' }).where('id', '=', dutch.id).execute()
  await db
    .updateTable('users')
    .set({ email_preferences: JSON.stringify({ meetings: 'never' }) })
    .where('id', '=', quiet.id)
    .execute()
  await createCommunityWith(db, {
    slug: 'homeshare',
    name: 'Homeshare',
    visibility: 'members',
    moderators: [moderator],
    members: [dutch, quiet],
  })
  const client = new Client(app)
  await logIn(client, moderator.email, moderator.password)
  return { app, db, smtp, client, moderator, dutch, quiet, outsider }
}

t.test(
  'planning, moving and cancelling a meeting: invitation, update and cancellation that calendars follow',
  async (t) => {
    const { app, db, smtp, client, moderator, dutch, quiet, outsider } = await setup(t)
    const planned = await client.submit('/c/homeshare/meetings/new', '/c/homeshare/meetings/new', plan())
    t.equal(planned.status, 303)
    const url = planned.location!
    const id = Number(url.split('/').pop())
    await app.mail.drain()
    await smtp.waitFor(1)

    const [invitation] = smtp.to(dutch.email)
    t.ok(invitation, 'a member gets the invitation')
    t.equal(smtp.received.length, 1, 'only to members who want meeting mail, never to the organiser or outsiders')
    t.same(smtp.to(outsider.email), [])
    t.same(smtp.to(quiet.email), [])
    t.same(smtp.to(moderator.email), [])
    const mail = invitation.parsed
    t.match(mail.subject, /^Uitnodiging: Matching hosts and tenants/, 'in the member’s language')
    t.match(mail.text, /21:00/, 'at the time of the member’s zone (14:00 in Amsterdam is 21:00 in Tokyo)')
    t.match(mail.text, /Asia\/Tokyo/)
    t.match(mail.text, `http://localhost:80/meetings/${id}`, 'with the link')
    t.match(mail.text, 'https://meet.example.org/homeshare', 'and the online link, for a member')
    t.notMatch(mail.html, '<script>', 'the agenda is sanitized in the HTML part')
    t.match(mail.html, '<strong>Matching</strong>')
    t.equal(mail.inReplyTo, `<meeting-${id}@localhost>`, 'threaded with the meeting’s other messages')
    const first = calendarOf(mail)
    t.equal(first.method, 'REQUEST')
    t.equal(first.uid, `meeting-${id}@localhost`)
    t.equal(first.sequence, 0)
    t.equal(first.start.toISOString(), `${nextYear}-06-18T12:00:00.000Z`, 'DTSTART is the instant, in UTC')
    t.match(first.organizer, 'mailto:kring@example.test')
    t.equal(first.url, `http://localhost:80/meetings/${id}`)
    t.match(invitation.raw, /Content-Type: text\/calendar; charset=utf-8; method=REQUEST/i)

    const notices = await db
      .selectFrom('notifications')
      .select(['user_id', 'kind'])
      .where('kind', '=', 'meeting_planned')
      .orderBy('user_id')
      .execute()
    t.same(
      notices.map((n) => n.user_id),
      [dutch.id, quiet.id].sort((a, b) => a - b),
      'every member is notified in the app, the one who wants no mail too; the outsider is not',
    )

    // A new time: an update with the same UID and the next SEQUENCE.
    const moved = await client.submit(
      `${url}/edit`,
      `${url}/edit`,
      plan({ starts_at: `${nextYear}-06-18T16:00`, ends_at: `${nextYear}-06-18T17:00` }),
    )
    t.equal(moved.status, 303)
    await app.mail.drain()
    await smtp.waitFor(2)
    const update = smtp.to(dutch.email)[1].parsed
    t.match(update.subject, /^Gewijzigd: /)
    t.match(update.text, /23:00/)
    const second = calendarOf(update)
    t.equal(second.method, 'REQUEST')
    t.equal(second.uid, first.uid, 'the same event')
    t.equal(second.sequence, 1, 'one version on')
    t.equal(second.start.toISOString(), `${nextYear}-06-18T14:00:00.000Z`)

    // A reworded agenda is not worth an email.
    const reworded = await client.submit(
      `${url}/edit`,
      `${url}/edit`,
      plan({ starts_at: `${nextYear}-06-18T16:00`, ends_at: `${nextYear}-06-18T17:00`, agenda: '1. Welcome' }),
    )
    t.equal(reworded.status, 303)
    t.same(await app.mail.drain(), { sent: 0, failed: 0 })

    const cancelled = await client.submit(url, `${url}/cancel`, { reason: 'The venue is closed' })
    t.equal(cancelled.status, 303)
    await app.mail.drain()
    await smtp.waitFor(3)
    const cancellation = smtp.to(dutch.email)[2].parsed
    t.match(cancellation.subject, /^Afgelast: Matching hosts and tenants/)
    t.match(cancellation.text, 'Reden: The venue is closed')
    const third = calendarOf(cancellation)
    t.equal(third.method, 'CANCEL')
    t.equal(third.uid, first.uid)
    t.equal(third.sequence, 3, 'higher than every version sent before (the agenda edit raised it too)')
    t.equal(third.status, 'CANCELLED')
    t.equal(smtp.received.length, 3, 'nobody else was ever mailed')
    t.equal(
      Number(
        (
          await db
            .selectFrom('notifications')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('user_id', '=', quiet.id)
            .executeTakeFirstOrThrow()
        ).n,
      ),
      3,
      'the member without meeting mail still sees planned, changed and cancelled in the app',
    )
  },
)

t.test('a meeting planned in the past (a record of one that took place) mails nobody', async (t) => {
  const { app, smtp, client } = await setup(t)
  const lastYear = nextYear - 2
  const planned = await client.submit(
    '/c/homeshare/meetings/new',
    '/c/homeshare/meetings/new',
    plan({ starts_at: `${lastYear}-06-18T14:00`, ends_at: `${lastYear}-06-18T15:30` }),
  )
  t.equal(planned.status, 303)
  t.same(await app.mail.drain(), { sent: 0, failed: 0 })
  t.equal(smtp.received.length, 0)
})

t.test('a big community is invited in one request that stays quick', async (t) => {
  const { app, db, smtp, client } = await setup(t)
  const community = await db
    .selectFrom('communities')
    .select('id')
    .where('slug', '=', 'homeshare')
    .executeTakeFirstOrThrow()
  // 300 members, made directly: the request under test is the planning, not the sign-ups.
  const rows = await db
    .insertInto('users')
    .values(
      Array.from({ length: 300 }, (_, i) => ({
        email: `many${i}@example.org`,
        display_name: `Many ${i}`,
        password_hash: 'x',
      })),
    )
    .returning('id')
    .execute()
  await db
    .insertInto('community_members')
    .values(
      rows.map((row) => ({ community_id: community.id, user_id: row.id, status: 'active', joined_at: new Date() })),
    )
    .execute()
  const started = Date.now()
  const planned = await client.submit('/c/homeshare/meetings/new', '/c/homeshare/meetings/new', plan())
  t.equal(planned.status, 303)
  t.ok(Date.now() - started < 5000, 'planning for 300 members answers within seconds')
  const outbox = await db
    .selectFrom('email_outbox')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('kind', '=', 'meeting.invitation')
    .executeTakeFirstOrThrow()
  t.equal(Number(outbox.n), 301, 'each member’s invitation is in the outbox, committed with the meeting')
  t.equal(smtp.received.length, 0, 'and nothing was sent in the request itself')
})
