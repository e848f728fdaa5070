// Reads around a search: who may read what, which hits are still readable right now, and names for facet values.
import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/database.js'
import type { Viewer } from '../web/viewer.js'
import type { Locale } from '../web/i18n.js'
import type { Hit } from './engine.js'
import type { Audience } from './params.js'

type Db = Kysely<Database>

export async function audienceOf(db: Db, viewer: Viewer | null): Promise<Audience> {
  if (viewer?.siteRole === 'admin') return { kind: 'everyone' }
  if (!viewer) return { kind: 'public', communities: [] }
  const rows = await db
    .selectFrom('community_members')
    .select('community_id')
    .where('user_id', '=', viewer.id)
    .where('status', '=', 'active')
    .execute()
  return { kind: 'public', communities: rows.map((r) => r.community_id) }
}

export interface Lookups {
  /** `type-id` of every hit the viewer may read at this moment, and `thread-id` of the threads of replies. */
  readable: Set<string>
  /** Threads among those readable whose accepted answer is visible: read now, not from the index. */
  answered: Set<number>
  themeLabels: Map<string, string>
  communityNames: Map<number, string>
  /** `type-id` → the author's profile id, read now: none for a post without a name or a deleted account. */
  authorIds: Map<string, number>
}

/**
 * One round trip for what the page needs besides the hits. The index lags a change by the time the worker takes (or
 * longer while Meilisearch is away), so each hit is checked against the database: hidden a second ago means gone now.
 */
export async function lookups(
  db: Db,
  options: { hits: Hit[]; audience: Audience; themeSlugs: string[]; communityIds: number[]; locale: Locale },
): Promise<Lookups> {
  const ids = (type: string) => [0, ...options.hits.filter((h) => h.type === type).map((h) => h.id)]
  const threadIds = [0, ...options.hits.flatMap((h) => (h.threadId === null ? [] : [h.threadId]))]
  const readable =
    options.audience.kind === 'everyone'
      ? sql`true`
      : sql`(c.visibility = 'public' or c.id = any(${[0, ...options.audience.communities]}::int[]))`
  // The author's id to link to, none when posted without a name or when the account is deleted.
  const linkable = (anonymous: string, user: string) =>
    sql`case when ${sql.raw(anonymous)} or ${sql.raw(user)}.deleted_at is not null then null else ${sql.raw(user)}.id end`
  const rows = await sql<{ kind: string; key: string; label: string | null; author_id: number | null }>`
    select 'thread' as kind, t.id::text as key,
        case when exists (select 1 from posts ap where ap.id = t.answer_post_id and ap.thread_id = t.id and ap.status = 'visible')
          then 'answered' end as label, ${linkable('t.anonymous', 'u')} as author_id
      from threads t join communities c on c.id = t.community_id join users u on u.id = t.author_id
      where t.id = any(${threadIds}::int[]) and t.status = 'visible' and ${readable}
    union all
    select 'post', p.id::text, null, ${linkable('p.anonymous', 'u')}
      from posts p join threads t on t.id = p.thread_id join communities c on c.id = t.community_id join users u on u.id = p.author_id
      where p.id = any(${ids('post')}::int[]) and p.status = 'visible' and t.status = 'visible' and ${readable}
    union all
    select 'article', a.id::text, null, ${linkable('false', 'u')} from articles a join users u on u.id = a.author_id
      where a.id = any(${ids('article')}::int[]) and a.status = 'published' and a.hidden_at is null
    union all
    select 'theme', t.slug, coalesce(
        (select label from tag_labels where tag_id = t.id and locale = ${options.locale}),
        (select label from tag_labels where tag_id = t.id and locale = 'en'),
        t.slug), null
      from tags t where t.slug = any(${options.themeSlugs}::text[])
    union all
    select 'community', c.id::text, c.name, null from communities c where c.id = any(${[0, ...options.communityIds]}::int[]) and ${readable}`.execute(
    db,
  )
  const result: Lookups = {
    readable: new Set(),
    answered: new Set(),
    themeLabels: new Map(),
    communityNames: new Map(),
    authorIds: new Map(),
  }
  for (const row of rows.rows) {
    if (row.kind === 'thread' && row.label === 'answered') result.answered.add(Number(row.key))
    if (row.kind === 'theme') result.themeLabels.set(row.key, row.label ?? row.key)
    else if (row.kind === 'community') result.communityNames.set(Number(row.key), row.label ?? row.key)
    else result.readable.add(`${row.kind}-${row.key}`)
    if (row.author_id !== null) result.authorIds.set(`${row.kind}-${row.key}`, Number(row.author_id))
  }
  return result
}
