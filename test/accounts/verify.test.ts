// Registration confirms the address: the new account waits for the link in a real email, the page answers the same
// for an address that already has an account (whose owner gets a note instead), and until the link is opened the
// member reads but cannot write.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { linkIn, registerVerified, verifyFromOutbox } from '../helpers/account-mail.js'
import { Client, logIn } from '../helpers/client.js'
import { createCommunityWith, createUser } from '../helpers/factories.js'
import { startSmtp } from '../helpers/smtp.js'

const smtpMail = (url: string) => ({ smtpUrl: url, from: 'Kring <kring@example.test>', concurrency: 2 })
const fields = { email: 'Ineke@Example.org', display_name: 'Ineke de Vries', password: 'a long enough pass' }

t.test('a new member gets a verification email over SMTP and the link confirms the address and logs in', async (t) => {
  const smtp = await startSmtp(t)
  const { app, db } = await buildTestApp(t, { config: { mail: smtpMail(smtp.url) } })
  const client = new Client(app)
  const res = await client.submit('/register', '/register', fields)
  t.equal(res.status, 303)
  t.equal(res.location, '/register/sent')
  const sent = await client.get('/register/sent')
  t.match(sent.body, 'Check your email')
  t.equal((await client.get('/settings')).status, 303, 'not logged in before the address is confirmed')
  const user = await db
    .selectFrom('users')
    .select(['id', 'email_verified_at'])
    .where('email', '=', 'ineke@example.org')
    .executeTakeFirstOrThrow()
  t.equal(user.email_verified_at, null, 'the account waits for its address to be confirmed')

  t.same(await app.mail.drain(), { sent: 1, failed: 0 })
  const [mail] = await smtp.waitFor(1)
  t.same(mail.envelopeTo, ['ineke@example.org'])
  t.equal(mail.parsed.subject, 'Confirm your email address for Kring')
  t.match(mail.parsed.html, 'Welcome to Kring, Ineke de Vries')
  const link = linkIn(mail.parsed.text ?? '', '/verify/')
  t.ok(link, 'the text part carries the link')
  const token = link!.split('?')[0].slice('/verify/'.length)
  t.match(mail.parsed.html, `/verify/${token}`, 'so does the HTML part')
  const stored = await db.selectFrom('account_tokens').select(['token_hash', 'expires_at']).executeTakeFirstOrThrow()
  t.not(stored.token_hash, token, 'only a hash of the token is stored')
  t.ok(stored.expires_at.getTime() - Date.now() > 23 * 3600_000, 'valid for a day')

  const page = await client.get(link!)
  t.equal(page.status, 200, 'opening the link (as a mail scanner would) only shows a button')
  t.equal(
    (await db.selectFrom('users').select('email_verified_at').where('id', '=', user.id).executeTakeFirstOrThrow())
      .email_verified_at,
    null,
  )
  const confirmed = await client.post(link!, {})
  t.equal(confirmed.status, 303)
  const home = await client.get(confirmed.location!)
  t.match(home.body, 'Your email address is confirmed.')
  t.notMatch(home.body, 'Send the email again', 'no banner any more')
  t.equal((await client.get('/settings')).status, 200, 'logged in by the link')
  const after = await db
    .selectFrom('users')
    .select('email_verified_at')
    .where('id', '=', user.id)
    .executeTakeFirstOrThrow()
  t.ok(after.email_verified_at)

  const reused = await new Client(app).submit(link!, link!, {})
  t.equal(reused.status, 400, 'the link works once')
  t.match(reused.body, 'This link does not work')
})

