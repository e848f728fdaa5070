// A @fastify/session store in PostgreSQL, so every Kring instance on one database shares logins.
import type { Db } from '../db/connect.js'

type Callback = (err?: unknown) => void
type GetCallback = (err: unknown, session?: any) => void

interface StoredSession {
  cookie?: { expires?: string | Date | null; originalMaxAge?: number | null }
  userId?: number
  [key: string]: unknown
}

export class PostgresSessionStore {
  constructor(private readonly db: Db, private readonly fallbackMaxAgeMs: number) {}

  get(sid: string, callback: GetCallback): void {
    this.db
      .selectFrom('sessions')
      .select('data')
      .where('sid', '=', sid)
      .where('expires_at', '>', new Date())
      .executeTakeFirst()
      .then((row) => callback(null, row ? row.data : null), (err) => callback(err))
  }

  set(sid: string, stored: object, callback: Callback): void {
    const session = stored as StoredSession
    const expiresAt = this.expiryOf(session)
    const data = JSON.stringify(session)
    const userId = typeof session.userId === 'number' ? session.userId : null
    this.db
      .insertInto('sessions')
      .values({ sid, data, user_id: userId, expires_at: expiresAt })
      .onConflict((oc) => oc.column('sid').doUpdateSet({ data, user_id: userId, expires_at: expiresAt }))
      .execute()
      .then(() => callback(), (err) => callback(err))
  }

  destroy(sid: string, callback: Callback): void {
    this.db
      .deleteFrom('sessions')
      .where('sid', '=', sid)
      .execute()
      .then(() => callback(), (err) => callback(err))
  }

  private expiryOf(session: StoredSession): Date {
    const expires = session.cookie?.expires
    if (expires) return new Date(expires)
    return new Date(Date.now() + this.fallbackMaxAgeMs)
  }
}

export async function deleteExpiredSessions(db: Db): Promise<number> {
  const result = await db.deleteFrom('sessions').where('expires_at', '<=', new Date()).executeTakeFirst()
  return Number(result.numDeletedRows ?? 0)
}
