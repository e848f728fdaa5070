// Library writes: drafts, review, publishing, revisions, translations and comments, each in one transaction.
import { sql, type Transaction } from 'kysely'
import type { Db } from '../db/connect.js'
import type { ArticleKind, Database } from '../db/database.js'
import { renderMarkdown } from '../markdown/render.js'
import type { Config } from '../config.js'
import { recordMentions } from '../mentions/commands.js'
import type { MentionMap } from '../mentions/syntax.js'
import { withdrawPendingEmails } from '../mail/outbox.js'
import { enqueueSearch } from '../search/outbox.js'
import { announceArticlePublished, announceArticleReturned, announceComment } from '../notifications/producers.js'
import type { NotifyConfig } from '../notifications/notify.js'
import { lockActiveActor, lockModerator } from '../moderation/actor-guard.js'
import { conflict, forbidden } from '../web/errors.js'
import {
  detectInChange,
  dropPendingFindings,
  markTextScanned,
  recordPendingFindings,
  redactionCleared,
  redactionOptionsOf,
  rescanPendingEdit,
  slugWithoutRedacted,
  startRedactionCheck,
  withoutKept,
  type ArticleText,
  type FieldFinding,
} from '../redaction/commands.js'
import type { DetectOptions } from '../redaction/detect.js'
import { practiceText } from '../redaction/fields.js'
import type { StaleEdit } from '../web/edit-version.js'

type Trx = Transaction<Database>

export interface ArticleData {
  title: string
  slug: string
  summary: string
  kind: ArticleKind
  language: string
  body_md: string
  community_id: number | null
  themeIds: number[]
  /** Members its @mentions name (src/mentions/resolve.ts): they become links. */
  mentions?: MentionMap
  practice: {
    practice_context: string | null
    practice_target_group: string | null
    practice_country: string | null
    practice_what_worked: string | null
    practice_what_did_not: string | null
    practice_contact: string | null
  }
}

/** The practice fields of an article that is not a practice (a guide, a session summary). */
export const noPractice: ArticleData['practice'] = {
  practice_context: null,
  practice_target_group: null,
  practice_country: null,
  practice_what_worked: null,
  practice_what_did_not: null,
  practice_contact: null,
}

export type ArticleWriteResult =
  | { ok: true; id: number; slug: string; pending?: boolean; findings?: number }
  | { ok: false; reason: 'slug_taken'; suggestion: string }
/** A reviewer's edit that must wait for its personal data findings, while someone else's edit already waits. */
export type OtherEditWaits = { ok: false; reason: 'other_edit_waits'; editorName: string | null; findings: number }
/** The newer text a stale edit is shown beside the user's own; `version` is what the form may save from next. */
export type CurrentArticleText = { title: string; bodyHtml: string; version: number }

/**
 * An article's author (while not suspended) or one of its reviewers now, checked with the rows locked; true when the
 * actor is one of its reviewers (their edits to a published article go live, an author's wait for them).
 */
async function lockArticleChanger(
  trx: Trx,
  articleId: number,
  userId: number,
  who: 'author_or_reviewer' | 'author' | 'reviewer',
): Promise<boolean> {
  const article = await trx
    .selectFrom('articles')
    .select(['author_id', 'community_id'])
    .where('id', '=', articleId)
    .executeTakeFirst()
  if (!article) return false
  if (who === 'reviewer') {
    await lockModerator(trx, userId, article.community_id)
    return true
  }
  const actor = await lockActiveActor(trx, userId, { communityId: article.community_id })
  // Reviewers of an article: admins, and moderators of its community (isModerator is true for admins).
  const reviews = actor.isModerator
  if (article.author_id === userId) return reviews
  if (who === 'author' || !reviews)
    throw forbidden(who === 'author' ? 'library.error.not_yours' : 'library.error.reviewers_only')
  return reviews
}

