// PostgreSQL full-text search over the same content, with the same visibility rules, for when Meilisearch is away.
// Plainer than Meilisearch (no typo tolerance, synonyms or facet counts); the page says so.
import { defaultLabelKey } from '../anonymous/label.js'
import { translate } from '../web/i18n.js'
import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { Database } from '../db/database.js'
import type { DocumentType } from './documents.js'
import { htmlToText } from './documents.js'
import { listsReplies, markClose, markOpen, repliesPerGroup, type Group, type Hit, type Results } from './engine.js'
import { hitsPerPage, type Audience, type SearchParams } from './params.js'

type Db = Kysely<Database>

// Stored generated columns with GIN indexes (migrations/2026_11_25_2100_stored_search_vectors.ts).
const threadVector = sql`t.search_vector`
const postVector = sql`p.search_vector`
const articleVector = sql`a.search_vector`

interface Row {
  type: DocumentType
  id: number
  thread_id: number | null
  title: string
  url: string
  language: string | null
  community: number | null
  community_name: string | null
  author: string
  published_at: Date
  tags: string[] | null
  total: number
  /** 'head' for a result, 'reply' for one of the best replies listed under its thread. */
  role: 'head' | 'reply'
  in_thread: number | null
  snippet: string | null
  text_source: string
  headline_title: string | null
}

function readableCommunity(audience: Audience, column: RawBuilder<unknown>) {
  if (audience.kind === 'everyone') return sql`true`
  const ids = audience.communities.length ? audience.communities : [0]
  return sql`(c.visibility = 'public' or ${column} = any(${ids}::int[]))`
}

function themeCondition(params: SearchParams, link: 'thread_tags' | 'article_tags', owner: RawBuilder<unknown>) {
  if (!params.themes.length) return sql`true`
  const ownerColumn = link === 'thread_tags' ? sql.ref('x.thread_id') : sql.ref('x.article_id')
  return sql`exists (
    select 1 from ${sql.table(link)} x join tags tg on tg.id = x.tag_id join tags theme on theme.id = coalesce(tg.merged_into_id, tg.id)
    where ${ownerColumn} = ${owner} and theme.slug = any(${params.themes}::text[]))`
}

/** Threads (and their replies) with an accepted answer that readers can see. */
function answeredCondition(params: SearchParams) {
  if (!params.answered) return sql`true`
  return sql`exists (select 1 from posts ap where ap.id = t.answer_post_id and ap.thread_id = t.id and ap.status = 'visible')`
}

function communityCondition(params: SearchParams, column: RawBuilder<unknown>) {
  return params.communities.length ? sql`${column} = any(${params.communities}::int[])` : sql`true`
}

const wants = (params: SearchParams, type: DocumentType) => params.types.length === 0 || params.types.includes(type)

