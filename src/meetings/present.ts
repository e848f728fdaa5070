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
