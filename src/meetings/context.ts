// Loads a meeting for the viewer through its community, so an unreadable community hides its meetings (404).
import type { FastifyRequest } from 'fastify'
import { communityForViewer } from '../communities/access.js'
import type { Db } from '../db/connect.js'
import { invitedMembership } from '../guests/access.js'
import { notFound } from '../web/errors.js'
import { pathId } from '../web/params.js'
import { findMeeting } from './queries.js'

export async function meetingForViewer(db: Db, request: FastifyRequest, rawId: unknown) {
  const meeting = await findMeeting(db, pathId(rawId))
  if (!meeting) throw notFound()
  // A guest invited to this meeting reads it and takes part as a member would.
  const guest = await invitedMembership(db, request, { meetingId: meeting.id })
  const context = await communityForViewer(db, request, meeting.community_slug, guest)
  return { meeting, ...context }
}
