import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { Client, logIn } from '../helpers/client.js'
import { createTestDatabase } from '../helpers/database.js'
import { createUser } from '../helpers/factories.js'

t.test('two Kring instances on one database share a login', async (t) => {
  const database = await createTestDatabase(t)
  const sessionSecret = 'a shared secret of at least thirty-two characters'
  const first = await buildTestApp(t, { database, config: { sessionSecret } })
  // The second instance has its own connection pool, as a second process behind the load balancer would.
  const second = await buildTestApp(t, { database, db: await database.connectAgain(), config: { sessionSecret } })
  const user = await createUser(first.db, { displayName: 'Noor Jacobs' })

  const browser = new Client(first.app)
  await logIn(browser, user.email, user.password)
  t.match((await browser.get('/')).body, 'Noor Jacobs', 'logged in on the first instance')

  // The load balancer sends the next request to the other instance, with the same cookies.
  const onSecond = new Client(second.app)
  for (const [name, value] of browser.cookies) onSecond.cookies.set(name, value)
  const settings = await onSecond.get('/settings')
  t.equal(settings.status, 200)
  t.match(settings.body, 'Noor Jacobs', 'the second instance knows the login')

  // A form served by one instance is accepted by the other.
  const saved = await onSecond.post('/settings', {
    display_name: 'Noor J.',
    organisation: '',
    country: '',
    bio: '',
    locale: '',
    time_zone: '',
  })
  t.equal(saved.status, 303)
  await onSecond.post('/logout')
  browser.cookies.clear()
  for (const [name, value] of onSecond.cookies) browser.cookies.set(name, value)
  t.equal((await browser.get('/settings')).status, 303, 'logging out on one instance logs out on both')
})
