// Everywhere a post written without a name shows: visitors, members and the search index see the community's label,
// never the name, initials, organisation or a profile link; the author sees "posted as"; moderators who posted it.
import t from 'tap'
import { markAnswer } from '../../src/discussions/commands.js'
import { Client } from '../helpers/client.js'
import { createThreadIn, replyIn } from '../helpers/factories.js'
import { loggedIn } from '../helpers/moderation.js'
import { buildSearchApp } from '../search/helpers.js'
import { anonymousCommunity, author } from './fixture.js'

const label = 'a parent in this community'

t.test('pages, lists, history, feed and the search document carry the label, not the name', async (t) => {
  const { app, db, search, sync } = await buildSearchApp(t)
  const { community, parent, member, moderator } = await anonymousCommunity(db)
  const asParent = await loggedIn(app, parent)
  const started = await asParent.post(`/c/${community.slug}/new`, {
    title: 'Absent for three weeks',
    body: 'Our school has not called back.',
    anonymous: '1',
  })
  const threadId = Number(/\/t\/(\d+)/.exec(started.location!)![1])
  const named = await replyIn(db, threadId, member, null, 'Have you written to the attendance officer?')
  const anonymous = await asParent.post(`/t/${threadId}/replies`, {
    body: 'Yes, twice, no answer.',
    parent_id: String(named),
    anonymous: '1',
  })
  const anonymousId = Number(/\/posts\/(\d+)/.exec(anonymous.location!)![1])
  await replyIn(db, threadId, member, anonymousId, 'Then ask the family centre.')
  // The author edits: the history must not tell who.
  t.equal((await asParent.edit(`/posts/${anonymousId}/edit`, { body: 'Yes, twice; still no answer.' })).status, 303)
  // A thread of the member's, whose answer is the parent's anonymous reply: the answer box shows the label too.
  const second = await createThreadIn(db, community.id, member, { title: 'Who to call' })
  const answer = await asParent.post(`/t/${second}/replies`, { body: 'The family centre.', anonymous: '1' })
  const answerId = Number(/\/posts\/(\d+)/.exec(answer.location!)![1])
  t.ok((await markAnswer(db, { postId: answerId, actorId: member.id, mark: true })).ok)

  const profileLink = new RegExp(`/u/${parent.id}\\b`)
  const clean = (body: string, where: string) => {
    t.notMatch(body, author, `${where}: no name`)
    t.notMatch(body, 'Zonnebloem', `${where}: no organisation`)
    t.notMatch(body, profileLink, `${where}: no profile link`)
    t.notMatch(body, '>PQ<', `${where}: no initials`)
  }
  const visitor = new Client(app)
  const asMember = await loggedIn(app, member)
  const asModerator = await loggedIn(app, moderator)
  for (const [who, client] of [
    ['visitor', visitor],
    ['member', asMember],
  ] as const) {
    const page = await client.get(`/t/${threadId}`)
    t.equal(page.status, 200)
    clean(page.body, `${who} thread page`)
    t.match(page.body, `<strong class="post-author">${label}</strong>`, `${who}: the label as the author`)
    t.match(page.body, /class="avatar avatar-anon" aria-hidden="true"><\/span>/, `${who}: a neutral avatar`)
    t.match(page.body, `in reply to ${label}`, `${who}: the quote names the label`)
    clean((await client.get(`/t/${threadId}`)).body, `${who} thread page again (kept for visitors)`)
    const answered = await client.get(`/t/${second}`)
    clean(answered.body, `${who} answered thread`)
    t.match(answered.body, `Answer by ${label}`)
    clean((await client.get(`/c/${community.slug}`)).body, `${who} topic list`)
    clean((await client.get(`/t/${threadId}/history`)).body, `${who} thread history`)
    const history = await client.get(`/posts/${anonymousId}/history`)
    clean(history.body, `${who} reply history`)
    t.match(history.body, label, `${who}: the history names the label`)
    clean((await client.get('/')).body, `${who} home page`)
  }
  const topics = await asMember.get(`/c/${community.slug}`)
  t.match(topics.body, `started by ${label}`)
  const feed = await visitor.get(`/feeds/c/${community.slug}/threads.atom`)
  t.equal(feed.status, 200)
  clean(feed.body, 'feed')
  t.match(feed.body, `<author><name>${label}</name></author>`)

  // The author sees their own name, marked.
  const own = await asParent.get(`/t/${threadId}`)
  t.match(own.body, author)
  t.match(own.body, `posted as “${label}”`)
  // Moderators see the label and who posted it.
  const moderated = await asModerator.get(`/t/${threadId}`)
  t.match(moderated.body, `<strong class="post-author">${label}</strong>`)
  t.match(moderated.body, `posted by ${author} (only moderators see this)`)

  // The search index: the documents of the anonymous thread and reply carry the label, never the name.
  await sync()
  const docs = await search!.meili
    .index(search!.indexUid)
    .getDocuments<{ id: string; author: string }>({ fields: ['id', 'author'], limit: 100 })
  const byId = new Map(docs.results.map((d) => [d.id, d.author]))
  t.equal(byId.get(`thread-${threadId}`), label)
  t.equal(byId.get(`post-${anonymousId}`), label)
  t.equal(byId.get(`post-${named}`), 'Mara Member', 'named posts keep their author')
  t.notOk(
    docs.results.some((d) => d.author === author),
    'no document names the author',
  )
  const results = await asMember.get('/search?q=twice')
  clean(results.body, 'search results')
})
