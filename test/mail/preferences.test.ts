// Email preferences through HTTP: the settings page saves each category's choice, the pause and the digest time; bad
// choices are refused with a clear page that keeps the member's other choices; the same form works without a login
// from the signed link in an email, and an altered link changes nothing. The choices are honoured over real SMTP.
import t from 'tap'
import { notify, preferencesUrl } from '../../src/notifications/notify.js'
import { Client, logIn } from '../helpers/client.js'
import { createCommunityWith, createThreadIn, replyIn } from '../helpers/factories.js'
import { startSmtp } from '../helpers/smtp.js'
import { appWithSmtp, memberWith } from '../digests/helpers.js'

const allImmediately = {
  delivery_replies: 'immediately',
  delivery_watching: 'immediately',
  delivery_your_content: 'immediately',
  delivery_communities: 'immediately',
  delivery_meetings: 'immediately',
  delivery_actions: 'immediately',
  delivery_digest: 'weekly',
  digest_hour: '8',
  digest_weekday: '1',
}

const checked = (body: string, name: string) => new RegExp(`name="${name}" value="(\\w+)" checked`).exec(body)?.[1]

t.test('a member chooses per category, pauses, and sets the digest time; bad input keeps the choices', async (t) => {
  const smtp = await startSmtp(t)
  const { app, db } = await appWithSmtp(t, smtp)
  const member = await memberWith(db, { timeZone: 'Europe/Amsterdam' })
  const client = new Client(app)
  await logIn(client, member.email, member.password)

  const settings = await client.get('/settings')
  t.match(settings.body, /<a href="\/settings\/notifications">Email<\/a>/, 'linked from the settings page')
  const page = await client.get('/settings/notifications')
  t.equal(page.status, 200)
  t.match(page.body, /<legend>Replies to you and mentions<\/legend>/)
  t.match(page.body, /<input type="radio" id="delivery_digest_daily" name="delivery_digest" value="daily">/)
  t.notMatch(page.body, /delivery_digest_immediately/, 'the digest is never "immediately"')
  t.match(page.body, /In your time zone: Europe\/Amsterdam/)

  const saved = await client.post('/settings/notifications', {
    ...allImmediately,
    delivery_replies: 'daily',
    delivery_watching: 'never',
    delivery_digest: 'daily',
    digest_hour: '7',
    digest_weekday: '5',
    paused: '1',
  })
  t.equal(saved.status, 303)
  const after = await client.get('/settings/notifications')
  t.match(after.body, /Your email settings are saved/)
  t.equal(checked(after.body, 'delivery_replies'), 'daily')
  t.equal(checked(after.body, 'delivery_watching'), 'never')
  t.equal(checked(after.body, 'delivery_digest'), 'daily')
  t.match(after.body, /<option value="7" selected>07:00<\/option>/)
  t.match(after.body, /<option value="5" selected>Friday<\/option>/)
  t.match(after.body, /name="paused" type="checkbox" value="1" checked/)

  const refused = await client.post('/settings/notifications', {
    ...allImmediately,
    delivery_replies: 'never',
    delivery_digest: 'immediately',
    digest_hour: '24',
  })
  t.equal(refused.status, 422)
  t.match(refused.body, /Some choices could not be saved/)
  t.match(refused.body, /<p class="field-error" id="delivery_digest-error">Choose one of the options.<\/p>/)
  t.match(refused.body, /Choose an hour from 00:00 to 23:00/)
  t.equal(checked(refused.body, 'delivery_replies'), 'never', 'the other choices are kept')
  const row = await db
    .selectFrom('users')
    .select(['email_preferences', 'digest_hour', 'mail_paused'])
    .where('id', '=', member.id)
    .executeTakeFirstOrThrow()
  t.equal(row.email_preferences.replies, 'daily', 'nothing of the refused form was saved')
  t.equal(row.digest_hour, 7)
  t.equal(row.mail_paused, true)

  const nl = await client.post(
    '/settings/notifications',
    { ...allImmediately, digest_weekday: 'x' },
    {
      headers: { 'accept-language': 'nl' },
    },
  )
  t.equal(nl.status, 422)

  const visitor = new Client(app)
  const anonymous = await visitor.get('/settings/notifications')
  t.equal(anonymous.status, 303, 'a visitor is sent to log in')
  const noCsrf = await client.post('/settings/notifications', allImmediately, { csrf: false })
  t.equal(noCsrf.status, 403)
})

