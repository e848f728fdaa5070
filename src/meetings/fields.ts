// Reading and checking the meeting forms: limits, the organiser's time zone, end after start, the agenda through the Markdown module;
// action items and break-out rooms, the same whether added or edited.
import { isContentLanguage } from '../library/fields.js'
import { checkMarkdown } from '../markdown/render.js'
import { checkLength, markdownProblem, type FieldMessage, type FieldMessages } from '../web/limits.js'
import { field, fieldList, positiveInt } from '../web/params.js'
import { canonicalZone, zonedToUtc } from './zone-time.js'
import { parseDateInput, parseDateTimeInput } from '../web/time.js'
import { defaultLocale, type Locale } from '../web/i18n.js'
import { cleanLine, forbiddenCharactersMessage, lineProblem } from '../web/text-rules.js'

export const limits = {
  title: 200,
  topic: 500,
  url: 500,
  question: 2000,
  roomName: 100,
  notes: 16 * 1024,
  actionItem: 1000,
  cancelReason: 500,
}

export type FieldErrors = FieldMessages

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

/** Times typed in the viewer's locale (02/12/2026 14:00) are read as the datetime-local value they mean. */
export function readMeetingForm(body: unknown, locale: Locale = defaultLocale): MeetingInput {
  const local = (name: string) => {
    const raw = field(body, name).trim()
    return parseDateTimeInput(raw, locale) ?? raw
  }
  return {
    title: cleanLine(field(body, 'title')),
    topic: field(body, 'topic').trim(),
    themes: fieldList(body, 'themes'),
    starts_local: local('starts_at'),
    ends_local: local('ends_at'),
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
  const titleProblem = lineProblem(input.title)
  if (titleProblem === 'blank') errors.title = 'meetings.error.title_required'
  else if (titleProblem === 'characters') errors.title = forbiddenCharactersMessage
  else checkLength(errors, 'title', input.title, limits.title)
  checkLength(errors, 'topic', input.topic, limits.topic)
  const zone = canonicalZone(input.time_zone)
  const zoneKnown = zone !== null
  if (!zoneKnown) errors.time_zone = 'meetings.error.zone_unknown'
  const startsAt = zone ? zonedToUtc(input.starts_local, zone) : null
  const endsAt = zone ? zonedToUtc(input.ends_local, zone) : null
  if (zoneKnown && !startsAt) errors.starts_at = 'dates.error.datetime_invalid'
  if (zoneKnown && !endsAt) errors.ends_at = 'dates.error.datetime_invalid'
  if (startsAt && endsAt && endsAt.getTime() <= startsAt.getTime()) errors.ends_at = 'meetings.error.end_before_start'
  if (
    !checkLength(errors, 'online_url', input.online_url, limits.url) &&
    input.online_url !== '' &&
    !isHttpUrl(input.online_url)
  )
    errors.online_url = 'meetings.error.url_invalid'
  if (input.agenda_md.trim() !== '') {
    const agenda = checkMarkdown(input.agenda_md)
    if (!agenda.ok) errors.agenda = markdownProblem(agenda)
  }
  if (Object.keys(errors).length || !startsAt || !endsAt) return { data: null, errors }
  return {
    data: {
      title: input.title,
      topic: input.topic,
      startsAt,
      endsAt,
      timeZone: zone!,
      onlineUrl: input.online_url || null,
      agendaMd: input.agenda_md,
    },
    errors,
  }
}

// --- Action items and break-out rooms: one check for adding and for editing ------------------------------

/** A calendar date as a date input sends it; impossible days (February 31st) are refused. */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false
  const date = new Date(`${value}T00:00:00Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value
}

/** A person chosen from a select: '' is nobody; otherwise one of `allowed`, or undefined when it is not. */
export function chosenPerson(raw: string, allowed: ReadonlySet<number>): number | null | undefined {
  if (raw === '') return null
  const id = positiveInt(raw)
  return id !== null && allowed.has(id) ? id : undefined
}

export interface ActionItemInput {
  text: string
  owner: string
  due_on: string
}
export interface ActionItemData {
  text: string
  ownerId: number | null
  dueOn: string | null
}

export const readActionItemForm = (body: unknown, locale: Locale = defaultLocale): ActionItemInput => ({
  text: field(body, 'text').trim(),
  owner: field(body, 'owner'),
  due_on: ((raw) => parseDateInput(raw, locale) ?? raw)(field(body, 'due_on').trim()),
})

/** `people` are those who may own it: the community's active members. */
export function checkActionItem(
  input: ActionItemInput,
  people: ReadonlySet<number>,
): { data: ActionItemData | null; errors: FieldErrors } {
  const errors: FieldErrors = {}
  if (input.text === '') errors.text = 'meetings.error.item_text'
  else checkLength(errors, 'text', input.text, limits.actionItem)
  const ownerId = chosenPerson(input.owner, people)
  if (ownerId === undefined) errors.owner = 'meetings.error.not_a_member'
  if (input.due_on !== '' && !isCalendarDate(input.due_on)) errors.due_on = 'meetings.error.due_invalid'
  if (Object.keys(errors).length || ownerId === undefined) return { data: null, errors }
  return { data: { text: input.text, ownerId, dueOn: input.due_on || null }, errors }
}

export interface RoomInput {
  name: string
  language: string
  facilitator: string
  note_taker: string
}
export interface RoomData {
  name: string
  language: string
  facilitatorId: number | null
  noteTakerId: number | null
}

export const readRoomForm = (body: unknown): RoomInput => ({
  name: cleanLine(field(body, 'name')),
  language: field(body, 'language'),
  facilitator: field(body, 'facilitator'),
  note_taker: field(body, 'note_taker'),
})

export function checkRoom(
  input: RoomInput,
  people: ReadonlySet<number>,
): { data: RoomData | null; errors: FieldErrors } {
  const errors: FieldErrors = {}
  const nameProblem = lineProblem(input.name)
  if (nameProblem === 'blank') errors.name = 'meetings.error.room_name'
  else if (nameProblem === 'characters') errors.name = forbiddenCharactersMessage
  else checkLength(errors, 'name', input.name, limits.roomName)
  if (!isContentLanguage(input.language)) errors.language = 'meetings.error.language_unknown'
  const facilitatorId = chosenPerson(input.facilitator, people)
  if (facilitatorId === undefined) errors.facilitator = 'meetings.error.not_a_member'
  const noteTakerId = chosenPerson(input.note_taker, people)
  if (noteTakerId === undefined) errors.note_taker = 'meetings.error.not_a_member'
  if (Object.keys(errors).length || facilitatorId === undefined || noteTakerId === undefined)
    return { data: null, errors }
  return { data: { name: input.name, language: input.language, facilitatorId, noteTakerId }, errors }
}

/** The first problem, for the short forms on the meeting page that answer with an error page rather than the form again. */
export const firstError = (errors: FieldErrors, order: string[]): FieldMessage =>
  errors[order.find((name) => errors[name]) ?? Object.keys(errors)[0]]
