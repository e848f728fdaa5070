// The weekly digest over real SMTP: newly published practices and session summaries in what each subscription
// follows, visitor-readable only, in the subscriber's language, sent once per week across runs, nothing when nothing
// is new, and a missed week caught up without sending twice.
import t from 'tap'
import { isoWeek } from '../../src/subscriptions/digest.js'
import { createCommunityWith, createThemeWith, createUser } from '../helpers/factories.js'
import { buildTestApp } from '../helpers/app.js'
import { loggedIn } from '../helpers/moderation.js'
import { startSmtp } from '../helpers/smtp.js'
import { smtpMail, subscribe, subscribeAndConfirm, writeArticle } from './helpers.js'

const day = 86_400_000

t.test('ISO weeks', async (t) => {
  t.equal(isoWeek(new Date('2026-12-02T12:00:00Z')), '2026-W49')
  t.equal(isoWeek(new Date('2027-01-01T12:00:00Z')), '2026-W53')
  t.equal(isoWeek(new Date('2027-01-04T00:00:00Z')), '2027-W01')
})

t.test('a digest lists only new, published, visible practices and session summaries of what it follows', async (t) => {
  const smtp = await startSmtp(t)
  const { app, db } = await buildTestApp(t, { config: { mail: smtpMail(smtp.url) } })
  const theme = await createThemeWith(db, 'home-visits', { en: 'Home visits', nl: 'Huisbezoeken' })
  const other = await createThemeWith(db, 'intake', { en: 'Intake' })
  const moderator = await createUser(db)
  const author = await createUser(db)
  const open = await createCommunityWith(db, { slug: 'homeshare', moderators: [moderator], members: [author] })
  const closed = await createCommunityWith(db, { slug: 'inner-circle', visibility: 'members', members: [author] })
  await writeArticle(db, author, { title: 'Old practice', slug: 'old-practice', themeIds: [theme] })

  await subscribeAndConfirm(app, smtp, 'ann@example.test', 'theme:home-visits')
  await subscribeAndConfirm(app, smtp, 'bob@example.test', 'community:homeshare')
  await subscribeAndConfirm(app, smtp, 'cor@example.test', 'library', { 'accept-language': 'nl' })
  const base = smtp.received.length

  await writeArticle(db, author, {
    title: 'Kitchen-table visits',
    slug: 'kitchen-table',
    themeIds: [theme],
    communityId: open.id,
  })
  await writeArticle(db, author, {
    title: 'Summary of the March session',
    slug: 'march-session',
    kind: 'session_summary',
    themeIds: [theme],
  })
  await writeArticle(db, author, { title: 'Guide to guides', slug: 'guide', kind: 'guide', themeIds: [theme] })
  await writeArticle(db, author, { title: 'Draft practice', slug: 'draft', themeIds: [theme], publish: false })
  await writeArticle(db, author, { title: 'Intake practice', slug: 'intake-practice', themeIds: [other] })
  const hidden = await writeArticle(db, author, {
    title: 'Hidden practice',
    slug: 'hidden-practice',
    themeIds: [theme],
    communityId: open.id,
  })
  await writeArticle(db, author, {
    title: 'Closed circle practice',
    slug: 'closed-practice',
    communityId: closed.id,
  })
  const mod = await loggedIn(app, moderator)
  t.equal((await mod.post(`/mod/content/article/${hidden}/hide`, { reason: 'Names a resident' })).status, 303)

  const ran = await app.scheduler.runDue(new Date(Date.now() + 60_000))
  t.equal(ran['subscriptions.weekly-digest'], 3)
  await app.mail.drain()
  await smtp.waitFor(base + 3)

  const [ann] = smtp.to('ann@example.test').slice(-1)
  t.equal(ann.parsed.subject, 'New in Home visits: 2 articles this week')
  t.match(
    ann.parsed.text,
    /Practices\n-+\n\* Kitchen-table visits\n.*\n  Summary of Kitchen-table visits\.\n  http:\/\/localhost:80\/library\/kitchen-table/,
  )
  t.match(ann.parsed.text, /Session summaries\n-+\n\* Summary of the March session/)
  t.match(ann.parsed.html, /<a href="http:\/\/localhost:80\/library\/kitchen-table">Kitchen-table visits<\/a>/)
  for (const left of ['Old practice', 'Guide to guides', 'Draft practice', 'Intake practice', 'Hidden practice']) {
    t.notMatch(ann.parsed.text, left, `${left} is not in the text`)
    t.notMatch(ann.parsed.html, left, `${left} is not in the HTML`)
  }

  const [bob] = smtp.to('bob@example.test').slice(-1)
  t.equal(bob.parsed.subject, `New in Community homeshare: 1 article this week`)
  t.match(bob.parsed.text, /Kitchen-table visits/)
  t.notMatch(bob.parsed.text, /March session|Hidden practice|Closed circle/)

  const [cor] = smtp.to('cor@example.test').slice(-1)
  t.match(cor.parsed.subject, /^Nieuw in de Kring-bibliotheek: 4 artikelen deze week$/, 'in the language of the form')
  t.match(cor.parsed.text, /Praktijken/)
  t.match(cor.parsed.text, /Sessieverslagen/)
  t.notMatch(cor.parsed.text, /inner-circle|Community inner-circle/, "a members-only community's name never leaves")
  t.notMatch(cor.parsed.text, /Hidden practice|Draft practice|Guide to guides/)
})

