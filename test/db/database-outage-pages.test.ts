// With PostgreSQL stopped, Kring answers what it can: kept thread and library pages for visitors (and for members, as
// a visitor sees them) with a note, the 503 page with Retry-After (text kept) for the rest, a login form that says it
// cannot log in now; and once PostgreSQL is back, everyone is themselves again without a restart. Runs on a cluster
// of its own, whatever DATABASE_URL says.
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { testConfig } from '../helpers/app.js'
import { Client, logIn } from '../helpers/client.js'
import { createCommunityWith, createThreadIn, createUser, replyIn } from '../helpers/factories.js'
import { writeArticle } from '../helpers/library.js'
import { captureLog } from '../helpers/log-capture.js'
import { startOwnPostgres } from '../helpers/own-postgres.js'

const connectTimeoutMs = 2000

t.test(
  'a stopped database: kept pages, 503 pages, a plain login refusal, and sessions intact afterwards',
  async (t) => {
    const pg = await startOwnPostgres(t)
    const log = captureLog()
    const config = testConfig({
      database: { kind: 'postgres', url: pg.url, pool: { max: 5, connectTimeoutMs } },
      logLevel: 'info',
    })
    const app = await buildApp(config, { logStream: log.stream })
    t.teardown(() => app.close())
    const db = pg.db

    const hanne = await createUser(db, { displayName: 'Hanne Smit' })
    const piet = await createUser(db, { displayName: 'Piet Bos' })
    const moderator = await createUser(db, { displayName: 'Mo Derator' })
    const community = await createCommunityWith(db, {
      slug: 'homeshare',
      members: [hanne, piet],
      moderators: [moderator],
    })
    const threadId = await createThreadIn(db, community.id, hanne, { title: 'Keeping a panel going' })
    await replyIn(db, threadId, piet, null, 'An early reply from Piet.')
    const unseenThread = await createThreadIn(db, community.id, hanne, { title: 'Nobody read this yet' })

    const visitor = new Client(app)
    const hanneClient = new Client(app)
    const pietClient = new Client(app)
    await logIn(hanneClient, hanne.email, hanne.password)
    await logIn(pietClient, piet.email, piet.password)
    const hanneCookie = hanneClient.cookies.get('kring_sid')
    const pietCookie = pietClient.cookies.get('kring_sid')
    t.ok(hanneCookie && pietCookie && hanneCookie !== pietCookie, 'two members, two sessions')

    // A published article, through the real forms.
    const moderatorClient = new Client(app)
    await logIn(moderatorClient, moderator.email, moderator.password)
    const articleUrl = (await writeArticle(hanneClient, { community: 'homeshare' })).location!
    await hanneClient.post(`${articleUrl}/submit`)
    await moderatorClient.get(articleUrl)
    t.equal((await moderatorClient.post(`${articleUrl}/publish`)).status, 303, 'an article is published')

    // What this instance keeps: the pages visitors looked at.
    t.equal((await visitor.get(`/t/${threadId}`)).status, 200)
    t.equal((await visitor.get('/library')).status, 200)
    t.equal((await visitor.get(articleUrl)).status, 200)
    t.equal((await visitor.get('/login')).status, 200)
    t.equal((await hanneClient.get(`/t/${threadId}`)).status, 200)

    await pg.stop()

    const startedAt = Date.now()
    const kept = await visitor.get(`/t/${threadId}`)
    t.equal(kept.status, 200, 'a visitor still reads a thread page this instance kept')
    t.match(kept.body, 'An early reply from Piet.')
    t.match(kept.body, /<p class="notice" role="status">Kring cannot reach its database right now, so this page/)
    t.equal(kept.headers['cache-control'], 'no-store', 'the possibly stale page is not stored as current')

    const library = await visitor.get('/library')
    t.equal(library.status, 200, 'and the library index')
    t.match(library.body, 'may be a little behind')
    const article = await visitor.get(articleUrl)
    t.equal(article.status, 200, 'and an article')
    t.match(article.body, 'Intake interviews with two coordinators')
    t.match(article.body, 'may be a little behind')

    const dutch = await visitor.get(`/t/${threadId}`, { 'accept-language': 'nl' })
    t.equal(dutch.status, 503, 'a page never kept in that language is the 503 page')
    t.match(dutch.body, 'Kring kan zijn database nu niet bereiken; probeer het over een minuut opnieuw.')

    const unseen = await visitor.get(`/t/${unseenThread}`)
    t.equal(unseen.status, 503, 'a page this instance never kept: the 503 page')
    t.equal(unseen.headers['retry-after'], '30', 'saying when to try again')
    t.match(unseen.body, 'Kring cannot reach its database right now; try again in a minute.')
    t.notMatch(unseen.body, /Something went wrong|at .*\.ts:\d+/, 'not the 500 page, no stack')
    t.equal((await visitor.get('/')).status, 503, 'the home page too')

    const asMember = await hanneClient.get(`/t/${threadId}`)
    const outageToken = hanneClient.lastCsrf ?? undefined
    t.equal(asMember.status, 200, 'a member reads the kept page as a visitor sees it')
    t.match(asMember.body, 'may be a little behind')
    t.notMatch(asMember.body, '<a href="/settings">', 'not shown as logged in (the login cannot be read)')
    t.notOk(asMember.headers['set-cookie']?.toString().includes('kring_sid'), 'the session cookie is left alone')

    const settings = await hanneClient.get('/settings')
    t.equal(settings.status, 503, "a member's own pages: the 503 page, not a redirect to the login form")

    const reply = await hanneClient.post(`/t/${threadId}/replies`, {
      body: 'A reply written during the outage.',
      parent_id: '',
    })
    t.equal(reply.status, 503, "a member's reply gets the 503 page, not a 401 or a 500")
    t.match(reply.body, 'A reply written during the outage.', 'with what they wrote given back')
    t.match(reply.body, 'Nothing was saved yet. Your text, to copy and send again:')
    t.notOk(reply.headers['set-cookie']?.toString().includes('kring_sid'), 'and the session cookie left alone')

    await visitor.get('/login')
    const login = await visitor.post('/login', { email: 'hanne@example.org', password: 'whatever it was' })
    t.equal(login.status, 503, 'logging in: 503')
    t.match(login.body, 'Kring cannot log anyone in right now: it cannot reach its database.')
    t.match(login.body, 'value="hanne@example.org"', 'the email stays in the form')
    t.notMatch(login.body, 'whatever it was', 'the password never comes back')

    const ready = await app.inject({ method: 'GET', url: '/readyz' })
    t.equal(ready.statusCode, 503, '/readyz says the database is down')
    t.equal(ready.json<{ database: string }>().database, 'unavailable')
    t.ok(Date.now() - startedAt < 10 * (connectTimeoutMs + 1000), 'every answer came fast, not after long waits')

    const lines = log.lines()
    t.notOk(
      lines.some((line) => line.level === 50),
      'no error was logged: an unreachable database is a warning',
    )
    const warnings = lines.filter((line) => line.msg === 'the database is unavailable; answered 503')
    t.ok(warnings.length >= 3, 'each 503 is logged once as a warning')
    t.notOk(
      warnings.some((line) => 'stack' in line || 'err' in line),
      'without a stack',
    )

    await pg.start()
    const backAt = Date.now()
    let readyAgain = false
    while (!readyAgain && Date.now() - backAt < 10_000) {
      readyAgain = (await app.inject({ method: 'GET', url: '/readyz' })).statusCode === 200
      if (!readyAgain) await new Promise((resolve) => setTimeout(resolve, 200))
    }
    t.ok(readyAgain, '/readyz says the database is up within 10 s, without a restart')

    const hanneHome = await hanneClient.get('/')
    t.equal(hanneHome.status, 200)
    t.match(hanneHome.body, '<span class="summary-name">Hanne Smit</span>', 'Hanne is Hanne again')
    const pietHome = await pietClient.get('/')
    t.match(pietHome.body, '<span class="summary-name">Piet Bos</span>', 'Piet is Piet again')
    t.notMatch(pietHome.body, '<span class="summary-name">Hanne Smit</span>', 'never the other one')
    t.equal(hanneClient.cookies.get('kring_sid'), hanneCookie, 'with the cookies they had')
    t.equal(pietClient.cookies.get('kring_sid'), pietCookie)

    // Her browser still holds a form from the outage, made for a visitor: refused, but her text is given back.
    const stale = await hanneClient.post(
      `/t/${threadId}/replies`,
      { body: 'Typed in a form from the outage.', parent_id: '' },
      { csrf: outageToken },
    )
    t.equal(stale.status, 403, 'a form opened during the outage is refused once she is herself again')
    t.match(stale.body, 'Typed in a form from the outage.', 'with her text given back')

    await hanneClient.get(`/t/${threadId}`)
    const again = await hanneClient.post(`/t/${threadId}/replies`, {
      body: 'Sent again after the outage.',
      parent_id: '',
    })
    t.equal(again.status, 303, 'the reply goes through once the database is back')
    const fresh = await visitor.get(`/t/${threadId}`)
    t.match(fresh.body, 'Sent again after the outage.', 'visitors see it')
    t.notMatch(fresh.body, 'may be a little behind', 'and the note is gone')
    t.equal((await visitor.get(`/t/${unseenThread}`)).status, 200, 'every page answers again')
  },
)
