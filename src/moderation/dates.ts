// Calendar days typed into moderation forms (a suspension's end, the log's date range), read strictly.
import type { Locale } from '../web/i18n.js'
import { formatDateTime } from '../web/time.js'

/** A real YYYY-MM-DD day (no 30 February, no month 13), or null. */
export function calendarDay(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return null
  const date = new Date(`${value}T00:00:00Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value ? value : null
}

/**
 * A suspension "until 15 June" ends when the 15th has ended everywhere on Earth (UTC−12, "anywhere on Earth"), and is
 * shown as that calendar day to every viewer: read in their own time zone, an instant would be the 15th in Los Angeles
 * and the 16th in Auckland.
 */
const hoursBehindUtcOfLastZone = 12

export function endOfDayEverywhere(day: string): Date {
  return new Date(Date.parse(`${day}T23:59:59Z`) + hoursBehindUtcOfLastZone * 3600_000)
}

/** The calendar day an end stored by endOfDayEverywhere stands for. */
export function dayOfEnd(end: Date): string {
  return new Date(end.getTime() - hoursBehindUtcOfLastZone * 3600_000).toISOString().slice(0, 10)
}

/** A calendar day (YYYY-MM-DD) in the viewer's language, the same day whatever their time zone. */
export function formatCalendarDay(day: string, locale: Locale): string {
  return formatDateTime(new Date(`${day}T12:00:00Z`), locale, 'UTC', 'date')
}