export async function searchPostgres(db: Db, params: SearchParams, audience: Audience): Promise<Results> {
  const query = sql`websearch_to_tsquery('simple', ${params.q})`
  const matching = (vector: RawBuilder<unknown>) => (params.q === '' ? sql`true` : sql`${vector} @@ ${query}`)
  const rank = (vector: RawBuilder<unknown>) => (params.q === '' ? sql`0::float4` : sql`ts_rank(${vector}, ${query})`)
  // Threads and replies carry no language of their own: a language filter leaves only articles here.
  const languageWanted = params.languages.length > 0
  const parts: RawBuilder<unknown>[] = []
  // As in the index (src/search/documents.ts): a post written without a name shows its community's label.
  const anonymousAuthor = (anonymous: RawBuilder<unknown>) =>
    sql`case when ${anonymous} then coalesce(nullif(c.anonymous_label, ''), ${translate('en', defaultLabelKey)}) else u.display_name end`
  if (wants(params, 'article') && !params.answered) {
    parts.push(sql`
      select 'article' as type, a.id, null::int as thread_id, a.title, a.body_text as text_source, '/library/' || a.slug as url, a.language,
        a.community_id as community, c.name as community_name, u.display_name as author, coalesce(a.published_at, a.updated_at) as published_at,
        ${rank(articleVector)} as rank
      from articles a left join communities c on c.id = a.community_id join users u on u.id = a.author_id
      where a.status = 'published' and a.hidden_at is null and ${matching(articleVector)}
        and ${languageWanted ? sql`a.language = any(${params.languages}::text[])` : sql`true`}
        and ${themeCondition(params, 'article_tags', sql.ref('a.id'))} and ${communityCondition(params, sql.ref('a.community_id'))}`)
  }
  if (wants(params, 'thread') && !languageWanted) {
    parts.push(sql`
      select 'thread' as type, t.id, t.id as thread_id, t.title, t.body_html as text_source, '/t/' || t.id as url, null::text as language,
        t.community_id as community, c.name as community_name, ${anonymousAuthor(sql.ref('t.anonymous'))} as author, t.created_at as published_at,
        ${rank(threadVector)} as rank
      from threads t join communities c on c.id = t.community_id join users u on u.id = t.author_id
      where t.status = 'visible' and ${matching(threadVector)} and ${readableCommunity(audience, sql.ref('t.community_id'))}
        and ${themeCondition(params, 'thread_tags', sql.ref('t.id'))} and ${communityCondition(params, sql.ref('t.community_id'))}
        and ${answeredCondition(params)}`)
  }
  if (wants(params, 'post') && !languageWanted) {
    parts.push(sql`
      select 'post' as type, p.id, t.id as thread_id, t.title, p.body_html as text_source, '/t/' || t.id || '?at=' || p.id || '#p' || p.id as url, null::text as language,
        t.community_id as community, c.name as community_name, ${anonymousAuthor(sql.ref('p.anonymous'))} as author, p.created_at as published_at,
        ${rank(postVector)} as rank
      from posts p join threads t on t.id = p.thread_id join communities c on c.id = t.community_id join users u on u.id = p.author_id
      where p.status = 'visible' and t.status = 'visible' and ${matching(postVector)} and ${readableCommunity(audience, sql.ref('t.community_id'))}
        and ${themeCondition(params, 'thread_tags', sql.ref('t.id'))} and ${communityCondition(params, sql.ref('t.community_id'))}
        and ${answeredCondition(params)}`)
  }
  if (parts.length === 0) return { engine: 'postgres', groups: [], total: 0, totalPages: 0, facets: null }

  // A result is a group: an article, or a thread with its matching replies. The group ranks by its best match and is
  // headed by the thread when the thread itself matched, else by its best reply.
  const order =
    params.sort === 'newest' || params.q === ''
      ? sql`group_time desc, id desc`
      : sql`group_rank desc, group_time desc, id desc`
  const withinGroup =
    params.sort === 'newest' || params.q === ''
      ? sql`published_at desc, id desc`
      : sql`rank desc, published_at desc, id desc`
  const offset = (params.page - 1) * hitsPerPage
  const headlineOptions = `StartSel=${markOpen}, StopSel=${markClose}, MaxWords=36, MinWords=12, ShortWord=2, MaxFragments=1, FragmentDelimiter=" … "`
  const replies = listsReplies(params)
  // Only the rows shown get a headline (ts_headline reads the whole text). Runs of 100 or more non-space characters
  // are left out of it, as out of the vectors (see migrations/2026_12_02_0100_bounded_search_vectors.ts): the
  // text-search parser takes seconds over some of them.
  const result = await sql<Row>`
    with matches as (${sql.join(parts, sql` union all `)}),
    grouped as (
      select *, max(rank) over g as group_rank, max(published_at) over g as group_time,
        row_number() over (partition by coalesce('t' || thread_id, 'a' || id) order by (type = 'thread') desc, ${withinGroup}) as n
      from matches window g as (partition by coalesce('t' || thread_id, 'a' || id))),
    page as (select *, count(*) over ()::int as total, row_number() over (order by ${order}) as position
      from grouped where n = 1 order by ${order} limit ${hitsPerPage} offset ${offset}),
    best_replies as (
      select *, row_number() over (partition by thread_id order by ${withinGroup}) as rn, count(*) over (partition by thread_id)::int as in_thread
      from matches where ${replies} and type = 'post' and thread_id in (select thread_id from page where thread_id is not null)),
    shown as (
      select type, id, thread_id, title, text_source, url, language, community, community_name, author, published_at, rank,
        position, total, 'head' as role, null::int as in_thread, 0::bigint as rn from page
      union all
      select r.type, r.id, r.thread_id, r.title, r.text_source, r.url, r.language, r.community, r.community_name, r.author,
        r.published_at, r.rank, p.position, p.total, 'reply', r.in_thread, r.rn
      from best_replies r join page p on p.thread_id = r.thread_id and p.type <> 'article' where r.rn <= ${repliesPerGroup})
    select shown.*,
      case when ${params.q === ''} or (shown.role = 'head' and shown.type = 'post' and ${replies}) then null
        else ts_headline('simple', regexp_replace(regexp_replace(shown.text_source, '<[^>]*>', ' ', 'g'), '\\S{100,}', ' ', 'g'), ${query}, ${headlineOptions}) end as snippet,
      case when ${params.q === ''} then null else ts_headline('simple', shown.title, ${query}, ${`StartSel=${markOpen}, StopSel=${markClose}, HighlightAll=true`}) end as headline_title,
      (select coalesce(array_agg(distinct theme.slug), '{}') from tags tg join tags theme on theme.id = coalesce(tg.merged_into_id, tg.id)
        where tg.id in (select tag_id from thread_tags where shown.type <> 'article' and thread_id = shown.thread_id
                        union all select tag_id from article_tags where shown.type = 'article' and article_id = shown.id)) as tags
    from shown order by position, role, rn`.execute(db)

  const total = result.rows[0]?.total ?? (offset > 0 ? await countOnly() : 0)
  async function countOnly() {
    // Past the last page there are no rows to carry the count.
    const counted = await sql<{ total: number }>`
      with matches as (${sql.join(parts, sql` union all `)})
      select count(distinct coalesce('t' || thread_id, 'a' || id))::int as total from matches`.execute(db)
    return counted.rows[0]?.total ?? 0
  }
  const toHit = (row: Row): Hit => ({
    type: row.type,
    id: row.id,
    title: row.headline_title ?? row.title,
    snippet:
      row.snippet === null && row.role === 'head' && row.type === 'post' && replies
        ? ''
        : decodeEntities(row.snippet ?? htmlToText(row.text_source).slice(0, 240)),
    url: row.url,
    tags: row.tags ?? [],
    language: row.language,
    community: row.community,
    communityName: row.community_name,
    author: row.author,
    publishedAt: Math.floor(new Date(row.published_at).getTime() / 1000),
    threadId: row.thread_id,
  })
  const groups: Group[] = []
  const byThread = new Map<number, Group>()
  for (const row of result.rows) {
    if (row.role === 'head') {
      const group: Group = { head: toHit(row), replies: [], moreReplies: 0 }
      groups.push(group)
      if (row.thread_id !== null) byThread.set(row.thread_id, group)
    } else {
      const group = byThread.get(row.thread_id!)
      if (!group) continue
      group.replies.push(toHit(row))
      group.moreReplies = Math.max(0, (row.in_thread ?? 0) - group.replies.length)
    }
  }
  return { engine: 'postgres', groups, total, totalPages: Math.ceil(total / hitsPerPage), facets: null }
}

/** The snippet was cut from sanitized HTML with its tags removed: its entities become characters again, to be escaped once. */
function decodeEntities(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#0*39;|&apos;/g, "'")
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim()
}
