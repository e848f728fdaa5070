import t from 'tap'
import { renameTheme } from '../../src/themes/commands.js'
import { buildTestApp } from '../helpers/app.js'
import { Client, decodeEntities, logIn } from '../helpers/client.js'
import type { TestDatabase } from '../helpers/database.js'
import { createCommunityWith, createThemeWith, createUser } from '../helpers/factories.js'
import { writeArticle } from '../helpers/library.js'

async function setup(t: Parameters<typeof buildTestApp>[0]) {
  const { app, db, database } = await buildTestApp(t)
  const authorUser = await createUser(db, { displayName: 'Hanne Smit', siteRole: 'admin' })
  const moderatorUser = await createUser(db, { displayName: 'Mo Derator' })
  const memberUser = await createUser(db, { displayName: 'Commenter' })
  await createCommunityWith(db, { slug: 'homeshare', moderators: [moderatorUser], members: [authorUser, memberUser] })
  const themeId = await createThemeWith(db, 'participation', { en: 'Participation', nl: 'Participatie' })
  const as = async (user: { email: string; password: string }) => {
    const client = new Client(app)
    await logIn(client, user.email, user.password)
    return client
  }
  const author = await as(authorUser)
  const moderator = await as(moderatorUser)
  const url = (await writeArticle(author, { community: 'homeshare', themes: 'participation' })).location!
  await author.post(`${url}/submit`)
  await moderator.get(url)
  if ((await moderator.post(`${url}/publish`)).status !== 303) throw new Error('the article was not published')
  return {
    app,
    db,
    database,
    themeId,
    authorUser,
    author,
    moderator,
    member: await as(memberUser),
    visitor: new Client(app),
    url,
  }
}

/** A visitor's page, and whether it came from the instance's kept pages (then the only query is the version check). */
async function visit(visitor: Client, database: TestDatabase, path: string) {
  database.queries.reset()
  const page = await visitor.get(path)
  const kept = database.queries.count === 1 && /page_versions/.test(database.queries.sql[0])
  return { ...page, kept }
}

const withoutCsrf = (body: string) => body.replace(/name="_csrf" value="[^"]*"/g, 'name="_csrf" value=""')

t.test(
  "a visitor's second look at the library index or an article costs one query and shows the very same page",
  async (t) => {
    const { database, visitor, url } = await setup(t)
    for (const path of ['/library', '/library?kind=practice&theme=participation', url]) {
      const first = await visit(visitor, database, path)
      t.equal(first.status, 200, path)
      t.notOk(first.kept, `${path}: the first look renders`)
      const second = await visit(visitor, database, path)
      t.ok(second.kept, `${path}: the second is the kept page`)
      t.equal(withoutCsrf(second.body), withoutCsrf(first.body), `${path}: the same HTML, but for the CSRF token`)
    }
    visitor.headers['accept-language'] = 'nl'
    const dutch = await visit(visitor, database, '/library')
    t.notOk(dutch.kept, 'another language is another page')
    t.match(dutch.body, 'Participatie')
  },
)

