// Thread pages as visitors see them, kept by each instance and checked against the database on every request: the
// database bumps a page's version in the transaction of every change a visitor would see (see the 1600 migration),
// so a kept page is served only while its version is still the current one. Nothing here is authoritative; an
// instance that restarts or evicts a page renders it again.
import type { Db } from '../db/connect.js'
import { precompiled } from '../db/precompiled.js'
import type { SharedPage } from '../web/view.js'
import type { ReplyCursor } from './queries.js'

export interface PageVersions {
  /** This thread's own version. */
  thread: number
  /** What every thread page shows (people's names, communities, themes). */
  all: number
}

const versionsOf = precompiled((db, v: { threadId: number }) =>
  db.selectFrom('thread_page_versions').select(['thread_id', 'version']).where('thread_id', 'in', [v.threadId, 0]),
)

/**
 * The versions now. Read before the page's data, never after: a change committed in between then leaves a page
 * newer than its versions, which the next request simply renders again, while the other order could keep a stale
 * page under a current version.
 */
export async function readPageVersions(db: Db, threadId: number): Promise<PageVersions> {
  const rows = await versionsOf(db, { threadId })
  const versions: PageVersions = { thread: 0, all: 0 }
  for (const row of rows) {
    if (row.thread_id === 0) versions.all = Number(row.version)
    else versions.thread = Number(row.version)
  }
  return versions
}

export function visitorPageKey(threadId: number, cursor: ReplyCursor, locale: string, timeZone: string): string {
  return `${threadId} ${cursor.kind === 'first' ? 'first' : `${cursor.kind}:${cursor.postId}`} ${locale} ${timeZone}`
}

interface Kept {
  page: SharedPage
  versions: PageVersions
}

/** Least recently used pages go first once the pages kept pass `maxBytes`. */
export class VisitorPages {
  private readonly kept = new Map<string, Kept>()
  private bytes = 0

  constructor(private readonly maxBytes = 32 * 1024 * 1024) {}

  get size(): number {
    return this.kept.size
  }

  /** The page kept under `key`, if it was rendered at exactly these versions. */
  get(key: string, versions: PageVersions): SharedPage | null {
    const found = this.kept.get(key)
    if (!found) return null
    if (found.versions.thread !== versions.thread || found.versions.all !== versions.all) {
      this.remove(key, found)
      return null
    }
    // Map order is the recency order.
    this.kept.delete(key)
    this.kept.set(key, found)
    return found.page
  }

  set(key: string, versions: PageVersions, page: SharedPage): void {
    if (page.bytes > this.maxBytes / 4) return
    const previous = this.kept.get(key)
    if (previous) this.remove(key, previous)
    this.kept.set(key, { page, versions })
    this.bytes += page.bytes
    for (const [oldest, kept] of this.kept) {
      if (this.bytes <= this.maxBytes) break
      this.remove(oldest, kept)
    }
  }

  private remove(key: string, kept: Kept) {
    this.kept.delete(key)
    this.bytes -= kept.page.bytes
  }
}
