// Wall-clock times in a named time zone ↔ UTC instants, for meetings planned in the organiser's zone.
import { isTimeZone } from '../web/time.js'

const localPattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/

function offsetMs(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant))
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value)
  return (
    Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) -
    Math.floor(instant / 1000) * 1000
  )
}

/** A known IANA zone in the spelling this runtime lists (Asia/Kolkata may be listed as Asia/Calcutta); null when unknown. */
export function canonicalZone(value: string): string | null {
  if (isTimeZone(value)) return value
  if (!/^[A-Za-z]+(?:\/[A-Za-z0-9_+-]+)+$/.test(value)) return null
  try {
    const resolved = new Intl.DateTimeFormat('en', { timeZone: value }).resolvedOptions().timeZone
    return isTimeZone(resolved) ? resolved : null
  } catch {
    return null
  }
}

/** "2026-12-02T14:00" in Europe/Amsterdam → the UTC instant; null for malformed input or an unknown zone. */
export function zonedToUtc(local: string, timeZone: string): Date | null {
  const m = localPattern.exec(local)
  const zone = canonicalZone(timeZone)
  if (!m || !zone) return null
  const [year, month, day, hour, minute] = m.slice(1).map(Number)
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) return null
  const wall = Date.UTC(year, month - 1, day, hour, minute)
  if (new Date(wall).getUTCDate() !== day) return null
  // Two passes settle the offset on either side of a daylight-saving change.
  let instant = wall - offsetMs(wall, zone)
  instant = wall - offsetMs(instant, zone)
  return new Date(instant)
}

/** The instant as the value of an <input type="datetime-local"> in the zone. */
export function utcToZonedInput(date: Date, timeZone: string): string {
  const shifted = new Date(date.getTime() + offsetMs(date.getTime(), timeZone))
  return shifted.toISOString().slice(0, 16)
}