t.test(
  'the signed link opens the same form without login; an altered link is refused and changes nothing',
  async (t) => {
    const smtp = await startSmtp(t)
    const { app, db, config } = await appWithSmtp(t, smtp)
    const member = await memberWith(db, { locale: 'nl' })
    const other = await memberWith(db)
    const link = preferencesUrl(config, member.id).replace(config.publicUrl, '')
    const visitor = new Client(app)
    const page = await visitor.get(link)
    t.equal(page.status, 200)
    t.match(page.body, /Je opende deze instellingen via een link in een e-mail/, 'in the member’s language')
    t.match(page.body, new RegExp(`<form action="${link.replace(/[.]/g, '\\.')}" method="post"`))
    const saved = await visitor.post(link, { ...allImmediately, delivery_meetings: 'never' })
    t.equal(saved.status, 303)
    t.equal(saved.location, link)
    const row = await db
      .selectFrom('users')
      .select('email_preferences')
      .where('id', '=', member.id)
      .executeTakeFirstOrThrow()
    t.equal(row.email_preferences.meetings, 'never')

    const otherLink = preferencesUrl(config, other.id).replace(config.publicUrl, '')
    const [, body, signature] = /^\/settings\/notifications\/([^.]+)\.(.+)$/.exec(otherLink)!
    const forged = `/settings/notifications/${Buffer.from(`user:${member.id}`).toString('base64url')}.${signature}`
    for (const bad of [
      forged,
      `${otherLink}x`,
      `/settings/notifications/${body}`,
      '/settings/notifications/nonsense',
    ]) {
      const get = await visitor.get(bad)
      t.equal(get.status, 400, `GET ${bad} is refused`)
      t.match(get.body, /This link is not valid|Deze link is niet geldig/)
      const post = await visitor.post(bad, { ...allImmediately, delivery_meetings: 'immediately' })
      t.equal(post.status, 400)
    }
    const unsubscribeToken = (await import('../../src/notifications/notify.js')).unsubscribeUrl(
      config,
      member.id,
      'replies',
    )
    const wrongPurpose = `/settings/notifications/${unsubscribeToken.split('/').pop()}`
    t.equal((await visitor.get(wrongPurpose)).status, 400, 'an unsubscribe token is not a preferences token')
    const still = await db
      .selectFrom('users')
      .select('email_preferences')
      .where('id', '=', member.id)
      .executeTakeFirstOrThrow()
    t.equal(still.email_preferences.meetings, 'never', 'nothing changed')
  },
)

t.test('choices are honoured: immediately sends at once, daily and never do not, a pause stops all', async (t) => {
  const smtp = await startSmtp(t)
  const { app, db, config } = await appWithSmtp(t, smtp)
  const author = await memberWith(db)
  const atOnce = await memberWith(db, { preferences: { replies: 'immediately' } })
  const daily = await memberWith(db, { preferences: { replies: 'daily' } })
  const never = await memberWith(db, { preferences: { replies: 'never' } })
  const paused = await memberWith(db, { preferences: { replies: 'immediately' }, paused: true })
  const community = await createCommunityWith(db, { members: [author, atOnce, daily, never, paused] })
  const threadId = await createThreadIn(db, community.id, author, { title: 'Intake' })
  const postId = await replyIn(db, threadId, author)
  await db.transaction().execute((trx) =>
    notify(
      trx,
      config,
      [atOnce, daily, never, paused].map((member) => ({
        userId: member.id,
        kind: 'reply' as const,
        groupKey: `reply:thread:${threadId}`,
        url: `/t/${threadId}#post-${postId}`,
        actorId: author.id,
        subject: { type: 'post' as const, id: postId },
        data: { actor: 'Ana', title: 'Intake' },
      })),
    ),
  )
  t.same(await app.mail.drain(), { sent: 1, failed: 0 })
  await smtp.waitFor(1)
  t.same(smtp.received[0].envelopeTo, [atOnce.email], 'only the member who wants it at once gets it now')
})
