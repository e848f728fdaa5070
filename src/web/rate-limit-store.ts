// Where the rate-limit counters live: in Redis when REDIS_URL is set, so every instance counts against one limit.
import type { FastifyInstance } from 'fastify'
import { Redis } from 'ioredis'
import type { Config } from '../config.js'

/** @fastify/rate-limit options for the configured store: none (in memory, per instance) without Redis. */
export function sharedRateLimitStore(app: FastifyInstance, redisConfig: Config['redis']) {
  if (!redisConfig) return {}
  // Short timeouts and one retry: a rate-limit check must not hold a login for seconds while Redis is away.
  const redis = new Redis(redisConfig.url, { connectTimeout: 500, maxRetriesPerRequest: 1 })
  redis.on('error', (err) => app.log.warn({ err }, 'rate-limit Redis connection error'))
  app.addHook('onClose', async () => {
    await redis.quit().catch(() => redis.disconnect())
  })
  // A Redis outage lets requests through rather than refusing every login: the per-account throttle in the
  // database (src/accounts/login-throttle.ts) still holds then.
  return { redis, nameSpace: redisConfig.keyPrefix, skipOnError: true }
}
