// Meeting rows → view models: the time in the viewer's zone with the organiser's beside it.
import type { FastifyRequest } from 'fastify'
import { formatDateTime } from '../web/time.js'

export function zoneLabel(timeZone: string, date: Date, locale: string): string {
  const part = new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : locale, { timeZone, timeZoneName: 'short' })
    .formatToParts(date)
    .find((p) => p.type === 'timeZoneName')
  return part ? `${timeZone.replace(/_/g, ' ')}, ${part.value}` : timeZone
}

/** The organiser's time, shown beside the viewer's when their zones differ. */
export function organiserTime(request: FastifyRequest, meeting: { starts_at: Date; ends_at: Date; time_zone: string }) {
  const sameZone = meeting.time_zone === request.timeZone
  return {
    sameZone,
    organiserStart: formatDateTime(meeting.starts_at, request.locale, meeting.time_zone),
    organiserEnd: formatDateTime(meeting.ends_at, request.locale, meeting.time_zone),
    organiserZone: zoneLabel(meeting.time_zone, meeting.starts_at, request.locale),
    viewerZone: zoneLabel(request.timeZone, meeting.starts_at, request.locale),
  }
}

export interface Crumb {
  label: string
  href?: string
}

/** Communities › community › Meetings › meeting [› …]: the trail the layout renders above a meeting's pages. */
export function meetingCrumbs(
  request: FastifyRequest,
  community: { slug: string; name: string },
  meeting?: { id: number; title: string },
  ...more: Crumb[]
): Crumb[] {
  const trail: Crumb[] = [
    { label: request.t('communities.directory.title'), href: '/communities' },
    { label: community.name, href: `/c/${community.slug}` },
    { label: request.t('meetings.list.heading'), href: `/c/${community.slug}/meetings` },
  ]
  if (meeting) trail.push({ label: meeting.title, href: `/meetings/${meeting.id}` })
  trail.push(...more)
  // The last crumb is the page itself: no link.
  const last = trail[trail.length - 1]
  trail[trail.length - 1] = { label: last.label }
  return trail
}

/** A meeting whose time has passed is held: its record stays, attending and upvoting are over. */
export const isHeld = (meeting: { ends_at: Date }, now = Date.now()) => meeting.ends_at.getTime() <= now
