// Edits carry the version they started from, so a save from an older copy of the form never overwrites a newer text.
import { positiveInt } from './params.js'

/**
 * The version an edit form was opened at, from its hidden `version` field. Missing or garbled is null, which no row
 * has: such a save is answered like a stale one (409, the current text shown, the user's text kept), never a 500.
 */
export function editVersion(body: unknown): number | null {
  const value = (body as Record<string, unknown> | undefined)?.version
  return positiveInt(value)
}

/** What a command answers when the row changed since the form was opened: the newer text, read under the row lock. */
export interface StaleEdit<Current> {
  ok: false
  reason: 'stale'
  current: Current
}

export const isStale = <C>(result: { ok: boolean; reason?: string }): result is StaleEdit<C> =>
  result.reason === 'stale'
