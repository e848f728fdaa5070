// Redaction writes: the findings of a new draft, a re-scan before publishing or before a change to a published article
// goes public, and a reviewer's decision on one finding.
import type { Transaction } from 'kysely'
import { isSupportedCountry, type CountryCode } from 'libphonenumber-js/max'
import type { Db } from '../db/connect.js'
import type { Database, RedactionField } from '../db/database.js'
import { freeSlug, writeRevision } from '../library/commands.js'
import { practiceFields } from '../library/fields.js'
import { renderMarkdown } from '../markdown/render.js'
import { lockModerator } from '../moderation/actor-guard.js'
import { writeLog } from '../moderation/log.js'
import { enqueueSearch } from '../search/outbox.js'
import { slugify } from '../web/params.js'
import { detectPersonalData, type DetectOptions } from './detect.js'
import { columnOf, isPracticeField, practiceText, redactionFields, type ArticleText } from './fields.js'
import { memberNameIndex } from './member-names.js'
import { defaultCountries } from './phones.js'
import { placeholders, type Finding, type FindingKind } from './types.js'

type Trx = Transaction<Database>
export type { ArticleText } from './fields.js'
export type FieldFinding = Finding & { field: RedactionField }

/** What the detector needs to know about Kring: its members' names, and the countries of this community's members. */
export async function scanOptions(db: Db | Trx, communityId: number | null): Promise<DetectOptions> {
  const [names, countries] = await Promise.all([
    db.selectFrom('users').select('display_name').execute(),
    communityId === null
      ? Promise.resolve([])
      : db
          .selectFrom('community_members as m')
          .innerJoin('users as u', 'u.id', 'm.user_id')
          .select('u.country')
          .distinct()
          .where('m.community_id', '=', communityId)
          .where('u.country', 'is not', null)
          .execute(),
  ])
  const own = countries.map((c) => c.country!).filter((c): c is CountryCode => isSupportedCountry(c))
  return {
    members: memberNameIndex(names.map((n) => n.display_name)),
    countries: [...new Set([...own, ...defaultCountries])],
  }
}

/** Every public field of the text, a practice's own fields too (each a public line of the article page). */
export function scanArticle(article: ArticleText, options: DetectOptions): FieldFinding[] {
  return redactionFields.flatMap((field) =>
    detectPersonalData(article[columnOf(field)] ?? '', options).map((f) => ({ ...f, field })),
  )
}

/** The text of the edit waiting on an article: its practice fields are kept as one JSON object. */
const pendingText = (edit: { title: string; summary: string; body_md: string; practice: unknown }): ArticleText => ({
  title: edit.title,
  summary: edit.summary,
  body_md: edit.body_md,
  ...practiceText(edit.practice),
})

/** The text around a finding, for the reviewer to judge it by. */
export function contextOf(text: string, start: number, end: number, width = 60): string {
  const from = Math.max(0, start - width)
  const to = Math.min(text.length, end + width)
  return `${from > 0 ? '…' : ''}${text.slice(from, to).replace(/\s+/g, ' ')}${to < text.length ? '…' : ''}`
}

async function insertFindings(
  trx: Trx,
  articleId: number,
  article: ArticleText,
  found: FieldFinding[],
  inPendingEdit = false,
) {
  if (found.length === 0) return
  await trx
    .insertInto('redaction_findings')
    .values(
      found.map((f) => ({
        article_id: articleId,
        field: f.field,
        kind: f.kind,
        text: f.text,
        start_offset: f.start,
        end_offset: f.end,
        context: contextOf(article[columnOf(f.field)] ?? '', f.start, f.end),
        in_pending_edit: inPendingEdit,
      })),
    )
    .execute()
}

const keptKey = (f: { field: string; kind: string; text: string }) => `${f.field}\u0000${f.kind}\u0000${f.text}`

/** What is found in a text, less the texts a reviewer already kept in this article (or in an edit of it) in that field. */
export async function withoutKept(trx: Trx, articleId: number, found: FieldFinding[]): Promise<FieldFinding[]> {
  if (found.length === 0) return found
  const kept = new Set(
    (
      await trx
        .selectFrom('redaction_findings')
        .select(['field', 'kind', 'text'])
        .where('article_id', '=', articleId)
        .where('status', '=', 'confirmed')
        .execute()
    ).map(keptKey),
  )
  return found.filter((f) => !kept.has(keptKey(f)))
}

