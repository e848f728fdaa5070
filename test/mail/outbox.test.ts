// The email outbox end to end: a message written in a transaction goes out over real SMTP with both parts and its
// threading and unsubscribe headers, user text never becomes a header, an SMTP outage delays mail without losing it,
// and without SMTP_URL the messages are kept at /dev/mail.
import t from 'tap'
import { sql, type Kysely } from 'kysely'
import type { Database } from '../../src/db/database.js'
import { enqueueEmail, enqueueEmails, type OutgoingEmail } from '../../src/mail/compose.js'
import { renderEmail } from '../../src/mail/layout.js'
import { buildTestApp } from '../helpers/app.js'
import { startSmtp } from '../helpers/smtp.js'

function message(overrides: Partial<OutgoingEmail> = {}): OutgoingEmail {
  const body = renderEmail('en', {
    heading: 'Ana replied to "Home visits"',
    paragraphs: ['<b>not bold</b> & kept as text'],
    action: { label: 'Read the reply', url: 'http://localhost:80/t/12#post-40' },
  })
  return {
    to: 'bea@example.test',
    userId: null,
    kind: 'notification.reply',
    locale: 'en',
    subject: 'New reply in Home visits',
    conversation: 'thread-12',
    unsubscribeUrl: 'http://localhost:80/unsubscribe/abc.def',
    ...body,
    ...overrides,
  }
}

/** The mail settings of an app that sends through the test's SMTP server. */
function smtpMail(url: string) {
  return { smtpUrl: url, from: 'Kring <kring@example.test>', concurrency: 2 }
}

async function enqueue(db: Kysely<Database>, email: OutgoingEmail) {
  await db.transaction().execute((trx) => enqueueEmail(trx, { publicUrl: 'http://localhost:80' }, email))
}

