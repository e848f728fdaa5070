// Building member digests at scale: 10,000 members with a weekly digest (BENCH_DIGEST_MEMBERS to change it), each in
// two communities, watching two communities, a theme and five threads, with a week of new threads, replies, library
// articles, meetings and action items on real PostgreSQL. One scheduled run builds and writes every digest to the
// outbox; the budget is under 60 s. Sending is measured by the mail scenario, not here.
import { sql } from 'kysely'
import { runDigests } from '../../src/digests/job.js'
import { testConfigForBench } from './lib/digest-config.js'
import { benchDatabaseUrl, databaseName, freshMigratedDatabase } from './lib/database.js'
import type { Check, Scenario, ScenarioResult } from './lib/scenario.js'

const budgetSeconds = 60

function membersWanted(): number {
  const raw = process.env.BENCH_DIGEST_MEMBERS
  const value = raw === undefined ? 10_000 : Number(raw)
  if (!Number.isInteger(value) || value < 100)
    throw new Error(`BENCH_DIGEST_MEMBERS must be a whole number of at least 100, got "${raw}"`)
  return value
}

/** The Monday 08:00 UTC slot after `from`. */
function nextMondayEight(from: Date): Date {
  const d = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate(), 8))
  while (d.getUTCDay() !== 1 || d <= from) d.setUTCDate(d.getUTCDate() + 1)
  return d
}

async function generate(db: Awaited<ReturnType<typeof freshMigratedDatabase>>, members: number, slot: Date) {
  const communities = 40
  const threads = 400
  const weekStart = new Date(slot.getTime() - 6 * 86_400_000).toISOString()
  await sql`insert into users (email, display_name, password_hash, digest_hour, digest_weekday, email_preferences, time_zone)
    select 'member' || g || '@bench.example', 'Member ' || g, 'x', 8, 1, '{"digest":"weekly"}'::jsonb,
      (array['UTC','Europe/London','Africa/Lagos','Atlantic/Reykjavik'])[1 + g % 4]
    from generate_series(1, ${members}) g`.execute(db)
  await sql`insert into communities (slug, name, visibility)
    select 'c' || g, 'Community ' || g, case when g % 4 = 0 then 'members' else 'public' end
    from generate_series(1, ${communities}) g`.execute(db)
  await sql`insert into community_members (community_id, user_id, status, joined_at)
    select c, u.id, 'active', now() from users u,
      lateral (values (1 + u.id % ${communities}), (1 + (u.id * 7 + 3) % ${communities})) v(c)
    on conflict do nothing`.execute(db)
  await sql`insert into tags (slug, kind) select 'theme' || g, 'theme' from generate_series(1, 10) g`.execute(db)
  await sql`insert into threads (community_id, author_id, title, body_md, body_html, created_at, last_post_at)
    select 1 + g % ${communities}, 1 + g % ${members}, 'Thread ' || g || ' <about> "things"', 'Body', '<p>Body</p>',
      ${weekStart}::timestamptz + (g * interval '20 minutes'), now()
    from generate_series(1, ${threads}) g`.execute(db)
  await sql`insert into thread_tags (thread_id, tag_id) select id, 1 + id % 10 from threads`.execute(db)
  await sql`insert into posts (thread_id, author_id, body_md, body_html, path, depth, created_at)
    select 1 + g % ${threads}, 1 + (g * 13) % ${members}, 'Reply', '<p>Reply</p>', lpad(g::text, 8, '0'), 0,
      ${weekStart}::timestamptz + (g * interval '2 minutes')
    from generate_series(1, 4000) g`.execute(db)
  // Every tenth reply was hidden by a moderator: it must be left out.
  await sql`update posts set status = 'hidden' where id % 10 = 0`.execute(db)
  await sql`insert into articles (slug, title, summary, kind, language, body_md, body_html, status, author_id, published_at)
    select 'article-' || g, 'Article ' || g, 'What worked', 'practice', 'en', 'Body', '<p>Body</p>', 'published', 1,
      ${weekStart}::timestamptz + (g * interval '1 hour')
    from generate_series(1, 100) g`.execute(db)
  await sql`insert into article_tags (article_id, tag_id) select id, 1 + id % 10 from articles`.execute(db)
  await sql`insert into meetings (community_id, organiser_id, title, starts_at, ends_at, time_zone)
    select g, 1, 'Meeting ' || g, ${slot.toISOString()}::timestamptz + interval '3 days',
      ${slot.toISOString()}::timestamptz + interval '3 days 1 hour', 'UTC'
    from generate_series(1, ${communities}) g`.execute(db)
  await sql`insert into meeting_action_items (meeting_id, text, owner_id)
    select 1 + g % ${communities}, 'Action ' || g, 1 + (g * 17) % ${members} from generate_series(1, 2000) g`.execute(
    db,
  )
  await sql`insert into watches (user_id, target_type, target_id, level)
    select u.id, 'community', 1 + u.id % ${communities}, 'watching' from users u
    union all select u.id, 'community', 1 + (u.id * 7 + 3) % ${communities}, 'watching' from users u
    union all select u.id, 'theme', 1 + u.id % 10, 'watching' from users u
    union all select u.id, 'thread', 1 + (u.id * k) % ${threads}, 'tracking'
      from users u, generate_series(1, 5) k
    on conflict do nothing`.execute(db)
  await sql`analyze`.execute(db)
}

export const scenario: Scenario = {
  name: 'email-digests',
  description: `one scheduled run builds the weekly digests of 10,000 members (watched threads, communities, themes, meetings, action items) on real PostgreSQL and writes them to the outbox; budget: < ${budgetSeconds} s`,

  async run(_settings, log): Promise<ScenarioResult> {
    const databaseUrl = benchDatabaseUrl()
    const members = membersWanted()
    const slot = nextMondayEight(new Date())
    log(`generating ${members} members in ${databaseName(databaseUrl)}`)
    const db = await freshMigratedDatabase(databaseUrl)
    try {
      await generate(db, members, slot)
      const config = testConfigForBench()
      const started = process.hrtime.bigint()
      const result = await runDigests({ db, config, now: new Date(slot.getTime() + 5 * 60_000) })
      const seconds = Number(process.hrtime.bigint() - started) / 1e9
      const outbox = await db
        .selectFrom('email_outbox')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow()
      const again = await runDigests({ db, config, now: new Date(slot.getTime() + 10 * 60_000) })
      log(`  ${result.ran} slots, ${result.sent} digests written in ${seconds.toFixed(2)} s`)
      const checks: Check[] = [
        {
          name: `weekly digests of ${members} members built and written to the outbox (s)`,
          value: Math.round(seconds * 100) / 100,
          expectation: `< ${budgetSeconds}`,
          ok: seconds < budgetSeconds,
          enforced: members >= 10_000,
        },
        { name: 'slots run', value: result.ran, expectation: `${members}`, ok: result.ran === members, enforced: true },
        {
          name: 'digests in the outbox',
          value: Number(outbox.count),
          expectation: `${result.sent} (one per member with news)`,
          ok: Number(outbox.count) === result.sent && result.sent > 0,
          enforced: true,
        },
        {
          name: 'digests written by a second run of the same slot',
          value: again.sent,
          expectation: '0',
          ok: again.ran === 0 && again.sent === 0,
          enforced: true,
        },
      ]
      return {
        scenario: 'email-digests',
        description: scenario.description,
        data: { members, slot: slot.toISOString(), ran: result.ran, sent: result.sent, seconds },
        measurements: [],
        budgets: [],
        checks,
      }
    } finally {
      await db.destroy()
    }
  },
}
