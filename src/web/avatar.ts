// Generated avatars: a person's initials on one of twelve colours (.avatar-c0 … .avatar-c11 in kring.css), chosen from
// their id so it stays the same when they change their name. No image, no external service.

/** How many colour classes kring.css defines. */
export const avatarColours = 12

export interface Avatar {
  initials: string
  colourClass: string
}

const letter = /[\p{L}\p{N}]/u

/** The first letter (or digit) of the first and the last word: "Ana de Vries" → "AV", "Zoë" → "Z", "" → "?". */
function initialsOf(name: string): string {
  const words = name
    .normalize('NFC')
    .split(/[\s\-_.·]+/u)
    .map((word) => [...word].find((char) => letter.test(char)))
    .filter((char): char is string => char !== undefined)
  if (words.length === 0) return '?'
  const first = words[0]
  const last = words.length > 1 ? words[words.length - 1] : ''
  return (first + last).toLocaleUpperCase()
}

/** A small integer hash (Knuth's multiplicative), so neighbouring ids do not get neighbouring colours. */
function bucketOf(id: number): number {
  return Math.imul(id >>> 0, 2654435761) >>> 0
}

export function avatarFor(name: string | null | undefined, id: number): Avatar {
  return { initials: initialsOf(name ?? ''), colourClass: `avatar-c${bucketOf(id) % avatarColours}` }
}
