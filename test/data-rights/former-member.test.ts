// After a deletion that keeps the content: a library comment and a kept visitor page show "Former member", and the
// notifications others had about the member no longer name them.
import t from 'tap'
import { anonymiseAccount } from '../../src/data-rights/deletion.js'
import { addComment, createDraft, transitionArticle } from '../../src/library/commands.js'
import { buildTestApp } from '../helpers/app.js'
import { Client } from '../helpers/client.js'
import { createCommunityWith, createThreadIn, createUser } from '../helpers/factories.js'
import { loggedIn } from '../helpers/moderation.js'

t.test('kept pages, comments and notifications stop naming a former member', async (t) => {
  const { app, db } = await buildTestApp(t)
  const anna = await createUser(db, { displayName: 'Anna Commenter' })
  const bram = await createUser(db, { displayName: 'Bram Author' })
  const community = await createCommunityWith(db, { members: [anna, bram] })
  const threadId = await createThreadIn(db, community.id, bram, { title: 'Bram asks', body: 'A question' })
  const annaClient = await loggedIn(app, anna)
  await annaClient.get(`/t/${threadId}`)
  t.equal((await annaClient.post(`/t/${threadId}/replies`, { body: 'Anna answers' })).status, 303)
  const created = await createDraft(db, {
    title: 'Pairs at intake',
    slug: 'pairs-at-intake',
    summary: 'Two in the room.',
    kind: 'guide',
    language: 'en',
    body_md: 'Some **text**.',
    community_id: community.id,
    themeIds: [],
    authorId: bram.id,
    practice: {
      practice_context: null,
      practice_target_group: null,
      practice_country: null,
      practice_what_worked: null,
      practice_what_did_not: null,
      practice_contact: null,
    },
  })
  if (!created.ok || !(await transitionArticle(db, created.id, 'publish', null))) throw new Error('not published')
  await addComment(db, { articleId: created.id, authorId: anna.id, parentId: null, bodyMd: 'Anna comments here' })

  const visitor = new Client(app)
  t.match((await visitor.get(`/t/${threadId}`)).body, 'Anna Commenter', 'kept for visitors with her name')
  t.match((await visitor.get('/library/pairs-at-intake')).body, 'Anna Commenter')
  const before = await db.selectFrom('notifications').select('data').where('user_id', '=', bram.id).execute()
  t.match(JSON.stringify(before), 'Anna Commenter', 'Bram was told of her reply')

  t.same(await anonymiseAccount(db, { userId: anna.id, mode: 'keep', actorId: null }), { ok: true })

  const thread = await visitor.get(`/t/${threadId}`)
  t.notMatch(thread.body, 'Anna Commenter', 'the kept page was rebuilt')
  t.match(thread.body, 'Anna answers')
  const article = await visitor.get('/library/pairs-at-intake')
  t.notMatch(article.body, 'Anna Commenter')
  t.match(article.body, 'Anna comments here')
  t.match(article.body, '<strong>Former member</strong>')
  const after = await db
    .selectFrom('notifications')
    .select(['data', 'actor_id'])
    .where('user_id', '=', bram.id)
    .execute()
  t.notMatch(JSON.stringify(after), 'Anna Commenter')
  t.same(
    after.map((n) => n.actor_id),
    after.map(() => null),
  )
  t.same(await anonymiseAccount(db, { userId: anna.id, mode: 'keep', actorId: null }), { ok: false, reason: 'gone' })
})
