// Error factories with a status and a catalog key, and the one handler that turns any error into a page in the viewer's language.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Vars } from './i18n.js'
import { redactUrl } from './log-redaction.js'
import { localVars } from './local-numbers.js'

export class HttpError extends Error {
  /** `keptText`: what the person wrote, given back on the error page so that a refusal never loses it. */
  constructor(
    readonly statusCode: number,
    readonly messageKey: string,
    readonly vars?: Vars,
    readonly keptText?: string,
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
  const pageStatus = statusWithPage.has(status) ? status : status >= 500 ? 500 : 400
  const message = request.t(messageKey, vars && localVars(request.locale, vars))
  reply.code(status)
  if (request.headers.accept?.includes('application/json') && !request.headers.accept.includes('text/html')) {
    return reply.send({ error: status, message, requestId: request.id })
  }
  return reply.render('errors/error', {
    title: request.t(`error.${pageStatus}.title`),
    status,
    message,
    showLogin: status === 401,
    requestId: request.id,
    keptText: keptText ?? null,
  })
}

export function installErrorPages(app: FastifyInstance) {
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    // Every database connection busy for longer than the pool waits: overload, not a bug. The reader may try again.
    const overloaded = error.message === 'timeout exceeded when trying to connect'
    if (overloaded) reply.header('retry-after', '5')
    const status = overloaded ? 503 : error.statusCode && error.statusCode >= 400 ? error.statusCode : 500
    const url = redactUrl(request.url)
    if (status >= 500)
      request.log.error({ err: error, url, method: request.method, userId: request.viewer?.id }, 'request failed')
    else request.log.info({ code: error.code, status, url, method: request.method }, error.message)
    if (status === 429 && error instanceof HttpError === false)
      return renderErrorPage(request, reply, 429, 'error.429.message')
    if (error.code === 'FST_CSRF_INVALID_TOKEN' && request.cookies?.kring_sid && !request.viewer) {
      // The form was made for a login that has since expired or been ended elsewhere.
      return renderErrorPage(request, reply, 401, 'error.401.session_expired')
    }
    const key = overloaded ? 'error.503.message' : status >= 500 ? 'error.500.message' : messageKeyFor(error, status)
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      // The body was not read, so nothing of it can be given back; the page says how much Kring accepts.
      return renderErrorPage(request, reply, 413, key, { limit: Math.floor(app.config.bodyLimitBytes / 1024) })
    }
    if (error instanceof HttpError) return renderErrorPage(request, reply, status, key, error.vars, error.keptText)
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
