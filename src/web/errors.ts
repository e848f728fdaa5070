// Error factories with a status and a catalog key, and the one handler that turns any error into a page in the viewer's language.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { describeUnavailable, isDatabaseUnavailable } from '../db/unavailable.js'
import type { Vars } from './i18n.js'
import { redactUrl } from './log-redaction.js'
import { localVars } from './local-numbers.js'
import { pageContext } from './view.js'

export class HttpError extends Error {
  /** `keptText`: what the person wrote, given back on the error page so that a refusal never loses it. */
  constructor(
    readonly statusCode: number,
    readonly messageKey: string,
    readonly vars?: Vars,
    readonly keptText?: string,
    /** For a 503: when to try again, sent as Retry-After. */
    readonly retryAfterSeconds?: number,
  ) {
    super(messageKey)
  }
}

export const badRequest = (key = 'error.400.message', vars?: Vars) => new HttpError(400, key, vars)
export const unauthorized = (key = 'error.401.message') => new HttpError(401, key)
export const forbidden = (key = 'error.403.message', vars?: Vars) => new HttpError(403, key, vars)
export const notFound = (key = 'error.404.message') => new HttpError(404, key)
export const conflict = (key: string, vars?: Vars) => new HttpError(409, key, vars)
export const tooManyRequests = (key = 'error.429.message', vars?: Vars) => new HttpError(429, key, vars)
/** The database cannot be reached: the 503 page, with what the person wrote given back. */
export const databaseUnavailable = (keptText?: string) => new HttpError(503, 'error.503.database', undefined, keptText)

/** Seconds a client is asked to wait before trying again while the database is away: a restart takes about this long. */
export const databaseRetryAfterSeconds = 30

/** Fields a form never gives back: tokens, versions, keys, passwords. */
const notKept = /^(_csrf|version|submission_key|next|password.*|current_password|new_password)$/

/**
 * What a person wrote in a form that could not be saved, to give back on the error page: the longest text field
 * (the reply, the article body), since the page has room for one.
 */
export function keptTextOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined
  let kept: string | undefined
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (notKept.test(name) || typeof value !== 'string' || value.trim() === '') continue
    if (kept === undefined || value.length > kept.length) kept = value
  }
  return kept
}

const statusWithPage = new Set([400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 503])

/** Maps Fastify's and its plugins' own error codes to messages a person can act on. */
function messageKeyFor(error: FastifyError, status: number): string {
  if (error instanceof HttpError) return error.messageKey
  switch (error.code) {
    case 'FST_CSRF_INVALID_TOKEN':
    case 'FST_CSRF_MISSING_SECRET':
      return 'error.csrf.message'
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'error.413.message'
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return 'error.415.message'
  }
  if (error.validation) return 'error.validation.message'
  return `error.${statusWithPage.has(status) ? status : status >= 500 ? 500 : 400}.message`
}

export async function renderErrorPage(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  messageKey: string,
  vars?: Vars,
  keptText?: string,
) {
  reply.code(status)
  try {
    const pageStatus = statusWithPage.has(status) ? status : status >= 500 ? 500 : 400
    const message = request.t(messageKey, vars && localVars(request.locale, vars))
    if (request.headers.accept?.includes('application/json') && !request.headers.accept.includes('text/html')) {
      return reply.send({ error: status, message, requestId: request.id })
    }
    // Rendered here rather than through reply.render, which would hand a failure to Fastify's own handler: a JSON
    // body with the error's message and without the request id.
    const html = await reply.viewAsync('errors/error', {
      ...pageContext(request, reply),
      title: request.t(`error.${pageStatus}.title`),
      status,
      message,
      showLogin: status === 401,
      requestId: request.id,
      keptText: keptText ?? null,
      // A 503 refused nothing: the text may be sent again as it is, once Kring answers.
      keptLabel: request.t(status === 503 ? 'form.kept_text_retry' : 'form.kept_text'),
    })
    return reply.type('text/html; charset=utf-8').send(html)
  } catch (pageError) {
    request.log.error({ err: pageError, status }, 'the error page could not be built; answered a plain one')
    return reply
      .code(status >= 500 ? status : 500)
      .type('text/plain; charset=utf-8')
      .send(`Kring could not show this page (error ${status >= 500 ? status : 500}). Request id: ${request.id}\n`)
  }
}

