import t from 'tap'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import {
  catalogs,
  hasKey,
  localeFromAcceptLanguage,
  supportedLocales,
  translate,
  type Locale,
} from '../../src/web/i18n.js'
import { formatCalendarDate, formatDateTime, parseDateInput, parseDateTimeInput } from '../../src/web/time.js'
import { createHandlebars } from '../../src/web/view.js'
import { projectRoot } from '../setup/paths.js'
import { buildTestApp } from '../helpers/app.js'
import { Client, decodeEntities, logIn } from '../helpers/client.js'
import { createCommunityWith, createThreadIn, createUser } from '../helpers/factories.js'

function filesUnder(dir: string, ext: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry)
    return statSync(full).isDirectory() ? filesUnder(full, ext) : full.endsWith(ext) ? [full] : []
  })
}

const localesDir = path.join(projectRoot, 'src', 'web', 'locales')
/** Every locale with a folder, switched on or not yet (German is translated before it is offered). */
const localeDirs = readdirSync(localesDir).filter((entry) => statSync(path.join(localesDir, entry)).isDirectory())
const readCatalogFile = (locale: string, file: string) =>
  JSON.parse(readFileSync(path.join(localesDir, locale, file), 'utf8')) as Record<string, string>
const pluralForm = /\.(zero|one|two|few|many|other)$/
/** Placeholders of a text; a plural form may name {count} where English writes the number out ("1 reply"). */
const placeholders = (key: string, s: string) =>
  [...new Set([...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))]
    .filter((p) => !(pluralForm.test(key) && p === 'count'))
    .sort()

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

t.test('each file of a locale not switched on yet has the keys of its English file', async (t) => {
  t.ok(localeDirs.includes('fr'), 'French has a folder')
  for (const locale of localeDirs.filter((l) => l !== 'en')) {
    for (const file of readdirSync(path.join(localesDir, locale)).filter((f) => f.endsWith('.json'))) {
      t.ok(existsSync(path.join(localesDir, 'en', file)), `${locale}/${file} has an English file`)
      if (!existsSync(path.join(localesDir, 'en', file))) continue
      const english = readCatalogFile('en', file)
      const theirs = readCatalogFile(locale, file)
      t.same(
        Object.keys(theirs).filter((k) => !(k in english)),
        [],
        `${locale}/${file} has no keys English lacks`,
      )
      t.same(
        Object.keys(english).filter((k) => !(k in theirs)),
        [],
        `${locale}/${file} misses no key`,
      )
      t.same(
        Object.entries(theirs)
          .filter(([, v]) => typeof v !== 'string' || v.trim() === '')
          .map(([k]) => k),
        [],
        `${locale}/${file} has no empty texts`,
      )
      for (const [key, text] of Object.entries(english))
        if (typeof theirs[key] === 'string')
          t.same(placeholders(key, theirs[key]), placeholders(key, text), `${locale} ${key} placeholders`)
    }
  }
})

t.test('a locale switched on has every file English has', async (t) => {
  const englishFiles = readdirSync(path.join(localesDir, 'en')).sort()
  for (const locale of supportedLocales)
    t.same(readdirSync(path.join(localesDir, locale)).sort(), englishFiles, `${locale} has every English file`)
})

t.test('placeholders match across languages', async (t) => {
  for (const [key, text] of Object.entries(catalogs.en)) {
    for (const locale of supportedLocales)
      t.same(placeholders(key, catalogs[locale][key] ?? ''), placeholders(key, text), `${locale} ${key}`)
  }
})

