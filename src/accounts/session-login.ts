// Starting a login session, shared by the login form, the password change and the verification link.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { rotateCsrfSecret } from '../web/view.js'

export async function logIn(request: FastifyRequest, reply: FastifyReply, userId: number) {
  // A fresh id and a fresh CSRF secret at login, so neither a session id planted before it nor a form token taken
  // before an earlier logout is worth anything after it.
  await request.session.regenerate()
  rotateCsrfSecret(request, reply)
  request.session.userId = userId
  request.session.loggedInAt = Date.now()
  request.session.idleEndsAt = Date.now() + request.server.config.session.idleMs
  request.session.seenOn = new Date().toISOString().slice(0, 10)
}
