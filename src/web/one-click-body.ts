// RFC 8058 asks mail clients to send their one-click unsubscribe POST as multipart/form-data. Outside the profile
// picture upload (src/people/settings-routes.ts, which has the real parser in its own scope) Kring has no multipart
// form, so this parser reads only that one field: every other field of such a body is dropped, which leaves any other
// route's form without its CSRF token (refused) and the one-click routes with what they read.
import type { FastifyInstance } from 'fastify'

/** Whether a multipart body carries the field `List-Unsubscribe` with the value `One-Click`. */
function oneClickField(body: string): boolean {
  return /name="?List-Unsubscribe"?\r?\n(?:[^\r\n]+\r?\n)*\r?\nOne-Click\r?\n/i.test(body)
}

export function installOneClickBody(app: FastifyInstance) {
  app.addContentTypeParser('multipart/form-data', { parseAs: 'string', bodyLimit: 4096 }, (_request, body, done) =>
    done(null, oneClickField(String(body)) ? { 'List-Unsubscribe': 'One-Click' } : {}),
  )
}
