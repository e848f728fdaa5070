// How a mention is written. Display names have spaces and need not be unique, so a mention is bracketed:
// `@[Anne de Vries]` names the one member called that (case and runs of spaces do not matter), and
// `@[Anne de Vries#12]` names member 12, for when two members share the name; the autocomplete inserts the second
// form only then. Whatever resolves to nobody (unknown, ambiguous, or a name that does not match the id) stays the
// text it was.

/** A mention as written, anywhere in a text (also in code: the renderer decides what becomes a link). */
export const MENTION_SOURCE = /@\[([^\]\n]{1,100})\]/g
/** The same at the start of the rest of a paragraph, for the Markdown tokenizer. */
export const MENTION_AT_START = /^@\[([^\]\n]{1,100})\]/

/** What is compared: the name in lower case, with its spaces folded, and the id when one was written. */
export function mentionKey(inner: string): { key: string; name: string; id: number | null } {
  const withId = /^(.*?)\s*#([1-9][0-9]{0,9})$/.exec(inner)
  const name = normalizeName(withId ? withId[1] : inner)
  const id = withId ? Number(withId[2]) : null
  return { key: id === null ? name : `${name}#${id}`, name, id }
}

export const normalizeName = (name: string) => name.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('en')

/** The distinct mentions a text writes, at most `max` of them (a flood is refused long before this matters). */
export function mentionsWritten(markdown: string, max = 200): ReturnType<typeof mentionKey>[] {
  const seen = new Map<string, ReturnType<typeof mentionKey>>()
  for (const match of markdown.matchAll(MENTION_SOURCE)) {
    const mention = mentionKey(match[1])
    if (mention.name !== '' && !seen.has(mention.key)) seen.set(mention.key, mention)
    if (seen.size >= max) break
  }
  return [...seen.values()]
}

/** Mention key → the member it names: what the renderer links. */
export type MentionMap = ReadonlyMap<string, { id: number; name: string }>

/** What the autocomplete inserts for a member: the short form unless their name is shared. */
export const mentionText = (member: { id: number; name: string }, shared: boolean) =>
  shared ? `@[${member.name}#${member.id}]` : `@[${member.name}]`
