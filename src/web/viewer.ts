// Who is asking, in which language and time zone: resolved once per request, before any route or error page needs it.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Db } from '../db/connect.js'
import { defaultLocale, isLocale, localeFromAcceptLanguage, translate, type Locale, type Vars } from './i18n.js'
import { PostgresSessionStore, viewerColumns, type ViewerRow } from './session-store.js'
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
}

declare module 'fastify' {
  interface FastifyRequest {
    viewer: Viewer | null
    locale: Locale
    timeZone: string
    t(key: string, vars?: Vars): string
  }
}

declare module '@fastify/session' {
  interface FastifySessionObject {
    userId?: number
    seenOn?: string
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
  }
}

export function pickLocale(request: FastifyRequest, viewer: Viewer | null): Locale {
  if (viewer?.locale) return viewer.locale
  const chosen = request.cookies?.[languageCookie]
  if (isLocale(chosen)) return chosen
  return localeFromAcceptLanguage(request.headers['accept-language']) ?? defaultLocale
}

export function installViewer(app: FastifyInstance, db: Db) {
  app.decorateRequest('viewer', null)
  app.decorateRequest('locale', defaultLocale)
  app.decorateRequest('timeZone', 'UTC')
  app.decorateRequest('t', function (this: FastifyRequest, key: string, vars?: Vars) {
    return translate(this.locale, key, vars)
  })

  app.addHook('onRequest', async (request) => {
    // Before anything can fail, so that even a 400 for a malformed body speaks the viewer's language.
    request.locale = pickLocale(request, null)
    const userId = request.session?.userId
    if (typeof userId === 'number') {
      // Read before any await: the session store keeps the user it read with this session for exactly this moment.
      const preloaded = userReadWithSession(request, userId)
      const viewer = preloaded ? viewerOfRow(preloaded) : await loadViewer(db, userId)
      if (viewer) {
        request.viewer = viewer
        keepSessionAlive(request)
      } else {
        // The account is gone: forget it rather than fail every request.
        await request.session.destroy()
      }
    }
    request.locale = pickLocale(request, request.viewer)
    const cookieZone = request.cookies?.[timeZoneCookie]
    request.timeZone = request.viewer?.timeZone ?? (isTimeZone(cookieZone) ? cookieZone : 'UTC')
  })
}

function userReadWithSession(request: FastifyRequest, userId: number): ViewerRow | undefined {
  const store = request.sessionStore
  if (!(store instanceof PostgresSessionStore)) return undefined
  const row = store.takeLoadedUser(request.session.sessionId)
  return row && row.id === userId ? row : undefined
}

/** Slides the session's expiry forward at most once a day, so reading pages does not write to the database. */
function keepSessionAlive(request: FastifyRequest) {
  const today = new Date().toISOString().slice(0, 10)
  if (request.session.seenOn === today) return
  const expires = request.session.cookie.expires
  if (expires && expires.getTime() - Date.now() > (request.session.cookie.originalMaxAge ?? 0) - dayMs) return
  request.session.touch()
  request.session.seenOn = today
}
