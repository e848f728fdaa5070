import t from 'tap'
import { createDraft, transitionArticle } from '../../src/library/commands.js'
import { createMeeting } from '../../src/meetings/commands.js'
import { buildTestApp } from '../helpers/app.js'
import { Client, decodeEntities, logIn } from '../helpers/client.js'
import { createCommunityWith, createUser } from '../helpers/factories.js'

const origin = 'https://kring.example'
const noPractice = {
  practice_context: null,
  practice_target_group: null,
  practice_country: null,
  practice_what_worked: null,
  practice_what_did_not: null,
  practice_contact: null,
}

// Headers a visitor (or a cache-poisoning attacker) can send with any request.
const forgeries: Record<string, string>[] = [
  { host: 'evil.example' },
  { host: 'evil.example:8443', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'http' },
  { 'x-forwarded-host': 'attacker.test', 'x-forwarded-proto': 'https' },
  { host: 'kring.example@evil.example' },
]

/** Every absolute URL in a document: none may point anywhere but the configured origin. */
const absoluteUrls = (text: string) => [...decodeEntities(text).matchAll(/https?:\/\/[^\s"'<>]+/g)].map((m) => m[0])
const foreign = (text: string) =>
  absoluteUrls(text).filter(
    (url) =>
      !url.startsWith(`${origin}/`) &&
      !url.startsWith('http://www.w3.org/') &&
      !url.startsWith('http://www.sitemaps.org/'),
  )

t.test('a forged Host or X-Forwarded-Host changes no absolute URL Kring prints', async (t) => {
  const { app, db } = await buildTestApp(t, { config: { publicUrl: origin } })
  const moderator = await createUser(db, { displayName: 'Mod Erator' })
  const community = await createCommunityWith(db, { moderators: [moderator], joinPolicy: 'invite' })
  const draft = await createDraft(db, {
    title: 'Pairs at intake',
    slug: 'pairs-at-intake',
    summary: 'Two coordinators',
    kind: 'practice',
    language: 'en',
    body_md: 'Body',
    community_id: null,
    themeIds: [],
    practice: noPractice,
    authorId: moderator.id,
  })
  if (!draft.ok) throw new Error('no draft')
  await transitionArticle(db, draft.id, 'publish', null)
  const starts = new Date(Date.now() + 7 * 86_400_000)
  const meetingId = await createMeeting(db, {
    communityId: community.id,
    organiserId: moderator.id,
    themeIds: [],
    data: {
      title: 'Autumn session',
      topic: 'Endings',
      startsAt: starts,
      endsAt: new Date(starts.getTime() + 3_600_000),
      timeZone: 'Europe/Brussels',
      onlineUrl: null,
      agendaMd: '',
    },
  })

  const pages = [
    '/library/pairs-at-intake',
    '/feeds/library.atom',
    `/feeds/c/${community.slug}.atom`,
    '/sitemap.xml',
    '/robots.txt',
    `/meetings/${meetingId}.ics`,
    `/c/${community.slug}/meetings.ics`,
  ]
  const visitor = new Client(app)
  for (const headers of forgeries) {
    for (const page of pages) {
      const res = await visitor.get(page, headers)
      t.equal(res.status, 200, `${page} answers`)
      t.same(foreign(res.body), [], `${page} with ${JSON.stringify(headers)} links only to ${origin}`)
      t.ok(
        absoluteUrls(res.body).some((url) => url.startsWith(`${origin}/`)),
        `${page} has its absolute URLs from KRING_PUBLIC_URL`,
      )
    }
  }
  // The article page is kept for visitors: a forged request first, then an honest one gets the same canonical link.
  const article = await visitor.get('/library/pairs-at-intake')
  t.match(article.body, `<link rel="canonical" href="${origin}/library/pairs-at-intake">`)
  t.match(article.body, `<meta property="og:url" content="${origin}/library/pairs-at-intake">`)
  t.match(
    (await visitor.get('/feeds/library.atom', forgeries[0])).body,
    /<id>tag:kring\.example,2026:/,
    'feed ids use the public host too',
  )
  t.match(
    (await visitor.get(`/meetings/${meetingId}.ics`, forgeries[0])).body,
    `UID:meeting-${meetingId}@kring.example`,
  )

  const mod = new Client(app)
  await logIn(mod, moderator.email, moderator.password)
  await mod.get(`/c/${community.slug}/invites`)
  const made = await mod.post(
    `/c/${community.slug}/invites`,
    { days: '7', max_uses: '2' },
    { headers: { host: 'evil.example', 'x-forwarded-host': 'evil.example' } },
  )
  const link = decodeEntities(/id="new-link" type="text" readonly value="([^"]+)"/.exec(made.body)![1])
  t.match(
    link,
    new RegExp(`^${origin}/invite/[A-Za-z0-9_-]+$`),
    'the invitation link a moderator copies is on the public origin',
  )
})

t.test('X-Forwarded-For from a peer that is not a trusted proxy does not change the client address', async (t) => {
  // app.inject connects from 127.0.0.1: with no trusted proxy, every login counts against that address.
  const { app, db } = await buildTestApp(t, {
    config: { rateLimits: { login: { max: 3, timeWindowMs: 60_000 }, register: { max: 1000, timeWindowMs: 60_000 } } },
  })
  const user = await createUser(db)
  const client = new Client(app)
  await client.get('/login')
  const statuses: number[] = []
  for (let i = 0; i < 5; i++) {
    const res = await client.post(
      '/login',
      { email: user.email, password: 'not the password' },
      { headers: { 'x-forwarded-for': `203.0.113.${i + 1}` } },
    )
    statuses.push(res.status)
  }
  t.same(statuses, [401, 401, 401, 429, 429], 'a new forged address per request does not escape the per-address limit')
})

t.test('a configured proxy may say who the client is', async (t) => {
  const { app, db } = await buildTestApp(t, {
    config: {
      trustedProxies: ['127.0.0.1'],
      rateLimits: { login: { max: 2, timeWindowMs: 60_000 }, register: { max: 1000, timeWindowMs: 60_000 } },
    },
  })
  const user = await createUser(db)
  const client = new Client(app)
  await client.get('/login')
  const from = (ip: string) =>
    client.post('/login', { email: user.email, password: 'not the password' }, { headers: { 'x-forwarded-for': ip } })
  t.equal((await from('203.0.113.1')).status, 401)
  t.equal((await from('203.0.113.1')).status, 401)
  t.equal((await from('203.0.113.1')).status, 429, 'the third attempt from one client is limited')
  t.equal((await from('203.0.113.2')).status, 401, 'another client behind the proxy has its own count')
  // A client cannot prepend its own hops: the proxy appends the real address last, and that is the one counted.
  t.equal((await from('198.51.100.9, 203.0.113.1')).status, 429)
})