t.test('registering with a taken address answers the same and tells the owner instead', async (t) => {
  const smtp = await startSmtp(t)
  const { app, db } = await buildTestApp(t, { config: { mail: smtpMail(smtp.url) } })
  const owner = await createUser(db, { email: 'ann@example.org', displayName: 'Ann Peeters', locale: 'nl' })
  const newcomer = new Client(app)
  const fresh = await newcomer.submit('/register', '/register', { ...fields, email: 'new@example.org' })
  const stranger = new Client(app)
  const taken = await stranger.submit('/register', '/register', {
    email: 'ANN@example.org',
    display_name: 'Someone Else',
    password: 'another long pass',
  })
  t.equal(taken.status, fresh.status, 'the same status')
  t.equal(taken.location, fresh.location, 'the same page')
  t.same(
    Object.keys(taken.headers)
      .filter((name) => name !== 'date' && name !== 'content-length' && name !== 'x-request-id')
      .sort(),
    Object.keys(fresh.headers)
      .filter((name) => name !== 'date' && name !== 'content-length' && name !== 'x-request-id')
      .sort(),
    'the same headers',
  )
  t.equal(
    (await stranger.get(taken.location!)).body.replace(/value="[^"]+"/g, ''),
    (await newcomer.get(fresh.location!)).body.replace(/value="[^"]+"/g, ''),
  )

  await app.mail.drain()
  await smtp.waitFor(2)
  const [note] = smtp.to('ann@example.org')
  t.equal(
    note.parsed.subject,
    'Iemand probeerde zich bij Kring te registreren met jouw adres',
    "in the owner's language",
  )
  t.match(note.parsed.text, /\/password\/forgot/)
  t.notMatch(note.parsed.text, '/verify/', 'no link that would do anything to the account')
  const { count } = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where((eb) => eb(eb.fn('lower', ['email']), '=', 'ann@example.org'))
    .executeTakeFirstOrThrow()
  t.equal(Number(count), 1, 'no second account')
  await logIn(new Client(app), owner.email, owner.password) // the password is untouched
})

t.test(
  'an unconfirmed member can log in and read, sees a banner, and cannot join or post until confirmed',
  async (t) => {
    const { app, db } = await buildTestApp(t)
    const community = await createCommunityWith(db, { slug: 'zorg' })
    const client = new Client(app)
    await client.submit('/register', '/register', fields)
    await logIn(client, 'ineke@example.org', fields.password)
    const page = await client.get('/c/zorg')
    t.equal(page.status, 200, 'reading works')
    t.match(page.body, 'Please confirm your email address ineke@example.org')
    t.match(page.body, /<form action="\/verify\/resend" method="post">/)

    const join = await client.post('/c/zorg/join', {})
    t.equal(join.status, 403)
    t.match(join.body, 'Please confirm your email address first')
    const member = await db
      .selectFrom('community_members')
      .select('user_id')
      .where('community_id', '=', community.id)
      .executeTakeFirst()
    t.equal(member, undefined, 'nothing was written')

    await verifyFromOutbox(client, db, 'ineke@example.org')
    await client.get('/c/zorg')
    t.equal((await client.post('/c/zorg/join', {})).status, 303, 'after confirming, joining works')
  },
)

t.test('"send again" sends a new link, a few times an hour, then says to wait', async (t) => {
  const { app, db } = await buildTestApp(t)
  const client = new Client(app)
  await client.submit('/register', '/register', fields)
  await logIn(client, 'ineke@example.org', fields.password)
  await client.get('/')
  const first = await client.post('/verify/resend', { next: '/communities' })
  t.equal(first.status, 303)
  t.equal(first.location, '/communities')
  t.match((await client.get('/communities')).body, 'We sent a new confirmation email.')
  await client.post('/verify/resend', {})
  const limited = await client.post('/verify/resend', {})
  t.equal(limited.status, 429, 'three links an hour (the registration one counts)')
  t.match(limited.body, 'Too many emails')
  const { count } = await db
    .selectFrom('email_outbox')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('kind', '=', 'account.verify')
    .executeTakeFirstOrThrow()
  t.equal(Number(count), 3)
  const res = await verifyFromOutbox(client, db, 'ineke@example.org')
  t.equal(res.status, 303, 'the newest link works')
})

