// Previews: each renders a whole text (up to 64 KB of Markdown) and stores nothing, so nothing else bounds them.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { field } from './params.js'

/** Previews a member may ask for per minute: far more than anyone checking a text they write. */
export const previewsPerMinute = 30

/**
 * A route module's preview limiter, one counter per member (per address without a session). `always` is for the
 * preview endpoint; `whenPreviewing` for a form's route, counted only when its Preview button sent it. A route that
 * already has a limit (starting a thread, replying) counts previews against that one instead.
 */
export function previewLimiter(app: FastifyInstance) {
  const always = app.rateLimit({
    max: previewsPerMinute,
    timeWindow: 60_000,
    keyGenerator: (request: FastifyRequest) => `preview:${request.viewer?.id ?? request.ip}`,
  })
  const whenPreviewing = async (request: FastifyRequest, reply: FastifyReply) => {
    if (field(request.body, 'preview')) await always.call(app, request, reply)
  }
  return { always, whenPreviewing }
}
