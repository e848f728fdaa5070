// Handlebars through @fastify/view: one layout, every partial under views/partials, the helpers templates may use.
import fastifyView from '@fastify/view'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import Handlebars from 'handlebars'
import { randomBytes } from 'node:crypto'
import { readdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { takeFlash } from './flash.js'
import { defaultLocale, formatNumber, hasKey, isLocale, supportedLocales, translate, type Locale } from './i18n.js'
import { formatCalendarDate, formatDateTime } from './time.js'
import { dayOfEnd, formatCalendarDay } from '../moderation/dates.js'

export const viewsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../views')

declare module 'fastify' {
  interface FastifyReply {
    /** Renders a page inside the layout with what every page needs: viewer, language, CSRF token. */
    render(template: string, data?: Record<string, unknown>): FastifyReply
  }
}

interface PageRoot {
  _locale?: Locale
  _timeZone?: string
}

function rootOf(options: Handlebars.HelperOptions): PageRoot {
  return ((options?.data as { root?: PageRoot } | undefined)?.root ?? {}) as PageRoot
}

export function createHandlebars(): typeof Handlebars {
  const hbs = Handlebars.create()

  hbs.registerHelper('t', function (key: unknown, options: Handlebars.HelperOptions) {
    const root = rootOf(options)
    return translate(isLocale(root._locale) ? root._locale : defaultLocale, String(key), options.hash)
  })

  // A sentence naming a person, with the name linked to their profile when there is one to link to (anonymous posts and
  // former members come without an id): {{t_person "discussions.started_by" id=author_id name=author_name}}.
  // The sentence is translated around a marker and escaped whole, so only the link is markup.
  hbs.registerHelper('t_person', function (key: unknown, options: Handlebars.HelperOptions) {
    const root = rootOf(options)
    // `param` names the placeholder when the sentence calls it something else than {name}.
    const { id, name, param, ...vars } = options.hash as Record<string, string | number | null | undefined>
    const marker = '\u0000person\u0000'
    const placeholder = typeof param === 'string' ? param : 'name'
    const sentence = hbs.escapeExpression(
      translate(isLocale(root._locale) ? root._locale : defaultLocale, String(key), { ...vars, [placeholder]: marker }),
    )
    const shown = hbs.escapeExpression(String(name ?? ''))
    const person = typeof id === 'number' && id > 0 ? `<a href="/u/${id}" class="person">${shown}</a>` : shown
    return new hbs.SafeString(sentence.split(marker).join(person))
  })

  hbs.registerHelper('datetime', function (value: unknown, ...rest: unknown[]) {
    const options = rest.pop() as Handlebars.HelperOptions
    const style = rest[0] === 'date' ? 'date' : 'datetime'
    if (!(value instanceof Date) && typeof value !== 'string') return ''
    const date = new Date(value)
    if (Number.isNaN(date.getTime())) return ''
    const root = rootOf(options)
    const text = formatDateTime(
      date,
      isLocale(root._locale) ? root._locale : defaultLocale,
      root._timeZone ?? 'UTC',
      style,
    )
    return new hbs.SafeString(`<time datetime="${date.toISOString()}">${hbs.escapeExpression(text)}</time>`)
  })

  // A date-only value (2026-11-25) in the viewer's language: {{calendar_date due_on}}.
  hbs.registerHelper('calendar_date', function (value: unknown, options: Handlebars.HelperOptions) {
    if (!(value instanceof Date) && typeof value !== 'string') return ''
    const root = rootOf(options)
    const text = formatCalendarDate(value, isLocale(root._locale) ? root._locale : defaultLocale)
    const day = value instanceof Date ? null : /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : null
    return new hbs.SafeString(
      day ? `<time datetime="${day}">${hbs.escapeExpression(text)}</time>` : hbs.escapeExpression(text),
    )
  })

  // A count in the viewer's number format: {{number count}}.
  hbs.registerHelper('number', function (value: unknown, options: Handlebars.HelperOptions) {
    if (typeof value !== 'number') return value === undefined || value === null ? '' : String(value)
    const root = rootOf(options)
    return formatNumber(isLocale(root._locale) ? root._locale : defaultLocale, value)
  })

  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b)
  hbs.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).map(String).join(''))
  hbs.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean))
  hbs.registerHelper('and', (...args: unknown[]) => args.slice(0, -1).every(Boolean))
  return hbs
}

