// The redaction detector per kind and language: what it finds, where, and what it leaves alone.
import t from 'tap'
import { detectPersonalData } from '../../src/redaction/detect.js'
import { fold, memberNameIndex } from '../../src/redaction/member-names.js'
import { findPhones } from '../../src/redaction/phones.js'
import { isFindingKind } from '../../src/redaction/types.js'

const found = (text: string, members: string[] = []) =>
  detectPersonalData(text, { members }).map((f) => {
    if (text.slice(f.start, f.end) !== f.text) throw new Error(`offsets of ${f.text} are wrong`)
    return `${f.kind}:${f.text}`
  })

t.test('emails and phone numbers in national and international formats', async (t) => {
  t.same(found('Mail jan.peeters@example.be, thanks.'), ['email:jan.peeters@example.be'])
  t.same(found('Bel 0470 12 34 56 / 09 223 45 67.'), ['phone:0470 12 34 56', 'phone:09 223 45 67'])
  t.same(found('Appelez le 06 12 34 56 78 ou le +33 1 42 68 53 00.'), [
    'phone:06 12 34 56 78',
    'phone:+33 1 42 68 53 00',
  ])
  t.same(found('Anrufen: 0049 171 9876543.'), ['phone:0049 171 9876543'])
  t.same(found('Call 020 7946 0958 today.'), ['phone:020 7946 0958'])
  t.same(found('In 2024 we met 12 families; 2024-2025 was busy; born 04/05/1944.'), ['date_of_birth:04/05/1944'])
  t.same(findPhones('06-12345678', ['NL']).length, 1, 'countries given by the community')
})

t.test('names of members, whole or by a part only one member has, accents and case aside', async (t) => {
  const members = ['Hélène Dubois', 'Jan Peeters', 'Jan Claes']
  t.same(found('helene dubois and HÉLÈNE DUBOIS came.', members), [
    'member_name:helene dubois',
    'member_name:HÉLÈNE DUBOIS',
  ])
  t.same(
    found('Peeters said so; Jan agreed.', members),
    ['member_name:Peeters', 'person_name:Jan'],
    'Jan is two members',
  )
  t.same(found('the peeters family', members), [], 'a part alone needs its capital')
  t.same(found('Dubois-Martin wrote', ['Dubois']), [], 'on word boundaries')
  t.same(fold('Straße É').folded, 'straße e')
  t.same(memberNameIndex([]), { full: null, parts: null })
})

t.test('other person names, addresses, dates of birth, ages and institutions in four languages', async (t) => {
  t.same(found('Mrs Whitfield is 83.'), ['person_name:Whitfield', 'age:is 83'])
  t.same(found('Mevr. Van den Broeck woont in de Kerkstraat 12, 9000 Gent.'), [
    'person_name:Van den Broeck',
    'address:Kerkstraat 12, 9000 Gent',
  ])
  t.same(found('Ma cliente Odile, âgée de 80 ans, vit 12 rue de la Paix.'), [
    'person_name:Odile',
    'age:âgée de 80 ans',
    'address:12 rue de la Paix',
  ])
  t.same(found('Frau Müller, eine 80-jährige, wohnt in der Hauptstraße 5.'), [
    'person_name:Müller',
    'age:80-jährige',
    'address:Hauptstraße 5',
  ])
  t.same(found('She lives at 12 High Street, SW1A 1AA.'), ['address:12 High Street, SW1A 1AA'])
  t.same(found('Geboren op 12 maart 2010, born on 3 May 2015, né le 4 mai 1938, geboren am 1. März 1950.'), [
    'date_of_birth:12 maart 2010',
    'date_of_birth:3 May 2015',
    'date_of_birth:4 mai 1938',
    'date_of_birth:1. März 1950',
  ])
  t.same(found('Léa (14), a 9-year-old, 8 jaar oud.'), [
    'person_name:Léa',
    'age:(14)',
    'age:9-year-old',
    'age:8 jaar oud',
  ])
  t.same(found('Basisschool De Regenboog, WZC Zonnebloem, EHPAD Les Tilleuls, Grundschule am Park.'), [
    'school:Basisschool De Regenboog',
    'school:WZC Zonnebloem',
    'school:EHPAD Les Tilleuls',
    'school:Grundschule am Park',
  ])
  t.same(found('St. Mary prayed; St. Mary’s Primary School opened.'), ['school:St. Mary’s Primary School'])
  t.same(found('We meet in 1000 Brussel on Monday.'), [], 'a city alone is no address')
  t.ok(isFindingKind('email'))
  t.notOk(isFindingKind('colour'))
})
