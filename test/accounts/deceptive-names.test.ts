import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { Client, logIn } from '../helpers/client.js'
import { createCommunityWith, createUser } from '../helpers/factories.js'

const invisibleOnly = [
  '\u200B\u200B\u200B',
  '\u200D\u2060\uFEFF',
  '\u3164',
  '\u00AD \u180E',
  '\u2800\u2800',
  '\u3000\u200C',
]
const withRefusedCharacters = [
  'Anna\nAdmin',
  'Anna\r\nde Vries',
  'Tab\there',
  'evil\u202Etxt.exe',
  'Isolate \u2066x\u2069',
  'Null\u0007bell',
  'Line\u2028break',
]

/** A name as code points where it is not plain ASCII, so a test message carries no line break or direction change. */
const show = (value: string) =>
  [...value].map((c) => (/^[\x20-\x7e]$/.test(c) ? c : `\\u{${c.codePointAt(0)!.toString(16)}}`)).join('')

async function registerAs(app: Awaited<ReturnType<typeof buildTestApp>>['app'], fields: Record<string, string>) {
  const browser = new Client(app)
  await browser.get('/register')
  return browser.post('/register', {
    password: 'a sentence of my own',
    email: `n${Math.random().toString(36).slice(2)}@example.org`,
    ...fields,
  })
}

t.test('a display name that is blank once invisible characters are removed is blank', async (t) => {
  const { app, db } = await buildTestApp(t)
  for (const name of invisibleOnly) {
    const res = await registerAs(app, { display_name: name })
    t.equal(res.status, 422, `${show(name)} is refused`)
    t.match(res.body, 'Enter the name others will see.')
  }
  t.equal((await db.selectFrom('users').select('id').execute()).length, 0, 'no invisible account was made')
})

t.test(
  'control characters, newlines and bidi overrides are refused in display names, with the text kept',
  async (t) => {
    const { app, db } = await buildTestApp(t)
    for (const name of withRefusedCharacters) {
      const res = await registerAs(app, { display_name: name })
      t.equal(res.status, 422, `${show(name)} is refused`)
      t.match(res.body, 'not allowed in names and titles')
    }
    const user = await createUser(db)
    const browser = new Client(app)
    await logIn(browser, user.email, user.password)
    await browser.get('/settings')
    const res = await browser.post('/settings', { display_name: 'Ma\u202Eria', organisation: 'Homeshare' })
    t.equal(res.status, 422, 'also when changing the profile')
    t.match(res.body, 'value="Homeshare"', 'the rest of the form is kept')
  },
)

t.test('a fullwidth or differently cased email is the same email', async (t) => {
  const { app, db } = await buildTestApp(t)
  const admin = await createUser(db, { email: 'admin@kring.example', siteRole: 'admin' })
  for (const email of ['ａｄｍｉｎ@ｋｒｉｎｇ.ｅｘａｍｐｌｅ', 'ADMIN@Kring.Example', ' Admin@kring.example ']) {
    const res = await registerAs(app, { email, display_name: 'Someone New' })
    // Taken: the same "check your email" as for a new address (the owner gets a note), and no second account.
    t.equal(res.location, '/register/sent', `${show(email)} is taken`)
  }
  t.equal((await db.selectFrom('users').select('id').execute()).length, 1)
  const browser = new Client(app)
  const login = await browser.submit('/login', '/login', {
    email: 'ＡＤＭＩＮ@kring.example',
    password: admin.password,
  })
  t.equal(login.status, 303, 'logging in with the fullwidth form of the address works too')
})