t.test('every change a visitor would see reaches the kept pages at once', async (t) => {
  const { app, db, database, themeId, authorUser, author, member, moderator, visitor, url } = await setup(t)
  const slug = url.split('/').pop()!
  const look = async (path: string) => {
    await visit(visitor, database, path)
    t.ok((await visit(visitor, database, path)).kept, `${path} is kept before the change`)
  }

  await look(url)
  await member.get(url)
  t.equal(
    (await member.post(`${url}/comments`, { body: 'We tried this in **Ghent** too.', parent_id: '' })).status,
    303,
  )
  const commented = await visit(visitor, database, url)
  t.notOk(commented.kept)
  t.match(commented.body, 'We tried this in <strong>Ghent</strong> too.', 'a new comment shows')

  await look('/library')
  await author.get(`${url}/edit`)
  t.equal(
    (
      await author.edit(`${url}/edit`, {
        title: 'Intake interviews in threes',
        slug,
        summary: 'Now with three people.',
        kind: 'practice',
        language: 'en',
        body: 'Three.',
        community: 'homeshare',
        themes: 'participation',
      })
    ).status,
    303,
  )
  t.match(
    (await visit(visitor, database, '/library')).body,
    'Intake interviews in threes',
    'an edited title shows in the index',
  )
  t.match((await visit(visitor, database, url)).body, 'Now with three people.', 'and on the article')

  await look(url)
  await db.updateTable('users').set({ display_name: 'Hanne de Smit' }).where('id', '=', authorUser.id).execute()
  t.match((await visit(visitor, database, url)).body, 'Hanne de Smit', "the author's new name shows")

  await look('/library')
  t.ok(await renameTheme(db, themeId, { en: 'Taking part', nl: 'Deelname' }))
  t.match((await visit(visitor, database, '/library')).body, 'Taking part', 'a renamed theme shows')

  await look(url)
  const articleId = (await db.selectFrom('articles').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id
  await moderator.get(url)
  t.equal((await moderator.post(`/mod/content/article/${articleId}/hide`, { reason: 'Names a family' })).status, 303)
  t.equal((await visit(visitor, database, url)).status, 404, 'a hidden article is gone for visitors at once')
  t.notMatch((await visit(visitor, database, '/library')).body, 'Intake interviews in threes', 'and from the index')

  // The version moves only in the transaction of the change: a rolled-back change leaves the pages kept.
  await look('/library')
  const version = async () =>
    Number(
      (await db.selectFrom('page_versions').select('version').where('scope', '=', 'library').executeTakeFirstOrThrow())
        .version,
    )
  const before = await version()
  await db
    .transaction()
    .execute(async (trx) => {
      await trx.updateTable('articles').set({ title: 'Rolled back' }).where('id', '=', articleId).execute()
      throw new Error('roll back')
    })
    .catch(() => {})
  t.equal(await version(), before, 'a rolled-back change bumps nothing')
  t.ok((await visit(visitor, database, '/library')).kept, 'and the kept page stays')
  t.ok(app)
})

t.test('logged-in members and visitors with a notice waiting never get a kept page', async (t) => {
  const { database, member, visitor, url } = await setup(t)
  await visit(visitor, database, url)
  t.ok((await visit(visitor, database, url)).kept)
  const memberPage = await member.get(url)
  t.match(memberPage.body, 'name="body"', 'a member gets the comment form')
  t.notMatch(memberPage.body, 'log in to comment')
  const loggedOut = new Client(visitor.app)
  const page = await loggedOut.get(url)
  t.match(decodeEntities(page.body), /log in to comment/i, 'a visitor is asked to log in')
})

t.test("a change made through another instance reaches this one's visitors", async (t) => {
  const { app, database, url } = await setup(t)
  const { app: second, db } = await buildTestApp(t, { database, db: await database.connectAgain() })
  const visitor = new Client(app)
  await visit(visitor, database, url)
  t.ok((await visit(visitor, database, url)).kept)
  const commenter = await createUser(db, { displayName: 'Elsewhere' })
  const elsewhere = new Client(second)
  await logIn(elsewhere, commenter.email, commenter.password)
  await elsewhere.get(url)
  t.equal(
    (await elsewhere.post(`${url}/comments`, { body: 'Written on the other instance.', parent_id: '' })).status,
    303,
  )
  t.match((await visit(visitor, database, url)).body, 'Written on the other instance.')
})

t.test('an article from a members-only community does not name that community to outsiders', async (t) => {
  const { app, db } = await buildTestApp(t)
  const authorUser = await createUser(db, { displayName: 'Hanne Smit' })
  const moderatorUser = await createUser(db, { displayName: 'Mo Derator' })
  await createCommunityWith(db, {
    slug: 'quiet-circle',
    name: 'Quiet Circle',
    visibility: 'members',
    moderators: [moderatorUser],
    members: [authorUser],
  })
  const author = new Client(app)
  await logIn(author, authorUser.email, authorUser.password)
  const moderator = new Client(app)
  await logIn(moderator, moderatorUser.email, moderatorUser.password)
  const url = (await writeArticle(author, { community: 'quiet-circle' })).location!
  await author.post(`${url}/submit`)
  await moderator.get(url)
  t.equal((await moderator.post(`${url}/publish`)).status, 303)

  const visitor = new Client(app)
  const index = await visitor.get('/library')
  t.match(index.body, 'Intake interviews with two coordinators', 'the published article is public')
  t.notMatch(index.body, 'Quiet Circle', 'but its community is not named in the index')
  const page = await visitor.get(url)
  t.equal(page.status, 200)
  t.notMatch(page.body, 'Quiet Circle', 'nor on the article')
  t.notMatch(page.body, '/c/quiet-circle')
  const filtered = await visitor.get('/library?community=quiet-circle')
  t.equal(filtered.status, 400, 'filtering by it is like filtering by a community that does not exist')
  t.notMatch(filtered.body, 'Quiet Circle')

  t.match(
    (await author.get(url)).body,
    '<a href="/c/quiet-circle">Quiet Circle</a>',
    'a member sees where it came from',
  )
  t.equal((await author.get('/library?community=quiet-circle')).status, 200, 'and can filter by it')
})
