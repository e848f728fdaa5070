// Changes to the wider circle's subscriptions, each in one transaction with the email it causes.
import { sql, type Kysely } from 'kysely'
import type { Config } from '../config.js'
import type { Db } from '../db/connect.js'
import type { Database } from '../db/database.js'
import { enqueueEmail } from '../mail/compose.js'
import { isLocale, type Locale } from '../web/i18n.js'
import { alreadySubscribedEmail, confirmationEmail } from './emails.js'
import type { ResolvedTarget } from './targets.js'
import { confirmationLifetimeMs, hashToken, manageLifetimeMs, newToken } from './tokens.js'

type MailConfig = Pick<Config, 'publicUrl'>

/** Confirmation emails one address can be sent a day, however many forms are sent for it: no mail bombing. */
export const confirmationsPerAddressPerDay = 5

/**
 * Asks to follow `target`: a pending subscription and a confirmation email, or, when the address already follows it,
 * a note with a link to manage its subscriptions. The person at the form sees the same page either way.
 */
export async function requestSubscription(
  db: Db,
  config: MailConfig,
  input: { email: string; locale: Locale; target: ResolvedTarget },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('subscribers')
      .values({ email: input.email, locale: input.locale })
      .onConflict((oc) => oc.column('email').doNothing())
      .execute()
    // Locked: two forms sent at once for one address count as two requests, not one.
    const subscriber = await trx
      .selectFrom('subscribers')
      .select(['id', 'locale', 'requests', sql<boolean>`requests_since > now() - interval '1 day'`.as('recent')])
      .where('email', '=', input.email)
      .forUpdate()
      .executeTakeFirstOrThrow()
    const requests = subscriber.recent ? subscriber.requests + 1 : 1
    await trx
      .updateTable('subscribers')
      .set(subscriber.recent ? { requests } : { requests, requests_since: sql<Date>`now()` })
      .where('id', '=', subscriber.id)
      .execute()
    if (requests > confirmationsPerAddressPerDay) return

    await trx
      .insertInto('subscriptions')
      .values({ subscriber_id: subscriber.id, target_type: input.target.type, target_id: input.target.id })
      .onConflict((oc) => oc.expression(sql`subscriber_id, target_type, (coalesce(target_id, 0))`).doNothing())
      .execute()
    let query = trx
      .selectFrom('subscriptions')
      .select(['id', 'status'])
      .where('subscriber_id', '=', subscriber.id)
      .where('target_type', '=', input.target.type)
    query =
      input.target.id === null ? query.where('target_id', 'is', null) : query.where('target_id', '=', input.target.id)
    const subscription = await query.executeTakeFirstOrThrow()
    // The language of the latest form they used: a confirmed subscriber keeps theirs until they confirm again.
    const locale: Locale = subscription.status === 'pending' ? input.locale : asLocale(subscriber.locale)
    const to = { email: input.email, locale }
    if (subscription.status === 'confirmed') {
      const token = await mintToken(trx, subscriber.id, subscription.id, 'manage')
      await enqueueEmail(trx, config, alreadySubscribedEmail(config, to, input.target.name, token))
      return
    }
    await trx.updateTable('subscribers').set({ locale }).where('id', '=', subscriber.id).execute()
    const token = await mintToken(trx, subscriber.id, subscription.id, 'confirm')
    await enqueueEmail(trx, config, confirmationEmail(config, to, input.target.name, token))
  })
}

export async function mintToken(
  trx: Kysely<Database>,
  subscriberId: number,
  subscriptionId: number | null,
  purpose: 'confirm' | 'manage',
): Promise<string> {
  const { token, hash } = newToken()
  const lifetime = purpose === 'confirm' ? confirmationLifetimeMs : manageLifetimeMs
  await trx
    .insertInto('subscription_tokens')
    .values({
      token_hash: hash,
      subscriber_id: subscriberId,
      subscription_id: subscriptionId,
      purpose,
      expires_at: new Date(Date.now() + lifetime),
    })
    .execute()
  return token
}

/**
 * Confirms the subscription a confirmation link was made for; the link is then spent. Returns a management token for
 * the page that follows, or null for an unknown, expired or already used link (nothing changes).
 */
export async function confirmSubscription(db: Db, token: string): Promise<string | null> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('subscription_tokens')
      .select(['token_hash', 'subscriber_id', 'subscription_id'])
      .where('token_hash', '=', hashToken(token))
      .where('purpose', '=', 'confirm')
      .where('used_at', 'is', null)
      .where('expires_at', '>', sql<Date>`now()`)
      .forUpdate()
      .executeTakeFirst()
    if (!row || row.subscription_id === null) return null
    await trx
      .updateTable('subscription_tokens')
      .set({ used_at: sql<Date>`now()` })
      .where('token_hash', '=', row.token_hash)
      .execute()
    // What was published before the confirmation is not news to them: the first digest starts here.
    await trx
      .updateTable('subscriptions')
      .set({ status: 'confirmed', confirmed_at: sql<Date>`now()`, digest_after: sql<Date>`now()` })
      .where('id', '=', row.subscription_id)
      .where('status', '=', 'pending')
      .execute()
    return mintToken(trx, row.subscriber_id, row.subscription_id, 'manage')
  })
}

/** Stops one subscription of the holder of a management link (ids from the form are checked against it). */
export async function removeSubscription(db: Db, subscriberId: number, subscriptionId: number): Promise<boolean> {
  const result = await db
    .deleteFrom('subscriptions')
    .where('id', '=', subscriptionId)
    .where('subscriber_id', '=', subscriberId)
    .executeTakeFirst()
  return Number(result.numDeletedRows) > 0
}

/**
 * Forgets an address for real: the subscriber, every subscription and link (cascade), and the messages to it that
 * the outbox still holds, sent or not. Returns whether there was anything to delete.
 */
export async function deleteSubscriber(db: Db, subscriberId: number): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const subscriber = await trx
      .selectFrom('subscribers')
      .select(['id', 'email'])
      .where('id', '=', subscriberId)
      .forUpdate()
      .executeTakeFirst()
    if (!subscriber) return false
    await trx
      .deleteFrom('email_outbox')
      .where('to_address', '=', subscriber.email)
      .where('user_id', 'is', null)
      .where('kind', 'like', 'subscription.%')
      .execute()
    await trx.deleteFrom('subscribers').where('id', '=', subscriber.id).execute()
    return true
  })
}

function asLocale(value: string): Locale {
  return isLocale(value) ? value : 'en'
}
