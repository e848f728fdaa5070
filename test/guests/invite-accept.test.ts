// A moderator invites a guest to one thread; the guest opens the emailed link, sets a password and replies there.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { Client } from '../helpers/client.js'
import { logRows } from '../helpers/moderation.js'
import { loggedIn } from '../helpers/moderation.js'
import { acceptAsGuest, circle, dayAfter, invite } from './helpers.js'

t.test('a moderator invites a guest, who accepts and replies in that thread', async (t) => {
  const { app, db } = await buildTestApp(t)
  const { mod, member, threadId, community } = await circle(app, db)

  const page = await mod.get(`/t/${threadId}`)
  t.match(page.body, `href="/t/${threadId}/guests"`, 'the moderator tools link to the guests page')

  const link = await invite(db, mod, `/t/${threadId}/guests`, 'expert@example.net')
  const list = await mod.get(`/t/${threadId}/guests`)
  t.match(list.body, 'expert@example.net', 'the moderator sees the guest')
  t.match(list.body, 'Invited')
  const logged = await logRows(db, { action: 'guest_invite' })
  t.equal(logged.length, 1, 'the invitation is in the moderation log')
  const log = await mod.get('/mod/log')
  t.match(log.body, 'Invite a guest')

  const mail = await db
    .selectFrom('email_outbox')
    .select(['subject', 'text_body'])
    .where('to_address', '=', 'expert@example.net')
    .executeTakeFirstOrThrow()
  t.match(mail.subject, 'Matching hosts with dementia')
  t.match(mail.text_body, 'Your expertise would help.')

  const visitor = new Client(app)
  const form = await visitor.get(link)
  t.equal(form.status, 200)
  t.match(form.body, 'expert@example.net')

  const bad = await visitor.post(link, { display_name: 'Gita Guest', password: 'short' })
  t.equal(bad.status, 422, 'a short password is refused')
  t.match(bad.body, 'value="Gita Guest"', 'the name is kept')

  const { guest, res } = await acceptAsGuest(app, link)
  t.equal(res.location, `/t/${threadId}`, 'the guest lands on the thread')
  const row = await db
    .selectFrom('users')
    .select(['guest', 'email_verified_at'])
    .where('email', '=', 'expert@example.net')
    .executeTakeFirstOrThrow()
  t.equal(row.guest, true, 'the account is a guest account')
  t.ok(row.email_verified_at, 'verified by the link itself')

  const thread = await guest.get(`/t/${threadId}`)
  t.equal(thread.status, 200, 'the guest reads the members-only thread')
  t.match(thread.body, 'Matching hosts with dementia')
  const reply = await guest.post(`/t/${threadId}/replies`, { body: 'In our region we pair them with **care**.' })
  t.equal(reply.status, 303, 'the guest replies')
  const post = await db
    .selectFrom('posts')
    .select(['status'])
    .where('thread_id', '=', threadId)
    .where('body_md', 'like', 'In our region%')
    .executeTakeFirstOrThrow()
  t.equal(post.status, 'visible')

  const seen = await (await loggedIn(app, member)).get(`/t/${threadId}`)
  t.match(
    seen.body,
    'Gita Guest</a></strong> <span class="badge guest-badge">guest</span>',
    'members see the guest marked',
  )

  const again = await new Client(app).get(link)
  t.equal(again.status, 403, 'the link works once')
  t.match(again.body, 'already been used')
  void community
})

t.test('only moderators invite; bad input keeps the text', async (t) => {
  const { app, db } = await buildTestApp(t)
  const { mod, member, threadId } = await circle(app, db)
  const asMember = await loggedIn(app, member)
  const page = await asMember.get(`/t/${threadId}/guests`)
  t.equal(page.status, 403, 'a member may not open the guests page')
  const post = await asMember.post(`/t/${threadId}/guests`, { email: 'x@example.net', ends_on: dayAfter(5) })
  t.equal(post.status, 403, 'nor invite')

  const url = `/t/${threadId}/guests`
  const invalid = await mod.submit(url, url, { email: 'not-an-email', ends_on: dayAfter(5), note: 'kept note' })
  t.equal(invalid.status, 422)
  t.match(invalid.body, 'value="not-an-email"', 'the address is kept')
  t.match(invalid.body, 'kept note', 'the note is kept')
  const past = await mod.submit(url, url, { email: 'guest@example.net', ends_on: dayAfter(-1) })
  t.equal(past.status, 422)
  t.match(past.body, 'The last day must come after today.')
  const today = await mod.submit(url, url, { email: 'guest@example.net', ends_on: dayAfter(0) })
  t.match(today.body, 'The last day must come after today.', 'today itself is not after today')
  const far = await mod.submit(url, url, { email: 'guest@example.net', ends_on: dayAfter(400) })
  t.match(far.body, 'at most a year')
  const garbage = await mod.submit(url, url, { email: 'guest@example.net', ends_on: 'soon' })
  t.match(garbage.body, 'Enter the last day as a date')
  const count = await db
    .selectFrom('guest_invitations')
    .select(db.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  t.equal(Number(count.n), 0, 'nothing was saved')
})
