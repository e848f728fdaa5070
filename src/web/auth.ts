// preHandlers that guard routes: who must be logged in, who must be an admin.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { databaseUnavailable, forbidden, unauthorized } from './errors.js'
import type { Viewer } from './viewer.js'

export async function requireUser(request: FastifyRequest, reply: FastifyReply) {
  if (request.viewer) return
  // Logged in, but the login cannot be read right now (database away): not a reason to send them to the login form.
  if (request.sessionUnreachable) throw databaseUnavailable()
  if (request.method === 'GET' || request.method === 'HEAD') {
    return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303)
  }
  // A POST without a login is usually a session that expired while the form was open.
  throw unauthorized('error.401.session_expired')
}

export async function requireAdmin(request: FastifyRequest, reply: FastifyReply) {
  await requireUser(request, reply)
  if (reply.sent) return
  if (request.viewer?.siteRole !== 'admin') throw forbidden()
}

/** The viewer of a route behind requireUser. */
export function viewerOf(request: FastifyRequest): Viewer {
  if (!request.viewer) throw unauthorized()
  return request.viewer
}
