import t from 'tap'
import { calendar, escapeText, foldLine } from '../../src/meetings/ics.js'
import { utcToZonedInput, zonedToUtc } from '../../src/meetings/zone-time.js'

t.test('TEXT values escape backslash, semicolon, comma and newlines', async (t) => {
  t.equal(escapeText('a\\b;c,d\ne\r\nf'), 'a\\\\b\\;c\\,d\\ne\\nf')
})

t.test('lines fold at 75 octets without splitting a character', async (t) => {
  const line = `SUMMARY:${'é'.repeat(100)}`
  const folded = foldLine(line).split('\r\n')
  t.ok(folded.length > 1)
  for (const part of folded) t.ok(Buffer.byteLength(part, 'utf8') <= 75, `${Buffer.byteLength(part, 'utf8')} octets`)
  t.equal(folded.map((part, i) => (i === 0 ? part : part.slice(1))).join(''), line, 'unfolding gives the line back')
  t.ok(folded.slice(1).every((part) => part.startsWith(' ')))
})

t.test('a calendar uses CRLF only and has one event per meeting', async (t) => {
  const text = calendar('Home, share; care', [
    {
      uid: 'meeting-1@x',
      start: new Date('2026-12-02T13:00:00Z'),
      end: new Date('2026-12-02T14:30:00Z'),
      stamp: new Date('2026-11-25T10:00:00Z'),
      summary: 'One',
      description: 'Line\nnext',
      url: 'http://x/meetings/1',
      location: null,
      sequence: 0,
      cancelled: false,
    },
  ])
  t.ok(text.endsWith('\r\n'))
  t.notMatch(text.replace(/\r\n/g, ''), /[\r\n]/, 'no bare CR or LF')
  t.match(text, 'X-WR-CALNAME:Home\\, share\\; care\r\n')
  t.match(text, 'DTSTART:20261202T130000Z\r\n')
  t.match(text, 'DESCRIPTION:Line\\nnext\r\n')
  t.equal(text.match(/BEGIN:VEVENT/g)?.length, 1)
})

t.test('every event carries its SEQUENCE; a cancelled one says STATUS:CANCELLED', async (t) => {
  const event = {
    uid: 'meeting-1@x',
    start: new Date('2026-12-02T13:00:00Z'),
    end: new Date('2026-12-02T14:30:00Z'),
    stamp: new Date('2026-11-25T10:00:00Z'),
    summary: 'One',
    description: '',
    url: 'http://x/meetings/1',
    location: null,
  }
  const planned = calendar('Home', [{ ...event, sequence: 0, cancelled: false }])
  t.match(planned, 'SEQUENCE:0\r\n')
  t.notMatch(planned, 'STATUS:')
  const cancelled = calendar('Home', [{ ...event, sequence: 3, cancelled: true }])
  t.match(cancelled, 'SEQUENCE:3\r\n')
  t.match(cancelled, 'STATUS:CANCELLED\r\n')
})

t.test('wall-clock times in three zones map to the right instants, across daylight saving', async (t) => {
  t.equal(
    zonedToUtc('2026-06-18T14:00', 'Europe/Amsterdam')?.toISOString(),
    '2026-06-18T12:00:00.000Z',
    'summer time, UTC+2',
  )
  t.equal(
    zonedToUtc('2026-12-02T14:00', 'Europe/Amsterdam')?.toISOString(),
    '2026-12-02T13:00:00.000Z',
    'winter time, UTC+1',
  )
  t.equal(zonedToUtc('2026-06-18T09:00', 'America/New_York')?.toISOString(), '2026-06-18T13:00:00.000Z')
  t.equal(zonedToUtc('2026-06-18T20:00', 'Asia/Kolkata')?.toISOString(), '2026-06-18T14:30:00.000Z')
  t.equal(zonedToUtc('2026-06-18T20:00', 'UTC')?.toISOString(), '2026-06-18T20:00:00.000Z')
  t.equal(utcToZonedInput(new Date('2026-06-18T14:30:00Z'), 'Asia/Kolkata'), '2026-06-18T20:00')
  t.equal(zonedToUtc('2026-02-30T10:00', 'UTC'), null, 'no 30 February')
  t.equal(zonedToUtc('tomorrow', 'UTC'), null)
  t.equal(zonedToUtc('2026-06-18T20:00', 'Mars/Olympus_Mons'), null, 'unknown zone')
})

t.test('zone names are checked and brought to the runtime spelling', async (t) => {
  const { canonicalZone } = await import('../../src/meetings/zone-time.js')
  t.ok(canonicalZone('Asia/Kolkata'), 'a current IANA name is known')
  t.equal(canonicalZone('Europe/Amsterdam'), 'Europe/Amsterdam')
  t.equal(canonicalZone('Nowhere/Special'), null)
  t.equal(canonicalZone('../etc'), null)
})