t.test('a message goes out over SMTP with text and HTML, threading and one-click unsubscribe headers', async (t) => {
  const smtp = await startSmtp(t)
  const { app, db } = await buildTestApp(t, {
    config: { mail: smtpMail(smtp.url) },
  })
  await enqueue(db, message())
  const result = await app.mail.drain()
  t.same(result, { sent: 1, failed: 0 })
  const [mail] = await smtp.waitFor(1)
  t.same(mail.envelopeTo, ['bea@example.test'])
  t.equal(mail.parsed.subject, 'New reply in Home visits')
  t.equal(mail.parsed.from?.value[0].address, 'kring@example.test')
  t.match(mail.parsed.text, /Read the reply: http:\/\/localhost:80\/t\/12#post-40/)
  t.match(mail.parsed.html, /&lt;b&gt;not bold&lt;\/b&gt; &amp; kept as text/)
  t.equal(mail.parsed.inReplyTo, '<thread-12@localhost>')
  t.match(String(mail.parsed.references), /thread-12@localhost/)
  t.match(mail.parsed.messageId, /^<notification\.reply\.[\w-]+@localhost>$/)
  // mailparser folds List-* headers into one structure; the raw message shows them as a mail client reads them.
  t.match(mail.raw, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m)
  t.match(mail.raw, /^List-Unsubscribe: <http:\/\/localhost:80\/unsubscribe\/abc\.def>\r?$/m)
  const row = await db.selectFrom('email_outbox').select(['status', 'sent_at', 'raw']).executeTakeFirstOrThrow()
  t.equal(row.status, 'sent')
  t.ok(row.sent_at)
  t.equal(row.raw, null, 'with real SMTP no copy of the message is kept')
})

t.test('one drain sends every due message, not only the first batch', async (t) => {
  const smtp = await startSmtp(t)
  const { app, db } = await buildTestApp(t, { config: { mail: smtpMail(smtp.url) } })
  await db.transaction().execute((trx) =>
    enqueueEmails(
      trx,
      { publicUrl: 'http://localhost:80' },
      Array.from({ length: 150 }, (_, i) => message({ to: `member${i}@example.test` })),
    ),
  )
  t.same(await app.mail.drain(), { sent: 150, failed: 0 })
  await smtp.waitFor(150)
  t.equal(new Set(smtp.received.map((mail) => mail.envelopeTo[0])).size, 150, 'each member got their own message')
})

t.test('CR and LF in a subject never start a header of their own', async (t) => {
  const smtp = await startSmtp(t)
  const { app, db } = await buildTestApp(t, {
    config: { mail: smtpMail(smtp.url) },
  })
  await enqueue(db, message({ subject: 'Hello\r\nBcc: eve@evil.test\r\n\r\nInjected body' }))
  await app.mail.drain()
  const [mail] = await smtp.waitFor(1)
  t.same(mail.envelopeTo, ['bea@example.test'], 'nobody else received it')
  t.notOk(mail.parsed.bcc)
  t.equal(mail.parsed.subject, 'Hello Bcc: eve@evil.test Injected body')
  t.notMatch(mail.raw, /^Bcc:/m)
})

t.test('an address with header syntax is refused before it reaches the outbox', async (t) => {
  const { db } = await buildTestApp(t)
  await t.rejects(enqueue(db, message({ to: 'bea@example.test\r\nBcc: eve@evil.test' })))
  await t.rejects(enqueue(db, message({ to: 'Bea <bea@example.test>' })))
  t.equal((await db.selectFrom('email_outbox').selectAll().execute()).length, 0)
})

t.test('a message written in a transaction that rolls back is never sent', async (t) => {
  const smtp = await startSmtp(t)
  const { app, db } = await buildTestApp(t, {
    config: { mail: smtpMail(smtp.url) },
  })
  await t.rejects(
    db.transaction().execute(async (trx) => {
      await enqueueEmail(trx, { publicUrl: 'http://localhost:80' }, message())
      throw new Error('the event failed')
    }),
  )
  t.same(await app.mail.drain(), { sent: 0, failed: 0 })
  t.equal(smtp.received.length, 0)
})

t.test(
  'while SMTP is down mail waits in the outbox, /readyz reports it, and it goes out once SMTP is back',
  async (t) => {
    const first = await startSmtp(t)
    const port = first.port
    await first.close()
    const { app, db } = await buildTestApp(t, {
      config: { mail: smtpMail(`smtp://127.0.0.1:${port}`) },
      services: { smtpTimeouts: { connectionTimeoutMs: 1000, greetingTimeoutMs: 1000, socketTimeoutMs: 1000 } },
    })
    await enqueue(db, message())
    t.same(await app.mail.drain(), { sent: 0, failed: 1 })
    const waiting = await db
      .selectFrom('email_outbox')
      .select(['status', 'attempts', 'last_error'])
      .executeTakeFirstOrThrow()
    t.equal(waiting.status, 'pending')
    t.equal(waiting.attempts, 1)
    t.ok(waiting.last_error)
    const ready = (await app.inject('/readyz')).json<{ mail: { pending: number; oldest_age_seconds: number } }>()
    t.equal(ready.mail.pending, 1)
    t.type(ready.mail.oldest_age_seconds, 'number')

    t.same(await app.mail.drain(), { sent: 0, failed: 0 }, 'not retried before its backoff is over')
    const back = await startSmtp(t, { port })
    await db
      .updateTable('email_outbox')
      .set({ next_attempt_at: new Date(Date.now() - 1000) })
      .execute()
    t.same(await app.mail.drain(), { sent: 1, failed: 0 })
    await back.waitFor(1)
    t.equal((await app.inject('/readyz')).json<{ mail: { pending: number } }>().mail.pending, 0)
  },
)

t.test(
  'a recipient the SMTP server refuses for good is given up after a few tries, not retried for a day',
  async (t) => {
    const smtp = await startSmtp(t)
    smtp.refuseWith({ code: 550, message: 'No such user here' })
    const { app, db } = await buildTestApp(t, {
      config: { mail: smtpMail(smtp.url) },
    })
    await enqueue(db, message())
    for (let attempt = 0; attempt < 3; attempt++) {
      await db
        .updateTable('email_outbox')
        .set({ next_attempt_at: new Date(Date.now() - 1000) })
        .execute()
      await app.mail.drain()
    }
    const row = await db
      .selectFrom('email_outbox')
      .select(['status', 'attempts', 'last_error'])
      .executeTakeFirstOrThrow()
    t.equal(row.status, 'failed')
    t.equal(row.attempts, 3)
    t.match(row.last_error, /No such user/)
    t.equal((await app.inject('/readyz')).json<{ mail: { failed: number } }>().mail.failed, 1)
  },
)

t.test('without SMTP_URL messages are kept and shown at /dev/mail, escaped', async (t) => {
  const { app, db } = await buildTestApp(t)
  await enqueue(db, message({ subject: '<script>alert(1)</script> news' }))
  const pending = await app.inject('/dev/mail')
  t.match(pending.body, /waiting to be sent/)
  t.same(await app.mail.drain(), { sent: 1, failed: 0 })
  const list = await app.inject('/dev/mail')
  t.equal(list.statusCode, 200)
  t.match(list.body, /&lt;script&gt;alert\(1\)&lt;\/script&gt; news/)
  t.notMatch(list.body, /<script>alert/)
  const id = /href="\/dev\/mail\/(\d+)"/.exec(list.body)![1]
  const shown = await app.inject(`/dev/mail/${id}`)
  t.match(shown.body, /Read the reply: http:\/\/localhost:80\/t\/12#post-40/)
  t.match(shown.body, /List-Unsubscribe-Post: List-Unsubscribe&#x3D;One-Click/)
  const html = await app.inject(`/dev/mail/${id}/html`)
  t.match(html.headers['content-security-policy'], /sandbox/)
  t.match(html.body, /Read the reply/)
  const raw = await app.inject(`/dev/mail/${id}/raw`)
  t.match(raw.body, /^Message-ID: <notification\.reply\./m)
  t.match(raw.body, /^Content-Type: multipart\/alternative/m)
  t.equal((await app.inject('/dev/mail/999999')).statusCode, 404)
  const fromElsewhere = await app.inject({ url: `/dev/mail/${id}/raw`, remoteAddress: '10.0.0.5' })
  t.equal(fromElsewhere.statusCode, 404, 'the kept messages (with their links) are for this machine only')
})

t.test('with SMTP_URL set there is no /dev/mail', async (t) => {
  const smtp = await startSmtp(t)
  const { app } = await buildTestApp(t, {
    config: { mail: smtpMail(smtp.url) },
  })
  t.equal((await app.inject('/dev/mail')).statusCode, 404)
})

t.test(
  'with a slow relay, messages are marked sent as they go out, not only once the whole batch is through',
  async (t) => {
    const smtp = await startSmtp(t)
    const { app, db } = await buildTestApp(t, { config: { mail: smtpMail(smtp.url) } })
    await db.transaction().execute((trx) =>
      enqueueEmails(
        trx,
        { publicUrl: 'http://localhost:80' },
        Array.from({ length: 40 }, (_, i) => message({ to: `member${i}@example.test` })),
      ),
    )
    smtp.slowDown(50)
    const drained = app.mail.drain()
    await smtp.waitFor(25)
    const sentSoFar = await db
      .selectFrom('email_outbox')
      .select(sql<string>`count(*)`.as('count'))
      .where('status', '=', 'sent')
      .executeTakeFirstOrThrow()
    t.ok(
      Number(sentSoFar.count) >= 10,
      `marked sent mid-batch (${sentSoFar.count}), so a lease ending cannot resend them`,
    )
    t.same(await drained, { sent: 40, failed: 0 })
    const pending = await db.selectFrom('email_outbox').select('id').where('status', '!=', 'sent').execute()
    t.equal(pending.length, 0)
  },
)
