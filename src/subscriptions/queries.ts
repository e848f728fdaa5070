// Reads for the wider circle: what a link opens, an address's subscriptions, and the admins' list of subscribers.
import { sql } from 'kysely'
import type { Db } from '../db/connect.js'
import { hashToken } from './tokens.js'

export interface LinkHolder {
  subscriberId: number
  /** The subscription the link was sent about (a digest's one-click unsubscribe stops this one). */
  subscriptionId: number | null
}

/** Who a management link is for, or null when it is unknown, expired, or its address was deleted. */
export async function findManageLink(db: Db, token: string): Promise<LinkHolder | null> {
  const row = await db
    .selectFrom('subscription_tokens')
    .select(['subscriber_id', 'subscription_id'])
    .where('token_hash', '=', hashToken(token))
    .where('purpose', '=', 'manage')
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst()
  return row ? { subscriberId: row.subscriber_id, subscriptionId: row.subscription_id } : null
}

/** Whether a confirmation link can still be used (the page before the button). */
export async function confirmationIsOpen(db: Db, token: string): Promise<boolean> {
  const row = await db
    .selectFrom('subscription_tokens')
    .select('token_hash')
    .where('token_hash', '=', hashToken(token))
    .where('purpose', '=', 'confirm')
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst()
  return row !== undefined
}

export async function subscriptionsOf(db: Db, subscriberId: number) {
  const [subscriber, subscriptions] = await Promise.all([
    db.selectFrom('subscribers').select(['id', 'email', 'locale']).where('id', '=', subscriberId).executeTakeFirst(),
    db
      .selectFrom('subscriptions')
      .select(['id', 'target_type', 'target_id', 'status', 'confirmed_at'])
      .where('subscriber_id', '=', subscriberId)
      .orderBy('id')
      .execute(),
  ])
  return subscriber ? { subscriber, subscriptions } : null
}

export const subscribersPerPage = 50

/** Admins' list, newest first, keyset by id so page 100 costs what page 1 costs. */
export async function listSubscribers(db: Db, before: number | null) {
  let query = db
    .selectFrom('subscribers as s')
    .select([
      's.id',
      's.email',
      's.locale',
      's.created_at',
      sql<number>`(select count(*) from subscriptions x where x.subscriber_id = s.id and x.status = 'confirmed')::int`.as(
        'confirmed',
      ),
      sql<number>`(select count(*) from subscriptions x where x.subscriber_id = s.id and x.status = 'pending')::int`.as(
        'pending',
      ),
    ])
    .orderBy('s.id', 'desc')
    .limit(subscribersPerPage + 1)
  if (before !== null) query = query.where('s.id', '<', before)
  const rows = await query.execute()
  return { subscribers: rows.slice(0, subscribersPerPage), hasMore: rows.length > subscribersPerPage }
}
