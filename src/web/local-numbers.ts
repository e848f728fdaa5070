// Numbers in a message as its reader writes them: 65,536 in English, 65.536 in Dutch.
import type { Vars } from './i18n.js'

const formats = new Map<string, Intl.NumberFormat>()

export function localVars(locale: string, vars: Vars): Vars {
  let format = formats.get(locale)
  if (!format) formats.set(locale, (format = new Intl.NumberFormat(locale)))
  // `count` stays a number: it chooses the plural form of the message.
  return Object.fromEntries(
    Object.entries(vars).map(([name, value]) => [
      name,
      typeof value === 'number' && name !== 'count' ? format.format(value) : value,
    ]),
  )
}
