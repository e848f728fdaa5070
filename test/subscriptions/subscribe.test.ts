// Subscribing without an account: the forms on the theme, community and library pages, double opt-in over real SMTP,
// the same answer whether or not the address already follows, refused addresses, and links that are not valid.
import { Writable } from 'node:stream'
import t from 'tap'
import { Client } from '../helpers/client.js'
import { createCommunityWith, createThemeWith } from '../helpers/factories.js'
import { buildTestApp } from '../helpers/app.js'
import { startSmtp } from '../helpers/smtp.js'
import { confirmLinkIn, manageLinkIn, smtpMail, subscribe, subscribeAndConfirm } from './helpers.js'

t.test('the theme, public community and library pages offer the form; a members-only community does not', async (t) => {
  const { app, db } = await buildTestApp(t)
  await createThemeWith(db, 'home-visits', { en: 'Home visits', nl: 'Huisbezoeken' })
  const open = await createCommunityWith(db, { slug: 'homeshare', visibility: 'public' })
  const closed = await createCommunityWith(db, { slug: 'inner-circle', visibility: 'members' })
  const visitor = new Client(app)
  t.match((await visitor.get('/themes/home-visits')).body, /name="to" value="theme:home-visits"/)
  t.match((await visitor.get(`/c/${open.slug}`)).body, /name="to" value="community:homeshare"/)
  t.match((await visitor.get('/library')).body, /name="to" value="library"/)
  const form = await visitor.get('/subscribe?to=theme:home-visits')
  t.equal(form.status, 200)
  t.match(form.body, /Follow Home visits by email/)
  t.equal((await visitor.get(`/subscribe?to=community:${closed.slug}`)).status, 404)
  const refused = await visitor.submit('/subscribe?to=library', '/subscribe', {
    email: 'ann@example.test',
    to: `community:${closed.slug}`,
  })
  t.equal(refused.status, 404, 'a members-only community cannot be followed from outside')
  t.equal((await db.selectFrom('subscriptions').selectAll().execute()).length, 0)
})

t.test('double opt-in: only the link in the email confirms, and its page asks with a button', async (t) => {
  const smtp = await startSmtp(t)
  const { app, db } = await buildTestApp(t, { config: { mail: smtpMail(smtp.url) } })
  await createThemeWith(db, 'home-visits', { en: 'Home visits', nl: 'Huisbezoeken' })
  const { response } = await subscribe(app, 'ann@example.test', 'theme:home-visits')
  t.equal(response.status, 303)
  t.equal(response.location, '/subscribe/sent')
  const sent = await new Client(app).get('/subscribe/sent')
  t.match(sent.body, /Check your email/)
  const pending = await db.selectFrom('subscriptions').select('status').executeTakeFirstOrThrow()
  t.equal(pending.status, 'pending', 'nothing is confirmed by the form')

  await app.mail.drain()
  const [mail] = await smtp.waitFor(1)
  t.same(mail.envelopeTo, ['ann@example.test'])
  t.equal(mail.parsed.subject, 'Confirm your subscription to Home visits')
  t.ok(mail.parsed.html, 'an HTML part')
  const link = confirmLinkIn(mail)
  t.ok(link.length < 100, 'the token fits a route parameter')
  const stored = await db.selectFrom('subscription_tokens').select('token_hash').execute()
  t.notOk(
    stored.some((row) => link.includes(row.token_hash)),
    'only the hash is stored',
  )

  const visitor = new Client(app)
  const page = await visitor.get(link)
  t.equal(page.status, 200)
  t.match(page.body, /Confirm my subscription/)
  t.equal(
    (await db.selectFrom('subscriptions').select('status').executeTakeFirstOrThrow()).status,
    'pending',
    'opening the link (a mail scanner) does not confirm',
  )
  const confirmed = await visitor.post(link)
  t.equal(confirmed.status, 303)
  t.match(confirmed.location, /^\/subscriptions\/[A-Za-z0-9_-]{32}$/)
  t.equal((await db.selectFrom('subscriptions').select('status').executeTakeFirstOrThrow()).status, 'confirmed')
  const manage = await visitor.get(confirmed.location!)
  t.match(manage.body, /Your subscription is confirmed/)
  t.match(manage.body, /Home visits/)

  // Used once: the same link again is a clear page, and nothing changes.
  const again = await new Client(app).post(link, {}, { csrf: false })
  t.equal(again.status, 403, 'without a form token the POST is refused')
  const reuse = new Client(app)
  t.equal((await reuse.get(link)).status, 404)
  t.match((await reuse.get(link)).body, /This link is not valid/)
})