/** The first free slug of the form base, base-2, base-3, … */
export async function freeSlug(db: Db | Trx, base: string, exceptId?: number): Promise<string> {
  const rows = await db
    .selectFrom('articles')
    .select('slug')
    .where((eb) => eb.or([eb('slug', '=', base), eb('slug', 'like', `${base}-%`)]))
    .where((eb) => (exceptId ? eb('id', '!=', exceptId) : eb.val(true)))
    .execute()
  const taken = new Set(rows.map((r) => r.slug))
  if (!taken.has(base)) return base
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`
}

export async function writeRevision(
  trx: Trx,
  articleId: number,
  editorId: number,
  restoredFrom: number | null = null,
): Promise<number> {
  const article = await trx
    .selectFrom('articles')
    .select([
      'revision',
      'title',
      'summary',
      'body_md',
      'body_html',
      'practice_context',
      'practice_target_group',
      'practice_country',
      'practice_what_worked',
      'practice_what_did_not',
      'practice_contact',
    ])
    .where('id', '=', articleId)
    .executeTakeFirstOrThrow()
  const revision = article.revision + 1
  const { revision: _r, title, summary, body_md, body_html, ...practice } = article
  await trx
    .insertInto('article_revisions')
    .values({
      article_id: articleId,
      revision,
      editor_id: editorId,
      title,
      summary,
      body_md,
      body_html,
      practice: JSON.stringify(practice),
      restored_from: restoredFrom,
    })
    .execute()
  await trx.updateTable('articles').set({ revision }).where('id', '=', articleId).execute()
  return revision
}

async function setThemes(trx: Trx, articleId: number, themeIds: number[]) {
  await trx.deleteFrom('article_tags').where('article_id', '=', articleId).execute()
  if (themeIds.length)
    await trx
      .insertInto('article_tags')
      .values(themeIds.map((tag_id) => ({ article_id: articleId, tag_id })))
      .execute()
}

type DraftInput = ArticleData & {
  authorId: number
  translatedFrom?: { id: number; revision: number; groupId: number }
  sources?: { threadId: number; postId: number | null }[]
  isDemo?: boolean
  /** Made by a moderator's act (a thread turned into a draft): the author must still moderate this community. */
  moderatorOf?: number | null
  /** From members-only content: the redaction check runs on it now and must be cleared before publishing. */
  redaction?: DetectOptions
}

// Every body is rendered before its transaction begins, so no row lock or pool connection is held while the
// Markdown is read (the form's check has usually rendered it already, and renderMarkdown reuses that).

export async function createDraft(db: Db, input: DraftInput): Promise<ArticleWriteResult> {
  // A draft is read by its author and reviewers only: its mentions are links, and notify nobody (see updateArticle).
  const rendered = renderMarkdown(input.body_md, input.mentions ?? null)
  return db.transaction().execute(async (trx) => {
    if (input.moderatorOf !== undefined) await lockModerator(trx, input.authorId, input.moderatorOf)
    else await lockActiveActor(trx, input.authorId)
    return insertDraft(trx, input, rendered)
  })
}

/**
 * Writes a draft inside the caller's transaction, for commands that make a draft as part of something larger;
 * `rendered` is its body's renderMarkdown, made before that transaction.
 */
export async function insertDraft(
  trx: Trx,
  input: DraftInput,
  rendered: { html: string; text: string },
): Promise<ArticleWriteResult> {
  if (await trx.selectFrom('articles').select('id').where('slug', '=', input.slug).executeTakeFirst()) {
    return { ok: false, reason: 'slug_taken', suggestion: await freeSlug(trx, input.slug) } as const
  }
  const row = await trx
    .insertInto('articles')
    .values({
      slug: input.slug,
      title: input.title,
      summary: input.summary,
      kind: input.kind,
      language: input.language,
      body_md: input.body_md,
      body_html: rendered.html,
      body_text: rendered.text,
      community_id: input.community_id,
      author_id: input.authorId,
      ...input.practice,
      is_demo: input.isDemo ?? false,
      translation_group_id: input.translatedFrom?.groupId ?? null,
      translated_from_id: input.translatedFrom?.id ?? null,
      translated_from_revision: input.translatedFrom?.revision ?? null,
    })
    .returning(['id', 'slug'])
    .executeTakeFirstOrThrow()
  if (input.translatedFrom) {
    // The source joins the group it now shares with its translation.
    await trx
      .updateTable('articles')
      .set({ translation_group_id: input.translatedFrom.groupId })
      .where('id', '=', input.translatedFrom.id)
      .execute()
  }
  await setThemes(trx, row.id, input.themeIds)
  for (const source of input.sources ?? [])
    await trx
      .insertInto('article_sources')
      .values({ article_id: row.id, thread_id: source.threadId, post_id: source.postId })
      .execute()
  await writeRevision(trx, row.id, input.authorId)
  if (input.redaction)
    await startRedactionCheck(
      trx,
      row.id,
      { title: input.title, summary: input.summary, body_md: input.body_md, ...input.practice },
      input.redaction,
    )
  return { ok: true, id: row.id, slug: row.slug } as const
}

// --- The redaction check after publication ---------------------------------------------------------
// An article from members-only content was checked before it went public; every later change to its public text (an
// accepted edit, a reviewer's own edit, a restored revision, an edited translation, a new title) is checked again
// before it goes public. The published text stays as it is while anything found in the new text is undecided: the
// change waits as the article's pending edit, where reviewers decide each finding (src/redaction) and accept it once
// none is open. A careful knowledge base neither publishes a name it has not looked at, nor throws away an editor's
// work because a detector flagged it: a false alarm is kept with one click, and the text never left the building.

type PublicChange =
  | { go: 'live' }
  | { go: 'wait'; found: FieldFinding[] }
  | { go: 'refused'; editorName: string | null; found: FieldFinding[] }

/**
 * Whether a change to a published article that needs the check may go live (nothing undecided in it), must wait, or
 * cannot wait because someone else's edit already does (one edit waits per article, and it is not overwritten).
 * `detected` is detectInChange's result for the new text; `reviews` whether the editor may publish directly.
 */
async function publicChange(
  trx: Trx,
  articleId: number,
  editorId: number,
  reviews: boolean,
  detected: FieldFinding[] | null,
): Promise<PublicChange> {
  if (!detected) return reviews ? { go: 'live' } : { go: 'wait', found: [] }
  const found = await withoutKept(trx, articleId, detected)
  if (reviews && found.length === 0) return { go: 'live' }
  if (!reviews) return { go: 'wait', found }
  const other = await trx
    .selectFrom('article_pending_edits as e')
    .leftJoin('users as u', 'u.id', 'e.editor_id')
    .select(['e.editor_id', 'u.display_name'])
    .where('e.article_id', '=', articleId)
    .executeTakeFirst()
  if (other && other.editor_id !== editorId) return { go: 'refused', editorName: other.display_name, found }
  return { go: 'wait', found }
}

/** After a change went live on a published article that needs the check: its scan is current, nothing is open. */
async function liveChangeScanned(trx: Trx, articleId: number, editorId: number, revision: number) {
  await markTextScanned(trx, articleId, revision)
  // A reviewer's own edit that waited for its findings is replaced by the one just published.
  const own = await trx
    .deleteFrom('article_pending_edits')
    .where('article_id', '=', articleId)
    .where('editor_id', '=', editorId)
    .executeTakeFirst()
  if (Number(own.numDeletedRows) > 0) await dropPendingFindings(trx, articleId)
}

/** `version` is the revision the edit form was opened at: every edit and restore raises it, so it tells exactly. */
export async function updateArticle(
  db: Db,
  articleId: number,
  input: ArticleData & {
    editorId: number
    markTranslationCurrent: boolean
    version: number | null
    reach?: Pick<Config, 'publicUrl' | 'sessionSecret'>
  },
): Promise<ArticleWriteResult | StaleEdit<CurrentArticleText> | OtherEditWaits> {
  const rendered = renderMarkdown(input.body_md, input.mentions ?? null)
  const text: ArticleText = { title: input.title, summary: input.summary, body_md: input.body_md, ...input.practice }
  const detected = await detectInChange(db, articleId, text)
  return db.transaction().execute(async (trx) => {
    const reviews = await lockArticleChanger(trx, articleId, input.editorId, 'author_or_reviewer')
    const current = await trx
      .selectFrom('articles')
      .select([
        'id',
        'slug',
        'translated_from_id',
        'revision',
        'title',
        'body_html',
        'status',
        'author_id',
        'hidden_at',
      ])
      .where('id', '=', articleId)
      .forUpdate()
      .executeTakeFirstOrThrow()
    if (current.revision !== input.version) {
      return {
        ok: false,
        reason: 'stale',
        current: { title: current.title, bodyHtml: current.body_html, version: current.revision },
      } as const
    }
    if (
      await trx
        .selectFrom('articles')
        .select('id')
        .where('slug', '=', input.slug)
        .where('id', '!=', articleId)
        .executeTakeFirst()
    ) {
      return { ok: false, reason: 'slug_taken', suggestion: await freeSlug(trx, input.slug, articleId) } as const
    }
    const published = current.status === 'published'
    // A published article stays as its reviewers published it until one of them accepts its author's edit, and while
    // the new text holds personal data nobody has decided on (see publicChange).
    const change = published ? await publicChange(trx, articleId, input.editorId, reviews, detected) : null
    if (change?.go === 'refused')
      return { ok: false, reason: 'other_edit_waits', editorName: change.editorName, findings: change.found.length }
    if (change?.go === 'wait') {
      await savePendingEdit(trx, articleId, {
        editorId: input.editorId,
        baseRevision: current.revision,
        slug: input.slug,
        title: input.title,
        summary: input.summary,
        kind: input.kind,
        language: input.language,
        communityId: input.community_id,
        bodyMd: input.body_md,
        rendered,
        practice: input.practice,
        themeIds: input.themeIds,
        markTranslationCurrent: input.markTranslationCurrent,
      })
      if (detected) await recordPendingFindings(trx, articleId, text, change.found)
      return { ok: true, id: articleId, slug: current.slug, pending: true, findings: change.found.length } as const
    }
    const slug = published && detected ? await slugWithoutRedacted(trx, articleId, input.slug, input.title) : input.slug
    await trx
      .updateTable('articles')
      .set({
        slug,
        title: input.title,
        summary: input.summary,
        kind: input.kind,
        language: input.language,
        body_md: input.body_md,
        body_html: rendered.html,
        body_text: rendered.text,
        community_id: input.community_id,
        ...input.practice,
        updated_at: new Date(),
      })
      .where('id', '=', articleId)
      .execute()
    if (input.markTranslationCurrent && current.translated_from_id)
      await markTranslationCurrent(trx, articleId, current.translated_from_id)
    await setThemes(trx, articleId, input.themeIds)
    const revision = await writeRevision(trx, articleId, input.editorId)
    if (published && detected) await liveChangeScanned(trx, articleId, input.editorId, revision)
    await enqueueSearch(trx, 'article', articleId)
    // A published article is public: whom its author's edit newly mentions is told. Drafts and articles in review
    // notify nobody, and publishing does not either (a reviewer's act never sends mail in the author's name).
    await recordMentions(trx, input.reach ?? null, {
      contentType: 'article',
      contentId: articleId,
      authorId: current.author_id,
      mentioned: rendered.mentioned,
      // A hidden article's author may still edit it; its mentions then tell nobody.
      visible: published && current.hidden_at === null && input.editorId === current.author_id,
      readers: async (_trx, ids) => new Set(ids),
      url: `/library/${slug}`,
      title: input.title,
      excerpt: input.summary,
    })
    return { ok: true, id: articleId, slug } as const
  })
}

export type Transition = 'submit' | 'publish' | 'return' | 'archive' | 'republish'

const allowedFrom: Record<Transition, string[]> = {
  submit: ['draft'],
  publish: ['in_review', 'draft'],
  return: ['in_review'],
  archive: ['published'],
  republish: ['archived'],
}

/** Moves an article through draft → in review → published → archived; false when it is not in a state that allows it. */
/** With `actorId` (every request does), its author submits and its reviewers do the rest, checked under lock. */
export async function transitionArticle(
  db: Db,
  articleId: number,
  transition: Transition,
  comment: string | null,
  actorId?: number,
  /** Tell the author (returned with the note, published) and, once published, the watchers of its themes. */
  reach?: NotifyConfig,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    if (actorId !== undefined)
      await lockArticleChanger(trx, articleId, actorId, transition === 'submit' ? 'author' : 'reviewer')
    const article = await trx
      .selectFrom('articles')
      .select(['status', 'published_at'])
      .where('id', '=', articleId)
      .forUpdate()
      .executeTakeFirst()
    if (!article || !allowedFrom[transition].includes(article.status)) return false
    // Members-only content goes public only once every redaction finding on its current text is decided.
    if ((transition === 'publish' || transition === 'republish') && !(await redactionCleared(trx, articleId)))
      throw conflict('redaction.error.open_findings')
    const now = new Date()
    const next = {
      submit: 'in_review',
      publish: 'published',
      return: 'draft',
      archive: 'archived',
      republish: 'published',
    }[transition] as 'draft' | 'in_review' | 'published' | 'archived'
    await trx
      .updateTable('articles')
      .set({
        status: next,
        review_comment: transition === 'return' ? comment : transition === 'publish' ? null : sql`review_comment`,
        published_at: next === 'published' ? (article.published_at ?? now) : sql`published_at`,
        updated_at: now,
      })
      .where('id', '=', articleId)
      .execute()
    await enqueueSearch(trx, 'article', articleId)
    if (reach && transition === 'return') await announceArticleReturned(trx, reach, articleId, comment, actorId ?? null)
    // Only a first publication is news; an archived article published again is not announced twice.
    if (reach && transition === 'publish') await announceArticlePublished(trx, reach, articleId, actorId ?? null)
    return true
  })
}

/** 'pending': it waits for a reviewer; `findings` says how many texts in it need a personal data decision first. */
export type RestoreResult =
  | { result: 'restored' }
  | { result: 'pending'; findings: number }
  | { result: 'other_edit_waits'; editorName: string | null }
  | { result: 'not_found' }

/** Restores an older revision of this article; it becomes the newest revision. */
export async function restoreRevision(
  db: Db,
  articleId: number,
  revision: number,
  editorId: number,
): Promise<RestoreResult> {
  // A revision never changes once written, so its body is read and rendered before the transaction; the read under
  // the lock below only confirms that it still exists. An older revision may hold what has since been redacted.
  const before = await revisionText(db, articleId, revision)
  const rendered = before === undefined ? null : renderMarkdown(before.body_md)
  const detected = before === undefined ? null : await detectInChange(db, articleId, before)
  return db.transaction().execute(async (trx): Promise<RestoreResult> => {
    const reviews = await lockArticleChanger(trx, articleId, editorId, 'author_or_reviewer')
    const old = await trx
      .selectFrom('article_revisions')
      .selectAll()
      .where('article_id', '=', articleId)
      .where('revision', '=', revision)
      .executeTakeFirst()
    if (!old || !rendered || !before || old.body_md !== before.body_md) return { result: 'not_found' }
    const article = await trx
      .selectFrom('articles')
      .select(['slug', 'kind', 'language', 'community_id', 'status', 'revision'])
      .where('id', '=', articleId)
      .forUpdate()
      .executeTakeFirstOrThrow()
    const practice = (old.practice ?? {}) as Record<string, string | null>
    const published = article.status === 'published'
    const change = published ? await publicChange(trx, articleId, editorId, reviews, detected) : null
    if (change?.go === 'refused') return { result: 'other_edit_waits', editorName: change.editorName }
    if (change?.go === 'wait') {
      const themes = await trx.selectFrom('article_tags').select('tag_id').where('article_id', '=', articleId).execute()
      await savePendingEdit(trx, articleId, {
        editorId,
        baseRevision: article.revision,
        slug: article.slug,
        title: old.title,
        summary: old.summary,
        kind: article.kind,
        language: article.language,
        communityId: article.community_id,
        bodyMd: old.body_md,
        rendered: { ...rendered, mentioned: [] },
        practice: { ...noPractice, ...practice },
        themeIds: themes.map((t) => t.tag_id),
        markTranslationCurrent: false,
        restoredFrom: revision,
      })
      if (detected) await recordPendingFindings(trx, articleId, before, change.found)
      return { result: 'pending', findings: change.found.length }
    }
    await trx
      .updateTable('articles')
      .set({
        title: old.title,
        summary: old.summary,
        body_md: old.body_md,
        body_html: rendered.html,
        body_text: rendered.text,
        updated_at: new Date(),
        practice_context: practice.practice_context ?? null,
        practice_target_group: practice.practice_target_group ?? null,
        practice_country: practice.practice_country ?? null,
        practice_what_worked: practice.practice_what_worked ?? null,
        practice_what_did_not: practice.practice_what_did_not ?? null,
        practice_contact: practice.practice_contact ?? null,
      })
      .where('id', '=', articleId)
      .execute()
    const restored = await writeRevision(trx, articleId, editorId, revision)
    if (published && detected) await liveChangeScanned(trx, articleId, editorId, restored)
    await enqueueSearch(trx, 'article', articleId)
    return { result: 'restored' }
  })
}

// --- Edits to published articles, reviewed -------------------------------------------------------------

interface PendingEditInput {
  editorId: number
  baseRevision: number
  slug: string
  title: string
  summary: string
  kind: ArticleKind
  language: string
  communityId: number | null
  bodyMd: string
  rendered: { html: string; text: string; mentioned: number[] }
  practice: ArticleData['practice']
  themeIds: number[]
  markTranslationCurrent: boolean
  restoredFrom?: number | null
}

/**
 * Keeps an author's edit of a published article for its reviewers. One waits per article: a second edit replaces the
 * first (its form opens on the waiting text, so the author extends it), and one sent back waits again once saved.
 */
async function savePendingEdit(trx: Trx, articleId: number, edit: PendingEditInput) {
  const row = {
    editor_id: edit.editorId,
    base_revision: edit.baseRevision,
    slug: edit.slug,
    title: edit.title,
    summary: edit.summary,
    kind: edit.kind,
    language: edit.language,
    community_id: edit.communityId,
    body_md: edit.bodyMd,
    body_html: edit.rendered.html,
    body_text: edit.rendered.text,
    practice: JSON.stringify(edit.practice),
    theme_ids: JSON.stringify(edit.themeIds),
    mentioned: JSON.stringify(edit.rendered.mentioned),
    mark_translation_current: edit.markTranslationCurrent,
    restored_from: edit.restoredFrom ?? null,
    status: 'pending' as const,
    review_comment: null,
    updated_at: new Date(),
  }
  await trx
    .insertInto('article_pending_edits')
    .values({ article_id: articleId, ...row })
    .onConflict((oc) => oc.column('article_id').doUpdateSet(row))
    .execute()
}

export type PendingDecision = 'accepted' | 'returned' | 'none' | 'findings_open'

/**
 * A reviewer's decision on the edit waiting on a published article: accepted, it becomes the published text (a new
 * revision by its author, searched, its new mentions told); sent back, it stays with its author with the note. An
 * article that needs the redaction check has the edit's text scanned again here, under lock: while anything in it is
 * undecided it is not accepted ('findings_open', with what was found recorded for the reviewer).
 */
export async function decidePendingEdit(
  db: Db,
  articleId: number,
  decision: 'accept' | 'return',
  reviewerId: number,
  comment: string | null,
  reach?: NotifyConfig,
): Promise<PendingDecision> {
  const redaction = decision === 'accept' ? await redactionOptionsOf(db, articleId) : null
  return db.transaction().execute(async (trx): Promise<PendingDecision> => {
    await lockArticleChanger(trx, articleId, reviewerId, 'reviewer')
    const article = await trx
      .selectFrom('articles')
      .select(['status', 'author_id', 'hidden_at', 'translated_from_id'])
      .where('id', '=', articleId)
      .forUpdate()
      .executeTakeFirst()
    const edit = await trx
      .selectFrom('article_pending_edits')
      .selectAll()
      .where('article_id', '=', articleId)
      .where('status', '=', 'pending')
      .forUpdate()
      .executeTakeFirst()
    if (!article || !edit) return 'none'
    if (decision === 'return') {
      await trx
        .updateTable('article_pending_edits')
        .set({ status: 'returned', review_comment: comment })
        .where('article_id', '=', articleId)
        .execute()
      if (reach) await announceArticleReturned(trx, reach, articleId, comment, reviewerId)
      return 'returned'
    }
    if (redaction && (await rescanPendingEdit(trx, articleId, redaction))) return 'findings_open'
    // Its slug may have been taken since it was written (the next free one then), or spell out what was redacted.
    const free = await freeSlug(trx, edit.slug, articleId)
    const slug = redaction ? await slugWithoutRedacted(trx, articleId, free, edit.title) : free
    await trx
      .updateTable('articles')
      .set({
        slug,
        title: edit.title,
        summary: edit.summary,
        kind: edit.kind,
        language: edit.language,
        body_md: edit.body_md,
        body_html: edit.body_html,
        body_text: edit.body_text,
        community_id: edit.community_id,
        ...noPractice,
        ...edit.practice,
        review_comment: null,
        updated_at: new Date(),
      })
      .where('id', '=', articleId)
      .execute()
    if (edit.mark_translation_current && article.translated_from_id)
      await markTranslationCurrent(trx, articleId, article.translated_from_id)
    await setThemes(trx, articleId, edit.theme_ids)
    const revision = await writeRevision(trx, articleId, edit.editor_id ?? reviewerId, edit.restored_from)
    await trx.deleteFrom('article_pending_edits').where('article_id', '=', articleId).execute()
    if (redaction) await markTextScanned(trx, articleId, revision, true)
    await enqueueSearch(trx, 'article', articleId)
    await recordMentions(trx, reach ?? null, {
      contentType: 'article',
      contentId: articleId,
      authorId: article.author_id,
      mentioned: edit.mentioned,
      visible: article.status === 'published' && article.hidden_at === null,
      readers: async (_trx, ids) => new Set(ids),
      url: `/library/${slug}`,
      title: edit.title,
      excerpt: edit.summary,
    })
    return 'accepted'
  })
}

async function revisionText(db: Db, articleId: number, revision: number): Promise<ArticleText | undefined> {
  const row = await db
    .selectFrom('article_revisions')
    .select(['title', 'summary', 'body_md', 'practice'])
    .where('article_id', '=', articleId)
    .where('revision', '=', revision)
    .executeTakeFirst()
  return row && { title: row.title, summary: row.summary, body_md: row.body_md, ...practiceText(row.practice) }
}

export async function addComment(
  db: Db,
  input: {
    articleId: number
    authorId: number
    parentId: number | null
    bodyMd: string
    mentions?: MentionMap
    reach?: Pick<Config, 'publicUrl' | 'sessionSecret'>
  },
): Promise<{ ok: true; id: number } | { ok: false; reason: 'parent_not_found' }> {
  const rendered = renderMarkdown(input.bodyMd, input.mentions ?? null)
  const bodyHtml = rendered.html
  return db.transaction().execute(async (trx) => {
    await lockActiveActor(trx, input.authorId)
    let parentId = input.parentId
    if (parentId !== null) {
      const parent = await trx
        .selectFrom('comments')
        .select(['parent_id', 'status'])
        .where('id', '=', parentId)
        .where('article_id', '=', input.articleId)
        .executeTakeFirst()
      if (!parent || parent.status === 'deleted') return { ok: false, reason: 'parent_not_found' } as const
      // One level of replies: an answer to an answer joins the same conversation.
      parentId = parent.parent_id ?? parentId
    }
    const row = await trx
      .insertInto('comments')
      .values({
        article_id: input.articleId,
        author_id: input.authorId,
        parent_id: parentId,
        body_md: input.bodyMd,
        body_html: bodyHtml,
      })
      .returning(['id', 'status'])
      .executeTakeFirstOrThrow()
    // Mentions first: an article author mentioned in the comment hears of it once, as a mention.
    await commentMentions(trx, input.reach ?? null, input.articleId, row, input.authorId, rendered)
    if (input.reach) await announceComment(trx, input.reach, row.id)
    return { ok: true, id: row.id } as const
  })
}

/** Comments are on published articles, which anyone reads: a visible comment's new mentions are all told. */
async function commentMentions(
  trx: Trx,
  reach: Pick<Config, 'publicUrl' | 'sessionSecret'> | null,
  articleId: number,
  comment: { id: number; status: string },
  authorId: number,
  rendered: { text: string; mentioned: number[] },
) {
  if (rendered.mentioned.length === 0) return
  const article = await trx
    .selectFrom('articles')
    .select(['slug', 'title', 'status', 'hidden_at'])
    .where('id', '=', articleId)
    .executeTakeFirstOrThrow()
  await recordMentions(trx, reach, {
    contentType: 'comment',
    contentId: comment.id,
    authorId,
    mentioned: rendered.mentioned,
    visible: comment.status === 'visible' && article.status === 'published' && article.hidden_at === null,
    readers: async (_trx, ids) => new Set(ids),
    url: `/library/${article.slug}#comment-${comment.id}`,
    title: article.title,
    excerpt: rendered.text.length > 280 ? `${rendered.text.slice(0, 279)}…` : rendered.text,
  })
}

