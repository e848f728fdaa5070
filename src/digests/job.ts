// The scheduled job that sends member digests. Members are read in batches; for each batch a fixed number of queries
// gathers what is new for all of them (gather.ts), and one transaction claims the batch's slots in scheduled_runs,
// writes the digests to the outbox and moves each member's mark forward: a slot another instance claimed first is
// skipped, so every (member, slot) digest goes out exactly once, and a crash rolls claims and emails back together.
// Only the latest due slot of a member counts: after downtime one digest reports everything since the previous one.
// A digest covers exactly (previous digest's slot, its own slot]: what is posted after the slot waits for the next one.
import type { FastifyInstance } from 'fastify'
import { sql, type Kysely } from 'kysely'
import type { Config } from '../config.js'
import type { Database } from '../db/database.js'
import { enqueueEmails, type OutgoingEmail } from '../mail/compose.js'
import { deliveryFor, emailCategories, type EmailCategory } from '../mail/preferences.js'
import { slotsNotRun } from '../schedule/run-once.js'
import type { JobContext } from '../schedule/scheduler.js'
import { isLocale } from '../web/i18n.js'
import { isTimeZone } from '../web/time.js'
import { digestEmail } from './email.js'
import { gatherDigests, hasNews, type DigestMember } from './gather.js'
import { periodMs, SlotCache, type DigestFrequency, type DigestSlot } from './slots.js'

const frequencies: DigestFrequency[] = ['daily', 'weekly']

export const digestJob = (frequency: DigestFrequency) => `digest.${frequency}`

interface Candidate {
  user: MemberRow
  slot: DigestSlot
  key: string
  content: boolean
  categories: Set<EmailCategory>
}

type MemberRow = Awaited<ReturnType<typeof memberBatch>>[number]

function memberBatch(db: Kysely<Database>, after: number, size: number, now: Date) {
  // Paused and unverified members get no digest (deliveryFor says so too; this keeps them out of the batches), nor
  // do suspended ones: a suspension whose end has passed counts as over, as it does for writing (actor-guard.ts).
  return db
    .selectFrom('users')
    .select([
      'id',
      'email',
      'locale',
      'time_zone',
      'site_role',
      'email_verified_at',
      'mail_paused',
      'email_preferences',
      'digest_hour',
      'digest_weekday',
    ])
    .where('id', '>', after)
    .where('email_verified_at', 'is not', null)
    .where('mail_paused', '=', false)
    .where((eb) =>
      eb.or([
        eb('status', '=', 'active'),
        eb.and([eb('suspended_until', 'is not', null), eb('suspended_until', '<=', now)]),
      ]),
    )
    .orderBy('id')
    .limit(size)
    .execute()
}

export interface DigestRunResult {
  /** Slots run now (a digest sent, or nothing new and the slot recorded). */
  ran: number
  sent: number
}

/** Runs every member's due digest slot for `now`; safe to call from several instances at once. */
export async function runDigests(
  context: Pick<JobContext, 'db' | 'config' | 'now'>,
  options: { batchSize?: number } = {},
): Promise<DigestRunResult> {
  const { db, config, now } = context
  const batchSize = options.batchSize ?? 500
  const slots = new SlotCache(now)
  const total: DigestRunResult = { ran: 0, sent: 0 }
  let after = 0
  for (;;) {
    const users = await memberBatch(db, after, batchSize, now)
    if (users.length === 0) break
    after = users[users.length - 1].id
    for (const frequency of frequencies) {
      const candidates: Candidate[] = []
      for (const user of users) {
        const content = deliveryFor(user, 'digest') === frequency
        const categories = new Set(emailCategories.filter((c) => c !== 'digest' && deliveryFor(user, c) === frequency))
        if (!content && categories.size === 0) continue
        const slot = slots.get(frequency, user.time_zone, user.digest_hour, user.digest_weekday)
        if (slot) candidates.push({ user, slot, key: `${user.id}:${slot.localDate}`, content, categories })
      }
      const result = await runBatch(db, config, frequency, candidates)
      total.ran += result.ran
      total.sent += result.sent
    }
    if (users.length < batchSize) break
  }
  return total
}

async function runBatch(
  db: Kysely<Database>,
  config: Pick<Config, 'publicUrl' | 'sessionSecret'>,
  frequency: DigestFrequency,
  all: Candidate[],
): Promise<DigestRunResult> {
  const job = digestJob(frequency)
  const open = await slotsNotRun(
    db,
    job,
    all.map((c) => c.key),
  )
  const candidates = all.filter((c) => open.has(c.key))
  if (candidates.length === 0) return { ran: 0, sent: 0 }
  const ids = candidates.map((c) => c.user.id)
  const marks = await db
    .selectFrom('digest_marks')
    .select(['user_id', 'covered_until'])
    .where('user_id', 'in', ids)
    .where('frequency', '=', frequency)
    .execute()
  const markOf = new Map(marks.map((m) => [m.user_id, m.covered_until]))
  const members: DigestMember[] = candidates.map((c) => ({
    id: c.user.id,
    siteRole: c.user.site_role,
    since: markOf.get(c.user.id) ?? new Date(c.slot.at.getTime() - periodMs[frequency]),
    until: c.slot.at,
    content: c.content,
    categories: c.categories,
  }))
  const contents = await gatherDigests(db, members, periodMs[frequency])

  return db.transaction().execute(async (trx) => {
    // Claimed here, with the emails: a slot another instance claimed meanwhile returns no row and sends nothing.
    const claimed = new Set<string>()
    for (let i = 0; i < candidates.length; i += 500) {
      const rows = await trx
        .insertInto('scheduled_runs')
        .values(candidates.slice(i, i + 500).map((c) => ({ job, slot: c.key })))
        .onConflict((oc) => oc.columns(['job', 'slot']).doNothing())
        .returning('slot')
        .execute()
      for (const row of rows) claimed.add(row.slot)
    }
    const ran = candidates.filter((c) => claimed.has(c.key))
    const emails: OutgoingEmail[] = []
    for (const candidate of ran) {
      const content = contents.get(candidate.user.id)
      if (!content || !hasNews(content)) continue
      const { user } = candidate
      emails.push(
        digestEmail(
          config,
          {
            id: user.id,
            email: user.email,
            locale: isLocale(user.locale) ? user.locale : 'en',
            timeZone: isTimeZone(user.time_zone) ? user.time_zone : 'UTC',
          },
          frequency,
          content,
        ),
      )
    }
    await enqueueEmails(trx, config, emails)
    for (let i = 0; i < ran.length; i += 500)
      await trx
        .insertInto('digest_marks')
        .values(ran.slice(i, i + 500).map((c) => ({ user_id: c.user.id, frequency, covered_until: c.slot.at })))
        .onConflict((oc) =>
          oc.columns(['user_id', 'frequency']).doUpdateSet({
            covered_until: sql<Date>`greatest(digest_marks.covered_until, excluded.covered_until)`,
          }),
        )
        .execute()
    return { ran: ran.length, sent: emails.length }
  })
}

export function installDigests(app: FastifyInstance) {
  app.scheduler.add({ name: 'digests', run: async (context) => (await runDigests(context)).ran })
}
