// Names of Kring members in a text: whole display names, and a first or last name alone where only one member has it.
import type { Finding } from './types.js'

/** Lower case without accents, with a map from each folded character back to its place in the original. */
export function fold(text: string): { folded: string; at: number[] } {
  let folded = ''
  const at: number[] = []
  for (let i = 0; i < text.length; i++) {
    const part = text[i]!.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()
    folded += part
    for (let k = 0; k < part.length; k++) at.push(i)
  }
  at.push(text.length)
  return { folded, at }
}

const foldWord = (word: string) => fold(word).folded
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
// Short words and name particles (van, de, von, le) say nothing alone.
const particles = new Set(['van', 'der', 'den', 'de', 'la', 'le', 'du', 'von', 'zu', 'ter', 'ten', 'het', 'of', 'mc'])

export interface MemberNameIndex {
  /** Whole display names, longest first, as folded patterns. */
  full: RegExp | null
  /** Parts of names only one member has (folded), matched when written with a capital. */
  parts: RegExp | null
}

export function memberNameIndex(displayNames: string[]): MemberNameIndex {
  const names = [...new Set(displayNames.map((n) => n.trim()).filter((n) => n.length >= 3))]
  const full = names.map((n) => foldWord(n).split(/\s+/).map(escape).join('\\s+')).sort((a, b) => b.length - a.length)
  const owners = new Map<string, Set<string>>()
  for (const name of names)
    for (const word of foldWord(name).split(/[\s-]+/)) {
      if (word.length < 3 || particles.has(word) || !/^\p{L}+$/u.test(word)) continue
      owners.set(word, (owners.get(word) ?? new Set()).add(name))
    }
  const unique = [...owners].filter(([, who]) => who.size === 1).map(([word]) => escape(word))
  const around = (body: string) => new RegExp(`(?<![\\p{L}\\p{N}_@.-])(?:${body})(?![\\p{L}\\p{N}_@-]|\\.\\w)`, 'gu')
  return {
    full: full.length ? around(full.join('|')) : null,
    parts: unique.length ? around(unique.sort((a, b) => b.length - a.length).join('|')) : null,
  }
}

export function findMemberNames(text: string, index: MemberNameIndex): Finding[] {
  const { folded, at } = fold(text)
  const found: Finding[] = []
  const add = (m: RegExpMatchArray, needCapital: boolean) => {
    const start = at[m.index!]!
    const end = at[m.index! + m[0].length - 1]! + 1
    const original = text.slice(start, end)
    if (needCapital && !/^\p{Lu}/u.test(original)) return
    if (found.some((f) => f.start < end && start < f.end)) return
    found.push({ kind: 'member_name', text: original, start, end })
  }
  if (index.full) for (const m of folded.matchAll(index.full)) add(m, false)
  if (index.parts) for (const m of folded.matchAll(index.parts)) add(m, true)
  return found.sort((a, b) => a.start - b.start)
}
