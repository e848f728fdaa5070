// Redaction writes: the findings of a new draft, a re-scan before publishing, and a reviewer's decision on one finding.
import type { Transaction } from 'kysely'
import { isSupportedCountry, type CountryCode } from 'libphonenumber-js/max'
import type { Db } from '../db/connect.js'
import type { Database, RedactionField } from '../db/database.js'
import { writeRevision } from '../library/commands.js'
import { renderMarkdown } from '../markdown/render.js'
import { lockModerator } from '../moderation/actor-guard.js'
import { writeLog } from '../moderation/log.js'
import { enqueueSearch } from '../search/outbox.js'
import { detectPersonalData, type DetectOptions } from './detect.js'
import { memberNameIndex } from './member-names.js'
import { defaultCountries } from './phones.js'
import { placeholders, type Finding, type FindingKind } from './types.js'

type Trx = Transaction<Database>
export type ArticleText = { title: string; summary: string; body_md: string }
export type FieldFinding = Finding & { field: RedactionField }

const fields: [RedactionField, keyof ArticleText][] = [
  ['title', 'title'],
  ['summary', 'summary'],
  ['body', 'body_md'],
]

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

export function scanArticle(article: ArticleText, options: DetectOptions): FieldFinding[] {
  return fields.flatMap(([field, key]) => detectPersonalData(article[key], options).map((f) => ({ ...f, field })))
}

/** The text around a finding, for the reviewer to judge it by. */
export function contextOf(text: string, start: number, end: number, width = 60): string {
  const from = Math.max(0, start - width)
  const to = Math.min(text.length, end + width)
  return `${from > 0 ? '…' : ''}${text.slice(from, to).replace(/\s+/g, ' ')}${to < text.length ? '…' : ''}`
}

async function insertFindings(trx: Trx, articleId: number, article: ArticleText, found: FieldFinding[]) {
  if (found.length === 0) return
  const text = (field: RedactionField) => article[fields.find(([f]) => f === field)![1]]
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
        context: contextOf(text(f.field), f.start, f.end),
      })),
    )
    .execute()
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
 * now, except occurrences of a text a reviewer already kept. Returns how many are open.
 */
export async function rescanArticle(db: Db, articleId: number, options: DetectOptions): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const article = await trx
      .selectFrom('articles')
      .select(['title', 'summary', 'body_md', 'revision', 'redaction_required'])
      .where('id', '=', articleId)
      .forUpdate()
      .executeTakeFirstOrThrow()
    if (!article.redaction_required) return 0
    const kept = new Set(
      (
        await trx
          .selectFrom('redaction_findings')
          .select(['field', 'kind', 'text'])
          .where('article_id', '=', articleId)
          .where('status', '=', 'confirmed')
          .execute()
      ).map((k) => `${k.field}\u0000${k.kind}\u0000${k.text}`),
    )
    const found = scanArticle(article, options).filter((f) => !kept.has(`${f.field}\u0000${f.kind}\u0000${f.text}`))
    // An open finding found again at the same place stays as it is (its id, in links and forms, too).
    const at = (f: { field: string; kind: string; text: string; start: number }) =>
      `${f.field}\u0000${f.kind}\u0000${f.text}\u0000${f.start}`
    const open = await trx
      .selectFrom('redaction_findings')
      .select(['id', 'field', 'kind', 'text', 'start_offset as start'])
      .where('article_id', '=', articleId)
      .where('status', '=', 'open')
      .execute()
    const still = new Set(found.map(at))
    const gone = open.filter((o) => !still.has(at(o))).map((o) => o.id)
    if (gone.length) await trx.deleteFrom('redaction_findings').where('id', 'in', gone).execute()
    const known = new Set(open.filter((o) => still.has(at(o))).map(at))
    await insertFindings(
      trx,
      articleId,
      article,
      found.filter((f) => !known.has(at(f))),
    )
    await trx
      .updateTable('articles')
      .set({ redaction_scanned_revision: article.revision })
      .where('id', '=', articleId)
      .execute()
    return found.length
  })
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
export type DecisionResult = 'done' | 'unknown' | 'stale'

/**
 * A reviewer's decision on one open finding. Redacting replaces that occurrence by its placeholder in a new revision
 * (the body rendered again). 'stale' when the text is no longer where the finding says: the caller scans again.
 */
export async function decideFinding(
  db: Db,
  input: { articleId: number; findingId: number; decision: Decision; actorId: number },
): Promise<DecisionResult> {
  // Read and render before the transaction; the revision checked under lock below says nothing changed in between.
  const before = await db
    .selectFrom('articles')
    .select(['title', 'summary', 'body_md', 'revision'])
    .where('id', '=', input.articleId)
    .executeTakeFirst()
  const finding = await db
    .selectFrom('redaction_findings')
    .selectAll()
    .where('id', '=', input.findingId)
    .where('article_id', '=', input.articleId)
    .where('status', '=', 'open')
    .executeTakeFirst()
  if (!before || !finding) return 'unknown'
  const key = fields.find(([f]) => f === finding.field)![1]
  const current = before[key]
  if (current.slice(finding.start_offset, finding.end_offset) !== finding.text) return 'stale'
  const placeholder = placeholders[finding.kind as FindingKind] ?? '[…]'
  const replaced = current.slice(0, finding.start_offset) + placeholder + current.slice(finding.end_offset)
  const rendered = input.decision === 'redact' && key === 'body_md' ? renderMarkdown(replaced) : null
  return db.transaction().execute(async (trx) => {
    const article = await trx
      .selectFrom('articles')
      .select(['community_id', 'revision', 'redaction_scanned_revision'])
      .where('id', '=', input.articleId)
      .executeTakeFirstOrThrow()
    await lockModerator(trx, input.actorId, article.community_id)
    const locked = await trx
      .selectFrom('articles')
      .select('revision')
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
    if (!still) return 'unknown'
    if (locked.revision !== before.revision) return 'stale'
    const now = new Date()
    if (input.decision === 'redact') {
      await trx
        .updateTable('articles')
        .set({
          [key]: replaced,
          ...(rendered ? { body_html: rendered.html, body_text: rendered.text } : {}),
          updated_at: now,
        })
        .where('id', '=', input.articleId)
        .execute()
      const revision = await writeRevision(trx, input.articleId, input.actorId)
      // The other findings in this field move with the text; the scan stays current if it was.
      const delta = placeholder.length - finding.text.length
      await trx
        .updateTable('redaction_findings')
        .set((eb) => ({
          start_offset: eb('start_offset', '+', delta),
          end_offset: eb('end_offset', '+', delta),
        }))
        .where('article_id', '=', input.articleId)
        .where('field', '=', finding.field)
        .where('status', '=', 'open')
        .where('start_offset', '>=', finding.end_offset)
        .execute()
      if (article.redaction_scanned_revision === before.revision)
        await trx
          .updateTable('articles')
          .set({ redaction_scanned_revision: revision })
          .where('id', '=', input.articleId)
          .execute()
      await enqueueSearch(trx, 'article', input.articleId)
    }
    await trx
      .updateTable('redaction_findings')
      .set({
        status: input.decision === 'redact' ? 'redacted' : 'confirmed',
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
      communityId: article.community_id,
      reason: finding.kind,
    })
    return 'done'
  })
}