/**
 * The open findings of one text (the article's own, or the edit waiting on it) become what is found in it now. An open
 * finding found again at the same place stays as it is (its id, in links and forms, too).
 */
async function replaceOpenFindings(
  trx: Trx,
  articleId: number,
  inPendingEdit: boolean,
  text: ArticleText,
  found: FieldFinding[],
) {
  const at = (f: { field: string; kind: string; text: string; start: number }) =>
    `${f.field}\u0000${f.kind}\u0000${f.text}\u0000${f.start}`
  const open = await trx
    .selectFrom('redaction_findings')
    .select(['id', 'field', 'kind', 'text', 'start_offset as start'])
    .where('article_id', '=', articleId)
    .where('status', '=', 'open')
    .where('in_pending_edit', '=', inPendingEdit)
    .execute()
  const still = new Set(found.map(at))
  const gone = open.filter((o) => !still.has(at(o))).map((o) => o.id)
  if (gone.length) await trx.deleteFrom('redaction_findings').where('id', 'in', gone).execute()
  const known = new Set(open.filter((o) => still.has(at(o))).map(at))
  await insertFindings(
    trx,
    articleId,
    text,
    found.filter((f) => !known.has(at(f))),
    inPendingEdit,
  )
}

/** A draft made from members-only content: it must pass the check, starting with what is found in it now. */
export async function startRedactionCheck(trx: Trx, articleId: number, article: ArticleText, options: DetectOptions) {
  const { revision } = await trx
    .selectFrom('articles')
    .select('revision')
    .where('id', '=', articleId)
    .executeTakeFirstOrThrow()
  await trx
    .updateTable('articles')
    .set({ redaction_required: true, redaction_scanned_revision: revision })
    .where('id', '=', articleId)
    .execute()
  await insertFindings(trx, articleId, article, scanArticle(article, options))
}

/**
 * Scans the article's current text again (edits since may add findings): open findings are replaced by what is found
 * now, except occurrences of a text a reviewer already kept. The edit waiting on it, if any, is scanned again too.
 * Returns how many are open in the article's own text.
 */
export async function rescanArticle(db: Db, articleId: number, options: DetectOptions): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const article = await trx
      .selectFrom('articles')
      .select(['title', 'summary', 'body_md', ...practiceFields, 'revision', 'redaction_required'])
      .where('id', '=', articleId)
      .forUpdate()
      .executeTakeFirstOrThrow()
    if (!article.redaction_required) return 0
    const found = await withoutKept(trx, articleId, scanArticle(article, options))
    await replaceOpenFindings(trx, articleId, false, article, found)
    await trx
      .updateTable('articles')
      .set({ redaction_scanned_revision: article.revision })
      .where('id', '=', articleId)
      .execute()
    await rescanPendingEdit(trx, articleId, options)
    return found.length
  })
}

/**
 * Scans the text of the edit waiting on an article (with the article locked by the caller) and records what is open in
 * it; null when no edit waits. An edit with open findings is never accepted (src/library/commands.ts).
 */
export async function rescanPendingEdit(trx: Trx, articleId: number, options: DetectOptions): Promise<number | null> {
  const edit = await trx
    .selectFrom('article_pending_edits')
    .select(['title', 'summary', 'body_md', 'practice'])
    .where('article_id', '=', articleId)
    .forUpdate()
    .executeTakeFirst()
  if (!edit) return null
  const text = pendingText(edit)
  const found = await withoutKept(trx, articleId, scanArticle(text, options))
  await replaceOpenFindings(trx, articleId, true, text, found)
  return found.length
}

/** The findings of an edit now waiting on the article (already less what was kept): they replace the open ones. */
export async function recordPendingFindings(trx: Trx, articleId: number, text: ArticleText, found: FieldFinding[]) {
  await replaceOpenFindings(trx, articleId, true, text, found)
}

/**
 * The article's text changed to one with nothing open in it (checked by the caller): it is the scanned revision, and
 * open findings of the text it replaced are gone with that text. With `fromPendingEdit` the findings decided on the
 * accepted edit become the article's.
 */
export async function markTextScanned(trx: Trx, articleId: number, revision: number, fromPendingEdit = false) {
  await trx
    .deleteFrom('redaction_findings')
    .where('article_id', '=', articleId)
    .where('status', '=', 'open')
    .where('in_pending_edit', '=', false)
    .execute()
  if (fromPendingEdit)
    await trx
      .updateTable('redaction_findings')
      .set({ in_pending_edit: false })
      .where('article_id', '=', articleId)
      .where('in_pending_edit', '=', true)
      .execute()
  await trx.updateTable('articles').set({ redaction_scanned_revision: revision }).where('id', '=', articleId).execute()
}

