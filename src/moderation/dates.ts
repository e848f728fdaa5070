// Calendar days typed into moderation forms (a suspension's end, the log's date range), read strictly.

/** A real YYYY-MM-DD day (no 30 February, no month 13), or null. */
export function calendarDay(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return null
  const date = new Date(`${value}T00:00:00Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value ? value : null
}

/**
 * The last second of a day in a time zone: "until 15 June" as the admin who typed it means it. Taken as UTC, an
 * admin east of UTC would see the suspension end on the 16th on the very page where they chose the 15th.
 */
export function endOfDayIn(day: string, timeZone: string): Date {
  const asUtc = new Date(`${day}T23:59:59Z`)
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  })
  const parts = Object.fromEntries(format.formatToParts(asUtc).map((part) => [part.type, part.value]))
  const wallClock = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  )
  return new Date(asUtc.getTime() - (wallClock - asUtc.getTime()))
}
