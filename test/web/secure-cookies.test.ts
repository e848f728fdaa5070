import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { Client, logIn } from '../helpers/client.js'
import { createUser } from '../helpers/factories.js'

t.test('in production every cookie Kring sets is Secure, HttpOnly and SameSite=Lax', async (t) => {
  // Behind the TLS proxy production runs behind: it is trusted, and says the browser spoke HTTPS.
  const { app, db } = await buildTestApp(t, { config: { secureCookies: true, trustedProxies: ['127.0.0.1'] } })
  const user = await createUser(db)
  const browser = new Client(app)
  browser.headers = { 'x-forwarded-proto': 'https' }
  const setCookies: string[] = []
  const collect = (res: { headers: Record<string, unknown> }) => {
    const header = res.headers['set-cookie']
    setCookies.push(...(Array.isArray(header) ? header.map(String) : header ? [String(header)] : []))
  }
  collect(await browser.get('/login'))
  collect(await logIn(browser, user.email, user.password))
  await browser.get('/settings')
  collect(await browser.post('/settings', { display_name: 'Renamed Member' }))
  collect(await browser.get('/settings'))
  collect(await browser.post('/language', { locale: 'nl', next: '/' }))
  collect(await browser.post('/logout'))
  collect(await browser.get('/'))

  const names = new Set(setCookies.map((c) => c.split('=')[0]))
  for (const name of ['kring_sid', 'kring_csrf', 'kring_flash', 'kring_lang', 'kring_device'])
    t.ok(names.has(name), `${name} was set`)
  for (const cookie of setCookies) {
    t.match(cookie, /;\s*Secure/i, `${cookie.split('=')[0]} is Secure`)
    t.match(cookie, /;\s*HttpOnly/i)
    t.match(cookie, /;\s*SameSite=Lax/i)
  }
})
