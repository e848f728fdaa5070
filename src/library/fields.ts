// The library's vocabulary and field rules: kinds, content languages, limits, and reading the article form.
import { checkMarkdown } from '../markdown/render.js'
import { checkLength, markdownProblem, type FieldMessages } from '../web/limits.js'
import { field, fieldList, slugify, slugPattern } from '../web/params.js'
import type { ArticleKind } from '../db/database.js'
import { isCountryCode } from '../accounts/countries.js'
import { cleanLine, forbiddenCharactersMessage, lineProblem } from '../web/text-rules.js'

export const articleKinds: ArticleKind[] = ['practice', 'theme', 'session_summary', 'guide']
// Languages articles are written in (not only the interface languages): the networks work in these.
export const contentLanguages = ['en', 'nl', 'fr', 'de', 'es', 'pt', 'it'] as const

export const limits = { title: 200, summary: 500, practiceField: 2000, contact: 300 }

export const practiceFields = [
  'practice_context',
  'practice_target_group',
  'practice_what_worked',
  'practice_what_did_not',
  'practice_contact',
] as const

export const isKind = (value: string): value is ArticleKind => (articleKinds as string[]).includes(value)
export const isContentLanguage = (value: string) => (contentLanguages as readonly string[]).includes(value)

export interface ArticleInput {
  title: string
  slug: string
  summary: string
  kind: ArticleKind
  language: string
  body_md: string
  themes: string[]
  community_slug: string
  practice_context: string
  practice_target_group: string
  practice_country: string
  practice_what_worked: string
  practice_what_did_not: string
  practice_contact: string
}

export type FieldErrors = FieldMessages

export function readArticleForm(body: unknown): ArticleInput {
  return {
    title: cleanLine(field(body, 'title')),
    slug: field(body, 'slug').trim().toLowerCase(),
    summary: field(body, 'summary').trim(),
    kind: field(body, 'kind') as ArticleKind,
    language: field(body, 'language'),
    body_md: field(body, 'body'),
    themes: fieldList(body, 'themes'),
    community_slug: field(body, 'community'),
    practice_context: field(body, 'practice_context').trim(),
    practice_target_group: field(body, 'practice_target_group').trim(),
    practice_country: field(body, 'practice_country').trim().toUpperCase(),
    practice_what_worked: field(body, 'practice_what_worked').trim(),
    practice_what_did_not: field(body, 'practice_what_did_not').trim(),
    practice_contact: field(body, 'practice_contact').trim(),
  }
}

export function checkArticle(input: ArticleInput, options: { slugRequired: boolean }): FieldErrors {
  const errors: FieldErrors = {}
  const titleProblem = lineProblem(input.title)
  if (titleProblem === 'blank') errors.title = 'library.error.title_required'
  else if (titleProblem === 'characters') errors.title = forbiddenCharactersMessage
  else checkLength(errors, 'title', input.title, limits.title)
  if (options.slugRequired || input.slug !== '') {
    const slug = input.slug || slugify(input.title)
    if (!slugPattern.test(slug) || slug.length > 80) errors.slug = 'library.error.slug_invalid'
  }
  checkLength(errors, 'summary', input.summary, limits.summary)
  if (!isKind(input.kind)) errors.kind = 'library.error.kind_unknown'
  if (!isContentLanguage(input.language)) errors.language = 'library.error.language_unknown'
  const body = checkMarkdown(input.body_md)
  if (!body.ok) errors.body = markdownProblem(body)
  for (const name of [
    'practice_context',
    'practice_target_group',
    'practice_what_worked',
    'practice_what_did_not',
  ] as const) {
    checkLength(errors, name, input[name], limits.practiceField)
  }
  checkLength(errors, 'practice_contact', input.practice_contact, limits.contact)
  if (input.practice_country !== '' && !isCountryCode(input.practice_country))
    errors.practice_country = 'library.error.country_unknown'
  return errors
}

export function practiceOf(input: ArticleInput) {
  const isPractice = input.kind === 'practice'
  const value = (text: string) => (isPractice && text !== '' ? text : null)
  return {
    practice_context: value(input.practice_context),
    practice_target_group: value(input.practice_target_group),
    practice_country: value(input.practice_country),
    practice_what_worked: value(input.practice_what_worked),
    practice_what_did_not: value(input.practice_what_did_not),
    practice_contact: value(input.practice_contact),
  }
}
