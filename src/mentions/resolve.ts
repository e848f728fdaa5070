// Which members a text's @mentions name: read before the write's transaction, like the render it feeds.
import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/database.js'
import { mentionsWritten, normalizeName, type MentionMap } from './syntax.js'

/** The members behind the mentions a text writes; an empty map when it writes none (no query then). */
export async function resolveMentions(db: Kysely<Database>, markdown: string): Promise<MentionMap> {
  const written = mentionsWritten(markdown)
  const resolved = new Map<string, { id: number; name: string }>()
  if (written.length === 0) return resolved
  const names = [...new Set(written.filter((m) => m.id === null).map((m) => m.name))]
  const ids = [...new Set(written.flatMap((m) => (m.id === null ? [] : [m.id])))]
  const folded = sql<string>`lower(regexp_replace(btrim(u.display_name), '\\s+', ' ', 'g'))`
  const rows = await db
    .selectFrom('users as u')
    .select(['u.id', 'u.display_name'])
    .where((eb) => {
      const either = []
      if (names.length) either.push(eb(folded, 'in', names))
      if (ids.length) either.push(eb('u.id', 'in', ids))
      return eb.or(either)
    })
    // A former member (src/data-rights) is named by nobody's mention.
    .where('u.deleted_at', 'is', null)
    .limit(1000)
    .execute()
  const byName = new Map<string, { id: number; name: string }[]>()
  for (const row of rows) {
    const key = normalizeName(row.display_name)
    byName.set(key, [...(byName.get(key) ?? []), { id: row.id, name: row.display_name }])
  }
  for (const mention of written) {
    const candidates = byName.get(mention.name) ?? []
    if (mention.id === null) {
      // A name two members share names neither of them: `@[Name#id]` says which.
      if (candidates.length === 1) resolved.set(mention.key, candidates[0])
    } else {
      const member = candidates.find((c) => c.id === mention.id)
      if (member) resolved.set(mention.key, member)
    }
  }
  return resolved
}

/** How many different members a resolved text mentions. */
export const mentionedCount = (mentions: MentionMap) => new Set([...mentions.values()].map((m) => m.id)).size
