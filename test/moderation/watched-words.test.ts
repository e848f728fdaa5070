// Watched words: an admin's list of words or phrases that either block a post (with a message naming the word, the
// text kept) or send it to the review queue as pending.
import t from 'tap'
import { createDraft, transitionArticle } from '../../src/library/commands.js'
import { buildTestApp } from '../helpers/app.js'
import { decodeEntities } from '../helpers/client.js'
import { createCommunityWith, createThreadIn, createUser, replyIn } from '../helpers/factories.js'
import { loggedIn, logRows, openItemOf, replyItem } from '../helpers/moderation.js'

const noPractice = {
  practice_context: null,
  practice_target_group: null,
  practice_country: null,
  practice_what_worked: null,
  practice_what_did_not: null,
  practice_contact: null,
}

t.test('watched words', async (t) => {
  const { app, db } = await buildTestApp(t)
  const admin = await createUser(db, { displayName: 'Ada Admin', siteRole: 'admin' })
  const moderator = await createUser(db, { displayName: 'Mona Moderator' })
  const member = await createUser(db, { displayName: 'Rik Member' })
  const reader = await createUser(db, { displayName: 'Rita Reader' })
  const community = await createCommunityWith(db, {
    slug: 'words-circle',
    moderators: [moderator],
    members: [member, reader],
  })
  const threadId = await createThreadIn(db, community.id, moderator, { title: 'Open questions' })
  const adminClient = await loggedIn(app, admin)
  const memberClient = await loggedIn(app, member)
  const readerClient = await loggedIn(app, reader)
  const modClient = await loggedIn(app, moderator)
  const postsBy = async () =>
    await db.selectFrom('posts').select(['id', 'status']).where('author_id', '=', member.id).orderBy('id').execute()

  t.test('admins keep the list', async (t) => {
    t.equal((await adminClient.post('/admin/watched-words', { phrase: 'casino', action: 'block' })).status, 303)
    t.equal((await adminClient.post('/admin/watched-words', { phrase: 'cheap pills', action: 'queue' })).status, 303)
    const duplicate = await adminClient.post('/admin/watched-words', { phrase: 'CASINO', action: 'queue' })
    t.equal(duplicate.status, 409, 'a word is listed once, whatever its case')
    t.match(duplicate.body, 'This word is already on the list.')
    const invalid = await adminClient.post('/admin/watched-words', { phrase: 'x', action: 'shout' })
    t.equal(invalid.status, 422)
    t.match(invalid.body, 'Give a word or phrase of at most 100 characters and choose what happens.')
    const page = (await adminClient.get('/admin/watched-words')).body
    t.match(page, /<strong>casino<\/strong> · Block the post/)
    t.match(page, /<strong>cheap pills<\/strong> · Send to the review queue/)
    t.same(
      (await logRows(db, { actorId: admin.id, action: 'watched_word_add' })).map((r) => r.reason),
      ['block: casino', 'queue: cheap pills'],
    )
  })

  t.test('a block word refuses the post, names the word and keeps the text', async (t) => {
    const before = await postsBy()
    const reply = await memberClient.post(`/t/${threadId}/replies`, {
      body: 'Meet me at the Casino tonight, bring friends',
    })
    t.equal(reply.status, 422)
    const body = decodeEntities(reply.body)
    t.match(body, 'Your text contains “casino”, which is not allowed here. Change it and try again.')
    t.match(body, />Meet me at the Casino tonight, bring friends<\/textarea>/, 'the text is kept in the form')
    const thread = await memberClient.post(`/c/${community.slug}/new`, {
      title: 'Casino evening for residents',
      body: 'Who joins?',
    })
    t.equal(thread.status, 422, 'a thread whose title has the word is refused too')
    t.match(decodeEntities(thread.body), 'Your text contains “casino”')
    t.match(thread.body, 'value="Casino evening for residents"', 'its title is kept')
    t.same(await postsBy(), before, 'nothing was posted')
    t.equal((await db.selectFrom('threads').select('id').where('author_id', '=', member.id).execute()).length, 0)
    t.equal(
      (await memberClient.post(`/t/${threadId}/replies`, { body: 'We visited Casinoville, a village' })).status,
      303,
      'only whole words count',
    )
  })

  t.test('a queue word sends the post to the queue as pending', async (t) => {
    const reply = await memberClient.post(`/t/${threadId}/replies`, { body: 'Where do residents get cheap pills?' })
    t.equal(reply.status, 303)
    const postId = Number(/\/posts\/(\d+)/.exec(reply.location!)![1])
    t.equal(
      (await db.selectFrom('posts').select('status').where('id', '=', postId).executeTakeFirstOrThrow()).status,
      'pending',
      'an established member is held too',
    )
    t.match(
      replyItem((await memberClient.get(`/t/${threadId}`)).body, postId),
      'Only you and the moderators see this reply until a moderator approves it.',
    )
    t.notMatch((await readerClient.get(`/t/${threadId}`)).body, 'cheap pills')
    const item = (await openItemOf(db, 'post', postId))!
    t.equal(item.kind, 'queued')
    t.match((await modClient.get('/mod')).body, `id="item-${item.id}"`)
    t.equal((await modClient.post(`/mod/items/${item.id}`, { action: 'approve' })).status, 303)
    t.match((await readerClient.get(`/t/${threadId}`)).body, 'cheap pills', 'approved: everyone reads it')

    const thread = await memberClient.post(`/c/${community.slug}/new`, {
      title: 'About cheap pills',
      body: 'A question.',
    })
    t.equal(thread.status, 303)
    const newThread = Number(/\/t\/(\d+)/.exec(thread.location!)![1])
    t.equal(
      (await db.selectFrom('threads').select('status').where('id', '=', newThread).executeTakeFirstOrThrow()).status,
      'pending',
    )
    t.equal((await readerClient.get(`/t/${newThread}`)).status, 404)
  })

  t.test('watched words are not a way around by editing, nor in article comments', async (t) => {
    const postId = await replyIn(db, threadId, member, null, 'An innocent reply')
    const edited = await memberClient.edit(`/posts/${postId}/edit`, { body: 'An innocent reply. Now: casino!' })
    t.equal(edited.status, 422, 'an edit that adds a block word is refused')
    t.notMatch((await readerClient.get(`/t/${threadId}`)).body, 'Now: casino', 'and others never read it')

    const draft = await createDraft(db, {
      title: 'An article to comment on',
      slug: 'words-article',
      summary: 'S.',
      kind: 'guide',
      language: 'en',
      body_md: 'B.',
      community_id: community.id,
      themeIds: [],
      practice: noPractice,
      authorId: moderator.id,
    })
    if (!draft.ok) throw new Error('no article')
    await transitionArticle(db, draft.id, 'publish', null)
    await memberClient.get('/library/words-article')
    const comment = await memberClient.post('/library/words-article/comments', { body: 'See you at the casino' })
    t.not(comment.status, 303, 'a comment with a block word is refused')
  })

  t.test('a removed word no longer blocks', async (t) => {
    const word = await db
      .selectFrom('watched_words')
      .select('id')
      .where('phrase', '=', 'casino')
      .executeTakeFirstOrThrow()
    await adminClient.get('/admin/watched-words')
    t.equal((await adminClient.post(`/admin/watched-words/${word.id}/delete`)).status, 303)
    t.equal(
      (await adminClient.post(`/admin/watched-words/${word.id}/delete`)).status,
      404,
      'removing twice finds nothing',
    )
    t.equal((await memberClient.post(`/t/${threadId}/replies`, { body: 'The casino closed last year' })).status, 303)
    t.same(
      (await logRows(db, { actorId: admin.id, action: 'watched_word_remove' })).map((r) => r.reason),
      ['block: casino'],
    )
  })
})
