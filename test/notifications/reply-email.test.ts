// The email a reply sends, over real SMTP, read by a real MIME parser: text and HTML parts in the recipient's
// language, a plain excerpt of the reply (no Markdown, no HTML), the link to the exact reply, threading headers so the
// mail client groups a thread's messages, and one-click unsubscribe.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { createCommunityWith, createThreadIn, createUser } from '../helpers/factories.js'
import { loggedIn } from '../helpers/moderation.js'
import { startSmtp } from '../helpers/smtp.js'

t.test('a reply emails the author it answers and the watchers of the thread', async (t) => {
  const smtp = await startSmtp(t)
  const { app, db, config } = await buildTestApp(t, {
    config: { mail: { smtpUrl: smtp.url, from: 'Kring <kring@example.test>', concurrency: 2 } },
  })
  const ana = await createUser(db, { displayName: 'Ana Starter', locale: 'nl', email: 'ana@example.test' })
  const bea = await createUser(db, { displayName: 'Bea Replier', email: 'bea@example.test' })
  const wim = await createUser(db, { displayName: 'Wim Watcher', email: 'wim@example.test' })
  const community = await createCommunityWith(db, { members: [ana, bea, wim] })
  const threadId = await createThreadIn(db, community.id, ana, { title: 'Home visits\r\nBcc: eve@evil.test' })
  await db
    .insertInto('watches')
    .values({ user_id: wim.id, target_type: 'thread', target_id: threadId, level: 'watching' })
    .execute()

  const client = await loggedIn(app, bea)
  const posted = await client.post(`/t/${threadId}/replies`, {
    body: 'We use a **checklist** & a [form](https://example.org/form) <script>alert(1)</script>',
  })
  t.equal(posted.status, 303)
  const postId = Number(/\/posts\/(\d+)/.exec(posted.location!)![1])
  await app.reach.drain()
  t.same(await app.mail.drain(), { sent: 2, failed: 0 })
  await smtp.waitFor(2)

  const [toAna] = smtp.to('ana@example.test')
  t.ok(toAna, 'the author of the thread got the reply by email')
  t.same(toAna.envelopeTo, ['ana@example.test'])
  t.equal(
    toAna.parsed.subject,
    'Bea Replier reageerde in “Home visits Bcc: eve@evil.test”',
    'in her language, one line',
  )
  t.notOk(toAna.parsed.bcc)
  const host = new URL(config.publicUrl).hostname
  t.equal(toAna.parsed.inReplyTo, `<thread-${threadId}@${host}>`)
  t.match(String(toAna.parsed.references), `thread-${threadId}@${host}`)
  // Long headers are folded onto continuation lines; a mail client reads them unfolded.
  const headers = toAna.raw.slice(0, toAna.raw.search(/\r?\n\r?\n/)).replace(/\r?\n[ \t]+/g, ' ')
  t.match(headers, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m)
  t.match(headers, new RegExp(`^List-Unsubscribe: <${config.publicUrl}/unsubscribe/[^>]+>\\r?$`, 'm'))
  const text = toAna.parsed.text ?? ''
  t.match(text, 'We use a checklist & a form', 'a plain excerpt of the reply')
  t.notMatch(text, '**', 'no Markdown')
  t.notMatch(text, /<(strong|a|p)\b/i, 'no HTML markup in the text part')
  t.match(text, '<script>alert(1)</script>', 'what the member typed as text stays text')
  t.match(text, `${config.publicUrl}/posts/${postId}`, 'the link to the exact reply')
  const html = String(toAna.parsed.html)
  t.match(html, 'We use a checklist &amp; a form', 'the excerpt is escaped in the HTML part')
  t.notMatch(html, '<script')
  t.match(html, '&lt;script&gt;alert(1)&lt;/script&gt;', 'and is escaped in the HTML part')
  t.match(html, `href="${config.publicUrl}/posts/${postId}"`)
  t.match(html, /lang="nl"|Open in Kring/, 'the Dutch layout')

  const [toWim] = smtp.to('wim@example.test')
  t.ok(toWim, 'the watcher got it too')
  t.equal(toWim.parsed.subject, 'Bea Replier posted in “Home visits Bcc: eve@evil.test”')
  t.equal(toWim.parsed.inReplyTo, `<thread-${threadId}@${host}>`, 'grouped with the same thread')
  t.equal(smtp.to('bea@example.test').length, 0, 'the replier is not emailed about her own reply')
})
