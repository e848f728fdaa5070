// The two-command start shows reaching people: the demo leaves a notification, emails at /dev/mail and a watcher told.
import t from 'tap'
import { demoAdmin, demoMemberPassword, seedDemoIfEmpty } from '../../src/demo/seed.js'
import { buildTestApp } from '../helpers/app.js'
import { Client, logIn } from '../helpers/client.js'

t.test('the demo shows notifications and the emails they sent at /dev/mail', async (t) => {
  const { app, db } = await buildTestApp(t)
  await seedDemoIfEmpty(db, { info: () => {} }, app.config)

  const sofia = new Client(app)
  await logIn(sofia, 'sofia@kring.example', demoMemberPassword)
  const home = await sofia.get('/')
  t.match(home.body, /Notifications, 1 unread/, 'the bell counts the collapsed replies as one')
  const list = await sofia.get('/notifications')
  t.match(list.body, /2 new replies in “Welcome — read this first”/)

  t.same(await app.mail.drain(), { sent: 2, failed: 0 })
  const mail = await app.inject('/dev/mail')
  t.equal(mail.statusCode, 200)
  t.ok((mail.body.match(/sofia@kring\.example/g) ?? []).length >= 2, 'both reply emails to Sofia are shown')

  await app.reach.drain()
  const admin = new Client(app)
  await logIn(admin, demoAdmin.email, demoAdmin.password)
  t.match(
    (await admin.get('/notifications')).body,
    /Who has a template for the first house visit\?/,
    'Anouk watches the community and hears of the new thread',
  )
})
