// Library reads: the index with its filters, an article with what surrounds it, drafts and the review queue.
import { sql } from 'kysely'
import type { Db } from '../db/connect.js'
import type { ArticleKind } from '../db/database.js'
import type { Locale } from '../web/i18n.js'
import { labelExpression, type ThemeView } from '../themes/queries.js'

export const articlesPerPage = 20

export interface IndexFilters {
  kind: ArticleKind | null
  themeId: number | null
  language: string | null
  communityId: number | null
  sort: 'newest' | 'title'
  after: number | null
}

export async function listPublished(db: Db, filters: IndexFilters, limit = articlesPerPage) {
  let query = db
    .selectFrom('articles as a')
    .innerJoin('users as u', 'u.id', 'a.author_id')
    .leftJoin('communities as c', 'c.id', 'a.community_id')
    .select([
      'a.id',
      'a.slug',
      'a.title',
      'a.summary',
      'a.kind',
      'a.language',
      'a.published_at',
      'a.updated_at',
      'a.practice_country',
      'a.author_id',
      'u.display_name as author_name',
      'u.deleted_at as author_deleted_at',
    ])
    // A members-only community does not exist for outsiders (its name included): the index names public ones only.
    .select([
      sql<string | null>`case when c.visibility = 'public' then c.name end`.as('community_name'),
      sql<string | null>`case when c.visibility = 'public' then c.slug end`.as('community_slug'),
    ])
    .where('a.status', '=', 'published')
    .where('a.hidden_at', 'is', null)
    .limit(limit + 1)
  if (filters.kind) query = query.where('a.kind', '=', filters.kind)
  if (filters.language) query = query.where('a.language', '=', filters.language)
  if (filters.communityId) query = query.where('a.community_id', '=', filters.communityId)
  if (filters.themeId) {
    const themeId = filters.themeId
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('article_tags as at')
          .select('at.article_id')
          .whereRef('at.article_id', '=', 'a.id')
          .where('at.tag_id', '=', themeId),
      ),
    )
  }
  if (filters.sort === 'title') {
    query = query.orderBy(sql`lower(a.title)`).orderBy('a.id')
    if (filters.after)
      query = query.where(
        sql<boolean>`(lower(a.title), a.id) > (select lower(x.title), x.id from articles x where x.id = ${filters.after})`,
      )
  } else {
    query = query.orderBy('a.published_at', 'desc').orderBy('a.id', 'desc')
    if (filters.after)
      query = query.where(
        sql<boolean>`(a.published_at, a.id) < (select x.published_at, x.id from articles x where x.id = ${filters.after})`,
      )
  }
  const rows = await query.execute()
  return { articles: rows.slice(0, limit), hasMore: rows.length > limit }
}

const articleColumns = [
  'a.hidden_at',
  'a.hidden_reason',
  'a.redaction_required',
  'a.id',
  'a.slug',
  'a.title',
  'a.summary',
  'a.kind',
  'a.language',
  'a.body_md',
  'a.body_html',
  'a.body_text',
  'a.practice_context',
  'a.practice_target_group',
  'a.practice_country',
  'a.practice_what_worked',
  'a.practice_what_did_not',
  'a.practice_contact',
  'a.status',
  'a.review_comment',
  'a.community_id',
  'a.author_id',
  'a.translation_group_id',
  'a.translated_from_id',
  'a.translated_from_revision',
  'a.revision',
  'a.is_demo',
  'a.created_at',
  'a.updated_at',
  'a.published_at',
] as const

export async function findArticleBySlug(db: Db, slug: string) {
  return (
    db
      .selectFrom('articles as a')
      .innerJoin('users as u', 'u.id', 'a.author_id')
      .leftJoin('communities as c', 'c.id', 'a.community_id')
      .leftJoin('articles as src', 'src.id', 'a.translated_from_id')
      // Every column but the stored search vector, which only the search fallback reads.
      .select(articleColumns)
      .select([
        'u.display_name as author_name',
        'u.deleted_at as author_deleted_at',
        sql<string | null>`case when u.show_organisation then u.organisation end`.as('author_organisation'),
        'c.name as community_name',
        'c.slug as community_slug',
        'c.visibility as community_visibility',
        'c.join_policy as community_join_policy',
        'src.revision as source_revision',
        'src.slug as source_slug',
        'src.status as source_status',
      ])
      .where('a.slug', '=', slug)
      .executeTakeFirst()
  )
}

export type ArticleRow = NonNullable<Awaited<ReturnType<typeof findArticleBySlug>>>

export async function themesOfArticles(
  db: Db,
  articleIds: number[],
  locale: Locale,
): Promise<Map<number, ThemeView[]>> {
  const result = new Map<number, ThemeView[]>()
  if (articleIds.length === 0) return result
  const rows = await db
    .selectFrom('article_tags as at')
    .innerJoin('tags as t', 't.id', 'at.tag_id')
    .select(['at.article_id', 't.id', 't.slug', labelExpression(locale).as('label')])
    .where('at.article_id', 'in', articleIds)
    .execute()
  for (const row of rows) {
    const list = result.get(row.article_id) ?? []
    list.push({ id: row.id, slug: row.slug, label: row.label })
    result.set(row.article_id, list)
  }
  return result
}

/** The other language versions of an article that this viewer may see (published ones for the public). */
export async function otherLanguageVersions(db: Db, article: { id: number; translation_group_id: number | null }) {
  if (article.translation_group_id === null) return []
  return db
    .selectFrom('articles')
    .select(['id', 'slug', 'title', 'language', 'status'])
    .where('translation_group_id', '=', article.translation_group_id)
    .where('id', '!=', article.id)
    .where('status', '=', 'published')
    .where('hidden_at', 'is', null)
    .orderBy('language')
    .execute()
}

