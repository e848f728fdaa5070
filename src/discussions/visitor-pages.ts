// Thread pages as visitors see them, kept by each instance (see src/web/shared-page-cache.ts): the database bumps a
// page's version in the transaction of every change a visitor would see (see the 1600 migration).
import type { FastifyReply } from 'fastify'
import { sql } from 'kysely'
import type { Db } from '../db/connect.js'
import { precompiled } from '../db/precompiled.js'
import { isDatabaseUnavailable } from '../db/unavailable.js'
import { BatchedVersionReader, sendKeptDuringOutage, SharedPageCache } from '../web/shared-page-cache.js'
import type { ReplyCursor } from './queries.js'

export interface PageVersions {
  /** This thread's own version. */
  thread: number
  /** What every thread page shows (people's names, communities, themes). */
  all: number
}

const versionsOf = precompiled((db, v: { threadIds: number[] }) =>
  db
    .selectFrom('thread_page_versions')
    .select(['thread_id', 'version'])
    .where('thread_id', '=', sql<number>`any(${v.threadIds}::integer[])`),
)

/** The current versions of these threads' pages (0 for a page nothing has changed yet), and of every page (key 0). */
export async function readPageVersions(db: Db, threadIds: number[]): Promise<Map<number, number>> {
  const rows = await versionsOf(db, { threadIds: [0, ...threadIds] })
  return new Map(rows.map((row) => [row.thread_id, Number(row.version)]))
}

/**
 * A thread's versions for many requests at once (see BatchedVersionReader): one query answers all the requests that
 * arrived while the previous one was out, and never one sent before a request arrived.
 */
export class PageVersionReader {
  private readonly batched: BatchedVersionReader<number, Map<number, number>>

  constructor(readVersions: (threadIds: number[]) => Promise<Map<number, number>>) {
    this.batched = new BatchedVersionReader(readVersions)
  }

  async read(threadId: number): Promise<PageVersions> {
    const versions = await this.batched.read(threadId)
    return { thread: versions.get(threadId) ?? 0, all: versions.get(0) ?? 0 }
  }
}

export function visitorPageKey(threadId: number, cursor: ReplyCursor, locale: string, timeZone: string): string {
  return `${threadId} ${cursor.kind === 'first' ? 'first' : `${cursor.kind}:${cursor.postId}`} ${locale} ${timeZone}`
}

/** Thread pages kept per instance; least recently used go first once the pages kept pass `maxBytes`. */
export class VisitorPages extends SharedPageCache<PageVersions> {
  constructor(maxBytes?: number) {
    super((a, b) => a.thread === b.thread && a.all === b.all, maxBytes)
  }

  /**
   * The versions to check the kept page `key` against; or, with the database away, the kept page already sent as it
   * is (with a note that it may be behind). Without a kept page the error goes on to the 503 page.
   */
  async versionsOrKept(
    reply: FastifyReply,
    key: string,
    versions: Promise<PageVersions>,
  ): Promise<{ key: string; versions: PageVersions } | { reply: FastifyReply }> {
    try {
      return { key, versions: await versions }
    } catch (error) {
      const kept = isDatabaseUnavailable(error) ? this.getAnyVersion(key) : null
      if (!kept) throw error
      return { reply: sendKeptDuringOutage(reply, kept) }
    }
  }
}
