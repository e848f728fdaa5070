// The rules for one-line names and titles (thread and article titles, display names, community and meeting names):
// what counts as blank, which characters are refused, and how names and emails are compared.
import { rectifyConfusion } from 'unicode-confusables'

// Characters that print nothing: default-ignorables (zero-width spaces and joiners, soft hyphen, Hangul fillers,
// bidi marks, tag characters) plus whitespace and the blank Braille pattern, which browsers draw as empty.
const invisible = /[\p{Default_Ignorable_Code_Point}\p{White_Space}\u2800]/gu
const invisibleEdges =
  /^[\p{Default_Ignorable_Code_Point}\p{White_Space}\u2800]+|[\p{Default_Ignorable_Code_Point}\p{White_Space}\u2800]+$/gu
// Refused in a name or title: control characters (newlines and tabs included), line and paragraph separators, bidi
// embeddings, overrides and isolates (they reorder what follows: "moc.elgoog" shown as "google.com"), and the
// zero-width marks that only serve to make two names look the same while differing.
const forbidden = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069\u200B\u200E\u200F\u061C\u2060-\u2064\uFEFF]/u

/** A one-line field as typed, without invisible characters at its ends; kept otherwise as the person wrote it. */
export function cleanLine(raw: unknown): string {
  if (typeof raw !== 'string') return ''
  return raw.normalize('NFC').replace(invisibleEdges, '')
}

/** Whether nothing would be visible: empty, or only spaces and invisible characters, also after NFKC. */
export function isBlank(value: string): boolean {
  return value.normalize('NFKC').replace(invisible, '') === ''
}

export function hasForbiddenCharacters(value: string): boolean {
  return forbidden.test(value)
}

/**
 * The one check for a required one-line name or title: 'blank', 'characters' (see `forbidden`) or null when fine.
 * Callers map the answer to their own field's message; the characters message is shared (text.error.characters).
 */
export function lineProblem(value: string): 'blank' | 'characters' | null {
  if (isBlank(value)) return 'blank'
  if (hasForbiddenCharacters(value)) return 'characters'
  return null
}

/** The shared message for a name or title with refused characters. */
export const forbiddenCharactersMessage = 'text.error.characters'

/** Display names are stored NFKC with inner runs of spaces made one: "Ａｄｍｉｎ" is "Admin", as people will read it. */
export function cleanDisplayName(raw: unknown): string {
  return cleanLine(raw)
    .normalize('NFKC')
    .replace(/[ \u00A0\u3000]+/g, ' ')
}

/** Emails compare in NFKC case-folded form: "ＡＤＭＩＮ@Kring.example" is admin@kring.example. */
export function normaliseEmailText(raw: unknown): string {
  if (typeof raw !== 'string') return ''
  // Upper then lower approximates full case folding (ß → ss); NFKC once more settles what folding produced.
  return raw.normalize('NFKC').trim().toUpperCase().toLowerCase().normalize('NFKC')
}

/**
 * The Unicode TR39 skeleton of a name, case-insensitive: two names with the same skeleton look alike ("Anna" in
 * Cyrillic letters, "Adm1n", "rn" for "m"). skeleton(X) = NFD(map(NFD(X))) with confusables.txt's map, here applied
 * to the case-folded, NFKC form without invisible characters, and folded again since the map yields capitals.
 */
export function nameSkeleton(name: string): string {
  const folded = name.normalize('NFKC').replace(invisible, '').toLowerCase().normalize('NFD')
  return rectifyConfusion(folded).normalize('NFD').toLowerCase()
}
