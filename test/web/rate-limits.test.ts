import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { Client } from '../helpers/client.js'

t.test('repeated login attempts are slowed down with a 429 page', async (t) => {
  const { app } = await buildTestApp(t, {
    config: { rateLimits: { login: { max: 3, timeWindowMs: 60_000 }, register: { max: 2, timeWindowMs: 60_000 } } },
  })
  const client = new Client(app)
  client.headers['accept-language'] = 'nl'
  await client.get('/login')
  for (let i = 0; i < 3; i++) {
    t.equal((await client.post('/login', { email: 'who@example.org', password: 'guess number ' + i })).status, 401)
  }
  const limited = await client.post('/login', { email: 'who@example.org', password: 'one more guess' })
  t.equal(limited.status, 429)
  t.match(limited.body, 'Te veel pogingen')
  t.ok(limited.headers['retry-after'], 'says when to try again')
})

t.test('registration is rate limited too', async (t) => {
  const { app } = await buildTestApp(t, {
    config: { rateLimits: { login: { max: 100, timeWindowMs: 60_000 }, register: { max: 2, timeWindowMs: 60_000 } } },
  })
  const client = new Client(app)
  await client.get('/register')
  await client.post('/register', { email: 'bad', display_name: 'x', password: 'x' })
  await client.post('/register', { email: 'bad', display_name: 'x', password: 'x' })
  const limited = await client.post('/register', {
    email: 'r3@example.org',
    display_name: 'Third',
    password: 'a long enough pass',
  })
  t.equal(limited.status, 429)
  t.match(limited.body, 'You tried this too often')
})