function partialsIn(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(path.join(viewsDir, dir))
      .filter((file) => file.endsWith('.hbs'))
      .map((file) => [file.replace(/\.hbs$/, ''), `${dir}/${file}`]),
  )
}

export async function installViews(app: FastifyInstance, options: { cache: boolean }) {
  await app.register(fastifyView, {
    engine: { handlebars: createHandlebars() },
    root: viewsDir,
    layout: 'layouts/main',
    viewExt: 'hbs',
    production: options.cache,
    // preventIndent: an indented partial call must not indent the lines of a <textarea> it renders.
    options: { partials: partialsIn('partials'), compileOptions: { preventIndent: true } },
  })

  app.decorateReply('render', function (this: FastifyReply, template: string, data: Record<string, unknown> = {}) {
    return this.view(template, { ...pageContext(this.request, this), ...data })
  })
}

/** The signed cookie holding this browser's CSRF secret (see app.ts). */
export const csrfCookie = 'kring_csrf'

/**
 * Forgets this browser's CSRF secret, so that a form token taken before a login, logout or password change is
 * refused after it, even for the same account. The next form rendered (in this response or the next) mints a new one.
 */
export function rotateCsrfSecret(request: FastifyRequest, reply: FastifyReply) {
  if (request.cookies) delete request.cookies[csrfCookie]
  reply.clearCookie(csrfCookie, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: reply.server.config?.secureCookies ?? false,
  })
}

/** Kring's public origin (KRING_PUBLIC_URL) for absolute links: never the request's Host, which anyone can forge. */
export function publicOrigin(request: FastifyRequest): string {
  return request.server.config.publicUrl
}

/** Binds a CSRF token to who holds it, so a token minted for a visitor is useless once someone is logged in, and vice versa. */
export function csrfUserInfo(request: FastifyRequest): string {
  const userId = request.session?.userId
  return typeof userId === 'number' ? `user:${userId}` : 'visitor'
}

/** What differs between two requests for the same page by two visitors; everything else a shared page may keep. */
interface PerRequest {
  csrfToken: string
  currentPath: string
}

export function pageContext(request: FastifyRequest, reply: FastifyReply, perRequest?: PerRequest) {
  const locale = request.locale
  const flashKey = takeFlash(request, reply)
  return {
    flash: flashKey && hasKey(flashKey) ? request.t(flashKey) : null,
    _locale: locale,
    _timeZone: request.timeZone,
    htmlLang: locale,
    viewer: request.viewer,
    unreadNotifications: request.unreadNotifications,
    unreadMessages: request.unreadMessages,
    suspensionNotice: suspensionNotice(request),
    isAdmin: request.viewer?.siteRole === 'admin',
    navSection: navSectionOf(request.url),
    // Not `languages`: pages such as the library pass their own list of content languages under that name.
    siteLanguages: supportedLocales.map((code) => ({
      code,
      name: translate(code, `language.${code}`),
      current: code === locale,
    })),
    ...(perRequest ?? perRequestValues(request, reply)),
  }
}

// The header marks the section a page belongs to. It comes from the path alone, which a shared page has in common
// with every request it is sent for (its cache key is the path), so a cached page marks the same section.
const navSections: [RegExp, string][] = [
  [/^\/(communities|c|t|posts)(\/|$|\?)/, 'communities'],
  [/^\/library(\/|$|\?)/, 'library'],
  [/^\/themes(\/|$|\?)/, 'themes'],
  [/^\/meetings(\/|$|\?)/, 'meetings'],
  [/^\/search(\/|$|\?)/, 'search'],
  [/^\/notifications(\/|$|\?)/, 'notifications'],
]

export function navSectionOf(url: string): string | null {
  return navSections.find(([pattern]) => pattern.test(url))?.[1] ?? null
}

