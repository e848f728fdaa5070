import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { Client } from '../helpers/client.js'
import { captureLog } from '../helpers/log-capture.js'
import { redactUrl } from '../../src/web/log-redaction.js'

t.test('logged URLs keep their path but not the tokens they carry', async (t) => {
  const log = captureLog()
  const { app } = await buildTestApp(t, { config: { logLevel: 'info' }, logStream: log.stream })
  const client = new Client(app)
  const secrets = [
    'InviteToken1234567890',
    'CsrfTokenValue0987',
    'ResetTokenAbcdef',
    'UnsubToken55',
    'ApiKey42xyz',
    'VerifyToken77',
  ]
  await client.get(`/invite/${secrets[0]}?utm=mail`)
  await client.get(`/search?q=care&_csrf=${secrets[1]}`)
  await client.get(`/password/reset/${secrets[2]}`)
  await client.get(`/unsubscribe/${secrets[3]}?one_click=1`)
  await client.get(`/search?q=visits&key=${secrets[4]}&token=${secrets[4]}`)
  await client.get(`/verify/${secrets[5]}`)
  // A return address carries the secrets of the page it returns to.
  await client.get(`/login?next=${encodeURIComponent(`/invite/${secrets[0]}`)}`)
  await client.post(`/invite/${secrets[0]}`, { note: 'x' })

  const text = log.text()
  for (const secret of secrets) t.notMatch(text, secret, `${secret} is not in the log`)
  const urls = log
    .lines()
    .map((line) => (line.req as { url?: string } | undefined)?.url ?? line.url)
    .filter(Boolean)
  t.ok(urls.includes('/invite/REDACTED?utm=mail'), 'the path and other parameters stay')
  t.ok(urls.includes('/search?q=care&_csrf=REDACTED'))
  t.ok(urls.includes('/password/reset/REDACTED'))
  t.ok(urls.includes('/unsubscribe/REDACTED?one_click=1'))
  t.ok(urls.includes('/search?q=visits&key=REDACTED&token=REDACTED'))
  t.ok(urls.includes(`/login?next=${encodeURIComponent('/invite/REDACTED')}`))
  t.ok(
    log.lines().some((line) => line.msg !== 'incoming request' && line.url === '/invite/REDACTED'),
    'error lines are redacted too',
  )
})

t.test('redaction leaves ordinary URLs alone and does not trip over malformed ones', async (t) => {
  t.equal(redactUrl('/t/12/intake-forms?after=40'), '/t/12/intake-forms?after=40')
  t.equal(redactUrl('/c/zorg/invites'), '/c/zorg/invites', 'the list of invitations is no secret')
  t.equal(redactUrl('/search?q=%&Token=abc'), '/search?q=%&Token=REDACTED')
  t.equal(redactUrl('/subscriptions/s3cr3t/'), '/subscriptions/REDACTED/')
  t.equal(redactUrl('/x?reset_token=a&flag&_csrf='), '/x?reset_token=REDACTED&flag&_csrf=REDACTED')
})
