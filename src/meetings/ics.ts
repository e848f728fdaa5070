// iCalendar (RFC 5545) output for meetings: escaped text, lines folded at 75 octets, CRLF endings.
import { headerText } from '../mail/header-text.js'

export interface IcsEvent {
  uid: string
  start: Date
  end: Date
  stamp: Date
  summary: string
  description: string
  url: string
  location: string | null
  /** Raised on every change; a calendar app replaces its copy only when this is higher (RFC 5545 §3.8.7.4). */
  sequence: number
  /** A cancelled event stays in the feed with STATUS:CANCELLED, so subscribed calendars remove it instead of keeping it. */
  cancelled: boolean
  /** For invitations by email (iTIP, RFC 5546): who organises and whom it is sent to. */
  organizer?: { name: string; email: string }
  attendee?: string
}

/** PUBLISH for feeds; REQUEST and CANCEL for invitations, updates and cancellations sent by email. */
export type IcsMethod = 'PUBLISH' | 'REQUEST' | 'CANCEL'

/** A parameter value (CN=...): quoted, and without the characters a quoted value may not hold (RFC 5545 §3.2). */
const paramText = (value: string) => `"${headerText(value, 100).replace(/"/g, "'")}"`

/** TEXT values: backslash, semicolon, comma and newlines are escaped (RFC 5545 §3.3.11). */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n')
}

/** Folds a content line so no line exceeds 75 octets, never splitting a UTF-8 character (§3.1). */
export function foldLine(line: string): string {
  const out: string[] = []
  let current = ''
  let octets = 0
  let limit = 75
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8')
    if (octets + size > limit) {
      out.push(current)
      current = ''
      octets = 0
      limit = 74 // continuation lines start with a space, which counts
    }
    current += char
    octets += size
  }
  out.push(current)
  return out.join('\r\n ')
}

const stamp = (date: Date) =>
  date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')

export function calendar(name: string, events: IcsEvent[], method: IcsMethod = 'PUBLISH'): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Kring//Meetings//EN',
    'CALSCALE:GREGORIAN',
    `METHOD:${method}`,
    `X-WR-CALNAME:${escapeText(name)}`,
  ]
  for (const event of events) {
    lines.push(
      'BEGIN:VEVENT',
      `UID:${event.uid}`,
      `DTSTAMP:${stamp(event.stamp)}`,
      `SEQUENCE:${event.sequence}`,
      `DTSTART:${stamp(event.start)}`,
      `DTEND:${stamp(event.end)}`,
      `SUMMARY:${escapeText(event.summary)}`,
      `DESCRIPTION:${escapeText(event.description)}`,
      `URL:${event.url}`,
    )
    if (event.location) lines.push(`LOCATION:${escapeText(event.location)}`)
    if (event.organizer) lines.push(`ORGANIZER;CN=${paramText(event.organizer.name)}:mailto:${event.organizer.email}`)
    if (event.attendee) lines.push(`ATTENDEE;ROLE=REQ-PARTICIPANT;RSVP=FALSE:mailto:${event.attendee}`)
    if (event.cancelled) lines.push('STATUS:CANCELLED')
    lines.push('END:VEVENT')
  }
  lines.push('END:VCALENDAR')
  return lines.map(foldLine).join('\r\n') + '\r\n'
}
