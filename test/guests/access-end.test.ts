// A guest's access ends after its last day in their own time zone (that whole day included) or when revoked; the
// link works once, and a forged one is a clear 404.
import t from 'tap'
import { dayIn, guestScopeOf, mayGuest } from '../../src/guests/policy.js'
import { buildTestApp } from '../helpers/app.js'
import { Client } from '../helpers/client.js'
import { loggedIn, logRows } from '../helpers/moderation.js'
import { acceptAsGuest, circle, guestPassword, invite } from './helpers.js'

t.test('the last day counts whole, in the guest’s time zone', async (t) => {
  const { app, db } = await buildTestApp(t)
  const { mod, threadId } = await circle(app, db)
  const link = await invite(db, mod, `/t/${threadId}/guests`, 'late@example.net')
  const { guest } = await acceptAsGuest(app, link, 'Lena Late', 'Pacific/Pago_Pago')
  const user = await db
    .selectFrom('users')
    .select(['id', 'time_zone'])
    .where('email', '=', 'late@example.net')
    .executeTakeFirstOrThrow()
  t.equal(user.time_zone, 'Pacific/Pago_Pago', 'the guest keeps the zone they accepted in')

  // Today in Pago Pago (UTC−11) is the last day; in Kiritimati (UTC+14) that day is already over.
  await db
    .updateTable('guest_invitations')
    .set({ ends_on: dayIn('Pacific/Pago_Pago') })
    .where('accepted_user_id', '=', user.id)
    .execute()
  t.equal((await guest.get(`/t/${threadId}`)).status, 200, 'on the last day the guest still reads')
  t.equal((await guest.post(`/t/${threadId}/replies`, { body: 'Still in time' })).status, 303, 'and replies')

  await db.updateTable('users').set({ time_zone: 'Pacific/Kiritimati' }).where('id', '=', user.id).execute()
  const ended = await guest.get(`/t/${threadId}`)
  t.equal(ended.status, 403, 'the day after, the thread is closed to the guest')
  t.match(ended.body, 'Your guest access has ended')
  const write = await guest.post(`/t/${threadId}/replies`, { body: 'Too late now' })
  t.equal(write.status, 403, 'writes are refused')
  const own = await guest.get('/guest')
  t.equal(own.status, 200)
  t.match(own.body, 'Your guest access has ended')

  // Logging in again still works, onto the page that says so.
  const again = new Client(app)
  await again.submit('/login', '/login', { email: 'late@example.net', password: guestPassword })
  const home = await again.get('/')
  t.equal(home.location, '/guest')

  // The boundary itself, to the second, in Brussels: 23:59:59 on the last day is in, midnight is out.
  const scope = await guestScopeOf(db, user.id, { timeZone: 'Europe/Brussels' })
  const last = { ...scope, grants: scope.grants.map((g) => ({ ...g, endsOn: '2026-12-31' })) }
  const at = (iso: string) => ({ ...last, today: dayIn('Europe/Brussels', new Date(iso)) })
  t.ok(mayGuest(at('2026-12-31T22:59:59Z'), 'reply', { threadId }), 'the last second of the last day')
  t.notOk(mayGuest(at('2026-12-31T23:00:00Z'), 'reply', { threadId }), 'midnight after it')
  t.notOk(mayGuest(at('2026-12-31T12:00:00Z'), 'attend', { threadId }), 'a meeting action on a thread never fits')
})

t.test('a moderator revokes; links work once; forged links are refused', async (t) => {
  const { app, db } = await buildTestApp(t)
  const { mod, member, threadId } = await circle(app, db)
  const link = await invite(db, mod, `/t/${threadId}/guests`, 'short@example.net')
  const { guest } = await acceptAsGuest(app, link, 'Sam Short')
  t.equal((await guest.get(`/t/${threadId}`)).status, 200)

  const invitation = await db.selectFrom('guest_invitations').select('id').executeTakeFirstOrThrow()
  const asMember = await loggedIn(app, member)
  await asMember.get(`/t/${threadId}`)
  t.equal((await asMember.post(`/guests/${invitation.id}/revoke`)).status, 403, 'a member cannot revoke')

  await mod.get(`/t/${threadId}/guests`)
  const revoked = await mod.post(`/guests/${invitation.id}/revoke`)
  t.equal(revoked.status, 303)
  t.equal(revoked.location, `/t/${threadId}/guests`)
  t.match((await mod.get(`/t/${threadId}/guests`)).body, 'Revoked')
  t.equal((await logRows(db, { action: 'guest_revoke' })).length, 1, 'the revoke is logged')
  t.equal((await mod.post('/guests/999999/revoke')).status, 404, 'an unknown invitation is not found')

  const after = await guest.get(`/t/${threadId}`)
  t.equal(after.status, 403, 'the revoked guest no longer reads the thread')
  t.match(after.body, 'was withdrawn')
  t.equal((await guest.post(`/t/${threadId}/replies`, { body: 'Am I still here?' })).status, 403)

  const visitor = new Client(app)
  const reused = await visitor.get(link)
  t.equal(reused.status, 403, 'a revoked link is refused')
  const forged = await visitor.get('/guest/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')
  t.equal(forged.status, 404)
  t.match(forged.body, 'This invitation link is not valid')
  t.equal((await visitor.get('/guest/short')).status, 404, 'a malformed token is not found')
  await visitor.get('/login')
  t.equal((await visitor.post('/guest/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', {})).status, 404)
  t.equal((await visitor.post('/guest/bad', {})).status, 404)
})

t.test('an existing member accepts while logged in and stays a member', async (t) => {
  const { app, db } = await buildTestApp(t)
  const { mod, threadId, otherThreadId } = await circle(app, db)
  const outsider = await loggedIn(
    app,
    await (await import('../helpers/factories.js')).createUser(db, { email: 'pro@example.net' }),
  )
  const link = await invite(db, mod, `/t/${threadId}/guests`, 'pro@example.net')

  const asVisitor = await new Client(app).get(link)
  t.match(asVisitor.body, 'log in, and the invitation is added', 'a visitor is asked to log in first')
  const visitor = new Client(app)
  await visitor.get(link)
  const redirect = await visitor.post(link, { display_name: 'Someone', password: guestPassword })
  t.equal(redirect.location, `/login?next=/guest/${link.split('/').pop()}`, 'posting without login sends to the login')

  const other = await loggedIn(app, await (await import('../helpers/factories.js')).createUser(db))
  const wrong = await other.get(link)
  t.match(wrong.body, 'for another email address')
  t.equal((await other.post(link, {})).status, 403)

  const page = await outsider.get(link)
  t.match(page.body, 'Accept the invitation')
  const accepted = await outsider.post(link, {})
  t.equal(accepted.location, `/t/${threadId}`)
  const row = await db
    .selectFrom('users')
    .select('guest')
    .where('email', '=', 'pro@example.net')
    .executeTakeFirstOrThrow()
  t.equal(row.guest, false, 'a member stays a member')
  t.equal((await outsider.get(`/t/${threadId}`)).status, 200, 'and reads the thread')
  t.equal((await outsider.post(`/t/${threadId}/replies`, { body: 'A member’s view' })).status, 303, 'and replies')
  t.equal((await outsider.get(`/t/${otherThreadId}`)).status, 404, 'other threads stay closed to them')
})
