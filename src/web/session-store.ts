// A @fastify/session store in PostgreSQL, so every Kring instance on one database shares logins.
import type { Db } from '../db/connect.js'
import type { User } from '../db/database.js'
import { precompiled } from '../db/precompiled.js'
import { isDatabaseUnavailable } from '../db/unavailable.js'

type Callback = (err?: unknown) => void
type GetCallback = (err: unknown, session?: any) => void

interface StoredSession {
  cookie?: { expires?: string | Date | null; originalMaxAge?: number | null }
  userId?: number
  [key: string]: unknown
}

/** The columns viewer.ts turns into a Viewer; read with the session, so a logged-in page costs one round trip for both. */
export const viewerColumns = [
  'id',
  'email',
  'display_name',
  'site_role',
  'status',
  'suspended_until',
  'locale',
  'time_zone',
  'created_at',
  'suspension_reason',
  'role_changed_at',
  'email_verified_at',
  'guest',
  'deletion_requested_at',
] as const
export type ViewerRow = Pick<User, (typeof viewerColumns)[number]>

// Every request with a session cookie asks this: compiled once.
const sessionWithUser = precompiled((db, v: { sid: string; now: Date }) =>
  db
    .selectFrom('sessions as s')
    .leftJoin('users as u', 'u.id', 's.user_id')
    .select([
      's.data',
      'u.id',
      'u.email',
      'u.display_name',
      'u.site_role',
      'u.status',
      'u.suspended_until',
      'u.locale',
      'u.time_zone',
      'u.created_at',
      'u.suspension_reason',
      'u.role_changed_at',
      'u.email_verified_at',
      'u.guest',
      'u.deletion_requested_at',
    ])
    .where('s.sid', '=', v.sid)
    .where('s.expires_at', '>', v.now),
)

/**
 * Marks the session handed to @fastify/session when the database could not be asked for the real one. The cookie is
 * neither replaced nor cleared (an unknown or failed session would be: a new id, a cleared cookie), so the person is
 * logged in again as themselves as soon as the database answers; meanwhile they are served as a visitor.
 */
export const unreachableSession = 'kringSessionUnreachable'

export function isUnreachableSession(session: object | null | undefined): boolean {
  return Boolean(session && (session as Record<string, unknown>)[unreachableSession] === true)
}

export class PostgresSessionStore {
  /**
   * The user row read with the last session, for the viewer hook. @fastify/session hands the store only the session id,
   * and the viewer hook runs right after the session hook, so one slot suffices; whoever finds it holding another
   * session's row (or nothing) reads the user itself.
   */
  private loaded: { sid: string; user: ViewerRow | null } | null = null

  constructor(
    private readonly db: Db,
    private readonly fallbackMaxAgeMs: number,
  ) {}

  get(sid: string, callback: GetCallback): void {
    sessionWithUser(this.db, { sid, now: new Date() }).then(
      ([row]) => {
        if (!row) {
          this.loaded = null
          return callback(null, null)
        }
        const { data, ...user } = row
        this.loaded = { sid, user: user.id === null ? null : (user as ViewerRow) }
        callback(null, data)
      },
      (err) => {
        this.loaded = null
        if (isDatabaseUnavailable(err)) return callback(null, { [unreachableSession]: true })
        callback(err)
      },
    )
  }

  /** The user row read with session `sid` just now, if this store still holds it (taken once). */
  takeLoadedUser(sid: string): ViewerRow | null | undefined {
    const loaded = this.loaded
    if (!loaded || loaded.sid !== sid) return undefined
    this.loaded = null
    return loaded.user
  }

  set(sid: string, stored: object, callback: Callback): void {
    const session = stored as StoredSession
    // Never written over the real session, should the database come back during this request.
    if (isUnreachableSession(session)) return callback()
    const expiresAt = this.expiryOf(session)
    const data = JSON.stringify(session)
    const userId = typeof session.userId === 'number' ? session.userId : null
    this.db
      .insertInto('sessions')
      .values({ sid, data, user_id: userId, expires_at: expiresAt })
      .onConflict((oc) => oc.column('sid').doUpdateSet({ data, user_id: userId, expires_at: expiresAt }))
      .execute()
      .then(
        () => callback(),
        (err) => callback(err),
      )
  }

  destroy(sid: string, callback: Callback): void {
    this.db
      .deleteFrom('sessions')
      .where('sid', '=', sid)
      .execute()
      .then(
        () => callback(),
        (err) => callback(err),
      )
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
