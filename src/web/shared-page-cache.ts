// Pages as visitors see them, kept by each instance and checked against the database on every request: the database
// bumps a version in the transaction of every change a visitor would see, so a kept page is served only while the
// version it was rendered at is still the current one. Nothing here is authoritative; an instance that restarts or
// evicts a page renders it again.
import type { FastifyReply } from 'fastify'
import Handlebars from 'handlebars'
import { sendSharedPage, type SharedPage } from './view.js'

interface Batch<Key, Answer> {
  keys: Set<Key>
  answer: Promise<Answer>
  send: () => void
}

/**
 * Reads versions for many requests at once: a request joins the next batch, which is sent only when the one before it
 * has come back, so under load one query answers all the requests that arrived meanwhile. A request never joins a
 * query already sent: the answer it gets was read after it arrived, so it sees every change committed before.
 *
 * Read the versions before the page's data, never after: a change committed in between then leaves a page newer than
 * its version, which the next request renders again, while the other order could keep a stale page under a current one.
 */
export class BatchedVersionReader<Key, Answer> {
  private waiting: Batch<Key, Answer> | null = null
  private sending = false

  constructor(private readonly readAll: (keys: Key[]) => Promise<Answer>) {}

  async read(key: Key): Promise<Answer> {
    const batch = (this.waiting ??= this.newBatch())
    batch.keys.add(key)
    if (!this.sending) this.sendWaiting()
    return batch.answer
  }

  private newBatch(): Batch<Key, Answer> {
    const keys = new Set<Key>()
    let send!: () => void
    const answer = new Promise<void>((resolve) => (send = resolve)).then(() => this.readAll([...keys]))
    return { keys, answer, send }
  }

  private sendWaiting() {
    const batch = this.waiting
    if (!batch) return
    this.waiting = null
    this.sending = true
    batch.send()
    batch.answer
      .catch(() => {})
      .finally(() => {
        this.sending = false
        this.sendWaiting()
      })
  }
}

interface Kept<Version> {
  page: SharedPage
  version: Version
}

/** Rendered pages by key, each with the version it was rendered at; least recently used go first past `maxBytes`. */
export class SharedPageCache<Version> {
  private readonly kept = new Map<string, Kept<Version>>()
  private bytes = 0

  constructor(
    private readonly sameVersion: (a: Version, b: Version) => boolean,
    private readonly maxBytes = 32 * 1024 * 1024,
  ) {}

  get size(): number {
    return this.kept.size
  }

  /** The page kept under `key`, if it was rendered at exactly this version. */
  get(key: string, version: Version): SharedPage | null {
    const found = this.kept.get(key)
    if (!found) return null
    if (!this.sameVersion(found.version, version)) {
      this.remove(key, found)
      return null
    }
    // Map order is the recency order.
    this.kept.delete(key)
    this.kept.set(key, found)
    return found.page
  }

  /**
   * The page kept under `key` whatever its version: only for when the version cannot be read (the database is away),
   * to be sent with sendKeptDuringOutage's note.
   */
  getAnyVersion(key: string): SharedPage | null {
    return this.kept.get(key)?.page ?? null
  }

  set(key: string, version: Version, page: SharedPage): void {
    if (page.bytes > this.maxBytes / 4) return
    const previous = this.kept.get(key)
    if (previous) this.remove(key, previous)
    this.kept.set(key, { page, version })
    this.bytes += page.bytes
    for (const [oldest, kept] of this.kept) {
      if (this.bytes <= this.maxBytes) break
      this.remove(oldest, kept)
    }
  }

  private remove(key: string, kept: Kept<Version>) {
    this.kept.delete(key)
    this.bytes -= kept.page.bytes
  }
}

const mainOpening = '<main id="main" tabindex="-1">'

/**
 * Sends a kept page that may be behind (its version could not be checked) with a quiet note at the top of the main
 * content, read out by screen readers as a status; never stored by a browser or a proxy as the current page.
 */
export function sendKeptDuringOutage(reply: FastifyReply, page: SharedPage): FastifyReply {
  const note = Buffer.from(
    `<p class="notice" role="status">${Handlebars.escapeExpression(reply.request.t('page.kept_note'))}</p>`,
  )
  const marker = Buffer.from(mainOpening)
  const at = page.parts.findIndex((part) => part.includes(marker))
  const parts =
    at === -1
      ? page.parts
      : page.parts.map((part, i) => {
          if (i !== at) return part
          const end = part.indexOf(marker) + marker.length
          return Buffer.concat([part.subarray(0, end), note, part.subarray(end)])
        })
  reply.header('cache-control', 'no-store')
  return sendSharedPage(reply, { ...page, parts, bytes: page.bytes + (at === -1 ? 0 : note.length) })
}
