// Reading, checking and saving a member's email preferences: shared by the settings page, its signed-link twin and the
// unsubscribe link, so that all three accept exactly the same choices.
import { sql } from 'kysely'
import type { Db } from '../db/connect.js'
import type { EmailDelivery } from '../db/database.js'
import { isLocale, type Locale } from '../web/i18n.js'
import { deliveriesFor, deliveryFor, emailCategories, type EmailCategory } from './preferences.js'

export interface PreferenceChoices {
  deliveries: Record<EmailCategory, string>
  paused: boolean
  digestHour: string
  digestWeekday: string
}

export type PreferenceErrors = Partial<Record<EmailCategory | 'digest_hour' | 'digest_weekday', string>>

export interface MemberPreferences {
  id: number
  locale: Locale | null
  timeZone: string
  choices: PreferenceChoices
}

export async function loadPreferences(db: Db, userId: number): Promise<MemberPreferences | null> {
  const row = await db
    .selectFrom('users')
    .select(['id', 'email', 'locale', 'time_zone', 'mail_paused', 'email_preferences', 'digest_hour', 'digest_weekday'])
    .where('id', '=', userId)
    .executeTakeFirst()
  if (!row) return null
  // What the member gets now, defaults included; the pause is shown on its own, so read past it here.
  const unpaused = { ...row, mail_paused: false, email_verified_at: new Date() }
  return {
    id: row.id,
    locale: isLocale(row.locale) ? row.locale : null,
    timeZone: row.time_zone ?? 'UTC',
    choices: {
      deliveries: Object.fromEntries(emailCategories.map((c) => [c, deliveryFor(unpaused, c)])) as Record<
        EmailCategory,
        string
      >,
      paused: row.mail_paused,
      digestHour: String(row.digest_hour),
      digestWeekday: String(row.digest_weekday),
    },
  }
}

/** The form's fields as they were sent (kept for a page that refuses them). */
export function readChoices(body: unknown): PreferenceChoices {
  const form = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>
  const text = (value: unknown) => (typeof value === 'string' ? value : '')
  return {
    deliveries: Object.fromEntries(emailCategories.map((c) => [c, text(form[`delivery_${c}`])])) as Record<
      EmailCategory,
      string
    >,
    paused: form.paused === '1',
    digestHour: text(form.digest_hour),
    digestWeekday: text(form.digest_weekday),
  }
}

export function checkChoices(choices: PreferenceChoices): PreferenceErrors {
  const errors: PreferenceErrors = {}
  for (const category of emailCategories)
    if (!(deliveriesFor(category) as readonly string[]).includes(choices.deliveries[category]))
      errors[category] = 'email_settings.error.choose'
  if (!/^(?:[01]?\d|2[0-3])$/.test(choices.digestHour)) errors.digest_hour = 'email_settings.error.hour'
  if (!/^[1-7]$/.test(choices.digestWeekday)) errors.digest_weekday = 'email_settings.error.weekday'
  return errors
}

/** Saves checked choices in one statement; false when the member is gone. */
export async function savePreferences(db: Db, userId: number, choices: PreferenceChoices): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({
      email_preferences: JSON.stringify(choices.deliveries),
      mail_paused: choices.paused,
      digest_hour: Number(choices.digestHour),
      digest_weekday: Number(choices.digestWeekday),
    })
    .where('id', '=', userId)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** Sets one category to never, keeping the others: the unsubscribe link of a notification. Idempotent. */
export async function unsubscribe(db: Db, userId: number, category: EmailCategory): Promise<boolean> {
  const never: EmailDelivery = 'never'
  const result = await db
    .updateTable('users')
    .set({
      email_preferences: sql<string>`email_preferences || jsonb_build_object(${category}::text, ${never}::text)`,
    })
    .where('id', '=', userId)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** The categories (digest included) that now come in the member's `frequency` digest: what its unsubscribe stops. */
export function digestCategories(
  preferences: Record<string, EmailDelivery>,
  frequency: 'daily' | 'weekly',
): EmailCategory[] {
  const chosen = { email_preferences: preferences, email: '', email_verified_at: new Date(), mail_paused: false }
  return emailCategories.filter((c) => deliveryFor(chosen, c) === frequency)
}

/**
 * The unsubscribe link of a digest: stops that digest entirely, setting to never the digest itself (when it comes at
 * that frequency) and every category gathered in it, each of which alone would keep the digest coming. The other
 * frequency and what comes at once are kept. Idempotent; the stopped categories, or null when the member is gone.
 */
export async function unsubscribeDigest(
  db: Db,
  userId: number,
  frequency: 'daily' | 'weekly',
): Promise<EmailCategory[] | null> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('users')
      .select('email_preferences')
      .where('id', '=', userId)
      .forUpdate()
      .executeTakeFirst()
    if (!row) return null
    const stopped = digestCategories(row.email_preferences, frequency)
    if (stopped.length > 0) {
      const never: EmailDelivery = 'never'
      await trx
        .updateTable('users')
        .set({
          email_preferences: JSON.stringify({
            ...row.email_preferences,
            ...Object.fromEntries(stopped.map((c) => [c, never])),
          }),
        })
        .where('id', '=', userId)
        .execute()
    }
    return stopped
  })
}
