// Who is asking, in which language and time zone: resolved once per request, before any route or error page needs it.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { SessionConfig } from '../config.js'
import type { Db } from '../db/connect.js'
import { databaseUnavailable, keptTextOf } from './errors.js'
import { defaultLocale, isLocale, localeFromAcceptLanguage, translate, type Locale, type Vars } from './i18n.js'
import { isUnreachableSession, PostgresSessionStore, viewerColumns, type ViewerRow } from './session-store.js'
import { isTimeZone } from './time.js'

export interface Viewer {
  id: number
  email: string
  displayName: string
  siteRole: 'member' | 'admin'
  status: 'active' | 'suspended'
  suspendedUntil: Date | null
  locale: Locale | null
  timeZone: string | null
  createdAt: Date
  suspensionReason: string | null
  roleChangedAt: Date | null
  /** The address was confirmed from the link in the email (accounts made by scripts count as confirmed). */
  emailVerified: boolean
  /** An account made by a guest invitation, limited to what it names (src/guests/policy.ts). */
  isGuest: boolean
  /** The member asked to delete their account: until they keep it, they see only the grace page (src/data-rights). */
  deletionRequestedAt: Date | null
}

declare module 'fastify' {
  interface FastifyRequest {
    viewer: Viewer | null
    /** The session cookie's login could not be read (database unavailable): served as a visitor, never logged out. */
    sessionUnreachable: boolean
    locale: Locale
    timeZone: string
    t(key: string, vars?: Vars): string
  }
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route answers a form from someone whose session cannot be read (the login form says so itself). */
    answersWithoutSession?: boolean
    /**
     * The route takes a POST without a CSRF token because the POST comes from a mail client, not a form of ours:
     * RFC 8058 one-click unsubscribe, authorised by the signed token in its URL. Nothing else may set this.
     */
    oneClickFromMail?: boolean
  }
}

declare module '@fastify/session' {
  interface FastifySessionObject {
    userId?: number
    seenOn?: string
    /** When this login happened (ms since epoch): the session ends config.session.maxAgeMs after it, however active. */
    loggedInAt?: number
    /** When this session ends unless used before (ms since epoch): the idle timeout, moved forward by use. */
    idleEndsAt?: number
    /** When this session last took a new id for a role change (ms since epoch). */
    rolesSeenAt?: number
  }
}

export const languageCookie = 'kring_lang'
export const timeZoneCookie = 'kring_tz'
const dayMs = 24 * 60 * 60 * 1000

export async function loadViewer(db: Db, userId: number): Promise<Viewer | null> {
  const row = await db.selectFrom('users').select(viewerColumns).where('id', '=', userId).executeTakeFirst()
  return row ? viewerOfRow(row) : null
}

function viewerOfRow(row: ViewerRow): Viewer {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    siteRole: row.site_role,
    status: row.status,
    suspendedUntil: row.suspended_until,
    locale: isLocale(row.locale) ? row.locale : null,
    timeZone: isTimeZone(row.time_zone) ? row.time_zone : null,
    createdAt: row.created_at,
    suspensionReason: row.suspension_reason,
    roleChangedAt: row.role_changed_at,
    emailVerified: row.email_verified_at !== null,
    isGuest: row.guest === true,
    deletionRequestedAt: row.deletion_requested_at,
  }
}

export function pickLocale(request: FastifyRequest, viewer: Viewer | null): Locale {
  if (viewer?.locale) return viewer.locale
  const chosen = request.cookies?.[languageCookie]
  if (isLocale(chosen)) return chosen
  return localeFromAcceptLanguage(request.headers['accept-language']) ?? defaultLocale
}

