// Failed logins per account: a growing delay after a few failures, kept in the database so it holds across instances.
import { sql } from 'kysely'
import type { LoginThrottle } from '../config.js'
import type { Db } from '../db/connect.js'

export type AttemptVerdict = { allowed: true } | { allowed: false; retryAt: Date }

/**
 * Counts an attempt for `emailKey` before its password is checked, so that parallel guesses cannot all slip in
 * before the first failure is written: the upsert is one atomic statement, and an account still waiting refuses
 * without counting. After `freeFailures` attempts within the window each further one waits 2^n seconds (capped),
 * and a successful login clears the count (clearFailures), so the owner is never locked out for long.
 */
export async function claimLoginAttempt(
  db: Db,
  emailKey: string,
  rules: LoginThrottle,
  now = new Date(),
): Promise<AttemptVerdict> {
  const windowStart = new Date(now.getTime() - rules.windowMs)
  const failures = sql<number>`case when login_throttles.last_failed_at < ${windowStart} then 1 else login_throttles.failures + 1 end`
  const row = await db
    .insertInto('login_throttles')
    .values({ email_key: emailKey, failures: 1, last_failed_at: now, locked_until: lockUntil(1, rules, now) })
    .onConflict((oc) =>
      oc
        .column('email_key')
        .doUpdateSet({
          failures,
          last_failed_at: now,
          locked_until: sql<Date | null>`case when ${failures} >= ${rules.freeFailures}
            then ${now}::timestamptz + least(power(2, ${failures} - ${rules.freeFailures} + 1) * 1000, ${rules.maxDelayMs}) * interval '1 millisecond'
            else null end`,
        })
        .where((eb) =>
          eb.or([eb('login_throttles.locked_until', 'is', null), eb('login_throttles.locked_until', '<=', now)]),
        ),
    )
    .returning('failures')
    .executeTakeFirst()
  if (row) return { allowed: true }
  const waiting = await db
    .selectFrom('login_throttles')
    .select('locked_until')
    .where('email_key', '=', emailKey)
    .executeTakeFirst()
  return { allowed: false, retryAt: waiting?.locked_until ?? now }
}

function lockUntil(failures: number, rules: LoginThrottle, now: Date): Date | null {
  if (failures < rules.freeFailures) return null
  return new Date(now.getTime() + Math.min(2 ** (failures - rules.freeFailures + 1) * 1000, rules.maxDelayMs))
}

export async function clearFailures(db: Db, emailKey: string): Promise<void> {
  await db.deleteFrom('login_throttles').where('email_key', '=', emailKey).execute()
}

/** Rows whose last failure is older than the window count for nothing any more. */
export async function deleteStaleLoginThrottles(db: Db, rules: LoginThrottle, now = new Date()): Promise<void> {
  await db
    .deleteFrom('login_throttles')
    .where('last_failed_at', '<', new Date(now.getTime() - Math.max(rules.windowMs, rules.maxDelayMs)))
    .execute()
}