/** Its author (not suspended) or a reviewer of the article now; checked under lock when `actorId` is given. */
async function lockCommentChanger(trx: Trx, commentId: number, userId: number) {
  const comment = await trx
    .selectFrom('comments as m')
    .innerJoin('articles as a', 'a.id', 'm.article_id')
    .select(['m.author_id', 'a.community_id'])
    .where('m.id', '=', commentId)
    .executeTakeFirst()
  if (!comment) return
  const actor = await lockActiveActor(trx, userId, { communityId: comment.community_id })
  const reviewer = actor.isAdmin || (comment.community_id !== null && actor.isModerator)
  if (comment.author_id !== userId && !reviewer) throw forbidden('discussions.error.not_yours')
}

export type CommentEditResult =
  { ok: true } | { ok: false; reason: 'gone' } | StaleEdit<{ bodyHtml: string; version: number }>

export async function editComment(
  db: Db,
  commentId: number,
  bodyMd: string,
  version: number | null,
  actorId?: number,
  mentionInput: { mentions?: MentionMap; reach?: Pick<Config, 'publicUrl' | 'sessionSecret'> } = {},
): Promise<CommentEditResult> {
  const rendered = renderMarkdown(bodyMd, mentionInput.mentions ?? null)
  const bodyHtml = rendered.html
  return db.transaction().execute(async (trx) => {
    if (actorId !== undefined) await lockCommentChanger(trx, commentId, actorId)
    const current = await trx
      .selectFrom('comments')
      .select(['status', 'body_html', 'version', 'article_id', 'author_id'])
      .where('id', '=', commentId)
      .forNoKeyUpdate()
      .executeTakeFirst()
    if (!current || current.status === 'deleted') return { ok: false, reason: 'gone' } as const
    // Under the row lock: of two saves from one version, the second waits here and then sees the first.
    if (current.version !== version)
      return { ok: false, reason: 'stale', current: { bodyHtml: current.body_html, version: current.version } } as const
    await trx
      .updateTable('comments')
      .set({
        body_md: bodyMd,
        body_html: bodyHtml,
        edited_at: new Date(),
        version: current.version + 1,
      })
      .where('id', '=', commentId)
      .execute()
    // Only its author's own edit tells whom it newly mentions.
    if (actorId === undefined || actorId === current.author_id)
      await commentMentions(
        trx,
        mentionInput.reach ?? null,
        current.article_id,
        { id: commentId, status: current.status },
        current.author_id,
        rendered,
      )
    return { ok: true } as const
  })
}

export async function deleteComment(db: Db, commentId: number, actorId?: number): Promise<boolean> {
  const result = await db.transaction().execute(async (trx) => {
    if (actorId !== undefined) await lockCommentChanger(trx, commentId, actorId)
    const deleted = await trx
      .updateTable('comments')
      .set({ status: 'deleted', deleted_at: new Date() })
      .where('id', '=', commentId)
      .where('status', '!=', 'deleted')
      .executeTakeFirst()
    if (Number(deleted.numUpdatedRows) === 1) await withdrawPendingEmails(trx, { type: 'comment', id: commentId })
    return deleted
  })
  return Number(result.numUpdatedRows) === 1
}

/** The translation now follows its source's current revision: it is no longer marked out of date. */
async function markTranslationCurrent(trx: Trx, articleId: number, sourceId: number) {
  await trx
    .updateTable('articles')
    .set({ translated_from_revision: sql`(select revision from articles s where s.id = ${sourceId})` })
    .where('id', '=', articleId)
    .execute()
}
