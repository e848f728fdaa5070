// Names of people who are not members: a title or role before a capitalised word ("Mrs Jansen", "ma cliente Odile"),
// and the common first names of a small bundled list (first-names.json says where it comes from), with a surname.
import { readFileSync } from 'node:fs'
import { matchAll, type Finding } from './types.js'

const lists = JSON.parse(readFileSync(new URL('./first-names.json', import.meta.url), 'utf8')) as Record<
  string,
  string[] | string
>
const firstNames = [
  ...new Set(
    Object.entries(lists)
      .filter(([key]) => !key.startsWith('_'))
      .flatMap(([, names]) => names as string[]),
  ),
].sort((a, b) => b.length - a.length)

const U = '\\p{Lu}'
const word = `${U}[\\p{Ll}'’-]+`
const particle =
  "(?:[vV]an der|[vV]an den|[vV]an de|[vV]an|[dD]e la|[dD]e|du|[lL]e|[lL]a|[vV]on der|[vV]on|zu|ter|ten|d'|O'|Mc)\\s?"
/** A capitalised name of one or two words, with particles inside ("Mevr. Van den Broeck", "Mme de la Tour"). */
const name = `(?:${particle})?${word}(?:\\s(?:${particle})?${word})?`
const titles =
  'Mr\\.?|Mrs\\.?|Ms\\.?|Miss|Dr\\.?|Mevr\\.|Mevrouw|mevrouw|Dhr\\.|Meneer|meneer|M\\.|Mme|Mlle|Madame|madame|Monsieur|monsieur|Herr|Frau|Herrn'
const roles = [
  'my client|our client|the client|my host|the host|her son|his son|her daughter|his daughter|the pupil|the boy|the girl|the mother|the father|grandson|granddaughter',
  'mijn cliënt|mijn cliënte|onze cliënt|de cliënt|de gastheer|de gastvrouw|haar zoon|zijn zoon|haar dochter|zijn dochter|de leerling|het kind|de moeder|de vader|kleinzoon|kleindochter|zoontje|dochtertje',
  "mon client|ma cliente|notre client|notre cliente|son fils|sa fille|l’élève|l'élève|la mère|le père|le petit|la petite|le jeune|la jeune",
  'mein Klient|meine Klientin|unser Klient|unsere Klientin|ihr Sohn|sein Sohn|ihre Tochter|seine Tochter|der Schüler|die Schülerin|die Mutter|der Vater|Enkel|Enkelin',
]
  .join('|')
  .split('|')
  .flatMap((role) => [role, role[0]!.toUpperCase() + role.slice(1)])
  .join('|')
const titled = new RegExp(`(?<![\\p{L}])(?:${titles})\\s(${name})`, 'gu')
const roled = new RegExp(`(?<![\\p{L}])(?:${roles}),?\\s(${word}(?:\\s${word})?)`, 'gu')
const listed = new RegExp(
  `(?<![\\p{L}\\p{N}@.])(?:${firstNames.join('|')})(?:\\s(?:${particle})?${word})?(?![\\p{L}\\p{N}@])`,
  'gu',
)
// Capitalised words after a first name that are not surnames (the start of the next sentence, a place).
const notSurname = /\s(?:The|A|An|De|Het|Een|Le|La|Les|Der|Die|Das|Ein|Eine|Et|En|And|Und|Is|Est|Ist)$/

export function findPersonNames(text: string): Finding[] {
  const found = [
    ...matchAll(text, titled, 'person_name', 1),
    ...matchAll(text, roled, 'person_name', 1),
    ...matchAll(text, listed, 'person_name').map((f) => {
      const cut = notSurname.exec(f.text)
      return cut ? { ...f, text: f.text.slice(0, cut.index), end: f.start + cut.index } : f
    }),
  ]
  return found
}