export function installErrorPages(app: FastifyInstance) {
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const url = redactUrl(request.url)
    if (isDatabaseUnavailable(error) || (error instanceof HttpError && error.messageKey === 'error.503.database')) {
      // PostgreSQL restarting, failing over or out of connections: not a bug, so a warning without a stack, and a page
      // that tells the reader to come back; what they wrote is given back. The pool reconnects by itself.
      reply.header('retry-after', String(databaseRetryAfterSeconds))
      request.log.warn(
        {
          ...(error instanceof HttpError ? { reason: 'the login could not be read' } : describeUnavailable(error)),
          url,
          method: request.method,
          userId: request.viewer?.id,
        },
        'the database is unavailable; answered 503',
      )
      const kept =
        error instanceof HttpError ? error.keptText : request.method === 'POST' ? keptTextOf(request.body) : undefined
      const key = error instanceof HttpError ? error.messageKey : 'error.503.database'
      return renderErrorPage(request, reply, 503, key, undefined, kept)
    }
    if (error instanceof HttpError && error.statusCode === 503) {
      // Refused on purpose (too busy right now): the reader is told when to come back, and nothing is broken.
      if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds))
      request.log.warn({ url, method: request.method, key: error.messageKey }, 'answered 503')
      return renderErrorPage(request, reply, 503, error.messageKey, error.vars, error.keptText)
    }
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500
    if (status >= 500)
      request.log.error({ err: error, url, method: request.method, userId: request.viewer?.id }, 'request failed')
    else request.log.info({ code: error.code, status, url, method: request.method }, error.message)
    if (status === 429 && error instanceof HttpError === false)
      return renderErrorPage(request, reply, 429, 'error.429.message')
    if (error.code === 'FST_CSRF_INVALID_TOKEN' && request.cookies?.kring_sid && !request.viewer) {
      // The form was made for a login that has since expired or been ended elsewhere.
      return renderErrorPage(request, reply, 401, 'error.401.session_expired')
    }
    const key = status >= 500 ? 'error.500.message' : messageKeyFor(error, status)
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      // The body was not read, so nothing of it can be given back; the page says how much Kring accepts.
      return renderErrorPage(request, reply, 413, key, { limit: Math.floor(app.config.bodyLimitBytes / 1024) })
    }
    if (error instanceof HttpError) return renderErrorPage(request, reply, status, key, error.vars, error.keptText)
    // A form from another login (one opened while the database was away is a visitor's): what was written stays.
    if (error.code === 'FST_CSRF_INVALID_TOKEN' && request.method === 'POST')
      return renderErrorPage(request, reply, status, key, undefined, keptTextOf(request.body))
    return renderErrorPage(request, reply, status, key)
  })

  app.setNotFoundHandler(async (request, reply) => {
    // A known address asked with a method it does not take (PUT /t/1, PROPFIND /): say which ones it does.
    // A GET for an action's address (GET /logout) stays a page that does not exist.
    const allowed = request.method === 'GET' || request.method === 'HEAD' ? [] : allowedMethods(app, request.url)
    if (allowed.length === 0) return renderErrorPage(request, reply, 404, 'error.404.message')
    reply.header('allow', allowed.join(', '))
    return renderErrorPage(request, reply, 405, 'error.405.message')
  })
}

const pageMethods = ['GET', 'HEAD', 'POST'] as const

function allowedMethods(app: FastifyInstance, url: string): string[] {
  const queryAt = url.indexOf('?')
  const path = queryAt === -1 ? url : url.slice(0, queryAt)
  return pageMethods.filter((method) => app.findRoute({ method, url: path }) !== null)
}
