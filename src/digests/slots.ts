// When a member's digest is due: at digest_hour on the wall clock of their own time zone, every day (daily) or on
// digest_weekday (weekly). The slot is named by the member's local date, so it runs once whatever the clock says
// later, and the latest slot at or before `now` is the one due: after downtime one digest catches up on all of it.
import { zonedToUtc } from '../meetings/zone-time.js'
import { isTimeZone } from '../web/time.js'

export type DigestFrequency = 'daily' | 'weekly'

export const periodMs: Record<DigestFrequency, number> = { daily: 24 * 3600_000, weekly: 7 * 24 * 3600_000 }

export interface DigestSlot {
  /** The member's local date of the slot, e.g. 2026-12-07: the slot's name. */
  localDate: string
  /** The instant it is due. */
  at: Date
}

const dateFormats = new Map<string, Intl.DateTimeFormat>()

function localDateOf(instant: Date, timeZone: string): string {
  let format = dateFormats.get(timeZone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
    dateFormats.set(timeZone, format)
  }
  return format.format(instant)
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

/** ISO weekday of a calendar date: 1 = Monday … 7 = Sunday. */
function isoWeekday(date: string): number {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay()
  return day === 0 ? 7 : day
}

function slotOn(date: string, hour: number, timeZone: string): DigestSlot | null {
  const at = zonedToUtc(`${date}T${String(hour).padStart(2, '0')}:00`, timeZone)
  return at ? { localDate: date, at } : null
}

/** The latest slot at or before `now` for these settings (one lookup per distinct setting: see SlotCache). */
export function latestSlot(
  frequency: DigestFrequency,
  now: Date,
  timeZone: string | null,
  hour: number,
  weekday: number,
): DigestSlot | null {
  const zone = timeZone && isTimeZone(timeZone) ? timeZone : 'UTC'
  const today = localDateOf(now, zone)
  for (let back = 0; back <= 8; back++) {
    const date = addDays(today, -back)
    if (frequency === 'weekly' && isoWeekday(date) !== weekday) continue
    const slot = slotOn(date, hour, zone)
    if (slot && slot.at.getTime() <= now.getTime()) return slot
  }
  return null
}

/** Members share a few settings: each distinct (frequency, zone, hour, weekday) is worked out once per run. */
export class SlotCache {
  private readonly known = new Map<string, DigestSlot | null>()
  constructor(private readonly now: Date) {}

  get(frequency: DigestFrequency, timeZone: string | null, hour: number, weekday: number): DigestSlot | null {
    const key = `${frequency}|${timeZone}|${hour}|${frequency === 'weekly' ? weekday : 0}`
    if (!this.known.has(key)) this.known.set(key, latestSlot(frequency, this.now, timeZone, hour, weekday))
    return this.known.get(key)!
  }
}
