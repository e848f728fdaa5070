// The unsubscribe link of every email: its page asks before anything changes, its button stops that one category
// without a login, mail clients' RFC 8058 one-click POST works without cookies or CSRF token, repeating it is harmless,
// and an altered or incomplete request is refused with a clear page and changes nothing.
import t from 'tap'
import { digestUnsubscribeUrl, unsubscribeUrl } from '../../src/notifications/notify.js'
import { Client } from '../helpers/client.js'
import { startSmtp } from '../helpers/smtp.js'
import { appWithSmtp, memberWith } from '../digests/helpers.js'

const preferencesOf = async (db: Parameters<typeof memberWith>[0], id: number) =>
  (await db.selectFrom('users').select('email_preferences').where('id', '=', id).executeTakeFirstOrThrow())
    .email_preferences

t.test('the page asks first; its button stops the category and keeps the others', async (t) => {
  const smtp = await startSmtp(t)
  const { app, db, config } = await appWithSmtp(t, smtp)
  const member = await memberWith(db, { preferences: { digest: 'weekly', replies: 'daily' } })
  const link = unsubscribeUrl(config, member.id, 'digest').replace(config.publicUrl, '')
  const visitor = new Client(app)
  const page = await visitor.get(link)
  t.equal(page.status, 200)
  t.match(page.body, /Stop emails about: Digest\?/)
  t.match(page.body, /<button type="submit" class="button">Yes, stop these emails<\/button>/)
  t.equal((await preferencesOf(db, member.id)).digest, 'weekly', 'opening the page changes nothing')
  const done = await visitor.post(link, { confirm: '1' })
  t.equal(done.status, 200)
  t.match(done.body, /You will no longer receive emails about: Digest\./)
  t.same(await preferencesOf(db, member.id), { digest: 'never', replies: 'daily' })
})

t.test('RFC 8058 one-click: a POST without cookies or CSRF token, twice, answers 200 each time', async (t) => {
  const smtp = await startSmtp(t)
  const { app, db, config } = await appWithSmtp(t, smtp)
  const member = await memberWith(db, { preferences: { meetings: 'immediately' } })
  const url = unsubscribeUrl(config, member.id, 'meetings').replace(config.publicUrl, '')
  for (let i = 0; i < 2; i++) {
    const response = await app.inject({
      method: 'POST',
      url,
      payload: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
    t.equal(response.statusCode, 200)
  }
  t.equal((await preferencesOf(db, member.id)).meetings, 'never')
})

t.test('RFC 8058 one-click as multipart/form-data, as mail clients should send it', async (t) => {
  const smtp = await startSmtp(t)
  const { app, db, config } = await appWithSmtp(t, smtp)
  const member = await memberWith(db, { preferences: { watching: 'immediately', replies: 'immediately' } })
  const url = unsubscribeUrl(config, member.id, 'watching').replace(config.publicUrl, '')
  const boundary = '----kring-test'
  const multipart = (name: string, value: string) =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n--${boundary}--\r\n`
  const headers = { 'content-type': `multipart/form-data; boundary=${boundary}` }
  const other = await app.inject({ method: 'POST', url, payload: multipart('something', 'else'), headers })
  t.equal(other.statusCode, 400, 'a multipart body without the one-click field changes nothing')
  const elsewhere = await app.inject({
    method: 'POST',
    url: '/subscribe',
    payload: multipart('List-Unsubscribe', 'One-Click'),
    headers,
  })
  t.equal(elsewhere.statusCode, 403, 'other forms do not take multipart: the form token is not read from it')
  t.equal((await preferencesOf(db, member.id)).watching, 'immediately')
  const response = await app.inject({
    method: 'POST',
    url,
    payload: multipart('List-Unsubscribe', 'One-Click'),
    headers,
  })
  t.equal(response.statusCode, 200)
  t.match(await preferencesOf(db, member.id), { watching: 'never', replies: 'immediately' })
})

t.test('altered tokens and incomplete requests are refused and change nothing', async (t) => {
  const smtp = await startSmtp(t)
  const { app, db, config } = await appWithSmtp(t, smtp)
  const member = await memberWith(db, { preferences: { replies: 'immediately' } })
  const url = unsubscribeUrl(config, member.id, 'replies').replace(config.publicUrl, '')
  const [, signature] = url.split('.')
  const forgedCategory = `/unsubscribe/${Buffer.from(`user:${member.id}:watching`).toString('base64url')}.${signature}`
  const visitor = new Client(app)
  for (const bad of [`${url}x`, forgedCategory, '/unsubscribe/abc', url.replace(/\.[^.]+$/, '')]) {
    const page = await visitor.get(bad)
    t.equal(page.status, 400, `GET ${bad}`)
    t.match(page.body, /This link is not valid/)
    const post = await app.inject({
      method: 'POST',
      url: bad,
      payload: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
    t.equal(post.statusCode, 400)
  }
  const empty = await app.inject({
    method: 'POST',
    url,
    payload: 'something=else',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  })
  t.equal(empty.statusCode, 400)
  t.match(empty.body, /This unsubscribe request is incomplete/)
  t.equal((await preferencesOf(db, member.id)).replies, 'immediately', 'nothing changed')
})

t.test('a digest’s link says what stops with it and stops it all; the other frequency stays', async (t) => {
  const smtp = await startSmtp(t)
  const { app, db, config } = await appWithSmtp(t, smtp)
  const member = await memberWith(db, {
    preferences: { digest: 'daily', replies: 'daily', watching: 'daily', meetings: 'weekly' },
  })
  const link = digestUnsubscribeUrl(config, member.id, 'daily').replace(config.publicUrl, '')
  const visitor = new Client(app)
  const page = await visitor.get(link)
  t.equal(page.status, 200)
  t.match(page.body, /Stop the daily digest\?/)
  t.match(page.body, /stop too: Replies to you and mentions, What you watch\./)
  t.notMatch(page.body.split('<main')[1].split('</main>')[0], /Meetings/, 'meetings are not among what stops')
  const done = await visitor.post(link, { confirm: '1' })
  t.equal(done.status, 200)
  t.match(done.body, /You will no longer receive the daily digest\./)
  t.match(done.body, /set to never: Replies to you and mentions, What you watch\./)
  t.same(await preferencesOf(db, member.id), {
    digest: 'never',
    replies: 'never',
    watching: 'never',
    meetings: 'weekly',
  })

  // The weekly digest's link, for a member whose digest is daily, stops only what is gathered weekly.
  const other = await memberWith(db, { preferences: { digest: 'daily', meetings: 'weekly' } })
  const weekly = digestUnsubscribeUrl(config, other.id, 'weekly').replace(config.publicUrl, '')
  t.equal((await visitor.post(weekly, { confirm: '1' })).status, 200)
  t.same(await preferencesOf(db, other.id), { digest: 'daily', meetings: 'never' })

  // A frequency on a category other than the digest was never signed: refused.
  const [, signature] = link.split('.')
  const forged = `/unsubscribe/${Buffer.from(`user:${member.id}:replies:daily`).toString('base64url')}.${signature}`
  t.equal((await visitor.get(forged)).status, 400)
})
