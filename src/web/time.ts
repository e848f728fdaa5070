// Dates are stored in UTC and shown in the viewer's time zone.
import type { Locale } from './i18n.js'

const validZones = new Set<string>(['UTC', ...Intl.supportedValuesOf('timeZone')])

export function isTimeZone(value: unknown): value is string {
  return typeof value === 'string' && validZones.has(value)
}

export function timeZones(): string[] {
  return [...validZones].sort()
}

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(locale: Locale, timeZone: string, style: 'datetime' | 'date'): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${style}`
  let found = formatters.get(key)
  if (!found) {
    const options: Intl.DateTimeFormatOptions =
      style === 'date' ? { dateStyle: 'medium', timeZone } : { dateStyle: 'medium', timeStyle: 'short', timeZone }
    found = new Intl.DateTimeFormat(intlLocale(locale), options)
    formatters.set(key, found)
  }
  return found
}

export function formatDateTime(
  value: Date | string,
  locale: Locale,
  timeZone: string,
  style: 'datetime' | 'date' = 'datetime',
): string {
  const date = value instanceof Date ? value : new Date(value)
  if (Number.isNaN(date.getTime())) return ''
  return formatter(locale, isTimeZone(timeZone) ? timeZone : 'UTC', style).format(date)
}

// --- Date inputs: a browser without a date picker shows a text field, so people type the date as they write it.

interface DatePattern {
  order: ('day' | 'month' | 'year')[]
  separator: string
}
const datePatterns = new Map<string, DatePattern>()

/** How the locale writes a numeric date: 25/11/2026 in en-GB and fr, 25-11-2026 in nl, 25.11.2026 in de. */
function datePattern(locale: Locale): DatePattern {
  let pattern = datePatterns.get(locale)
  if (!pattern) {
    const parts = new Intl.DateTimeFormat(intlLocale(locale), {
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
      timeZone: 'UTC',
    }).formatToParts(new Date(Date.UTC(2026, 10, 25)))
    pattern = {
      order: parts
        .map((part) => part.type)
        .filter((type): type is 'day' | 'month' | 'year' => type === 'day' || type === 'month' || type === 'year'),
      separator: parts.find((part) => part.type === 'literal')?.value.trim() || '/',
    }
    datePatterns.set(locale, pattern)
  }
  return pattern
}

function intlLocale(locale: Locale): string {
  return locale === 'en' ? 'en-GB' : locale
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0')

function isoDay(year: number, month: number, day: number): string | null {
  if (year < 1000 || year > 9999 || month < 1 || month > 12 || day < 1 || day > 31) return null
  const date = new Date(Date.UTC(year, month - 1, day))
  return date.getUTCDate() === day ? `${year}-${pad(month)}-${pad(day)}` : null
}

/**
 * A calendar day (an action item's due date, "2026-11-25") in the reader's words: formatted at noon UTC in UTC so
 * it is the same day whatever the zone. Anything that is no day is returned as it is.
 */
export function formatCalendarDate(value: string | Date, locale: Locale): string {
  const day =
    value instanceof Date
      ? `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}`
      : String(value).slice(0, 10)
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return String(value)
  return formatDateTime(`${day}T12:00:00Z`, locale, 'UTC', 'date')
}

/**
 * A date as a date input sends it (2026-11-25) or as the viewer types it in their locale (25/11/2026 in French,
 * 25-11-2026 in Dutch, 25.11.2026 in German): the ISO day, or null when it is no real date.
 */
export function parseDateInput(value: string, locale: Locale): string | null {
  const text = value.trim()
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text)
  if (iso) return isoDay(Number(iso[1]), Number(iso[2]), Number(iso[3]))
  const { order, separator } = datePattern(locale)
  const local = text.split(separator)
  if (local.length !== 3 || !local.every((part) => /^\d{1,4}$/.test(part))) return null
  const parts: Record<string, number> = {}
  order.forEach((type, index) => (parts[type] = Number(local[index])))
  return isoDay(parts.year, parts.month, parts.day)
}

/**
 * A date and time as a datetime-local input sends it (2026-12-02T14:00) or as typed in the locale
 * (02/12/2026 14:00, 02/12/2026 14h00, 02.12.2026 14.00): "2026-12-02T14:00", or null.
 */
export function parseDateTimeInput(value: string, locale: Locale): string | null {
  const m = /^(.+?)(?:T|,?\s+(?:à\s+|om\s+|um\s+|at\s+)?)(\d{1,2})[:.h](\d{2})(?:\s*(?:h|uur|Uhr))?$/i.exec(
    value.trim(),
  )
  if (!m) return null
  const day = parseDateInput(m[1], locale)
  const hour = Number(m[2])
  const minute = Number(m[3])
  if (!day || hour > 23 || minute > 59) return null
  return `${day}T${pad(hour)}:${pad(minute)}`
}
