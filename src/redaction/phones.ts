// Phone numbers, national and international, validated by libphonenumber-js for the community's countries.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max'
import type { Finding } from './types.js'

export const defaultCountries: CountryCode[] = ['BE', 'NL', 'FR', 'DE', 'GB']

// A run of digits with the separators people write between them; libphonenumber-js decides whether it is a number.
const candidate = /(?<![\w+@.-])(?:\+|00)?\(?\d[\d ().\-/]{6,40}\d(?![\w@]|[.-]\d)/g

function valid(text: string, countries: CountryCode[]): boolean {
  const digits = text.replace(/\D/g, '')
  if (digits.length < 8 || digits.length > 15) return false
  // A date (12.03.2015, 2015-03-12) or a year range is not a phone number.
  if (/^\d{1,4}[./-]\d{1,2}[./-]\d{2,4}$/.test(text) || /^\d{4} ?[-/] ?\d{4}$/.test(text)) return false
  const international = text.startsWith('+') || text.startsWith('00')
  for (const country of international ? [undefined] : countries) {
    const number = parsePhoneNumberFromString(text.startsWith('00') ? `+${text.slice(2)}` : text, country)
    if (number?.isValid()) return true
  }
  return false
}

export function findPhones(text: string, countries: CountryCode[] = defaultCountries): Finding[] {
  const found: Finding[] = []
  for (const m of text.matchAll(candidate)) {
    // The digit groups of the run; the longest valid stretch from each group on is a number ("0470 12 34 56 / 09 223
    // 45 67" holds two, "born 04/05/1944. 06 12 34 56 78" holds one after a date).
    const groups = [...m[0].matchAll(/\+?\(?\d+\)?/g)].map((g) => ({
      start: m.index + g.index,
      end: m.index + g.index + g[0].length,
    }))
    for (let i = 0; i < groups.length;) {
      let taken = 0
      for (let j = Math.min(groups.length - 1, i + 7); j >= i && !taken; j--) {
        const span = text.slice(groups[i]!.start, groups[j]!.end)
        if (/\.\s|\s\/|\/\s/.test(span) || !valid(span, countries)) continue
        found.push({ kind: 'phone', text: span, start: groups[i]!.start, end: groups[j]!.end })
        taken = j - i + 1
      }
      i += taken || 1
    }
  }
  return found
}
