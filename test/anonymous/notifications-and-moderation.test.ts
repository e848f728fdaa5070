// Notifications and emails about a post written without a name carry the label, never the name; moderators see the
// author in the review queue, and the author can be suspended as usual.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { createThreadIn, createUser } from '../helpers/factories.js'
import { loggedIn } from '../helpers/moderation.js'
import { startSmtp } from '../helpers/smtp.js'
import { anonymousCommunity, author } from './fixture.js'

const label = 'a parent in this community'

t.test('the reply, watch and mention notifications and their emails name the label', async (t) => {
  const smtp = await startSmtp(t)
  const { app, db } = await buildTestApp(t, {
    config: { mail: { smtpUrl: smtp.url, from: 'Kring <kring@example.test>', concurrency: 2 } },
  })
  const { community, parent, member, moderator } = await anonymousCommunity(db)
  const threadId = await createThreadIn(db, community.id, member, { title: 'Attendance letters' })
  await db
    .insertInto('watches')
    .values({ user_id: moderator.id, target_type: 'thread', target_id: threadId, level: 'watching' })
    .execute()
  const asParent = await loggedIn(app, parent)
  const posted = await asParent.post(`/t/${threadId}/replies`, {
    body: `We got one too, @[Mara Member](${member.id}).`,
    anonymous: '1',
  })
  t.equal(posted.status, 303)
  await app.reach.drain()
  await app.mail.drain()
  const mails = await smtp.waitFor(1)
  t.ok(mails.length >= 1)
  for (const mail of [...smtp.to(member.email), ...smtp.to(moderator.email)]) {
    t.notMatch(mail.raw, author, 'no name in the email')
    t.match(String(mail.parsed.subject), label, `the subject names the label: ${mail.parsed.subject}`)
  }
  t.ok(smtp.to(member.email).length >= 1, 'the member was emailed')
  const asMember = await loggedIn(app, member)
  const list = await asMember.get('/notifications')
  t.notMatch(list.body, author)
  t.match(list.body, label)
  const asModerator = await loggedIn(app, moderator)
  const watched = await asModerator.get('/notifications')
  t.notMatch(watched.body, author, 'the watch notification names the label, moderators included')
  t.match(watched.body, label)
})

t.test('flags reach moderators with the author named, and the author can be suspended', async (t) => {
  const { app, db } = await buildTestApp(t)
  const { community, parent, member, moderator } = await anonymousCommunity(db)
  const threadId = await createThreadIn(db, community.id, member)
  const asParent = await loggedIn(app, parent)
  const posted = await asParent.post(`/t/${threadId}/replies`, { body: 'Something to flag.', anonymous: '1' })
  const postId = Number(/\/posts\/(\d+)/.exec(posted.location!)![1])
  const asMember = await loggedIn(app, member)
  const page = await asMember.get(`/t/${threadId}`)
  t.match(page.body, `name="target_id" value="${postId}"`, 'members may flag it as any post')
  const flagged = await asMember.post('/flags', { target_type: 'post', target_id: String(postId), reason: 'abuse' })
  t.equal(flagged.status, 303)
  const asModerator = await loggedIn(app, moderator)
  const queue = await asModerator.get('/mod')
  t.equal(queue.status, 200)
  t.match(queue.body, author, 'the review queue names the author')

  const admin = await createUser(db, { siteRole: 'admin' })
  const asAdmin = await loggedIn(app, admin)
  const suspended = await asAdmin.post(`/admin/users/${parent.id}/suspend`, { reason: 'Abuse', until: '' })
  t.equal(suspended.status, 303)
  const log = await asAdmin.get('/mod/log')
  t.match(log.body, author, 'the log names whom it suspended')
  const again = await loggedIn(app, parent)
  const refused = await again.post(`/t/${threadId}/replies`, { body: 'Again', anonymous: '1' })
  t.equal(refused.status, 403, 'a suspended author posts nothing, named or not')
})
