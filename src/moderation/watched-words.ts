// Watched words: phrases an admin lists, each either blocking a post or sending it to the review queue.
import type { Db } from '../db/connect.js'

export interface WatchedHit {
  action: 'block' | 'queue'
  phrase: string
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** The strictest rule the text trips: a block wins over a queue. Whole words only, ignoring case. */
export async function checkWatchedWords(db: Db, ...texts: string[]): Promise<WatchedHit | null> {
  const words = await db.selectFrom('watched_words').select(['phrase', 'action']).execute()
  if (words.length === 0) return null
  const haystack = texts.join('\n')
  let hit: WatchedHit | null = null
  for (const word of words) {
    const pattern = new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegExp(word.phrase)}($|[^\\p{L}\\p{N}])`, 'iu')
    if (!pattern.test(haystack)) continue
    if (word.action === 'block') return { action: 'block', phrase: word.phrase }
    hit ??= { action: 'queue', phrase: word.phrase }
  }
  return hit
}
