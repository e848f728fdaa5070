// The weekly digest for the wider circle: for each confirmed subscription, the practices and session summaries
// published in what it follows since its last digest. Each (subscription, ISO week) is a slot in scheduled_runs whose
// row commits with the digest's outbox row, so a slot is sent once across instances and restarts; a week missed while
// Kring was down is caught up by the next tick, whose digest starts where the last one ended.
// Batched: a few queries per 500 subscriptions, whatever the number of subscribers.
import { sql } from 'kysely'
import type { Db } from '../db/connect.js'
import { enqueueEmails, type OutgoingEmail } from '../mail/compose.js'
import type { JobContext, ScheduledJob } from '../schedule/scheduler.js'
import { isLocale, translate, type Locale } from '../web/i18n.js'
import { digestEmail, type DigestArticle } from './emails.js'
import { nameKey, namesOfTargets } from './targets.js'
import { manageLifetimeMs, newToken } from './tokens.js'

export const digestJobName = 'subscriptions.weekly-digest'
const batchSize = 500
/** A digest is a summary, not an archive: past this many articles it links to the rest. */
const maxArticlesPerDigest = 30
/** Unconfirmed addresses are forgotten after this long: personal data kept for nothing. */
const unconfirmedRetentionMs = 7 * 86_400_000

/** The ISO 8601 week of `date` in UTC, e.g. "2026-W49". */
export function isoWeek(date: Date): string {
  const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()))
  const weekday = day.getUTCDay() || 7
  day.setUTCDate(day.getUTCDate() + 4 - weekday)
  const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1)
  const week = Math.ceil(((day.getTime() - yearStart) / 86_400_000 + 1) / 7)
  return `${day.getUTCFullYear()}-W${String(week).padStart(2, '0')}`
}

export const weeklyDigestJob: ScheduledJob = {
  name: digestJobName,
  run: (context) => sendWeeklyDigests(context),
}

export async function sendWeeklyDigests({ db, config, now }: JobContext): Promise<number> {
  const week = isoWeek(now)
  let ran = 0
  let afterId = 0
  for (;;) {
    const due = await db
      .selectFrom('subscriptions as s')
      .innerJoin('subscribers as sb', 'sb.id', 's.subscriber_id')
      .select(['s.id', 's.subscriber_id', 's.target_type', 's.target_id', 's.digest_after', 'sb.email', 'sb.locale'])
      .where('s.status', '=', 'confirmed')
      .where((eb) => eb.or([eb('s.digest_week', 'is', null), eb('s.digest_week', '<>', week)]))
      .where('s.id', '>', afterId)
      .orderBy('s.id')
      .limit(batchSize)
      .execute()
    if (due.length === 0) break
    afterId = due[due.length - 1].id
    ran += await digestBatch(db, config, now, week, due)
  }
  await db
    .deleteFrom('subscribers')
    .where('created_at', '<', new Date(now.getTime() - unconfirmedRetentionMs))
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('subscriptions as x')
            .select('x.id')
            .whereRef('x.subscriber_id', '=', 'subscribers.id')
            .where('x.status', '=', 'confirmed'),
        ),
      ),
    )
    // Not while a confirmation link they asked for lately is still open.
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('subscription_tokens as k')
            .select('k.token_hash')
            .whereRef('k.subscriber_id', '=', 'subscribers.id')
            .where('k.purpose', '=', 'confirm')
            .where('k.expires_at', '>', now),
        ),
      ),
    )
    .execute()
  await db.deleteFrom('subscription_tokens').where('expires_at', '<', now).execute()
  return ran
}

type DueRow = {
  id: number
  subscriber_id: number
  target_type: 'theme' | 'community' | 'library'
  target_id: number | null
  digest_after: Date
  email: string
  locale: string
}