export function installViewer(app: FastifyInstance, db: Db, lifetime: SessionConfig) {
  app.decorateRequest('viewer', null)
  app.decorateRequest('sessionUnreachable', false)
  app.decorateRequest('locale', defaultLocale)
  app.decorateRequest('timeZone', 'UTC')
  app.decorateRequest('t', function (this: FastifyRequest, key: string, vars?: Vars) {
    return translate(this.locale, key, vars)
  })

  app.addHook('onRequest', async (request) => {
    // Before anything can fail, so that even a 400 for a malformed body speaks the viewer's language.
    request.locale = pickLocale(request, null)
    if (isUnreachableSession(request.session)) request.sessionUnreachable = true
    const userId = request.session?.userId
    if (typeof userId === 'number') {
      // Read before any await: the session store keeps the user it read with this session for exactly this moment.
      const preloaded = userReadWithSession(request, userId)
      const viewer = preloaded ? viewerOfRow(preloaded) : await loadViewer(db, userId)
      const loggedInAt = request.session.loggedInAt
      const idleEndsAt = request.session.idleEndsAt
      const now = Date.now()
      const ended =
        (typeof loggedInAt === 'number' && now - loggedInAt >= lifetime.maxAgeMs) ||
        (typeof idleEndsAt === 'number' && idleEndsAt <= now)
      if (viewer && ended) {
        // Past the absolute lifetime (however active the session was) or left idle too long: log in again.
        await request.session.destroy()
      } else if (viewer) {
        request.viewer = viewer
        // Sessions from before loggedInAt was kept start their absolute lifetime now.
        if (typeof loggedInAt !== 'number') request.session.loggedInAt = Date.now()
        await renewAfterRoleChange(request, viewer)
        keepSessionAlive(request, lifetime)
      } else {
        // The account is gone: forget it rather than fail every request.
        await request.session.destroy()
      }
    }
    request.locale = pickLocale(request, request.viewer)
    const cookieZone = request.cookies?.[timeZoneCookie]
    request.timeZone = request.viewer?.timeZone ?? (isTimeZone(cookieZone) ? cookieZone : 'UTC')
  })

  // A form sent by someone whose login cannot be read right now would be refused as a visitor's (401, a CSRF token
  // of another user): say instead that the database is away, and give back what they wrote. After the body is read,
  // before the CSRF check.
  app.addHook('preValidation', async (request) => {
    if (!request.sessionUnreachable || request.method === 'GET' || request.method === 'HEAD') return
    if (request.routeOptions.config.answersWithoutSession) return
    throw databaseUnavailable(keptTextOf(request.body))
  })
}

function userReadWithSession(request: FastifyRequest, userId: number): ViewerRow | undefined {
  const store = request.sessionStore
  if (!(store instanceof PostgresSessionStore)) return undefined
  const row = store.takeLoadedUser(request.session.sessionId)
  return row && row.id === userId ? row : undefined
}

/**
 * The idle timeout: each request moves the session's end to `idleMs` from now, never past the absolute end.
 * Only once the end has come `slack` closer (a day, or less for short idle times), so reading pages does not write a
 * session row each time. The end is kept in the session itself: @fastify/session restores a cookie's expiry as
 * "now + maxAge" on every request, so the cookie cannot say when the session really ends.
 */
function keepSessionAlive(request: FastifyRequest, lifetime: SessionConfig) {
  const now = Date.now()
  const slack = Math.min(dayMs, lifetime.idleMs / 24)
  const end = request.session.idleEndsAt
  if (typeof end !== 'number' || end - now <= lifetime.idleMs - slack) {
    const absoluteEnd = (request.session.loggedInAt ?? now) + lifetime.maxAgeMs
    request.session.idleEndsAt = Math.min(now + lifetime.idleMs, absoluteEnd)
    request.session.seenOn = new Date(now).toISOString().slice(0, 10)
  }
  // Whenever the session is saved, for this or another reason, its row and cookie end when it really ends.
  request.session.cookie.expires = new Date(request.session.idleEndsAt!)
}

/**
 * After an admin or moderator changed this member's role, each of their sessions takes a new id on its next
 * request (the role itself is read with every request), so an id that leaked before the change is worthless after it.
 */
async function renewAfterRoleChange(request: FastifyRequest, viewer: Viewer) {
  if (!viewer.roleChangedAt) return
  const seen = request.session.rolesSeenAt ?? request.session.loggedInAt ?? 0
  if (seen >= viewer.roleChangedAt.getTime()) return
  await request.session.regenerate(['userId', 'loggedInAt', 'seenOn', 'idleEndsAt'])
  request.session.rolesSeenAt = Date.now()
}
