// Field rules for account forms: each failure is a catalog key shown beside its field.
import commonPasswords from 'fxa-common-password-list'
import { isLocale } from '../web/i18n.js'
import {
  cleanDisplayName,
  cleanLine,
  forbiddenCharactersMessage,
  hasForbiddenCharacters,
  lineProblem,
  normaliseEmailText,
} from '../web/text-rules.js'
import { checkLength, type FieldMessages } from '../web/limits.js'
import { isTimeZone } from '../web/time.js'
import { isCountryCode } from './countries.js'
import { maxPasswordLength, minPasswordLength } from './password.js'

export type FieldErrors = FieldMessages

// Caps of the profile's texts, named in the message a writer sees when one is longer.
export const profileLimits = { displayName: 80, organisation: 120, bio: 1000, email: 254 }

// Deliberately loose: one @, something on both sides, a dot in the domain. The real check is whether mail arrives.
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/** NFKC case-folded, so that a fullwidth or otherwise disguised address is the address it looks like. */
export function normaliseEmail(raw: unknown): string {
  return normaliseEmailText(raw)
}

export function text(raw: unknown): string {
  return typeof raw === 'string' ? raw.replace(/\r\n/g, '\n').trim() : ''
}

export function checkEmail(email: string, errors: FieldErrors) {
  if (email === '') errors.email = 'accounts.error.email_required'
  else if (!checkLength(errors, 'email', email, profileLimits.email) && !emailPattern.test(email))
    errors.email = 'accounts.error.email_invalid'
}

export function checkNewPassword(password: string, errors: FieldErrors, field = 'password') {
  if (password.length < minPasswordLength) errors[field] = 'accounts.error.password_too_short'
  else if (checkLength(errors, field, password, maxPasswordLength)) return
  else if (isCommonPassword(password)) errors[field] = 'accounts.error.password_common'
}

/** On Mozilla's list of the 50,000 most common passwords (from leaked sets), in any letter case. */
export function isCommonPassword(password: string): boolean {
  const plain = password.normalize('NFKC')
  return commonPasswords.test(plain) || commonPasswords.test(plain.toLowerCase())
}

export function checkDisplayName(name: string, errors: FieldErrors) {
  const problem = lineProblem(name)
  if (problem === 'blank') errors.display_name = 'accounts.error.display_name_required'
  else if (problem === 'characters') errors.display_name = forbiddenCharactersMessage
  else checkLength(errors, 'display_name', name, profileLimits.displayName)
}

/** A display name as it will be stored and shown (NFKC, invisible ends removed); see src/web/text-rules.ts. */
export function displayName(raw: unknown): string {
  return cleanDisplayName(raw)
}

export interface ProfileInput {
  display_name: string
  organisation: string
  country: string
  bio: string
  locale: string
  time_zone: string
}

export function readProfile(body: Record<string, unknown>): ProfileInput {
  return {
    display_name: displayName(body.display_name),
    organisation: cleanLine(body.organisation),
    country: text(body.country).toUpperCase(),
    bio: text(body.bio),
    locale: text(body.locale),
    time_zone: text(body.time_zone),
  }
}

export function checkProfile(input: ProfileInput): FieldErrors {
  const errors: FieldErrors = {}
  checkDisplayName(input.display_name, errors)
  if (
    !checkLength(errors, 'organisation', input.organisation, profileLimits.organisation) &&
    hasForbiddenCharacters(input.organisation)
  ) {
    errors.organisation = forbiddenCharactersMessage
  }
  if (input.country !== '' && !isCountryCode(input.country)) errors.country = 'accounts.error.country_unknown'
  checkLength(errors, 'bio', input.bio, profileLimits.bio)
  if (input.locale !== '' && !isLocale(input.locale)) errors.locale = 'accounts.error.locale_unknown'
  if (input.time_zone !== '' && !isTimeZone(input.time_zone)) errors.time_zone = 'accounts.error.time_zone_unknown'
  return errors
}
