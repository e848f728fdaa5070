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
    found = new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : locale, options)
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