t.test('the same answer whether or not the address already follows; its owner gets a note instead', async (t) => {
  const smtp = await startSmtp(t)
  const { app, db } = await buildTestApp(t, { config: { mail: smtpMail(smtp.url) } })
  await createThemeWith(db, 'home-visits', { en: 'Home visits' })
  await subscribeAndConfirm(app, smtp, 'ann@example.test', 'theme:home-visits')
  const first = await subscribe(app, 'bob@example.test', 'theme:home-visits')
  const repeat = await subscribe(app, 'ann@example.test', 'theme:home-visits')
  t.equal(repeat.response.status, first.response.status)
  t.equal(repeat.response.location, first.response.location)
  const pages = await Promise.all([first.visitor.get('/subscribe/sent'), repeat.visitor.get('/subscribe/sent')])
  t.equal(
    pages[0].body.replace(/name="_csrf" value="[^"]*"/g, ''),
    pages[1].body.replace(/name="_csrf" value="[^"]*"/g, ''),
  )
  await app.mail.drain()
  await smtp.waitFor(3)
  const note = smtp.to('ann@example.test')[1]
  t.equal(note.parsed.subject, 'You already follow Home visits')
  t.match(manageLinkIn(note), /^\/subscriptions\//)
  t.equal(smtp.to('bob@example.test')[0].parsed.subject, 'Confirm your subscription to Home visits')
  t.equal((await db.selectFrom('subscriptions').selectAll().execute()).length, 2)
})

t.test('invalid and hostile addresses are refused with the text kept; nothing is stored or sent', async (t) => {
  const smtp = await startSmtp(t)
  const { app, db } = await buildTestApp(t, { config: { mail: smtpMail(smtp.url) } })
  for (const email of ['', 'not-an-address', 'ann@example.test\r\nBcc: eve@evil.test', 'Ann <ann@example.test>']) {
    const { response } = await subscribe(app, email, 'library')
    t.equal(response.status, 422, JSON.stringify(email))
    t.match(response.body, email === '' ? /Enter your email address/ : /not an email address we can send to/)
    if (email === 'not-an-address') t.match(response.body, /value="not-an-address"/)
    if (email.startsWith('Ann')) t.match(response.body, /value="Ann &lt;ann@example.test&gt;"/)
  }
  const unknown = await subscribe(app, 'ann@example.test', 'theme:nowhere', '/subscribe?to=library')
  t.equal(unknown.response.status, 404)
  t.match(unknown.response.body, /nothing to follow here/)
  t.equal((await db.selectFrom('subscribers').selectAll().execute()).length, 0)
  await app.mail.drain()
  t.equal(smtp.received.length, 0)
})

t.test('one address gets a few confirmation emails a day, however often the form is sent', async (t) => {
  const smtp = await startSmtp(t)
  const { app } = await buildTestApp(t, { config: { mail: smtpMail(smtp.url) } })
  for (let i = 0; i < 8; i++) t.equal((await subscribe(app, 'ann@example.test', 'library')).response.status, 303)
  await app.mail.drain()
  await smtp.waitFor(5)
  t.equal(smtp.to('ann@example.test').length, 5)
})

t.test('the subscribe form is rate-limited per client', async (t) => {
  const { app } = await buildTestApp(t)
  const visitor = new Client(app)
  await visitor.get('/subscribe?to=library')
  const statuses: number[] = []
  for (let i = 0; i < 22; i++)
    statuses.push((await visitor.post('/subscribe', { email: `p${i}@example.test`, to: 'library' })).status)
  t.equal(statuses.filter((s) => s === 303).length, 20)
  t.equal(statuses[21], 429)
})

t.test('tampered, made-up and expired links get a clear page and change nothing', async (t) => {
  const smtp = await startSmtp(t)
  const { app, db } = await buildTestApp(t, { config: { mail: smtpMail(smtp.url) } })
  const manage = await subscribeAndConfirm(app, smtp, 'ann@example.test', 'library')
  const visitor = new Client(app)
  const tampered = manage.slice(0, -1) + (manage.endsWith('A') ? 'B' : 'A')
  for (const path of [
    tampered,
    `${manage}x`,
    '/subscriptions/short',
    `${tampered}/unsubscribe`,
    `${tampered}/confirm`,
  ]) {
    const response = await visitor.get(path)
    t.equal(response.status, 404, path)
    t.match(response.body, /This link is not valid/)
  }
  await visitor.get('/subscribe?to=library')
  t.equal((await visitor.post(`${tampered}/delete`)).status, 404)
  t.equal((await visitor.post(`${tampered}/unsubscribe`, { 'List-Unsubscribe': 'One-Click' })).status, 404)
  await db
    .updateTable('subscription_tokens')
    .set({ expires_at: new Date(Date.now() - 1000) })
    .execute()
  t.equal((await visitor.get(manage)).status, 404, 'an expired link')
  t.equal((await db.selectFrom('subscriptions').select('status').executeTakeFirstOrThrow()).status, 'confirmed')
})

t.test('the log never holds a subscriber address or a link token', async (t) => {
  const smtp = await startSmtp(t)
  const lines: string[] = []
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'))
      done()
    },
  })
  const { app } = await buildTestApp(t, { config: { mail: smtpMail(smtp.url), logLevel: 'info' }, logStream })
  const manage = await subscribeAndConfirm(app, smtp, 'ann@example.test', 'library')
  await new Client(app).get(manage)
  const log = lines.join('')
  t.match(log, /subscription requested/)
  t.notMatch(log, /ann@example\.test/)
  t.notMatch(log, manage.split('/').pop()!)
})
