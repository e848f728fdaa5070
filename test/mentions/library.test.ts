// @mentions in the library: comments on a published article notify whom they newly mention (edits not again); a draft
// links its mentions and notifies nobody; a published article's edit by its author notifies; too many from a new
// account is refused with the text kept. And the rendered HTML stays inside the allow-list.
import t from 'tap'
import { decidePendingEdit } from '../../src/library/commands.js'
import { renderMarkdown } from '../../src/markdown/render.js'
import { resolveMentions } from '../../src/mentions/resolve.js'
import { buildTestApp } from '../helpers/app.js'
import { onlyAllowedMarkup } from '../helpers/allowed-markup.js'
import { Client, logIn } from '../helpers/client.js'
import { createUser } from '../helpers/factories.js'
import { practiceFields, writeArticle } from '../helpers/library.js'
import type { Db } from '../../src/db/connect.js'

const mentionNotes = (db: Db, userId: number) =>
  db.selectFrom('notifications').select(['url']).where('user_id', '=', userId).where('kind', '=', 'mention').execute()

t.test('mentions in articles and comments', async (t) => {
  const { app, db } = await buildTestApp(t)
  const author = await createUser(db, { displayName: 'Lib Author' })
  const dana = await createUser(db, { displayName: 'Dana Reader' })
  const eli = await createUser(db, { displayName: 'Eli Reader' })
  const client = new Client(app)
  await logIn(client, author.email, author.password)
  const created = await writeArticle(client, { body: 'Thanks to @[Dana Reader] for the idea.' })
  t.equal(created.status, 303)
  const url = created.location!.replace(/\/edit$/, '').replace(/\?.*$/, '')
  const draft = await client.get(url)
  t.match(draft.body, `<a href="/u/${dana.id}" class="mention" rel="nofollow ugc noopener">@Dana Reader</a>`)
  t.same(await mentionNotes(db, dana.id), [], 'a draft notifies nobody')

  const slug = url.split('/').pop()!
  await db
    .updateTable('articles')
    .set({ status: 'published', published_at: new Date() })
    .where('slug', '=', slug)
    .execute()
  const edited = await client.edit(`${url}/edit`, {
    ...practiceFields,
    slug,
    body: 'Thanks to @[Dana Reader] and @[Eli Reader] for the idea.',
  })
  t.equal(edited.status, 303)
  t.same(await mentionNotes(db, eli.id), [], 'an edit waiting for review tells nobody yet')
  // A published article's edit by its author waits for a reviewer (an admin: it has no community); accepted, it tells.
  const reviewer = await createUser(db, { siteRole: 'admin' })
  const article = await db.selectFrom('articles').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()
  t.equal(await decidePendingEdit(db, article.id, 'accept', reviewer.id, null, app.config), 'accepted')
  t.equal((await mentionNotes(db, eli.id)).length, 1, 'the published article notifies whom it newly mentions')
  t.equal((await mentionNotes(db, dana.id)).length, 1)

  const commenter = new Client(app)
  await logIn(commenter, eli.email, eli.password)
  await commenter.get(url)
  const commented = await commenter.post(`${url}/comments`, { body: 'Agreed, @[Lib Author]!', parent_id: '' })
  t.equal(commented.status, 303)
  const notes = await mentionNotes(db, author.id)
  t.equal(notes.length, 1)
  t.match(notes[0].url, new RegExp(`^/library/${slug}#comment-\\d+$`))
  const page = await commenter.get(url)
  t.match(page.body, `<a href="/u/${author.id}" class="mention" rel="nofollow ugc noopener">@Lib Author</a>`)

  const commentId = /#comment-(\d+)/.exec(commented.location!)![1]
  await db.updateTable('notifications').set({ read_at: new Date() }).execute()
  const again = await commenter.edit(`/library/comments/${commentId}/edit`, {
    body: 'Agreed, @[Lib Author]! (edited)',
  })
  t.equal(again.status, 303)
  t.equal((await mentionNotes(db, author.id)).length, 1, 'an edit does not notify twice')

  const others = await Promise.all([1, 2, 3, 4].map((n) => createUser(db, { displayName: `Reader ${n}` })))
  const flood = 'Hello @[Reader 1] @[Reader 2] @[Reader 3] @[Reader 4]'
  const refused = await commenter.post(`${url}/comments`, { body: flood, parent_id: '' })
  t.equal(refused.status, 422)
  t.match(refused.body, 'New accounts may mention at most 3 people')
  t.match(refused.body, flood, 'the text is given back')
  t.equal((await mentionNotes(db, others[0].id)).length, 0)

  // A moderator hid the article; its author may still edit it, but its text must not leave in a mention's email.
  await db.updateTable('articles').set({ hidden_at: new Date() }).where('slug', '=', slug).execute()
  const fay = await createUser(db, { displayName: 'Fay Reader' })
  const hiddenEdit = await client.edit(`${url}/edit`, {
    ...practiceFields,
    slug,
    body: 'Thanks to @[Dana Reader], @[Eli Reader] and @[Fay Reader] for the idea.',
  })
  t.equal(hiddenEdit.status, 303)
  t.same(await mentionNotes(db, fay.id), [], 'a hidden article tells nobody it mentions')
  t.equal((await db.selectFrom('email_outbox').select('id').where('to_address', '=', fay.email).execute()).length, 0)
})

t.test('rendered mentions stay inside the allow-list, whatever the name', async (t) => {
  const { db } = await buildTestApp(t)
  await createUser(db, { displayName: '"><script>alert(1)</script>' })
  await createUser(db, { displayName: "Zoë O'Brien" })
  const markdown = "@[\"><script>alert(1)</script>] and @[zoë o'brien] and [@[Zoë O'Brien]](https://example.org)"
  const html = renderMarkdown(markdown, await resolveMentions(db, markdown)).html
  t.same(onlyAllowedMarkup(html), [])
  t.notMatch(html, '<script')
  t.match(html, 'class="mention"')
})