export async function listRevisions(db: Db, articleId: number) {
  return db
    .selectFrom('article_revisions as r')
    .leftJoin('users as u', 'u.id', 'r.editor_id')
    .select(['r.revision', 'r.title', 'r.created_at', 'r.restored_from', 'u.display_name as editor_name'])
    .where('r.article_id', '=', articleId)
    .orderBy('r.revision', 'desc')
    .execute()
}

export async function findRevision(db: Db, articleId: number, revision: number) {
  return db
    .selectFrom('article_revisions')
    .selectAll()
    .where('article_id', '=', articleId)
    .where('revision', '=', revision)
    .executeTakeFirst()
}

export async function listComments(db: Db, articleId: number) {
  return db
    .selectFrom('comments as m')
    .innerJoin('users as u', 'u.id', 'm.author_id')
    .select([
      'm.id',
      'm.parent_id',
      'm.author_id',
      'm.body_md',
      'm.body_html',
      'm.status',
      'm.hidden_reason',
      'm.created_at',
      'm.edited_at',
      'u.display_name as author_name',
      'u.deleted_at as author_deleted_at',
    ])
    .where('m.article_id', '=', articleId)
    .orderBy('m.created_at')
    .orderBy('m.id')
    .limit(500)
    .execute()
}

export async function findComment(db: Db, commentId: number) {
  return db.selectFrom('comments').selectAll().where('id', '=', commentId).executeTakeFirst()
}

export async function listSources(db: Db, articleId: number) {
  return db
    .selectFrom('article_sources as s')
    .innerJoin('threads as t', 't.id', 's.thread_id')
    .innerJoin('communities as c', 'c.id', 't.community_id')
    .select(['s.thread_id', 's.post_id', 't.title', 't.status', 'c.visibility', 'c.id as community_id'])
    .where('s.article_id', '=', articleId)
    .execute()
}

export async function listDraftsOf(db: Db, authorId: number) {
  return db
    .selectFrom('articles')
    .select(['id', 'slug', 'title', 'kind', 'language', 'status', 'review_comment', 'updated_at'])
    .where('author_id', '=', authorId)
    .orderBy(sql`case status when 'draft' then 0 when 'in_review' then 1 when 'published' then 2 else 3 end`)
    .orderBy('updated_at', 'desc')
    .limit(200)
    .execute()
}

export async function listReviewQueue(db: Db, communityIds: number[] | 'all') {
  let query = db
    .selectFrom('articles as a')
    .innerJoin('users as u', 'u.id', 'a.author_id')
    .leftJoin('communities as c', 'c.id', 'a.community_id')
    .select([
      'a.id',
      'a.slug',
      'a.title',
      'a.kind',
      'a.language',
      'a.updated_at',
      'a.author_id',
      'u.display_name as author_name',
      'u.deleted_at as author_deleted_at',
      'c.name as community_name',
    ])
    .where('a.status', '=', 'in_review')
    .orderBy('a.updated_at')
    .limit(200)
  if (communityIds !== 'all') {
    if (communityIds.length === 0) return []
    query = query.where('a.community_id', 'in', communityIds)
  }
  return query.execute()
}

export async function moderatedCommunityIds(db: Db, userId: number | undefined): Promise<Set<number>> {
  if (!userId) return new Set()
  const rows = await db
    .selectFrom('community_members')
    .select('community_id')
    .where('user_id', '=', userId)
    .where('status', '=', 'active')
    .where('role', '=', 'moderator')
    .execute()
  return new Set(rows.map((r) => r.community_id))
}

/** Communities an author may attach an article to: the ones they are an active member of. */
export async function communitiesOf(db: Db, userId: number) {
  return db
    .selectFrom('community_members as m')
    .innerJoin('communities as c', 'c.id', 'm.community_id')
    .select(['c.id', 'c.slug', 'c.name'])
    .where('m.user_id', '=', userId)
    .where('m.status', '=', 'active')
    .orderBy('c.name')
    .execute()
}

/** The edit waiting (or sent back) on a published article, with its editor's name; undefined when there is none. */
export async function findPendingEdit(db: Db, articleId: number) {
  return db
    .selectFrom('article_pending_edits as e')
    .leftJoin('users as u', 'u.id', 'e.editor_id')
    .select([
      'e.article_id',
      'e.editor_id',
      'e.base_revision',
      'e.slug',
      'e.title',
      'e.summary',
      'e.kind',
      'e.language',
      'e.community_id',
      'e.body_md',
      'e.body_html',
      'e.practice',
      'e.theme_ids',
      'e.status',
      'e.review_comment',
      'e.updated_at',
      'u.display_name as editor_name',
    ])
    .where('e.article_id', '=', articleId)
    .executeTakeFirst()
}

/** Edits to published articles waiting for the reviewers of these communities (all for admins), oldest first. */
export async function listPendingEdits(db: Db, communityIds: number[] | 'all') {
  let query = db
    .selectFrom('article_pending_edits as e')
    .innerJoin('articles as a', 'a.id', 'e.article_id')
    .leftJoin('users as u', 'u.id', 'e.editor_id')
    .leftJoin('communities as c', 'c.id', 'a.community_id')
    .select([
      'a.id',
      'a.slug',
      'a.title',
      'a.kind',
      'e.title as new_title',
      'e.updated_at',
      'u.display_name as editor_name',
      'c.name as community_name',
    ])
    .where('e.status', '=', 'pending')
    .orderBy('e.updated_at')
    .limit(200)
  if (communityIds !== 'all') {
    if (communityIds.length === 0) return []
    query = query.where('a.community_id', 'in', communityIds)
  }
  return query.execute()
}
