import t from 'tap'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { catalogs, hasKey, localeFromAcceptLanguage, supportedLocales, translate } from '../../src/web/i18n.js'
import { projectRoot } from '../setup/paths.js'

function filesUnder(dir: string, ext: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry)
    return statSync(full).isDirectory() ? filesUnder(full, ext) : full.endsWith(ext) ? [full] : []
  })
}

t.test('every catalog has exactly the keys of the English one, none empty', async (t) => {
  const english = Object.keys(catalogs.en).sort()
  for (const locale of supportedLocales) {
    const keys = Object.keys(catalogs[locale]).sort()
    t.same(
      keys.filter((k) => !english.includes(k)),
      [],
      `${locale} has no keys English lacks`,
    )
    t.same(
      english.filter((k) => !keys.includes(k)),
      [],
      `${locale} misses no key`,
    )
    t.same(
      Object.entries(catalogs[locale])
        .filter(([, v]) => v.trim() === '')
        .map(([k]) => k),
      [],
      `${locale} has no empty texts`,
    )
  }
})

t.test('placeholders match across languages', async (t) => {
  const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
  for (const [key, text] of Object.entries(catalogs.en)) {
    for (const locale of supportedLocales)
      t.same(placeholders(catalogs[locale][key] ?? ''), placeholders(text), `${locale} ${key}`)
  }
})

t.test('every key used in templates and code exists', async (t) => {
  const used = new Set<string>()
  for (const file of filesUnder(path.join(projectRoot, 'views'), '.hbs')) {
    for (const m of readFileSync(file, 'utf8').matchAll(/\{\{t "([^"]+)"/g)) used.add(m[1])
  }
  for (const file of filesUnder(path.join(projectRoot, 'src'), '.ts')) {
    for (const m of readFileSync(file, 'utf8').matchAll(
      /'((?:accounts|error|nav|home|search|footer|language|communities|discussions|themes|markdown|pager|admin)\.[a-z0-9_.]+)'/g,
    ))
      used.add(m[1])
  }
  t.ok(used.size > 50, `found ${used.size} keys in use`)
  const missing = [...used].filter((key) => !hasKey(key) && !key.endsWith('.') && !key.endsWith('_'))
  t.same(missing, [], 'no key is used without a text')
})

t.test('counted texts take the plural form of the language', async (t) => {
  const counted = Object.keys(catalogs.en)
    .filter((key) => key.endsWith('.other'))
    .map((key) => key.slice(0, -'.other'.length))
  for (const key of counted) {
    t.ok(catalogs.en[`${key}.one`], `${key} has an English singular`)
    t.ok(catalogs.nl[`${key}.one`], `${key} has a Dutch singular`)
  }
})

t.test('the language comes from Accept-Language with q-values, else English', async (t) => {
  t.equal(localeFromAcceptLanguage('nl-BE,nl;q=0.9,en;q=0.8'), 'nl')
  t.equal(localeFromAcceptLanguage('fr-FR,fr;q=0.9,nl;q=0.5,en;q=0.7'), 'en')
  t.equal(localeFromAcceptLanguage('de;q=1, nl;q=0.2'), 'nl')
  t.equal(localeFromAcceptLanguage('fr'), null)
  t.equal(localeFromAcceptLanguage('nl;q=0'), null)
  t.equal(localeFromAcceptLanguage(undefined), null)
  t.equal(translate('nl', 'home.welcome_back', { name: 'Els' }), 'Welkom terug, Els.')
  t.throws(() => translate('en', 'no.such.key'))
})