/** The waiting edit is gone without being accepted: what was open in its text is no longer to decide. */
export async function dropPendingFindings(trx: Trx, articleId: number) {
  await trx
    .deleteFrom('redaction_findings')
    .where('article_id', '=', articleId)
    .where('status', '=', 'open')
    .where('in_pending_edit', '=', true)
    .execute()
}

/**
 * For a change to an article's text: what the check finds in the new text (before anything is kept), or null when
 * the article needs no check. Read and run before the change's transaction, as the Markdown is rendered.
 */
export async function detectInChange(db: Db, articleId: number, text: ArticleText): Promise<FieldFinding[] | null> {
  const options = await redactionOptionsOf(db, articleId)
  return options ? scanArticle(text, options) : null
}

/**
 * The slug a changed text may go public under. An edit keeps the slug its form opened with, which may spell out a text
 * a reviewer redacted from the title: such a slug is made again from the new title.
 */
export async function slugWithoutRedacted(trx: Trx, articleId: number, slug: string, title: string): Promise<string> {
  const redacted = await trx
    .selectFrom('redaction_findings')
    .select('text')
    .where('article_id', '=', articleId)
    .where('status', '=', 'redacted')
    .execute()
  // Two characters ("84" of an age) would match too much of any address to mean the person.
  const spelled = redacted.map((r) => slugify(r.text, 200)).filter((s) => s.length >= 3)
  if (!spelled.some((s) => `-${slug}-`.includes(`-${s}-`))) return slug
  return freeSlug(trx, slugify(title, 70), articleId)
}

/** The detector's options for an article that needs the check; null for one that does not. */
export async function redactionOptionsOf(db: Db, articleId: number): Promise<DetectOptions | null> {
  const article = await db
    .selectFrom('articles')
    .select(['redaction_required', 'community_id'])
    .where('id', '=', articleId)
    .executeTakeFirst()
  return article?.redaction_required ? scanOptions(db, article.community_id) : null
}

/** Whether the article may be published now: checked in the publishing transaction, with the article locked. */
export async function redactionCleared(trx: Trx, articleId: number): Promise<boolean> {
  const article = await trx
    .selectFrom('articles')
    .select(['redaction_required', 'redaction_scanned_revision', 'revision'])
    .where('id', '=', articleId)
    .executeTakeFirstOrThrow()
  if (!article.redaction_required) return true
  if (article.redaction_scanned_revision !== article.revision) return false
  const open = await trx
    .selectFrom('redaction_findings')
    .select('id')
    .where('article_id', '=', articleId)
    .where('status', '=', 'open')
    .executeTakeFirst()
  return !open
}

export type Decision = 'keep' | 'redact'
export type DecisionResult = { result: 'done'; slug: string } | { result: 'unknown' } | { result: 'stale' }

/**
 * A reviewer's decision on one open finding. Redacting replaces that occurrence by its placeholder: in the article's
 * text as a new revision (the body rendered again), or in the edit waiting on it. A finding in the title is in the
 * address too (slugs are made from titles): the slug is made again from the redacted title. The old address then
 * answers 404 — Kring keeps no redirects from old article slugs, and one would keep the personal data in a public URL.
 * 'stale' when the text is no longer where the finding says: the caller scans again.
 */