t.test('every key used in templates and code exists', async (t) => {
  const used = new Set<string>()
  for (const file of filesUnder(path.join(projectRoot, 'views'), '.hbs')) {
    for (const m of readFileSync(file, 'utf8').matchAll(/\{\{t "([^"]+)"/g)) used.add(m[1])
  }
  for (const file of filesUnder(path.join(projectRoot, 'src'), '.ts')) {
    for (const m of readFileSync(file, 'utf8').matchAll(
      /'((?:accounts|error|nav|home|search|footer|language|communities|discussions|themes|markdown|pager|admin|dates)\.[a-z0-9_.]+)'/g,
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
    for (const locale of supportedLocales) t.ok(catalogs[locale][`${key}.one`], `${key} has a ${locale} singular`)
  }
  // French puts 0 with 1: "0 réponse", where English and Dutch say "0 replies".
  t.equal(translate('fr', 'discussions.reply_count', { count: 0 }), '0 réponse')
  t.equal(translate('fr', 'discussions.reply_count', { count: 2 }), '2 réponses')
  t.equal(translate('en', 'discussions.reply_count', { count: 0 }), '0 replies')
})

/** A plural form that only ever means one number (English "one" is 1) may write it out; French "one" is 0 and 1. */
function fixedForm(locale: string, form: string): boolean {
  const rules = new Intl.PluralRules(locale)
  const numbers = Array.from({ length: 1001 }, (_, n) => n).filter((n) => rules.select(n) === form)
  return numbers.length === 1
}

t.test('a counted text keeps {count} wherever the form may mean more than one number', async (t) => {
  const hasCount = (text: string | undefined) => text !== undefined && text.includes('{count}')
  for (const locale of localeDirs) {
    const catalog = Object.assign(
      {},
      ...readdirSync(path.join(localesDir, locale))
        .filter((f) => f.endsWith('.json'))
        .map((f) => readCatalogFile(locale, f)),
    ) as Record<string, string>
    const missing: string[] = []
    for (const [key, text] of Object.entries(catalog)) {
      const m = pluralForm.exec(key)
      if (!m) continue
      const base = key.slice(0, -m[0].length)
      const englishOther = hasCount(catalogs.en[`${base}.other`])
      const englishSame = hasCount(catalogs.en[key])
      if (m[1] === 'other' ? englishOther : (englishOther || englishSame) && !fixedForm(locale, m[1]))
        if (!hasCount(text)) missing.push(key)
    }
    t.same(missing, [], `${locale}: every form that is not one fixed number shows {count}`)
  }
  t.ok(fixedForm('en', 'one') && fixedForm('de', 'one') && !fixedForm('fr', 'one'), 'French "one" is 0 and 1')
})

t.test('counts are written in the reader’s number format, the plural form chosen from the number', async (t) => {
  t.equal(translate('fr', 'discussions.reply_count', { count: 1250 }), '1\u202f250 réponses')
  t.equal(translate('de', 'discussions.reply_count', { count: 1250 }), '1.250 Antworten')
  t.equal(translate('en', 'discussions.reply_count', { count: 1250 }), '1,250 replies')
  t.equal(translate('fr', 'discussions.reply_count', { count: 1 }), '1 réponse')
  t.equal(translate('en', 'error.request_id', { id: 12345 }), 'request id 12345', 'an id is quoted as it is')
})

t.test('date-only values and counts in templates follow the viewer’s language', async (t) => {
  const hbs = createHandlebars()
  const render = (source: string, locale: Locale, data: Record<string, unknown>) =>
    hbs.compile(source)({ ...data, _locale: locale, _timeZone: 'Pacific/Kiritimati' })
  // A due date is a calendar day: the same day in every zone, written the reader's way, never raw ISO.
  for (const locale of supportedLocales) {
    const html = render('{{calendar_date due_on}}', locale, { due_on: '2026-11-25' })
    t.equal(html, `<time datetime="2026-11-25">${formatDateTime('2026-11-25T12:00:00Z', locale, 'UTC', 'date')}</time>`)
    t.notMatch(html, />2026-11-25</, `${locale} does not show the raw ISO day`)
  }
  t.match(render('{{calendar_date due_on}}', 'fr', { due_on: '2026-11-25' }), '25 nov. 2026')
  t.equal(formatCalendarDate('2026-11-25', 'de'), formatDateTime('2026-11-25T12:00:00Z', 'de', 'UTC', 'date'))
  t.equal(render('{{number count}}', 'fr', { count: 1250 }), '1\u202f250', 'a facet count in French')
  t.equal(render('{{number count}}', 'de', { count: 1250 }), '1.250', 'a facet count in German')
})

t.test('the language comes from Accept-Language with q-values, else English', async (t) => {
  t.equal(localeFromAcceptLanguage('nl-BE,nl;q=0.9,en;q=0.8'), 'nl')
  t.equal(localeFromAcceptLanguage('fr-FR,fr;q=0.9,nl;q=0.5,en;q=0.7'), 'fr')
  t.equal(localeFromAcceptLanguage('fr-CH'), 'fr')
  t.equal(localeFromAcceptLanguage('es-ES,es;q=0.9,nl;q=0.5,en;q=0.7'), 'en')
  t.equal(localeFromAcceptLanguage('es;q=1, nl;q=0.2'), 'nl')
  t.equal(localeFromAcceptLanguage('es'), null)
  t.equal(localeFromAcceptLanguage('nl;q=0'), null)
  t.equal(localeFromAcceptLanguage(undefined), null)
  t.equal(translate('nl', 'home.welcome_back', { name: 'Els' }), 'Welkom terug, Els.')
  t.throws(() => translate('en', 'no.such.key'))
})

t.test('dates typed in the viewer’s format are read as the same day', async (t) => {
  const typed = { en: '25/11/2026', nl: '25-11-2026', fr: '25/11/2026', de: '25.11.2026' } as const
  for (const locale of supportedLocales) {
    t.equal(parseDateInput(typed[locale], locale), '2026-11-25', `${locale} reads a date typed its own way`)
    t.equal(
      parseDateTimeInput(`${typed[locale].replace('25', '02').replace('11', '12')} 14:00`, locale),
      '2026-12-02T14:00',
    )
    t.equal(parseDateInput('2026-11-25', locale), '2026-11-25', `${locale} reads what a date picker sends`)
    t.equal(parseDateTimeInput('2026-12-02T14:00', locale), '2026-12-02T14:00')
    t.equal(parseDateInput('31/02/2026', locale), null, 'no 31 February')
    // The error messages give an example the parser reads, in the ISO form a date picker sends.
    const example = /(\d{4}-\d{2}-\d{2})/.exec(translate(locale, 'dates.error.date_invalid'))![1]
    t.equal(parseDateInput(example, locale), '2026-11-25', `${locale} reads its error message's example`)
    const exampleTime = /(\d{4}-\d{2}-\d{2} \d{2}:\d{2})/.exec(translate(locale, 'dates.error.datetime_invalid'))![1]
    t.equal(parseDateTimeInput(exampleTime, locale), '2026-12-02T14:00', `${locale} reads its date and time example`)
  }
  t.equal(parseDateTimeInput('02/12/2026 14h00', 'fr'), '2026-12-02T14:00')
  t.equal(parseDateInput('25/11', 'fr'), null)
})

t.test('a visitor whose browser asks for French gets Kring in French', async (t) => {
  const { app } = await buildTestApp(t)
  const home = await new Client(app).get('/', { 'accept-language': 'fr-FR,fr;q=0.9,en;q=0.5' })
  t.equal(home.status, 200)
  t.match(home.body, '<html lang="fr"')
  t.match(decodeEntities(home.body), translate('fr', 'home.heading'))
  t.match(decodeEntities(home.body), translate('fr', 'nav.login'))
  // The language picker offers every language under its own name.
  for (const locale of supportedLocales)
    t.match(
      home.body,
      new RegExp(`<option value="${locale}" lang="${locale}"[^>]*>${translate(locale, `language.${locale}`)}<`),
    )
})

t.test('a member who saves French as their language reads Kring in French on any browser', async (t) => {
  const { app, db } = await buildTestApp(t)
  const member = await createUser(db)
  const client = new Client(app)
  await logIn(client, member.email, member.password)
  await client.get('/settings')
  t.match((await client.get('/settings')).body, '<option value="fr"')
  const saved = await client.post('/settings', {
    display_name: member.displayName,
    organisation: '',
    country: '',
    bio: '',
    locale: 'fr',
    time_zone: '',
  })
  t.equal(saved.status, 303, 'French is a valid interface language')
  const row = await db.selectFrom('users').select('locale').where('id', '=', member.id).executeTakeFirstOrThrow()
  t.equal(row.locale, 'fr')
  client.headers = { 'accept-language': 'nl' }
  const home = await client.get('/')
  t.match(home.body, '<html lang="fr"')
  t.match(decodeEntities(home.body), translate('fr', 'home.welcome_back', { name: member.displayName }))

  // The footer's picker saves it too.
  const other = await createUser(db, { locale: 'fr' })
  const second = new Client(app)
  await logIn(second, other.email, other.password)
  t.match((await second.get('/')).body, '<html lang="fr"', 'a saved locale fr is honoured')
  await second.post('/language', { locale: 'nl', next: '/' })
  t.match((await second.get('/')).body, '<html lang="nl"')
  await second.post('/language', { locale: 'fr', next: '/' })
  t.match((await second.get('/')).body, '<html lang="fr"')
})

t.test('dates on a page are written the French way for a French reader', async (t) => {
  const { app, db } = await buildTestApp(t)
  const member = await createUser(db)
  const community = await createCommunityWith(db, { members: [member] })
  const threadId = await createThreadIn(db, community.id, member, { title: 'Entretiens d’accueil' })
  const when = new Date('2026-11-25T09:30:00Z')
  await db.updateTable('threads').set({ created_at: when, last_post_at: when }).where('id', '=', threadId).execute()
  await db.updateTable('posts').set({ created_at: when }).where('thread_id', '=', threadId).execute()
  const page = await new Client(app).get(`/t/${threadId}`, { 'accept-language': 'fr' })
  t.equal(page.status, 200)
  const french = formatDateTime(when, 'fr', 'UTC')
  t.match(decodeEntities(page.body), french)
  t.match(french, /25 nov\. 2026/, 'French day, month and year order')
  t.notMatch(decodeEntities(page.body), formatDateTime(when, 'en', 'UTC'), 'not the English form')
})

t.test('a date typed in French into the moderation log filter is understood', async (t) => {
  const { app, db } = await buildTestApp(t)
  const admin = await createUser(db, { siteRole: 'admin', locale: 'fr' })
  const client = new Client(app)
  await logIn(client, admin.email, admin.password)
  const log = await client.get('/mod/log?from=25%2F11%2F2026&to=2026-12-03')
  t.equal(log.status, 200, 'dd/mm/yyyy and yyyy-mm-dd both read')
  // The browser's date picker shows its own format: no typed-format hint beside it promises another one.
  t.match(log.body, /<input id="l-to" name="to" type="date" value="2026-12-03">/, 'a native date picker')
  t.notMatch(decodeEntities(log.body), 'jj/mm/aaaa', 'no dd/mm hint beside the picker')
  const bad = await client.get('/mod/log?from=31%2F02%2F2026')
  t.equal(bad.status, 400)
  t.match(decodeEntities(bad.body), translate('fr', 'dates.error.date_invalid'))
})

t.test('admins write a theme label in each of four languages; readers see theirs, else English', async (t) => {
  const { app, db } = await buildTestApp(t)
  const admin = await createUser(db, { siteRole: 'admin' })
  const client = new Client(app)
  await logIn(client, admin.email, admin.password)
  const form = await client.get('/admin/themes')
  const labelLocales: string[] = [...new Set<string>([...supportedLocales, 'de'])]
  for (const locale of labelLocales) t.match(form.body, `name="label_${locale}"`, `a field for the ${locale} label`)
  t.match(decodeEntities(form.body), translate('en', 'themes.field.label_fr'))
  const labels = {
    label_en: 'Participation',
    label_nl: 'Participatie',
    label_fr: 'Participation citoyenne',
    label_de: 'Beteiligung',
  }
  t.equal((await client.post('/admin/themes', { slug: 'participation', ...labels })).status, 303)
  t.equal((await client.post('/admin/themes', { slug: 'housing', label_en: 'Housing' })).status, 303)
  const admin2 = await client.get('/admin/themes')
  for (const value of Object.values(labels)) t.match(admin2.body, `value="${value}"`, `${value} is kept`)

  const { id } = await db.selectFrom('tags').select('id').where('slug', '=', 'participation').executeTakeFirstOrThrow()
  const renamed = await client.post(`/admin/themes/${id}`, { ...labels, label_fr: 'Participation des habitants' })
  t.equal(renamed.status, 303)
  const stored = await db
    .selectFrom('tag_labels')
    .select(['locale', 'label'])
    .where('tag_id', '=', id)
    .orderBy('locale')
    .execute()
  t.same(
    Object.fromEntries(stored.map((l) => [l.locale, l.label])),
    { de: 'Beteiligung', en: 'Participation', fr: 'Participation des habitants', nl: 'Participatie' },
    'all four labels are stored',
  )
  // A form that sends only some languages changes only those; a label sent empty is removed, the rest stay.
  const labelsNow = async () =>
    Object.fromEntries(
      (await db.selectFrom('tag_labels').select(['locale', 'label']).where('tag_id', '=', id).execute()).map((l) => [
        l.locale,
        l.label,
      ]),
    )
  t.equal((await client.post(`/admin/themes/${id}`, { label_de: 'Mitwirkung' })).status, 303)
  t.same(
    await labelsNow(),
    { de: 'Mitwirkung', en: 'Participation', fr: 'Participation des habitants', nl: 'Participatie' },
    'only the German label changes',
  )
  t.equal((await client.post(`/admin/themes/${id}`, { label_nl: '' })).status, 303)
  t.same(
    await labelsNow(),
    { de: 'Mitwirkung', en: 'Participation', fr: 'Participation des habitants' },
    'the Dutch label sent empty is removed, the others are kept',
  )
  t.equal(
    (await client.post(`/admin/themes/${id}`, { ...labels, label_fr: 'Participation des habitants' })).status,
    303,
  )
  // Each label field of a theme's row names the theme, for screen readers.
  t.match(
    (await client.get('/admin/themes')).body,
    `${translate('en', 'themes.field.label_fr')}<span class="visually-hidden"> (participation)</span>`,
  )
  const refused = await client.post(`/admin/themes/${id}`, { ...labels, label_en: '', label_fr: 'Texte gardé' })
  t.equal(refused.status, 422)
  t.match(refused.body, 'value="Texte gardé"', 'a refused rename keeps what was typed')

  const reader = new Client(app)
  reader.headers = { 'accept-language': 'fr' }
  const themes = await reader.get('/themes')
  t.match(themes.body, 'Participation des habitants', 'the French label on the theme list')
  t.match(themes.body, '>Housing<', 'English where French is missing')
  t.match((await reader.get('/themes/participation')).body, /<h1>Participation des habitants<\/h1>/)
  for (const locale of supportedLocales) {
    const page = await new Client(app).get('/themes/participation', { 'accept-language': locale })
    const expected = { en: 'Participation', nl: 'Participatie', fr: 'Participation des habitants', de: 'Beteiligung' }[
      locale as Locale | 'de'
    ]
    t.match(page.body, `<h1>${expected}</h1>`, `${locale} readers see the ${locale} label`)
  }
})
