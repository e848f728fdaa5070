// A forgotten password is reset from a link in a real email: one answer for known and unknown addresses, a token
// stored hashed that works once for an hour, every session ended afterwards and the member told.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { lastEmailTo, linkIn } from '../helpers/account-mail.js'
import { Client, logIn } from '../helpers/client.js'
import { createUser } from '../helpers/factories.js'
import { startSmtp } from '../helpers/smtp.js'

const smtpMail = (url: string) => ({ smtpUrl: url, from: 'Kring <kring@example.test>', concurrency: 2 })
const newPassword = 'a brand new passphrase'

async function askForReset(client: Client, email: string) {
  return client.submit('/password/forgot', '/password/forgot', { email })
}

t.test('the reset link arrives over SMTP, sets a new password, ends every session and tells the member', async (t) => {
  const smtp = await startSmtp(t)
  const { app, db } = await buildTestApp(t, { config: { mail: smtpMail(smtp.url) } })
  const ann = await createUser(db, { email: 'ann@example.org', displayName: 'Ann Peeters' })
  const laptop = new Client(app)
  await logIn(laptop, ann.email, ann.password)
  const phone = new Client(app)
  await logIn(phone, ann.email, ann.password)

  const login = await new Client(app).get('/login')
  t.match(login.body, 'href="/password/forgot"', 'the login form leads to the reset')
  const visitor = new Client(app)
  const asked = await askForReset(visitor, 'ANN@example.org')
  t.equal(asked.status, 303)
  t.equal(asked.location, '/password/forgot/sent')
  t.match((await visitor.get(asked.location!)).body, 'If an account uses this address')

  await app.mail.drain()
  const [mail] = await smtp.waitFor(1)
  t.same(mail.envelopeTo, ['ann@example.org'])
  t.equal(mail.parsed.subject, 'Set a new password for Kring')
  const link = linkIn(mail.parsed.text ?? '', '/password/reset/')!
  t.ok(link)
  const token = await db.selectFrom('account_tokens').select(['token_hash', 'expires_at']).executeTakeFirstOrThrow()
  t.not(token.token_hash, link.split('/').pop(), 'stored hashed')
  t.ok(token.expires_at.getTime() - Date.now() <= 3600_000, 'valid for an hour')
  t.ok(token.expires_at.getTime() - Date.now() > 3500_000)

  const form = await visitor.get(link)
  t.equal(form.status, 200)
  t.match(form.body, 'Set a new password')
  const mismatch = await visitor.post(link, { new_password: newPassword, confirm_password: 'something else' })
  t.equal(mismatch.status, 422, 'the same rules as everywhere: the two must match')
  const common = await visitor.post(link, { new_password: 'password123', confirm_password: 'password123' })
  t.equal(common.status, 422, 'a common password is refused')
  const done = await visitor.post(link, { new_password: newPassword, confirm_password: newPassword })
  t.equal(done.status, 303)
  t.equal(done.location, '/login')
  t.match((await visitor.get('/login')).body, 'Your password is changed and all devices are logged out.')

  t.equal((await laptop.get('/settings')).status, 303, 'the laptop is logged out')
  t.equal((await phone.get('/settings')).status, 303, 'so is the phone')
  const { count } = await db
    .selectFrom('sessions')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('user_id', '=', ann.id)
    .executeTakeFirstOrThrow()
  t.equal(Number(count), 0, 'no session of hers is left')

  const old = await new Client(app).submit('/login', '/login', { email: ann.email, password: ann.password })
  t.equal(old.status, 401, 'the old password no longer works')
  await logIn(new Client(app), ann.email, newPassword)

  await app.mail.drain()
  const [, notice] = await smtp.waitFor(2)
  t.same(notice.envelopeTo, ['ann@example.org'])
  t.equal(notice.parsed.subject, 'Your Kring password was changed')

  const reused = await new Client(app).submit('/login', link, {
    new_password: 'yet another passphrase',
    confirm_password: 'yet another passphrase',
  })
  t.equal(reused.status, 400, 'the link works once')
  t.match(reused.body, 'This link does not work')
  await logIn(new Client(app), ann.email, newPassword)
})

