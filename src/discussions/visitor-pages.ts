// Thread pages as visitors see them, kept by each instance and checked against the database on every request: the
// database bumps a page's version in the transaction of every change a visitor would see (see the 1600 migration),
// so a kept page is served only while its version is still the current one. Nothing here is authoritative; an
// instance that restarts or evicts a page renders it again.
import { sql } from 'kysely'
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

const versionsOf = precompiled((db, v: { threadIds: number[] }) =>
  db.selectFrom('thread_page_versions').select(['thread_id', 'version']).where('thread_id', '=', sql<number>`any(${v.threadIds}::integer[])`),
)

/** The current versions of these threads' pages (0 for a page nothing has changed yet), and of every page (key 0). */
export async function readPageVersions(db: Db, threadIds: number[]): Promise<Map<number, number>> {
  const rows = await versionsOf(db, { threadIds: [0, ...threadIds] })
  return new Map(rows.map((row) => [row.thread_id, Number(row.version)]))
}

interface Batch {
  threadIds: Set<number>
  versions: Promise<Map<number, number>>
  send: () => void
}

/**
 * Reads the versions now, for many requests at once: a request joins the next batch, which is sent only when the one
 * before it has come back, so under load one query answers all the requests that arrived meanwhile. A request never
 * joins a query already sent: the answer it gets was read after it arrived, so it sees every change committed before.
 *
 * Read them before the page's data, never after: a change committed in between then leaves a page newer than its
 * versions, which the next request renders again, while the other order could keep a stale page under a current version.
 */
export class PageVersionReader {
  private waiting: Batch | null = null
  private sending = false

  constructor(private readonly readVersions: (threadIds: number[]) => Promise<Map<number, number>>) {}

  async read(threadId: number): Promise<PageVersions> {
    const batch = (this.waiting ??= this.newBatch())
    batch.threadIds.add(threadId)
    if (!this.sending) this.sendWaiting()
    const versions = await batch.versions
    return { thread: versions.get(threadId) ?? 0, all: versions.get(0) ?? 0 }
  }

  private newBatch(): Batch {
    const threadIds = new Set<number>()
    let send!: () => void
    const versions = new Promise<void>((resolve) => (send = resolve)).then(() => this.readVersions([...threadIds]))
    return { threadIds, versions, send }
  }

  private sendWaiting() {
    const batch = this.waiting
    if (!batch) return
    this.waiting = null
    this.sending = true
    batch.send()
    batch.versions.catch(() => {}).finally(() => {
      this.sending = false
      this.sendWaiting()
    })
  }
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
