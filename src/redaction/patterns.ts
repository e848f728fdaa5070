// Personal data found by its shape, in English, Dutch, French and German: emails, street addresses and postcodes,
// dates of birth, ages tied to a person, schools and care homes (a small gazetteer of their naming patterns).
import { matchAll, type Finding } from './types.js'

const U = '\\p{Lu}'
const L = "[\\p{L}'’-]"
/** One to four capitalised words, allowing the small words that sit inside place and street names. */
const properName = `${U}${L}*(?:[ -](?:(?:de|la|le|les|du|des|het|van|der|den|am|an|im|zum|zur|of|the|St\\.|Sint|Sainte?|l'|d')[ -]?)*${U}${L}*){0,3}`

export function findEmails(text: string): Finding[] {
  return matchAll(
    text,
    /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu,
    'email',
  )
}

const houseNumber = '\\d{1,4}(?:\\s?[a-zA-Z]\\b|\\s?(?:bis|ter)\\b)?(?:\\s?(?:bus|bte|boîte|/)\\s?\\d{1,4})?'
const streetPatterns = [
  // Dutch and Flemish: Kerkstraat 12, Grote Markt 3, Vlaamse Steenweg 8 bus 2
  `(?:${U}${L}*\\s)?${U}?\\p{Ll}*(?:straat|laan|weg|plein|dreef|steenweg|gracht|kade|singel|lei|baan|dijk|markt|hof|pad|veld|berg|dam)\\s${houseNumber}`,
  // German: Hauptstraße 5, Berliner Str. 12a, Am Markt 3
  `(?:${U}${L}*\\s)?${U}?\\p{Ll}*(?:straße|strasse|str\\.|gasse|allee|platz|ring|damm|ufer|chaussee)\\s${houseNumber}`,
  // French: 12 rue de la Paix, 3 bis avenue Victor Hugo
  `\\d{1,4}(?:\\s?(?:bis|ter))?,?\\s(?:rue|avenue|av\\.|boulevard|bd|place|allée|chemin|impasse|quai|route|cours|square)\\s(?:(?:de|du|des|la|le|les|d'|l')\\s?)*${properName}`,
  // English: 12 High Street, 4 Elm Close, 221b Baker St.
  `\\d{1,4}[a-z]?,?\\s(?:${U}${L}*\\s){1,3}(?:Street|St\\.|Road|Rd\\.?|Avenue|Ave\\.?|Lane|Close|Drive|Way|Place|Crescent|Gardens|Terrace|Grove|Court|Square|Mews)\\b`,
]
const postcodePatterns = [
  // 1234 AB (Dutch), SW1A 1AA (British), then 4 or 5 digits followed by a place name (B-9000 Gent, 75002 Paris)
  `\\b\\d{4}\\s?[A-Z]{2}\\b(?:\\s${properName})?`,
  `\\b[A-Z]{1,2}\\d[A-Z\\d]?\\s\\d[A-Z]{2}\\b`,
  `\\b(?:[BFD]-|L-)?\\d{4,5}\\s(?!(?:and|en|et|und|to|tot|à|bis)\\b)${U}\\p{Ll}${L}*(?:[ -](?:sur|sous|en|am|an der|aan den?)?[ -]?${U}${L}*)?`,
]
const streets = new RegExp(streetPatterns.join('|'), 'gu')
const postcodes = new RegExp(postcodePatterns.join('|'), 'gu')

export function findAddresses(text: string): Finding[] {
  const parts = [...matchAll(text, streets, 'address'), ...matchAll(text, postcodes, 'address')]
    .filter((f) => !/^\d{4}\s(?:[A-Z]{2}\s)?$/.test(f.text))
    .sort((a, b) => a.start - b.start)
  // "Kerkstraat 12, 9000 Gent" is one address.
  const merged: Finding[] = []
  for (const part of parts) {
    const last = merged.at(-1)
    if (last && part.start <= last.end + 2 && /^[,\s]*$/.test(text.slice(last.end, part.start))) {
      if (part.end > last.end) {
        last.end = part.end
        last.text = text.slice(last.start, last.end)
      }
    } else merged.push({ ...part })
  }
  // A bare postcode with a town is an address only next to a street; alone it is a city ("1000 Brussel" is common).
  return merged.filter((f) => !/^(?:[BFDL]-)?\d{4,5}\s/.test(f.text) || /^[BFDL]-/.test(f.text))
}

