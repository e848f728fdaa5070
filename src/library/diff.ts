// A readable diff between two revisions of an article, line by line and word by word (jsdiff).
import { diffLines, diffWordsWithSpace } from 'diff'

export interface DiffPart {
  kind: 'added' | 'removed' | 'same'
  text: string
}

export function diffText(before: string, after: string): DiffPart[] {
  // Word diffs read best for prose; on very long texts a line diff keeps the page (and the CPU) small.
  const changes = before.length + after.length > 40_000 ? diffLines(before, after) : diffWordsWithSpace(before, after)
  return changes.map((change) => ({
    kind: change.added ? 'added' : change.removed ? 'removed' : 'same',
    text: change.value,
  }))
}
