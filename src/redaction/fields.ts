// The public text fields of an article that the redaction check scans: the column each one is kept in, its label.
import type { RedactionField } from '../db/database.js'
import { practiceFields } from '../library/fields.js'

export type PracticeField = (typeof practiceFields)[number]
/** An article's public text (its own, a revision's or that of the edit waiting on it); a practice field may be empty. */
export type ArticleText = { title: string; summary: string; body_md: string } & Record<PracticeField, string | null>

/** In the order the article form shows them, which is the order the findings page lists them in. */
export const redactionFields: readonly RedactionField[] = ['title', 'summary', 'body', ...practiceFields]

export const isPracticeField = (field: string): field is PracticeField =>
  (practiceFields as readonly string[]).includes(field)

/** The column of articles (and key of ArticleText) that holds a field's text. */
export const columnOf = (field: RedactionField): keyof ArticleText => (field === 'body' ? 'body_md' : field)

/** The practice fields of a stored JSON object (a revision's or a waiting edit's), each text or null. */
export function practiceText(practice: unknown): Record<PracticeField, string | null> {
  const stored = (practice ?? {}) as Partial<Record<string, unknown>>
  return Object.fromEntries(
    practiceFields.map((name) => {
      const value = stored[name]
      return [name, typeof value === 'string' ? value : null]
    }),
  ) as Record<PracticeField, string | null>
}

/** The label of a field: a practice field is named as the article form names it. */
export const fieldLabelKey = (field: string): string =>
  isPracticeField(field) ? `library.practice.${field.slice('practice_'.length)}` : `redaction.field.${field}`