t.test('tampered and expired links change nothing', async (t) => {
  const { app, db } = await buildTestApp(t)
  const client = new Client(app)
  await client.submit('/register', '/register', fields)
  const mail = await db.selectFrom('email_outbox').select('text_body').executeTakeFirstOrThrow()
  // Without the ?next= the link carries: the token is what is tampered with.
  const link = linkIn(mail.text_body, '/verify/')!.split('?')[0]
  const tampered = link.slice(0, -1) + (link.endsWith('A') ? 'B' : 'A')
  for (const bad of [tampered, '/verify/short', `${link}x`, `/verify/${'x'.repeat(90)}`]) {
    const res = await client.get(bad)
    t.equal(res.status, 400, `GET ${bad.slice(0, 40)}`)
    t.match(res.body, 'This link does not work')
  }
  t.equal((await client.get(`/verify/${'x'.repeat(300)}`)).status, 404, 'a token longer than any URL parameter')
  await client.get('/register/sent')
  t.equal((await client.post(tampered, {})).status, 400)
  await db
    .updateTable('account_tokens')
    .set({ expires_at: new Date(Date.now() - 1000) })
    .execute()
  t.equal((await client.get(link)).status, 400, 'expired')
  await client.get('/register/sent')
  t.equal((await client.post(link, {})).status, 400, 'expired')
  const user = await db.selectFrom('users').select('email_verified_at').executeTakeFirstOrThrow()
  t.equal(user.email_verified_at, null, 'still unconfirmed')
  t.equal((await client.get('/settings')).status, 303, 'and not logged in')
})

t.test('hostile addresses and names are refused and nothing is sent', async (t) => {
  const { app, db } = await buildTestApp(t)
  const client = new Client(app)
  for (const [email, name] of [
    ['ann@example.org\r\nBcc: all@example.org', 'Ann'],
    ['ann@example.org\nBcc:all@example.org', 'Ann'],
    ['"ann"<ann@example.org>', 'Ann'],
    ['ann@example.org,bob@example.org', 'Ann'],
    ['ann@example.org', 'Ann\r\nBcc: all@example.org'],
  ]) {
    const res = await client.submit('/register', '/register', { email, display_name: name, password: fields.password })
    t.equal(res.status, 422, JSON.stringify([email, name]))
  }
  t.equal((await db.selectFrom('email_outbox').select('id').execute()).length, 0, 'no email written')
  t.equal((await db.selectFrom('users').select('id').execute()).length, 0, 'no account made')
})

t.test('the verification email is in the language the member registered in', async (t) => {
  const { app, db } = await buildTestApp(t)
  const client = new Client(app)
  client.headers['accept-language'] = 'nl'
  await client.submit('/register', '/register', fields)
  const mail = await db.selectFrom('email_outbox').select(['subject', 'locale', 'text_body']).executeTakeFirstOrThrow()
  t.equal(mail.locale, 'nl')
  t.equal(mail.subject, 'Bevestig je e-mailadres voor Kring')
  t.match(mail.text_body, 'Welkom bij Kring, Ineke de Vries')
})

t.test('the link returns the member to the page where they started registering', async (t) => {
  const { app, db } = await buildTestApp(t)
  await createCommunityWith(db, { slug: 'zorg' })
  const client = new Client(app)
  const res = await registerVerified(client, db, { ...fields, next: '/c/zorg' })
  t.equal(res.location, '/c/zorg')
})

t.test('repeated registrations with a taken address send its owner only a few notes an hour', async (t) => {
  const { app, db } = await buildTestApp(t)
  await createUser(db, { email: 'ann@example.org' })
  for (let i = 0; i < 5; i++) {
    const res = await new Client(app).submit('/register', '/register', {
      email: 'ann@example.org',
      display_name: `Stranger ${i}`,
      password: 'another long pass',
    })
    t.equal(res.location, '/register/sent', 'always the same answer')
  }
  const notes = await db
    .selectFrom('email_outbox')
    .select('id')
    .where('kind', '=', 'account.already_registered')
    .execute()
  t.equal(notes.length, 3)
})
