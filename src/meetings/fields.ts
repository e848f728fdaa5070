// Reading and checking the meeting form: limits, the organiser's time zone, end after start, the agenda through the Markdown module.
import { checkMarkdown } from '../markdown/render.js'
import { field, fieldList } from '../web/params.js'
import { canonicalZone, zonedToUtc } from './zone-time.js'

export const limits = { title: 200, topic: 500, url: 500, question: 2000, roomName: 100, notes: 16 * 1024, actionItem: 1000, cancelReason: 500 }

export type FieldErrors = Record<string, string>

export interface MeetingInput {
  title: string
  topic: string
  themes: string[]
  starts_local: string
  ends_local: string
  time_zone: string
  online_url: string
  agenda_md: string
}

export interface MeetingData {
  title: string
  topic: string
  startsAt: Date
  endsAt: Date
  timeZone: string
  onlineUrl: string | null
  agendaMd: string
}

export function readMeetingForm(body: unknown): MeetingInput {
  return {
    title: field(body, 'title').trim(),
    topic: field(body, 'topic').trim(),
    themes: fieldList(body, 'themes'),
    starts_local: field(body, 'starts_at').trim(),
    ends_local: field(body, 'ends_at').trim(),
    time_zone: field(body, 'time_zone').trim(),
    online_url: field(body, 'online_url').trim(),
    agenda_md: field(body, 'agenda'),
  }
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value)
    return url.protocol === 'https:' || url.protocol === 'http:'
  } catch {
    return false
  }
}

export function checkMeeting(input: MeetingInput): { data: MeetingData | null; errors: FieldErrors } {
  const errors: FieldErrors = {}
  if (input.title === '') errors.title = 'meetings.error.title_required'
  else if (input.title.length > limits.title) errors.title = 'meetings.error.title_too_long'
  if (input.topic.length > limits.topic) errors.topic = 'meetings.error.topic_too_long'
  const zone = canonicalZone(input.time_zone)
  const zoneKnown = zone !== null
  if (!zoneKnown) errors.time_zone = 'meetings.error.zone_unknown'
  const startsAt = zone ? zonedToUtc(input.starts_local, zone) : null
  const endsAt = zone ? zonedToUtc(input.ends_local, zone) : null
  if (zoneKnown && !startsAt) errors.starts_at = 'meetings.error.time_invalid'
  if (zoneKnown && !endsAt) errors.ends_at = 'meetings.error.time_invalid'
  if (startsAt && endsAt && endsAt.getTime() <= startsAt.getTime()) errors.ends_at = 'meetings.error.end_before_start'
  if (input.online_url !== '' && (input.online_url.length > limits.url || !isHttpUrl(input.online_url))) errors.online_url = 'meetings.error.url_invalid'
  if (input.agenda_md.trim() !== '') {
    const agenda = checkMarkdown(input.agenda_md)
    if (!agenda.ok) errors.agenda = `markdown.error.${agenda.reason}`
  }
  if (Object.keys(errors).length || !startsAt || !endsAt) return { data: null, errors }
  return {
    data: { title: input.title, topic: input.topic, startsAt, endsAt, timeZone: zone!, onlineUrl: input.online_url || null, agendaMd: input.agenda_md },
    errors,
  }
}
