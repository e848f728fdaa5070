// The profile form's fields: the fixed list of languages, the limits, and the checks that refuse bad input.
import { isCountryCode } from '../accounts/countries.js'
import type { ProfileVisibility } from '../db/database.js'
import { checkMarkdown } from '../markdown/render.js'
import { checkLength, markdownProblem, type FieldMessages } from '../web/limits.js'
import { field, fieldList } from '../web/params.js'
import { cleanLine, hasForbiddenCharacters } from '../web/text-rules.js'

/** ISO 639-1 codes a member may say they speak; named in the viewer's language by Intl.DisplayNames. */
export const profileLanguages = [
  'en',
  'nl',
  'fr',
  'de',
  'es',
  'it',
  'pt',
  'pl',
  'ro',
  'ar',
  'tr',
  'el',
  'cs',
  'hu',
  'sv',
  'da',
  'fi',
  'uk',
  'ru',
  'bg',
  'hr',
  'sk',
  'sl',
  'lt',
  'lv',
  'et',
  'ga',
  'mt',
  'sq',
  'ku',
  'fa',
  'zh',
  'hi',
  'ur',
  'so',
  'ti',
  'am',
]

export const profileVisibilities: readonly ProfileVisibility[] = ['communities', 'members', 'public']
export const maxOrganisationLength = 120
export const maxBioBytes = 4000
export const maxThemes = 20

export interface ProfileInput {
  organisation: string
  country: string
  languages: string[]
  bio: string
  visibility: string
  show_organisation: boolean
  show_country: boolean
  themes: string[]
}

export function readProfileForm(body: unknown): ProfileInput {
  return {
    organisation: cleanLine(field(body, 'organisation')).trim(),
    country: field(body, 'country').trim(),
    languages: [...new Set(fieldList(body, 'languages'))],
    bio: field(body, 'bio').trim(),
    visibility: field(body, 'visibility'),
    show_organisation: field(body, 'show_organisation') === '1',
    show_country: field(body, 'show_country') === '1',
    themes: [...new Set(fieldList(body, 'themes'))],
  }
}

/** Control and bidi characters in a text field; the bio may have newlines and tabs, nothing else of that kind. */
function badCharacters(text: string, multiline: boolean): boolean {
  return hasForbiddenCharacters(multiline ? text.replace(/[\n\t]/g, ' ') : text)
}

export function checkProfileForm(input: ProfileInput, knownThemes: Set<string>): FieldMessages {
  const errors: FieldMessages = {}
  if (badCharacters(input.organisation, false)) errors.organisation = 'text.error.characters'
  else checkLength(errors, 'organisation', input.organisation, maxOrganisationLength)
  if (input.country !== '' && !isCountryCode(input.country)) errors.country = 'people.error.country'
  if (input.languages.some((code) => !profileLanguages.includes(code))) errors.languages = 'people.error.language'
  if (input.bio !== '') {
    if (badCharacters(input.bio, true)) errors.bio = 'text.error.characters'
    else {
      const check = checkMarkdown(input.bio, { maxBytes: maxBioBytes })
      if (!check.ok) errors.bio = markdownProblem(check)
    }
  }
  if (!profileVisibilities.includes(input.visibility as ProfileVisibility))
    errors.visibility = 'people.error.visibility'
  if (input.themes.some((slug) => !knownThemes.has(slug))) errors.themes = 'people.error.theme'
  else if (input.themes.length > maxThemes) errors.themes = 'people.error.too_many_themes'
  return errors
}
