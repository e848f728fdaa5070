// The four watching levels and the three things one can watch, as the forms and the database name them.
import type { WatchLevel, WatchTarget } from '../db/database.js'

export const watchLevels: readonly WatchLevel[] = ['watching', 'tracking', 'normal', 'muted']
export const watchTargets: readonly WatchTarget[] = ['thread', 'community', 'theme']

export const isWatchLevel = (value: unknown): value is WatchLevel =>
  typeof value === 'string' && (watchLevels as readonly string[]).includes(value)
export const isWatchTarget = (value: unknown): value is WatchTarget =>
  typeof value === 'string' && (watchTargets as readonly string[]).includes(value)

/** Levels at which a thread list counts a member's new posts. */
export const countsNewPosts = (level: WatchLevel | null | undefined) => level === 'watching' || level === 'tracking'