t.test('each digest goes out once over two runs; nothing new sends nothing; a missed week catches up', async (t) => {
  const smtp = await startSmtp(t)
  const { app, db } = await buildTestApp(t, { config: { mail: smtpMail(smtp.url) } })
  const theme = await createThemeWith(db, 'home-visits', { en: 'Home visits' })
  const author = await createUser(db)
  await subscribeAndConfirm(app, smtp, 'ann@example.test', 'theme:home-visits')
  await writeArticle(db, author, { title: 'First practice', slug: 'first', themeIds: [theme] })
  const now = Date.now() + 60_000

  const first = await app.scheduler.runDue(new Date(now))
  const second = await app.scheduler.runDue(new Date(now + 1000))
  t.equal(first['subscriptions.weekly-digest'], 1)
  t.equal(second['subscriptions.weekly-digest'], 0)
  await app.mail.drain()
  await smtp.waitFor(2)
  t.equal(smtp.to('ann@example.test').length, 2, 'the confirmation and one digest')

  // The next week: nothing new, nothing sent.
  t.equal((await app.scheduler.runDue(new Date(now + 7 * day)))['subscriptions.weekly-digest'], 0)
  await app.mail.drain()
  t.equal(smtp.to('ann@example.test').length, 2)

  // Down for two weeks: the week after catches up with what was published, once.
  await writeArticle(db, author, { title: 'Second practice', slug: 'second', themeIds: [theme] })
  await db
    .updateTable('articles')
    .set({ published_at: new Date(now + 9 * day) })
    .where('slug', '=', 'second')
    .execute()
  t.equal((await app.scheduler.runDue(new Date(now + 21 * day)))['subscriptions.weekly-digest'], 1)
  t.equal((await app.scheduler.runDue(new Date(now + 21 * day + 60_000)))['subscriptions.weekly-digest'], 0)
  await app.mail.drain()
  await smtp.waitFor(3)
  const latest = smtp.to('ann@example.test')[2]
  t.match(latest.parsed.text, /Second practice/)
  t.notMatch(latest.parsed.text, /First practice/, 'what the last digest had is not sent again')
  const slots = await db
    .selectFrom('scheduled_runs')
    .select('slot')
    .where('job', '=', 'subscriptions.weekly-digest')
    .execute()
  t.equal(slots.length, 3, 'one slot per week that ran')
})

t.test('thousands of subscriptions are handled in batches, each sent exactly once', async (t) => {
  const smtp = await startSmtp(t)
  const { app, db } = await buildTestApp(t, { config: { mail: smtpMail(smtp.url) } })
  const author = await createUser(db)
  const since = new Date(Date.now() - 60_000)
  const subscribers = await db
    .insertInto('subscribers')
    .values(Array.from({ length: 1100 }, (_, i) => ({ email: `reader${i}@example.test`, locale: i % 2 ? 'nl' : 'en' })))
    .returning('id')
    .execute()
  await db
    .insertInto('subscriptions')
    .values(
      subscribers.map((s) => ({
        subscriber_id: s.id,
        target_type: 'library' as const,
        target_id: null,
        status: 'confirmed' as const,
        confirmed_at: since,
        digest_after: since,
      })),
    )
    .execute()
  await writeArticle(db, author, { title: 'A practice for everyone', slug: 'everyone' })
  const now = new Date(Date.now() + 60_000)
  const [a, b] = await Promise.all([app.scheduler.runDue(now), app.scheduler.runDue(now)])
  t.equal(a['subscriptions.weekly-digest'], 1100)
  t.equal(b['subscriptions.weekly-digest'], 1100, 'a second call while one runs shares its result')
  t.equal((await app.scheduler.runDue(now))['subscriptions.weekly-digest'], 0)
  t.equal(
    Number(
      (
        await db
          .selectFrom('email_outbox')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ),
    1100,
  )
  t.same(await app.mail.drain(), { sent: 1100, failed: 0 })
  await smtp.waitFor(1100, 60_000)
  t.equal(new Set(smtp.received.map((m) => m.envelopeTo[0])).size, 1100)
})

t.test('addresses never confirmed are forgotten after a week, not while their link is open', async (t) => {
  const smtp = await startSmtp(t)
  const { app, db } = await buildTestApp(t, { config: { mail: smtpMail(smtp.url) } })
  await subscribe(app, 'ann@example.test', 'library')
  await subscribeAndConfirm(app, smtp, 'bob@example.test', 'library')
  await app.scheduler.runDue(new Date(Date.now() + day))
  t.equal((await db.selectFrom('subscribers').selectAll().execute()).length, 2, 'a day later both are kept')
  await app.scheduler.runDue(new Date(Date.now() + 8 * day))
  const left = await db.selectFrom('subscribers').select('email').execute()
  t.same(
    left.map((row) => row.email),
    ['bob@example.test'],
    'the unconfirmed address is gone',
  )
})