const months = [
  'january|february|march|april|may|june|july|august|september|october|november|december',
  'januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december',
  'janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre',
  'januar|jänner|februar|märz|april|mai|juni|juli|august|september|oktober|november|dezember',
].join('|')
const date = `(?:\\d{1,2}[./-]\\d{1,2}[./-](?:\\d{4}|\\d{2})|\\d{4}-\\d{2}-\\d{2}|(?:\\d{1,2}(?:er|st|nd|rd|th)?\\.?\\s(?:of\\s)?)?(?:${months})\\s(?:\\d{1,2}(?:st|nd|rd|th)?,?\\s)?\\d{4}|(?:in\\s)?\\d{4}(?!\\d))`
const birth = new RegExp(
  `(?:born(?:\\son)?|date of birth:?|DOB:?|geboren(?:\\s(?:op|am|in))?|geboortedatum:?|geb\\.|née?(?:\\(e\\))?(?:\\s(?:le|en))?|date de naissance\\s?:?|Geburtsdatum:?)\\s(${date})`,
  'giu',
)

export function findDatesOfBirth(text: string): Finding[] {
  return matchAll(text, birth, 'date_of_birth', 1).map((f) =>
    f.text.startsWith('in ') ? { ...f, text: f.text.slice(3), start: f.start + 3 } : f,
  )
}

const agePatterns = [
  // Jan (8), Léa (14 ans)
  `(?<=${U}\\p{Ll}+\\s?)\\(\\d{1,3}(?:\\s?(?:ans|jaar|Jahre|years?|j\\.?|y\\.?))?\\)`,
  `\\b\\d{1,3}[- ]years?[- ]old\\b`,
  `\\baged\\s\\d{1,3}\\b`,
  `\\b\\d{1,3}\\sjaar\\soud\\b`,
  `\\b\\d{1,3}-jarige?\\b`,
  `\\b(?:van|op)\\s\\d{1,3}\\sjaar\\b`,
  `(?<!\\p{L})(?:âgée?|agée?)s?\\sde\\s\\d{1,3}\\sans\\b`,
  `\\b(?:a|avait|aura|de|fête ses)\\s\\d{1,3}\\sans\\b`,
  `\\b\\d{1,3}-jährige[rnms]?\\b`,
  `\\b\\d{1,3}\\sJahre\\salt\\b`,
  `\\bim\\sAlter\\svon\\s\\d{1,3}(?:\\sJahren)?\\b`,
  `\\bist\\s\\d{1,3}\\b(?=[.,;])`,
  `\\bis\\s\\d{1,3}\\b(?=[.,;]|\\s(?:and|en)\\b)`,
]
const ages = new RegExp(agePatterns.join('|'), 'gu')

export function findAges(text: string): Finding[] {
  return matchAll(text, ages, 'age')
}

const institutionPrefixes = [
  'Basisschool|Lagere school|Kleuterschool|Middelbare school|Secundaire school|Atheneum|Lyceum|College|Gemeentelijke basisschool|GO!|Vrije basisschool',
  'WZC|Woonzorgcentrum|Zorgcentrum|Verpleeghuis|Verzorgingshuis|Rusthuis|Dagcentrum|Zorghotel',
  'école(?:\\sprimaire|\\smaternelle)?|École(?:\\sprimaire|\\smaternelle)?|collège|Collège|lycée|Lycée|Institut|EHPAD|Ehpad|maison de repos|Maison de repos|résidence|Résidence',
  'Grundschule|Gymnasium|Realschule|Gesamtschule|Hauptschule|Förderschule|Kita|Seniorenheim|Seniorenresidenz|Pflegeheim|Altenheim|Altenpflegeheim|Seniorenzentrum',
  'care home|Care home|nursing home|Nursing home|St\\.|Saint|Sint-',
].join('|')
const institutionSuffixes =
  'Primary School|Primary|Academy|High School|School|Care Home|Nursing Home|Grundschule|Gymnasium|Seniorenheim|Pflegeheim|Schule'
const schools = new RegExp(
  `(?:${institutionPrefixes})\\s(?:(?:de|du|des|la|le|les|d'|l'|het|'t|De|Het|am|an der|zum|zur|St\\.|Sint|Saint)\\s?)*${properName}` +
    `|${U}${L}*(?:\\s${U}${L}*){0,2}[\\s-](?:${institutionSuffixes})\\b` +
    `|${U}\\p{Ll}+(?:schule|gymnasium)\\b`,
  'gu',
)

export function findSchools(text: string): Finding[] {
  // "St. Mary's" alone is a saint or a church; only with a school or home word is it an institution.
  return matchAll(text, schools, 'school').filter(
    (f) => !/^(?:St\.|Saint|Sint-)/.test(f.text) || new RegExp(`(?:${institutionSuffixes})$`).test(f.text),
  )
}
