// The redaction detector: every kind of personal data in one text, overlaps settled by which kind says most.
import type { CountryCode } from 'libphonenumber-js/max'
import { findMemberNames, memberNameIndex, type MemberNameIndex } from './member-names.js'
import { findAddresses, findAges, findDatesOfBirth, findEmails, findSchools } from './patterns.js'
import { findPersonNames } from './person-names.js'
import { defaultCountries, findPhones } from './phones.js'
import type { Finding, FindingKind } from './types.js'

export interface DetectOptions {
  /** Display names of Kring members, or an index built from them once for many texts. */
  members?: string[] | MemberNameIndex
  /** Countries whose national phone formats are tried, first to last. */
  countries?: CountryCode[]
}

// An email holds names and digits, an address holds a street named after a person: the more specific kind wins.
const priority: FindingKind[] = [
  'email',
  'phone',
  'date_of_birth',
  'school',
  'address',
  'member_name',
  'age',
  'person_name',
]

export function detectPersonalData(text: string, options: DetectOptions = {}): Finding[] {
  const members = Array.isArray(options.members) ? memberNameIndex(options.members) : options.members
  const all = [
    ...findEmails(text),
    ...findPhones(text, options.countries?.length ? options.countries : defaultCountries),
    ...(members ? findMemberNames(text, members) : []),
    ...findPersonNames(text),
    ...findAddresses(text),
    ...findDatesOfBirth(text),
    ...findAges(text),
    ...findSchools(text),
  ]
  all.sort((a, b) => priority.indexOf(a.kind) - priority.indexOf(b.kind) || b.end - b.start - (a.end - a.start))
  const kept: Finding[] = []
  for (const finding of all) {
    const clash = kept.find((k) => k.start < finding.end && finding.start < k.end)
    // A member's name inside a longer person-name match ("Mevr. Jansen" where Jansen is a member) stays a member name.
    if (!clash) kept.push(finding)
  }
  return kept.sort((a, b) => a.start - b.start || a.end - b.end)
}
