// Two tabs or two people editing one article or comment: the later save from an older copy is a 409 that loses nothing.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { Client, formVersion, logIn } from '../helpers/client.js'
import { createCommunityWith, createUser } from '../helpers/factories.js'
import { practiceFields, writeArticle } from '../helpers/library.js'

async function setup(t: Parameters<typeof buildTestApp>[0]) {
  const { app, db } = await buildTestApp(t)
  const authorUser = await createUser(db, { displayName: 'Author', locale: 'nl' })
  const moderatorUser = await createUser(db, { displayName: 'Moderator' })
  await createCommunityWith(db, { slug: 'homeshare', moderators: [moderatorUser], members: [authorUser] })
  const as = async (user: { email: string; password: string }) => {
    const client = new Client(app)
    await logIn(client, user.email, user.password)
    return client
  }
  return { app, db, authorUser, moderatorUser, as }
}

const articleForm = (body: string, title = practiceFields.title) => ({
  ...practiceFields,
  title,
  body,
  slug: 'intake-interviews',
  community: 'homeshare',
})

t.test('a stale article save answers 409 with the newer text shown and the own text kept', async (t) => {
  const { db, authorUser, as } = await setup(t)
  const tabA = await as(authorUser)
  const tabB = await as(authorUser)
  const url = (await writeArticle(tabA, { community: 'homeshare', slug: 'intake-interviews' })).location!
  const version = formVersion((await tabA.get(`${url}/edit`)).body)
  t.ok(version, 'the edit form carries the revision it shows')
  t.equal(formVersion((await tabB.get(`${url}/edit`)).body), version)

  t.equal((await tabA.post(`${url}/edit`, { ...articleForm('Tab A says **pairs**.'), version: version! })).status, 303)
  const stale = await tabB.post(`${url}/edit`, {
    ...articleForm('Tab B says threes.', 'A title from tab B'),
    version: version!,
  })
  t.equal(stale.status, 409)
  t.match(stale.body, 'Iemand anders heeft een nieuwere versie bewaard', "in the editor's language")
  t.match(stale.body, 'Tab A says <strong>pairs</strong>.', 'the newer version, rendered')
  t.match(stale.body, 'Tab B says threes.</textarea>', 'the own text kept')
  t.match(stale.body, 'value="A title from tab B"')
  const row = await db
    .selectFrom('articles')
    .select(['body_md', 'revision'])
    .where('slug', '=', 'intake-interviews')
    .executeTakeFirstOrThrow()
  t.equal(row.body_md, 'Tab A says **pairs**.')
  const revisions = await db.selectFrom('article_revisions').select('revision').execute()
  t.equal(revisions.length, row.revision, 'a refused save keeps no revision')

  const merged = await tabB.post(`${url}/edit`, {
    ...articleForm('Merged: pairs and threes.'),
    version: formVersion(stale.body)!,
  })
  t.equal(merged.status, 303, 'saving again from the 409 page goes through')

  for (const bad of ['', 'x', '-3', '1e3']) {
    const garbled = await tabA.post(`${url}/edit`, { ...articleForm(`Garbled ${bad}`), version: bad })
    t.equal(garbled.status, 409, `version "${bad}"`)
    t.match(garbled.body, `Garbled ${bad}</textarea>`)
  }
  const missing = await tabA.post(`${url}/edit`, articleForm('No version at all'))
  t.equal(missing.status, 409)
  t.match(missing.body, 'No version at all</textarea>')
  t.equal(
    (
      await db
        .selectFrom('articles')
        .select('body_md')
        .where('slug', '=', 'intake-interviews')
        .executeTakeFirstOrThrow()
    ).body_md,
    'Merged: pairs and threes.',
  )
})

t.test('a restored revision makes an open edit form stale', async (t) => {
  const { authorUser, as } = await setup(t)
  const author = await as(authorUser)
  const url = (await writeArticle(author, { community: 'homeshare', slug: 'intake-interviews' })).location!
  t.equal((await author.edit(`${url}/edit`, articleForm('Second text'))).status, 303)
  const version = formVersion((await author.get(`${url}/edit`)).body)!
  await author.get(`${url}/history`)
  t.equal((await author.post(`${url}/restore`, { revision: '1' })).status, 303)
  t.equal((await author.post(`${url}/edit`, { ...articleForm('From before the restore'), version })).status, 409)
})

t.test('a stale comment edit answers 409 with both texts; a current one saves', async (t) => {
  const { db, authorUser, moderatorUser, as } = await setup(t)
  const author = await as(authorUser)
  const moderator = await as(moderatorUser)
  const url = (await writeArticle(author, { community: 'homeshare', slug: 'intake-interviews' })).location!
  await author.post(`${url}/submit`)
  await moderator.get(url)
  await moderator.post(`${url}/publish`)
  await author.get(url)
  t.equal((await author.post(`${url}/comments`, { body: 'My first comment' })).status, 303)
  const id = (await db.selectFrom('comments').select('id').executeTakeFirstOrThrow()).id

  const version = formVersion((await author.get(`/library/comments/${id}/edit`)).body)!
  t.equal(formVersion((await moderator.get(`/library/comments/${id}/edit`)).body), version)
  t.equal(
    (await moderator.post(`/library/comments/${id}/edit`, { body: 'Edited by the *moderator*', version })).status,
    303,
  )
  const stale = await author.post(`/library/comments/${id}/edit`, { body: 'Edited by the author', version })
  t.equal(stale.status, 409)
  t.match(stale.body, 'Edited by the <em>moderator</em>')
  t.match(stale.body, 'Edited by the author</textarea>')
  t.equal(
    (await db.selectFrom('comments').select('body_md').where('id', '=', id).executeTakeFirstOrThrow()).body_md,
    'Edited by the *moderator*',
  )
  const garbled = await author.post(`/library/comments/${id}/edit`, { body: 'Garbled version', version: 'two' })
  t.equal(garbled.status, 409)
  t.match(garbled.body, 'Garbled version</textarea>')
  t.equal(
    (await author.post(`/library/comments/${id}/edit`, { body: 'Merged comment', version: formVersion(stale.body)! }))
      .status,
    303,
  )
  t.equal(
    (await db.selectFrom('comments').select('body_md').where('id', '=', id).executeTakeFirstOrThrow()).body_md,
    'Merged comment',
  )
})
