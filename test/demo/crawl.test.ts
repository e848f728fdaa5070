// Every page of the demo, followed link by link as a visitor, a member, a moderator and an admin would: none may fail,
// and no link may lead nowhere. Catches what a page-by-page test misses (a label missing for one log entry, a link
// built from the wrong slug).
import t from 'tap'
import { demoAdmin, demoMemberPassword, seedDemoIfEmpty } from '../../src/demo/seed.js'
import { buildTestApp } from '../helpers/app.js'
import { Client, decodeEntities, logIn } from '../helpers/client.js'

const maxPagesPerRole = 160

function linksIn(body: string): string[] {
  return [...body.matchAll(/<a\s[^>]*href="([^"]+)"/g)]
    .map((m) => decodeEntities(m[1]))
    .filter((href) => href.startsWith('/') && !href.startsWith('//'))
    .map((href) => href.split('#')[0])
    .filter((href) => href !== '' && !href.startsWith('/static/'))
}

/** Breadth first from the home page; query-string variants of one path count once after the first few. */
async function crawl(client: Client) {
  const seen = new Set<string>(['/'])
  const queue: { url: string; from: string }[] = [{ url: '/', from: '(start)' }]
  const perPath = new Map<string, number>()
  const broken: string[] = []
  let visited = 0
  while (queue.length && visited < maxPagesPerRole) {
    const { url, from } = queue.shift()!
    visited++
    const response = await client.get(url)
    // A profile its member keeps from this viewer answers 403/404 with a page that says so: a link that leads somewhere.
    const keptProfile = /^\/u\/\d+$/.test(url) && response.body.includes('id="private-title"')
    if (response.status >= 400 && !keptProfile) broken.push(`${url} → ${response.status} (linked from ${from})`)
    if (response.status !== 200 || !String(response.headers['content-type']).startsWith('text/html')) continue
    for (const link of linksIn(response.body)) {
      if (seen.has(link)) continue
      const path = link.split('?')[0]
      const variants = perPath.get(path) ?? 0
      if (variants >= 3) continue
      perPath.set(path, variants + 1)
      seen.add(link)
      queue.push({ url: link, from: url })
    }
  }
  return { visited, broken }
}

t.test('the demo, link by link, for each kind of reader', async (t) => {
  const { app, db } = await buildTestApp(t)
  await seedDemoIfEmpty(db, { info: () => {} })
  const moderatorEmail = (
    await db
      .selectFrom('community_members as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select('u.email')
      .where('m.role', '=', 'moderator')
      .where('u.site_role', '=', 'member')
      .executeTakeFirstOrThrow()
  ).email
  const readers: [string, { email: string; password: string } | null][] = [
    ['visitor', null],
    ['member', { email: 'sofia@kring.example', password: demoMemberPassword }],
    ['moderator', { email: moderatorEmail, password: demoMemberPassword }],
    ['admin', demoAdmin],
  ]
  for (const [who, credentials] of readers) {
    const client = new Client(app)
    if (credentials) await logIn(client, credentials.email, credentials.password)
    const { visited, broken } = await crawl(client)
    t.ok(visited >= 40, `${who}: ${visited} pages visited`)
    t.same(broken, [], `${who}: every page answers and every link leads somewhere`)
  }
})
