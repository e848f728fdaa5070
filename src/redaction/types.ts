// What the redaction check finds in a text: the kind of personal data, the text itself and where it stands.
export const findingKinds = [
  'email',
  'phone',
  'member_name',
  'person_name',
  'address',
  'date_of_birth',
  'age',
  'school',
] as const
export type FindingKind = (typeof findingKinds)[number]

export interface Finding {
  kind: FindingKind
  text: string
  /** UTF-16 offsets into the scanned text, end exclusive. */
  start: number
  end: number
}

/** The placeholder a redacted finding becomes, per kind (names of members and others alike become "[name]"). */
export const placeholders: Record<FindingKind, string> = {
  email: '[email]',
  phone: '[phone]',
  member_name: '[name]',
  person_name: '[name]',
  address: '[address]',
  date_of_birth: '[date of birth]',
  age: '[age]',
  school: '[school]',
}

export const isFindingKind = (value: string): value is FindingKind =>
  (findingKinds as readonly string[]).includes(value)

/** Every match of a global pattern as a finding; `group` picks a capture group as the finding's span. */
export function matchAll(text: string, pattern: RegExp, kind: FindingKind, group = 0): Finding[] {
  const found: Finding[] = []
  for (const m of text.matchAll(pattern)) {
    const part = m[group]
    if (!part) continue
    const start = m.index + (group === 0 ? 0 : m[0].indexOf(part))
    found.push({ kind, text: part, start, end: start + part.length })
  }
  return found
}