function perRequestValues(request: FastifyRequest, reply: FastifyReply): PerRequest {
  return { csrfToken: reply.generateCsrf({ userInfo: csrfUserInfo(request) }), currentPath: safeLocalPath(request.url) }
}

// --- Pages shared between visitors ------------------------------------------------------------------
// A page rendered once for many visitors carries markers where each request's own values go. The markers are random
// per process and only hex, so no content can contain them and Handlebars prints them unchanged.
const markerId = randomBytes(12).toString('hex')
const markers: PerRequest = { csrfToken: `kring-csrf-${markerId}`, currentPath: `kring-path-${markerId}` }
const markerPattern = new RegExp(`(${markers.csrfToken}|${markers.currentPath})`)

/** A rendered page, cut where the per-request values go. */
export interface SharedPage {
  parts: Buffer[]
  slots: (keyof PerRequest)[]
  bytes: number
}

/** Renders a page for everyone in this reply's situation (locale, time zone; no viewer, no flash): see sendSharedPage. */
export async function renderSharedPage(
  reply: FastifyReply,
  template: string,
  data: Record<string, unknown>,
): Promise<SharedPage> {
  const html = (await reply.viewAsync(template, { ...pageContext(reply.request, reply, markers), ...data })) as string
  const pieces = html.split(markerPattern)
  const parts: Buffer[] = []
  const slots: (keyof PerRequest)[] = []
  for (const [i, piece] of pieces.entries()) {
    if (i % 2 === 0) parts.push(Buffer.from(piece))
    else slots.push(piece === markers.csrfToken ? 'csrfToken' : 'currentPath')
  }
  return { parts, slots, bytes: parts.reduce((sum, part) => sum + part.length, 0) }
}

/** Sends a shared page with this request's own CSRF token and path, exactly as reply.render would have printed them. */
export function sendSharedPage(reply: FastifyReply, page: SharedPage): FastifyReply {
  const values = perRequestValues(reply.request, reply)
  const filled = {
    csrfToken: Buffer.from(Handlebars.escapeExpression(values.csrfToken)),
    currentPath: Buffer.from(Handlebars.escapeExpression(values.currentPath)),
  }
  const chunks: Buffer[] = [page.parts[0]]
  for (const [i, slot] of page.slots.entries()) chunks.push(filled[slot], page.parts[i + 1])
  return reply.type('text/html; charset=utf-8').send(Buffer.concat(chunks))
}

/**
 * Only local paths may be used as redirect targets ("/x", never "//evil.example" or "https://..."), and what is
 * returned can always be sent in a Location header: characters a header cannot carry are percent-encoded.
 */
export function safeLocalPath(value: unknown, fallback = '/'): string {
  if (typeof value !== 'string' || value.length > 2000) return fallback
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback
  // Browsers drop tabs and newlines from a URL and read a backslash as a slash, so "/\t/evil" would become
  // "//evil": control characters (C0, DEL, C1) and backslashes are refused, not encoded. So are lone surrogates,
  // which have no UTF-8 form to encode.
  if (/[\u0000-\u001f\u007f-\u009f\\]|\p{Cs}/u.test(value)) return fallback
  // Spaces, U+2028, letters beyond ASCII: percent-encoded as UTF-8, as a browser would send them.
  return value.replace(/[^\x21-\x7e]+/gu, (text) => encodeURIComponent(text))
}

/** Tells a suspended member on every page why they cannot write, and until when. */
function suspensionNotice(request: FastifyRequest): string | null {
  const viewer = request.viewer
  if (!viewer || viewer.status !== 'suspended') return null
  if (viewer.suspendedUntil && viewer.suspendedUntil.getTime() <= Date.now()) return null
  const base = viewer.suspendedUntil
    ? request.t('moderation.notice.suspended_until', {
        // A calendar day, the same for every viewer (src/moderation/dates.ts).
        until: formatCalendarDay(dayOfEnd(viewer.suspendedUntil), request.locale),
      })
    : request.t('moderation.notice.suspended')
  return viewer.suspensionReason ? `${base} ${request.t('moderation.notice.reason')}: ${viewer.suspensionReason}` : base
}