t.test('an unknown address gets the same answer and no email', async (t) => {
  const { app, db } = await buildTestApp(t)
  await createUser(db, { email: 'ann@example.org' })
  const known = await askForReset(new Client(app), 'ann@example.org')
  const unknown = await askForReset(new Client(app), 'nobody@example.org')
  t.equal(unknown.status, known.status)
  t.equal(unknown.location, known.location)
  const mails = await db.selectFrom('email_outbox').select('to_address').execute()
  t.same(
    mails.map((m) => m.to_address),
    ['ann@example.org'],
  )
})

t.test('tampered, expired and reused links change nothing', async (t) => {
  const { app, db } = await buildTestApp(t)
  const ann = await createUser(db, { email: 'ann@example.org' })
  const before = await db.selectFrom('users').select('password_hash').executeTakeFirstOrThrow()
  const client = new Client(app)
  await askForReset(client, ann.email)
  const link = linkIn((await lastEmailTo(db, ann.email, 'account.reset'))!.text_body, '/password/reset/')!
  const tampered = link.slice(0, -2) + (link.endsWith('AA') ? 'BB' : 'AA')
  const fields = { new_password: newPassword, confirm_password: newPassword }
  t.equal((await client.get(tampered)).status, 400)
  await client.get('/password/forgot')
  const res = await client.post(tampered, fields)
  t.equal(res.status, 400)
  t.match(res.body, 'Ask for a new link')
  t.equal((await client.post('/password/reset/not-a-token', fields)).status, 400)

  await db
    .updateTable('account_tokens')
    .set({ expires_at: new Date(Date.now() - 1) })
    .execute()
  t.equal((await client.get(link)).status, 400, 'expired')
  await client.get('/password/forgot')
  t.equal((await client.post(link, fields)).status, 400, 'expired')
  const after = await db.selectFrom('users').select('password_hash').executeTakeFirstOrThrow()
  t.equal(after.password_hash, before.password_hash, 'the password is unchanged')
  await logIn(new Client(app), ann.email, ann.password)
})

t.test('resets are rate-limited per address and per client', async (t) => {
  const { app, db } = await buildTestApp(t)
  await createUser(db, { email: 'ann@example.org' })
  const client = new Client(app)
  for (let i = 0; i < 5; i++) t.equal((await askForReset(client, 'ann@example.org')).status, 303)
  const mails = await db.selectFrom('email_outbox').select('id').where('kind', '=', 'account.reset').execute()
  t.equal(mails.length, 3, 'three links an hour per address; the answer stays the same')
  for (let i = 0; i < 5; i++) await askForReset(client, `other${i}@example.org`)
  const limited = await askForReset(client, 'ann@example.org')
  t.equal(limited.status, 429, 'ten requests per quarter hour from one client')
})

t.test('a newer link works and using one retires the others', async (t) => {
  const { app, db } = await buildTestApp(t)
  const ann = await createUser(db, { email: 'ann@example.org' })
  const client = new Client(app)
  await askForReset(client, ann.email)
  const first = linkIn((await lastEmailTo(db, ann.email))!.text_body, '/password/reset/')!
  await askForReset(client, ann.email)
  const second = linkIn((await lastEmailTo(db, ann.email, 'account.reset'))!.text_body, '/password/reset/')!
  t.not(first, second)
  await client.get(second)
  t.equal((await client.post(second, { new_password: newPassword, confirm_password: newPassword })).status, 303)
  t.equal((await client.get(first)).status, 400, 'the older link is retired too')
})

t.test('the reset email is in the member’s language', async (t) => {
  const { app, db } = await buildTestApp(t)
  await createUser(db, { email: 'jan@example.org', locale: 'nl' })
  await askForReset(new Client(app), 'jan@example.org')
  const mail = (await lastEmailTo(db, 'jan@example.org'))!
  t.equal(mail.subject, 'Kies een nieuw wachtwoord voor Kring')
  t.equal(mail.locale, 'nl')
})

t.test('hostile input on the form is refused and nothing is sent', async (t) => {
  const { app, db } = await buildTestApp(t)
  await createUser(db, { email: 'ann@example.org' })
  for (const email of [
    'ann@example.org\r\nBcc: x@example.org',
    'ann@example.org, x@example.org',
    '<ann@example.org>',
  ]) {
    const res = await askForReset(new Client(app), email)
    t.equal(res.status, 422, JSON.stringify(email))
  }
  t.equal((await db.selectFrom('email_outbox').select('id').execute()).length, 0)
})
