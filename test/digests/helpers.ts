// Shared set-up of the digest and preference tests: an app that sends through the test's SMTP server, members with
// verified addresses and chosen email settings, watches, and the clock instant of a member's next digest slot.
import type { Kysely } from 'kysely'
import type { Database, EmailDelivery, WatchTarget } from '../../src/db/database.js'
import { latestSlot, type DigestFrequency } from '../../src/digests/slots.js'
import type { EmailCategory } from '../../src/mail/preferences.js'
import { buildTestApp } from '../helpers/app.js'
import { createUser, type TestUser } from '../helpers/factories.js'
import type { TestSmtp } from '../helpers/smtp.js'

export function smtpMail(url: string) {
  return { smtpUrl: url, from: 'Kring <kring@example.test>', concurrency: 2 }
}

export async function appWithSmtp(t: { teardown(fn: () => unknown): void }, smtp: TestSmtp) {
  return buildTestApp(t, { config: { mail: smtpMail(smtp.url) }, services: { scheduler: false, mailWorker: false } })
}

/** A member whose address is confirmed (registration may leave it unconfirmed), with the settings given. */
export async function memberWith(
  db: Kysely<Database>,
  settings: {
    preferences?: Partial<Record<EmailCategory, EmailDelivery>>
    timeZone?: string
    hour?: number
    weekday?: number
    locale?: string
    paused?: boolean
    displayName?: string
  } = {},
): Promise<TestUser> {
  const user = await createUser(db, { displayName: settings.displayName, locale: settings.locale })
  await db
    .updateTable('users')
    .set({
      email_verified_at: new Date(),
      // No digest unless the test asks for one (the default is weekly), so authors in a test get none.
      email_preferences: JSON.stringify({ digest: 'never', ...settings.preferences }),
      time_zone: settings.timeZone ?? 'UTC',
      digest_hour: settings.hour ?? 8,
      digest_weekday: settings.weekday ?? 1,
      mail_paused: settings.paused ?? false,
    })
    .where('id', '=', user.id)
    .execute()
  return user
}

export async function watch(
  db: Kysely<Database>,
  user: TestUser,
  type: WatchTarget,
  id: number,
  level: 'watching' | 'tracking' = 'watching',
) {
  await db
    .insertInto('watches')
    .values({ user_id: user.id, target_type: type, target_id: id, level })
    .onConflict((oc) => oc.columns(['user_id', 'target_type', 'target_id']).doUpdateSet({ level }))
    .execute()
}

/** The first digest slot after now for these settings: the test's clock is set a minute past it. */
export function nextSlot(frequency: DigestFrequency, timeZone: string, hour: number, weekday = 1): Date {
  const ahead = frequency === 'daily' ? 24 : 7 * 24
  const slot = latestSlot(frequency, new Date(Date.now() + ahead * 3600_000), timeZone, hour, weekday)
  if (!slot) throw new Error('no slot')
  return slot.at
}

export const minutes = (date: Date, n: number) => new Date(date.getTime() + n * 60_000)
