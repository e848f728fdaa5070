// From the links in every email, without an account or a cookie: the page that lists an address's subscriptions,
// unsubscribing from one, RFC 8058 one-click unsubscribe, and deleting the address for real.
import t from 'tap'
import { Client } from '../helpers/client.js'
import { createThemeWith, createUser } from '../helpers/factories.js'
import { buildTestApp } from '../helpers/app.js'
import { startSmtp } from '../helpers/smtp.js'
import { listUnsubscribeOf, manageLinkIn, smtpMail, subscribeAndConfirm, writeArticle } from './helpers.js'

t.test('the manage page lists the subscriptions and stops one of them', async (t) => {
  const smtp = await startSmtp(t)
  const { app, db } = await buildTestApp(t, { config: { mail: smtpMail(smtp.url) } })
  await createThemeWith(db, 'home-visits', { en: 'Home visits' })
  await createThemeWith(db, 'intake', { en: 'Intake' })
  await subscribeAndConfirm(app, smtp, 'ann@example.test', 'theme:home-visits')
  const manage = await subscribeAndConfirm(app, smtp, 'ann@example.test', 'theme:intake')
  const visitor = new Client(app)
  const page = await visitor.get(manage)
  t.equal(page.status, 200)
  t.match(page.body, /Subscriptions of ann@example.test/)
  t.match(page.body, /<a href="\/themes\/home-visits">Home visits<\/a>/)
  t.match(page.body, /<a href="\/themes\/intake">Intake<\/a>/)
  t.equal(page.headers['cache-control'], 'no-store', 'a personal page is never cached')
  const intake = await db
    .selectFrom('subscriptions as s')
    .innerJoin('tags as t', 't.id', 's.target_id')
    .select('s.id')
    .where('t.slug', '=', 'intake')
    .executeTakeFirstOrThrow()
  const removed = await visitor.post(`${manage}/remove`, { subscription: String(intake.id) })
  t.equal(removed.status, 303)
  const after = await visitor.get(removed.location!)
  t.match(after.body, /Unsubscribed\./)
  t.notMatch(after.body, /Intake<\/a>/)
  t.match(after.body, /Home visits<\/a>/)

  // Another address's subscription cannot be stopped from this link.
  const other = await subscribeAndConfirm(app, smtp, 'bob@example.test', 'theme:intake')
  const bobs = await db.selectFrom('subscriptions').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow()
  t.equal((await visitor.post(`${manage}/remove`, { subscription: String(bobs.id) })).status, 404)
  t.match((await visitor.get(other)).body, /Intake<\/a>/, 'bob still follows')
})

t.test('one-click unsubscribe from a digest: a POST with no cookie and no form token', async (t) => {
  const smtp = await startSmtp(t)
  const { app, db } = await buildTestApp(t, { config: { mail: smtpMail(smtp.url) } })
  const theme = await createThemeWith(db, 'home-visits', { en: 'Home visits' })
  const author = await createUser(db)
  await subscribeAndConfirm(app, smtp, 'ann@example.test', 'theme:home-visits')
  await subscribeAndConfirm(app, smtp, 'ann@example.test', 'library')
  await writeArticle(db, author, { title: 'Kitchen-table visits', slug: 'kitchen-table', themeIds: [theme] })
  await app.scheduler.runDue(new Date(Date.now() + 60_000))
  await app.mail.drain()
  await smtp.waitFor(4)
  const digest = smtp.to('ann@example.test').find((m) => m.parsed.subject?.startsWith('New in Home visits'))!
  t.ok(digest, 'the theme digest arrived')
  t.match(digest.raw, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m)
  const oneClick = listUnsubscribeOf(digest)!
  t.match(oneClick, /^\/subscriptions\/[A-Za-z0-9_-]{32}\/unsubscribe$/)

  // Exactly what a mail client sends: no cookies at all.
  const response = await app.inject({
    method: 'POST',
    url: oneClick,
    payload: 'List-Unsubscribe=One-Click',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  })
  t.equal(response.statusCode, 200)
  t.match(response.body, /You are unsubscribed/)
  const left = await db.selectFrom('subscriptions').select('target_type').execute()
  t.same(
    left.map((row) => row.target_type),
    ['library'],
    'only the subscription that email was about stopped',
  )
  // Some clients send multipart/form-data.
  const multipart = await app.inject({
    method: 'POST',
    url: oneClick,
    payload: '--b\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--b--\r\n',
    headers: { 'content-type': 'multipart/form-data; boundary=b' },
  })
  t.equal(multipart.statusCode, 200, 'a second one-click is harmless')

  // Opened in a browser instead: a page with the button.
  const page = await new Client(app).get(oneClick)
  t.equal(page.status, 200)
  t.match(page.body, /<form action="\/subscriptions\/[A-Za-z0-9_-]{32}\/unsubscribe" method="post">/)
  t.match(manageLinkIn(digest), /^\/subscriptions\//)
})

t.test('deleting the address removes it, its subscriptions, its links and the mail kept for it', async (t) => {
  const smtp = await startSmtp(t)
  const { app, db } = await buildTestApp(t, { config: { mail: smtpMail(smtp.url) } })
  await createThemeWith(db, 'home-visits', { en: 'Home visits' })
  await subscribeAndConfirm(app, smtp, 'ann@example.test', 'theme:home-visits')
  const manage = await subscribeAndConfirm(app, smtp, 'ann@example.test', 'library')
  await subscribeAndConfirm(app, smtp, 'bob@example.test', 'library')
  const visitor = new Client(app)
  await visitor.get(manage)
  const deleted = await visitor.post(`${manage}/delete`)
  t.equal(deleted.status, 200)
  t.match(deleted.body, /Your address is deleted/)
  const subscribers = await db.selectFrom('subscribers').select('email').execute()
  t.same(
    subscribers.map((s) => s.email),
    ['bob@example.test'],
  )
  t.equal((await db.selectFrom('subscriptions').selectAll().execute()).length, 1, "only bob's subscription is left")
  const mail = await db.selectFrom('email_outbox').select('to_address').execute()
  t.notOk(
    mail.some((m) => m.to_address === 'ann@example.test'),
    'no message to the address is kept',
  )
  t.equal((await visitor.get(manage)).status, 404, 'the link no longer opens anything')
})
