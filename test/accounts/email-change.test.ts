// Changing the email address: the current password is asked, a link goes to the NEW address, the address changes only
// when it is opened, and the OLD address is told. A taken address gets the same answer and nothing is sent.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { lastEmailTo, linkIn } from '../helpers/account-mail.js'
import { Client, logIn } from '../helpers/client.js'
import { createUser } from '../helpers/factories.js'
import { startSmtp } from '../helpers/smtp.js'

const smtpMail = (url: string) => ({ smtpUrl: url, from: 'Kring <kring@example.test>', concurrency: 2 })

async function askForChange(client: Client, newEmail: string, password: string) {
  return client.submit('/settings/email', '/settings/email', { new_email: newEmail, current_password: password })
}

t.test('the new address confirms the change over SMTP and the old one is told', async (t) => {
  const smtp = await startSmtp(t)
  const { app, db } = await buildTestApp(t, { config: { mail: smtpMail(smtp.url) } })
  const ann = await createUser(db, { email: 'ann@example.org', displayName: 'Ann Peeters' })
  const client = new Client(app)
  await logIn(client, ann.email, ann.password)
  const settings = await client.get('/settings')
  t.match(settings.body, 'href="/settings/email"', 'settings lead to the email change')

  const wrong = await askForChange(client, 'ann@work.example', 'not my password')
  t.equal(wrong.status, 422)
  t.match(wrong.body, 'value="ann@work.example"', 'the new address is kept')
  const asked = await askForChange(client, 'Ann@Work.example', ann.password)
  t.equal(asked.status, 303)
  t.match((await client.get(asked.location!)).body, 'Check the inbox of the new address')
  const unchanged = await db.selectFrom('users').select('email').where('id', '=', ann.id).executeTakeFirstOrThrow()
  t.equal(unchanged.email, 'ann@example.org', 'nothing changes before the link is opened')

  await app.mail.drain()
  const [mail] = await smtp.waitFor(1)
  t.same(mail.envelopeTo, ['ann@work.example'], 'the link goes to the new address')
  t.equal(mail.parsed.subject, 'Confirm your new email address for Kring')
  const link = linkIn(mail.parsed.text ?? '', '/settings/email/confirm/')!
  t.ok(link)
  const page = await client.get(link)
  t.equal(page.status, 200)
  t.match(page.body, 'ann@work.example')
  const done = await client.post(link, {})
  t.equal(done.status, 303)
  t.match((await client.get(done.location!)).body, 'Your email address is changed.')
  const changed = await db
    .selectFrom('users')
    .select(['email', 'email_verified_at'])
    .where('id', '=', ann.id)
    .executeTakeFirstOrThrow()
  t.equal(changed.email, 'ann@work.example')
  t.ok(changed.email_verified_at)

  await app.mail.drain()
  await smtp.waitFor(2)
  const [notice] = smtp.to('ann@example.org')
  t.ok(notice, 'the old address is told')
  t.equal(notice.parsed.subject, 'The email address of your Kring account was changed')
  t.match(notice.parsed.text, 'ann@work.example')

  await logIn(new Client(app), 'ann@work.example', ann.password)
  const old = await new Client(app).submit('/login', '/login', { email: 'ann@example.org', password: ann.password })
  t.equal(old.status, 401, 'the old address no longer logs in')
  const reused = await new Client(app).submit(link, link, {})
  t.equal(reused.status, 400, 'the link works once')
})

t.test('a taken address gets the same answer and nothing is sent', async (t) => {
  const { app, db } = await buildTestApp(t)
  const ann = await createUser(db, { email: 'ann@example.org' })
  await createUser(db, { email: 'bob@example.org' })
  const client = new Client(app)
  await logIn(client, ann.email, ann.password)
  const taken = await askForChange(client, 'BOB@example.org', ann.password)
  const free = await askForChange(client, 'free@example.org', ann.password)
  t.equal(taken.status, free.status)
  t.equal(taken.location, free.location)
  const mails = await db.selectFrom('email_outbox').select('to_address').execute()
  t.same(
    mails.map((m) => m.to_address),
    ['free@example.org'],
    'only the free address got a link',
  )
})

t.test('an address taken after the link was sent is refused when the link is opened', async (t) => {
  const { app, db } = await buildTestApp(t)
  const ann = await createUser(db, { email: 'ann@example.org' })
  const client = new Client(app)
  await logIn(client, ann.email, ann.password)
  await askForChange(client, 'new@example.org', ann.password)
  const link = linkIn((await lastEmailTo(db, 'new@example.org'))!.text_body, '/settings/email/confirm/')!
  await createUser(db, { email: 'new@example.org' })
  await client.get(link)
  const res = await client.post(link, {})
  t.equal(res.status, 409)
  t.match(res.body, 'This address cannot be used')
  const row = await db.selectFrom('users').select('email').where('id', '=', ann.id).executeTakeFirstOrThrow()
  t.equal(row.email, 'ann@example.org')
})

t.test('hostile or empty input is refused, nothing is sent', async (t) => {
  const { app, db } = await buildTestApp(t)
  const ann = await createUser(db, { email: 'ann@example.org' })
  const client = new Client(app)
  await logIn(client, ann.email, ann.password)
  for (const email of [
    'x@example.org\r\nBcc: all@example.org',
    '"x"<x@example.org>',
    'x@example.org;y@example.org',
    '',
  ]) {
    const res = await askForChange(client, email, ann.password)
    t.equal(res.status, 422, JSON.stringify(email))
  }
  t.equal((await askForChange(client, 'ann@example.org', ann.password)).status, 422, 'the current address')
  t.equal((await askForChange(client, 'x@example.org', '')).status, 422, 'no password')
  t.equal((await db.selectFrom('email_outbox').select('id').execute()).length, 0)
})

t.test('tampered and expired links change nothing; a visitor is sent to log in first', async (t) => {
  const { app, db } = await buildTestApp(t)
  const ann = await createUser(db, { email: 'ann@example.org' })
  const client = new Client(app)
  t.equal((await client.get('/settings/email')).status, 303, 'the form needs a login')
  await logIn(client, ann.email, ann.password)
  await askForChange(client, 'new@example.org', ann.password)
  const link = linkIn((await lastEmailTo(db, 'new@example.org'))!.text_body, '/settings/email/confirm/')!
  const tampered = link.slice(0, -1) + (link.endsWith('A') ? 'B' : 'A')
  t.equal((await client.get(tampered)).status, 400)
  await client.get('/settings/email')
  t.equal((await client.post(tampered, {})).status, 400)
  await db
    .updateTable('account_tokens')
    .set({ expires_at: new Date(Date.now() - 1) })
    .execute()
  t.equal((await client.get(link)).status, 400)
  await client.get('/settings/email')
  t.equal((await client.post(link, {})).status, 400)
  const row = await db.selectFrom('users').select('email').where('id', '=', ann.id).executeTakeFirstOrThrow()
  t.equal(row.email, 'ann@example.org')
})