export async function decideFinding(
  db: Db,
  input: { articleId: number; findingId: number; decision: Decision; actorId: number },
): Promise<DecisionResult> {
  // Read and render before the transaction; what is checked under lock below says nothing changed in between.
  const finding = await db
    .selectFrom('redaction_findings')
    .selectAll()
    .where('id', '=', input.findingId)
    .where('article_id', '=', input.articleId)
    .where('status', '=', 'open')
    .executeTakeFirst()
  if (!finding) return { result: 'unknown' }
  const before: (ArticleText & { revision: number }) | undefined = finding.in_pending_edit
    ? await db
        .selectFrom('article_pending_edits')
        .select(['title', 'summary', 'body_md', 'practice', 'base_revision as revision'])
        .where('article_id', '=', input.articleId)
        .executeTakeFirst()
        .then((edit) => edit && { ...pendingText(edit), revision: edit.revision })
    : await db
        .selectFrom('articles')
        .select(['title', 'summary', 'body_md', ...practiceFields, 'revision'])
        .where('id', '=', input.articleId)
        .executeTakeFirst()
  if (!before) return { result: 'unknown' }
  const key = columnOf(finding.field)
  const current = before[key]
  if (current?.slice(finding.start_offset, finding.end_offset) !== finding.text) return { result: 'stale' }
  const placeholder = placeholders[finding.kind as FindingKind] ?? '[…]'
  const replaced = current.slice(0, finding.start_offset) + placeholder + current.slice(finding.end_offset)
  const redact = input.decision === 'redact'
  const rendered = redact && key === 'body_md' ? renderMarkdown(replaced) : null
  return db.transaction().execute(async (trx): Promise<DecisionResult> => {
    const { community_id } = await trx
      .selectFrom('articles')
      .select('community_id')
      .where('id', '=', input.articleId)
      .executeTakeFirstOrThrow()
    await lockModerator(trx, input.actorId, community_id)
    const article = await trx
      .selectFrom('articles')
      .select(['slug', 'revision', 'redaction_scanned_revision'])
      .where('id', '=', input.articleId)
      .forUpdate()
      .executeTakeFirstOrThrow()
    const still = await trx
      .selectFrom('redaction_findings')
      .select('id')
      .where('id', '=', finding.id)
      .where('status', '=', 'open')
      .forUpdate()
      .executeTakeFirst()
    if (!still) return { result: 'unknown' }
    const now = new Date()
    // Slugs leave room for the "-2" that freeSlug may add within the 80 characters an address may have.
    const slugOf = (title: string) => freeSlug(trx, slugify(title, 70), input.articleId)
    let slug = article.slug
    if (finding.in_pending_edit) {
      const edit = await trx
        .selectFrom('article_pending_edits')
        .select(['title', 'summary', 'body_md', 'practice'])
        .where('article_id', '=', input.articleId)
        .forUpdate()
        .executeTakeFirst()
      if (!edit) return { result: 'unknown' }
      // Its author may have saved it again since: the finding holds only while its field is as it was.
      if (pendingText(edit)[key] !== current) return { result: 'stale' }
      if (redact)
        await trx
          .updateTable('article_pending_edits')
          .set(
            isPracticeField(key)
              ? { practice: JSON.stringify({ ...edit.practice, [key]: replaced }) }
              : {
                  [key]: replaced,
                  ...(rendered ? { body_html: rendered.html, body_text: rendered.text } : {}),
                  ...(key === 'title' ? { slug: await slugOf(replaced) } : {}),
                },
          )
          .where('article_id', '=', input.articleId)
          .execute()
    } else {
      if (article.revision !== before.revision) return { result: 'stale' }
      if (redact) {
        if (key === 'title') slug = await slugOf(replaced)
        await trx
          .updateTable('articles')
          .set({
            [key]: replaced,
            ...(rendered ? { body_html: rendered.html, body_text: rendered.text } : {}),
            slug,
            updated_at: now,
          })
          .where('id', '=', input.articleId)
          .execute()
        const revision = await writeRevision(trx, input.articleId, input.actorId)
        // The scan stays current if it was.
        if (article.redaction_scanned_revision === before.revision)
          await trx
            .updateTable('articles')
            .set({ redaction_scanned_revision: revision })
            .where('id', '=', input.articleId)
            .execute()
        await enqueueSearch(trx, 'article', input.articleId)
      }
    }
    if (redact) {
      // The other findings in this field of the same text move with it.
      const delta = placeholder.length - finding.text.length
      await trx
        .updateTable('redaction_findings')
        .set((eb) => ({
          start_offset: eb('start_offset', '+', delta),
          end_offset: eb('end_offset', '+', delta),
        }))
        .where('article_id', '=', input.articleId)
        .where('field', '=', finding.field)
        .where('in_pending_edit', '=', finding.in_pending_edit)
        .where('status', '=', 'open')
        .where('start_offset', '>=', finding.end_offset)
        .execute()
    }
    await trx
      .updateTable('redaction_findings')
      .set({
        status: redact ? 'redacted' : 'confirmed',
        decided_by: input.actorId,
        decided_at: now,
      })
      .where('id', '=', finding.id)
      .execute()
    // The log names the kind and the decision, never the personal text itself.
    await writeLog(trx, {
      actorId: input.actorId,
      action: `redaction.${input.decision}`,
      targetType: 'article',
      targetId: input.articleId,
      communityId: community_id,
      reason: finding.kind,
    })
    return { result: 'done', slug }
  })
}
