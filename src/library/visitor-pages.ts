// Library pages as visitors see them (the index in all its filters, article pages), kept by each instance while the
// library's version in the database stays the same (see the 1900 migration and src/web/shared-page-cache.ts).
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '../db/connect.js'
import { precompiled } from '../db/precompiled.js'
import { isDatabaseUnavailable } from '../db/unavailable.js'
import { hasFlash } from '../web/flash.js'
import { BatchedVersionReader, sendKeptDuringOutage, SharedPageCache } from '../web/shared-page-cache.js'
import { renderSharedPage, sendSharedPage } from '../web/view.js'

const libraryVersionQuery = precompiled((db, v: { scope: string }) =>
  db.selectFrom('page_versions').select('version').where('scope', '=', v.scope),
)

export async function readLibraryVersion(db: Db): Promise<number> {
  const rows = await libraryVersionQuery(db, { scope: 'library' })
  return Number(rows[0]?.version ?? 0)
}

interface Shared {
  key: string
  /** null: the version could not be read (the database is away), and `unavailable` says why. */
  version: number | null
  unavailable?: unknown
}

export class LibraryVisitorPages {
  private readonly pages = new SharedPageCache<number>((a, b) => a === b)
  private readonly versions: BatchedVersionReader<null, number>

  constructor(db: Db) {
    this.versions = new BatchedVersionReader(() => readLibraryVersion(db))
  }

  /** For a visitor with no notice waiting: the key and current version of this page (read before the page's data). */
  async lookup(request: FastifyRequest): Promise<Shared | null> {
    if (request.viewer !== null || hasFlash(request)) return null
    // No Host in the key: pages are built from KRING_PUBLIC_URL, and forged Hosts must not each fill a cache entry.
    const key = `${request.url} ${request.locale} ${request.timeZone}`
    try {
      return { key, version: await this.versions.read(null) }
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error
      return { key, version: null, unavailable: error }
    }
  }

  /** Sends the kept page if it is current; false when it must be rendered. */
  sendKept(reply: FastifyReply, shared: Shared | null): boolean {
    if (!shared) return false
    if (shared.version === null) {
      // With the database away, the page kept at whatever version, with a note that it may be behind; else the 503.
      const kept = this.pages.getAnyVersion(shared.key)
      if (!kept) throw shared.unavailable
      sendKeptDuringOutage(reply, kept)
      return true
    }
    const kept = this.pages.get(shared.key, shared.version)
    if (!kept) return false
    sendSharedPage(reply, kept)
    return true
  }

  /** Renders the page, keeping it for the next visitor when it is one visitors share. */
  async render(
    reply: FastifyReply,
    shared: Shared | null,
    template: string,
    data: Record<string, unknown>,
  ): Promise<FastifyReply> {
    if (!shared || shared.version === null || reply.statusCode !== 200) return reply.render(template, data)
    const rendered = await renderSharedPage(reply, template, data)
    this.pages.set(shared.key, shared.version, rendered)
    return sendSharedPage(reply, rendered)
  }
}