t.test('a display name that looks like a moderator or admin is refused', async (t) => {
  const { app, db } = await buildTestApp(t)
  const moderator = await createUser(db, { displayName: 'Anouk Vermeulen' })
  await createUser(db, { displayName: 'Site Admin', siteRole: 'admin' })
  const plain = await createUser(db, { displayName: 'Bram Claes' })
  await createCommunityWith(db, { moderators: [moderator], members: [plain] })

  const lookalikes = [
    'Аnоuk Vеrmеulеn', // Cyrillic А, о, е
    'Anouk Verrneulen', // rn for m
    'anouk  vermeulen', // case and spacing
    'Ａｎｏｕｋ Ｖｅｒｍｅｕｌｅｎ', // fullwidth
    'Anouk\u200B Vermeulen', // zero-width space inside (refused for the character, too)
    'Site Αdmin', // Greek Alpha
  ]
  for (const name of lookalikes) {
    const res = await registerAs(app, { display_name: name })
    t.equal(res.status, 422, `${show(name)} is refused`)
  }
  const res = await registerAs(app, { display_name: 'Аnоuk Vеrmеulеn' })
  t.match(res.body, 'looks too much like the name of a moderator or administrator')
  t.match(res.body, 'value="Аnоuk Vеrmеulеn"', 'the name typed is kept in the form')

  t.equal(
    (await registerAs(app, { display_name: 'Bram Clаes' })).status,
    303,
    'an ordinary member’s name is not protected',
  )
  t.equal((await registerAs(app, { display_name: 'Anouk Peeters' })).status, 303, 'a different name is fine')

  const browser = new Client(app)
  await logIn(browser, plain.email, plain.password)
  await browser.get('/settings')
  t.equal(
    (await browser.post('/settings', { display_name: 'Anouk Vermeu1en' })).status,
    422,
    'nor can a member rename themselves into a look-alike',
  )
  const row = await db.selectFrom('users').select('display_name').where('id', '=', plain.id).executeTakeFirstOrThrow()
  t.equal(row.display_name, 'Bram Claes')

  const self = new Client(app)
  await logIn(self, moderator.email, moderator.password)
  await self.get('/settings')
  t.equal(
    (await self.post('/settings', { display_name: 'Anouk Vermeulen', bio: 'Coordinator' })).status,
    303,
    'the moderator keeps their own name',
  )
})

t.test(
  'thread, article, community, meeting and theme names of only invisible or refused characters are refused',
  async (t) => {
    const { app, db } = await buildTestApp(t)
    const admin = await createUser(db, { siteRole: 'admin' })
    const community = await createCommunityWith(db, { moderators: [admin] })
    const browser = new Client(app)
    await logIn(browser, admin.email, admin.password)

    for (const title of ['\u200B\u200C\u200D', '\u3164\u3164', 'Title\u202Egnp.exe', 'Two\nlines']) {
      await browser.get(`/c/${community.slug}/new`)
      const thread = await browser.post(`/c/${community.slug}/new`, { title, body: 'A body that is fine.' })
      t.equal(thread.status, 422, `thread title ${show(title)} is refused`)
      t.match(thread.body, 'A body that is fine.', 'the body is kept')

      await browser.get('/library/new')
      const article = await browser.post('/library/new', {
        title,
        slug: 'a-slug',
        summary: '',
        kind: 'practice',
        language: 'en',
        body: 'Body text.',
        community: '',
      })
      t.equal(article.status, 422, `article title ${show(title)} is refused`)

      await browser.get('/admin/communities/new')
      const made = await browser.post('/admin/communities/new', {
        name: title,
        slug: 'another-one',
        description: '',
        visibility: 'public',
        join_policy: 'open',
      })
      t.equal(made.status, 422, `community name ${show(title)} is refused`)

      const year = new Date().getUTCFullYear() + 1
      await browser.get(`/c/${community.slug}/meetings/new`)
      const meeting = await browser.post(`/c/${community.slug}/meetings/new`, {
        title,
        topic: 'A topic',
        starts_at: `${year}-06-18T14:00`,
        ends_at: `${year}-06-18T15:00`,
        time_zone: 'Europe/Amsterdam',
        online_url: '',
        agenda: '',
      })
      t.equal(meeting.status, 422, `meeting title ${show(title)} is refused`)
      t.match(meeting.body, 'A topic', 'the meeting form is kept')

      await browser.get('/admin/themes')
      const theme = await browser.post('/admin/themes', { slug: 'a-theme', label_en: title, label_nl: 'Een thema' })
      t.equal(theme.status, 422, `theme label ${show(title)} is refused`)
    }
    t.equal((await db.selectFrom('threads').select('id').execute()).length, 0)
    t.equal((await db.selectFrom('articles').select('id').execute()).length, 0)
    t.equal((await db.selectFrom('communities').select('id').execute()).length, 1)
    t.equal((await db.selectFrom('meetings').select('id').execute()).length, 0)
    t.equal((await db.selectFrom('tags').select('id').execute()).length, 0)
  },
)
