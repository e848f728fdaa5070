import t from 'tap'
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { buildTestApp } from '../helpers/app.js'
import { Client } from '../helpers/client.js'
import { createUser } from '../helpers/factories.js'

// Redis runs beside PostgreSQL on this kind of machine (and in CI); REDIS_URL may point elsewhere.
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

t.test('with REDIS_URL, two instances share one login limit per address', async (t) => {
  // A prefix of this run's own, so parallel runs and earlier runs cannot share counters with it.
  const keyPrefix = `kring-test-${randomBytes(6).toString('hex')}-`
  const config = {
    redis: { url: redisUrl, keyPrefix },
    rateLimits: { login: { max: 4, timeWindowMs: 60_000 }, register: { max: 1000, timeWindowMs: 60_000 } },
  }
  const first = await buildTestApp(t, { config })
  const second = await buildTestApp(t, { config, database: first.database })
  const user = await createUser(first.db)

  const a = new Client(first.app)
  const b = new Client(second.app)
  await a.get('/login')
  await b.get('/login')
  const statuses: number[] = []
  for (const client of [a, b, a, b, a, b]) {
    statuses.push((await client.post('/login', { email: user.email, password: 'a wrong guess' })).status)
  }
  t.same(
    statuses.slice(0, 4).every((s) => s === 401),
    true,
    'four attempts in all are answered',
  )
  t.same(statuses.slice(4), [429, 429], 'the fifth and sixth are limited, on either instance')

  const redis = new Redis(redisUrl)
  t.teardown(() => redis.quit())
  const keys = await redis.keys(`${keyPrefix}*`)
  t.ok(keys.length > 0, 'the counters live in Redis under this run’s prefix')
  await redis.del(...keys)
})

t.test('without REDIS_URL each instance counts for itself', async (t) => {
  const config = {
    rateLimits: { login: { max: 2, timeWindowMs: 60_000 }, register: { max: 1000, timeWindowMs: 60_000 } },
  }
  const first = await buildTestApp(t, { config })
  const second = await buildTestApp(t, { config, database: first.database })
  const user = await createUser(first.db)
  const a = new Client(first.app)
  const b = new Client(second.app)
  await a.get('/login')
  await b.get('/login')
  const statuses = []
  for (const client of [a, a, b, b])
    statuses.push((await client.post('/login', { email: user.email, password: 'a wrong guess' })).status)
  t.same(statuses, [401, 401, 401, 401])
})