async function digestBatch(
  db: Db,
  config: JobContext['config'],
  now: Date,
  week: string,
  due: DueRow[],
): Promise<number> {
  const localeOf = (row: DueRow): Locale => (isLocale(row.locale) ? row.locale : 'en')
  const since = new Date(Math.min(...due.map((row) => new Date(row.digest_after).getTime())))
  // Only what a visitor may read: published, not hidden. Practices and session summaries are what the circle follows.
  const articles = await db
    .selectFrom('articles as a')
    .select(['a.id', 'a.slug', 'a.title', 'a.summary', 'a.kind', 'a.published_at', 'a.community_id'])
    .where('a.status', '=', 'published')
    .where('a.hidden_at', 'is', null)
    .where('a.kind', 'in', ['practice', 'session_summary'])
    .where('a.published_at', '>', since)
    .where('a.published_at', '<=', now)
    .orderBy('a.published_at', 'desc')
    .orderBy('a.id', 'desc')
    .execute()
  const tags = articles.length
    ? await db
        .selectFrom('article_tags')
        .select(['article_id', 'tag_id'])
        .where(
          'article_id',
          'in',
          articles.map((a) => a.id),
        )
        .execute()
    : []
  const themesOf = new Map<number, Set<number>>()
  for (const tag of tags) {
    if (!themesOf.has(tag.article_id)) themesOf.set(tag.article_id, new Set())
    themesOf.get(tag.article_id)!.add(tag.tag_id)
  }
  const locales = [...new Set(due.map(localeOf))]
  const names = await namesOfTargets(db, due, locales, (locale) => translate(locale, 'subscriptions.target.library'))

  const digests: { row: DueRow; locale: Locale; items: DigestArticle[]; target: { name: string; path: string } }[] = []
  for (const row of due) {
    const locale = localeOf(row)
    const target = names.get(nameKey(row, locale))
    // A theme merged away or a community gone members-only: nothing more is sent for it.
    if (!target || !target.followable) continue
    const after = new Date(row.digest_after).getTime()
    const items = articles
      .filter((a) => new Date(a.published_at!).getTime() > after)
      .filter((a) =>
        row.target_type === 'theme'
          ? (themesOf.get(a.id)?.has(row.target_id!) ?? false)
          : row.target_type === 'community'
            ? a.community_id === row.target_id
            : true,
      )
      .slice(0, maxArticlesPerDigest)
      .map((a) => ({ ...a, published_at: a.published_at!, kind: a.kind as DigestArticle['kind'] }))
    if (items.length > 0) digests.push({ row, locale, items, target })
  }

  return db.transaction().execute(async (trx) => {
    const claimed = await trx
      .insertInto('scheduled_runs')
      .values(due.map((row) => ({ job: digestJobName, slot: `${row.id}:${week}` })))
      .onConflict((oc) => oc.columns(['job', 'slot']).doNothing())
      .returning('slot')
      .execute()
    const claimedIds = new Set(claimed.map((c) => Number(c.slot.split(':')[0])))
    if (claimedIds.size === 0) return 0
    const emails: OutgoingEmail[] = []
    const tokens: {
      token_hash: string
      subscriber_id: number
      subscription_id: number
      purpose: 'manage'
      expires_at: Date
    }[] = []
    for (const digest of digests) {
      if (!claimedIds.has(digest.row.id)) continue
      const { token, hash } = newToken()
      tokens.push({
        token_hash: hash,
        subscriber_id: digest.row.subscriber_id,
        subscription_id: digest.row.id,
        purpose: 'manage',
        expires_at: new Date(now.getTime() + manageLifetimeMs),
      })
      emails.push(
        digestEmail(config, { email: digest.row.email, locale: digest.locale }, digest.target, digest.items, token),
      )
    }
    for (let i = 0; i < tokens.length; i += batchSize)
      await trx
        .insertInto('subscription_tokens')
        .values(tokens.slice(i, i + batchSize))
        .execute()
    await enqueueEmails(trx, config, emails)
    // The next digest starts where this one ended, whether or not it had anything to say.
    await trx
      .updateTable('subscriptions')
      .set({ digest_week: week, digest_after: sql<Date>`greatest(digest_after, ${now})` })
      .where('id', 'in', [...claimedIds])
      .execute()
    return emails.length
  })
}
