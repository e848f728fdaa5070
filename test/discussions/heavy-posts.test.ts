// Heavy posts cannot slow everyone (issue 11, point 4): every text built to be slow is stored or refused cleanly
// through the real forms, its work happens before the write takes any lock, search still finds the ordinary words
// beside it, and previews are rate limited. The budgets themselves are measured by npm run bench -- heavy-posts.
import t from 'tap'
import { sql } from 'kysely'
import { markdownRenderCount } from '../../src/markdown/render.js'
import { createDraft, noPractice } from '../../src/library/commands.js'
import { searchPostgres } from '../../src/search/fallback.js'
import type { SearchParams } from '../../src/search/params.js'
import { previewsPerMinute } from '../../src/web/preview-limit.js'
import {
  pathologicalSummaries,
  pathologicalTexts,
  pathologicalTitles,
} from '../../scripts/bench/lib/pathological-texts.js'
import { onlyAllowedMarkup } from '../helpers/allowed-markup.js'
import { buildTestApp } from '../helpers/app.js'
import { decodeEntities } from '../helpers/client.js'
import { createCommunityWith, createThreadIn, createUser } from '../helpers/factories.js'
import { someoneWaitsForALock } from '../helpers/lock-waits.js'
import { loggedIn } from '../helpers/moderation.js'

const onServer = Boolean(process.env.DATABASE_URL)

const search = (q: string): SearchParams => ({
  q,
  types: ['thread', 'post', 'article'],
  themes: [],
  languages: [],
  communities: [],
  answered: false,
  sort: 'relevance',
  page: 1,
})

/** The text a refused form gives back in its textarea. */
const keptBody = (page: string) =>
  decodeEntities(/<textarea[^>]*name="body"[^>]*>([\s\S]*?)<\/textarea>/.exec(page)?.[1] ?? '')

t.test(
  'every pathological text sent as a reply is stored and shown as safe HTML, or refused with its text kept',
  async (t) => {
    const { app, db } = await buildTestApp(t)
    const member = await createUser(db)
    const community = await createCommunityWith(db, { members: [member] })
    const threadId = await createThreadIn(db, community.id, member)
    const client = await loggedIn(app, member)
    await client.get(`/t/${threadId}`)
    for (const entry of pathologicalTexts) {
      const response = await client.post(`/t/${threadId}/replies`, {
        body: entry.body,
        parent_id: '',
        submission_key: '',
      })
      if (response.status === 422) {
        t.match(response.body, /class="[^"]*error/, `${entry.name} is refused with a message`)
        t.equal(keptBody(response.body), entry.body, `and the text of ${entry.name} is kept`)
        continue
      }
      t.equal(response.status, 303, `${entry.name} is stored`)
      const stored = await db
        .selectFrom('posts')
        .select(['body_md', 'body_html'])
        .where('thread_id', '=', threadId)
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow()
      t.equal(stored.body_md, entry.body, `${entry.name} is stored as written`)
      t.same(onlyAllowedMarkup(stored.body_html), [], `${entry.name} is shown as safe HTML`)
      await client.get(`/t/${threadId}`)
    }
    const page = await client.get(`/t/${threadId}`)
    t.equal(page.status, 200, 'the thread still opens')
  },
)

t.test('pathological titles and bodies start threads, and pathological titles and summaries make drafts', async (t) => {
  const { app, db } = await buildTestApp(t)
  const member = await createUser(db)
  const community = await createCommunityWith(db, { members: [member] })
  const client = await loggedIn(app, member)
  // The text PostgreSQL's parser took 35 s over, in a code block: as Markdown it is refused for its many signs, but
  // code is not parsed as Markdown, so it reaches the search vector as it is.
  const worst = {
    body: '```\n' + pathologicalTexts.find((entry) => entry.name === 'underscore-pairs')!.body.slice(0, 20_000),
  }
  for (const title of pathologicalTitles) {
    await client.get(`/c/${community.slug}/new`)
    const response = await client.post(`/c/${community.slug}/new`, {
      title: title.body,
      body: worst.body,
      submission_key: '',
    })
    t.equal(response.status, 303, `a thread titled ${title.name} is stored`)
  }
  for (const [i, summary] of pathologicalSummaries.entries()) {
    const result = await createDraft(db, {
      title: pathologicalTitles[i].body,
      slug: `heavy-${i}`,
      summary: summary.body,
      kind: 'guide',
      language: 'en',
      body_md: `zeppelin ${worst.body}`.slice(0, 60_000),
      community_id: community.id,
      themeIds: [],
      authorId: member.id,
      practice: noPractice,
    })
    t.ok(result.ok, `a draft with ${summary.name} is stored`)
  }
})

t.test('search finds an ordinary word next to a pathological one, in vectors and in snippets', async (t) => {
  const { app, db } = await buildTestApp(t)
  const member = await createUser(db)
  const community = await createCommunityWith(db, { members: [member] })
  const threadId = await createThreadIn(db, community.id, member, { title: 'Ordinary title', body: 'Ordinary body' })
  const client = await loggedIn(app, member)
  await client.get(`/t/${threadId}`)
  const heavy = ['underscore-pairs', 'comment-openers', 'long-token', 'repeated-dot-pair']
  for (const name of heavy) {
    const entry = pathologicalTexts.find((e) => e.name === name)!
    // In a code block, where Markdown signs are not counted, so the text reaches PostgreSQL's parser as it is.
    const body = `zeppelin ${name.replace(/-/g, '')}\n\n\`\`\`\n${entry.body}`.slice(0, 30_000)
    const response = await client.post(`/t/${threadId}/replies`, { body, parent_id: '', submission_key: '' })
    t.equal(response.status, 303, `a reply with ${name} is stored`)
  }
  const results = await searchPostgres(db, search('zeppelin'), { kind: 'everyone' })
  const [found] = results.groups
  t.equal(found.replies.length + found.moreReplies, heavy.length, 'the ordinary word finds every one of them')
  for (const name of heavy) {
    const one = await searchPostgres(db, search(name.replace(/-/g, '')), { kind: 'everyone' })
    t.equal(one.total, 1, `and the word beside ${name} finds its reply`)
    t.match(JSON.stringify(one.groups[0]), 'zeppelin', 'with a snippet of its ordinary words')
  }
  const ordinary = await searchPostgres(db, search('ordinary'), { kind: 'everyone' })
  t.equal(ordinary.total, 1, 'ordinary threads are found as before')
  const longWord = await sql<{ n: number }>`select count(*)::int as n from posts
    where search_vector @@ to_tsquery('simple', ${'a'.repeat(200)})`.execute(db)
  t.equal(longWord.rows[0].n, 0, 'a word of 100 characters or more is not in the vectors')
})

t.test("a reply's Markdown is rendered once, before its transaction takes the thread's lock", async (t) => {
  const { app, db, database } = await buildTestApp(t)
  const member = await createUser(db)
  const community = await createCommunityWith(db, { members: [member] })
  const threadId = await createThreadIn(db, community.id, member)
  const client = await loggedIn(app, member)
  await client.get(`/t/${threadId}`)
  const body = `${'word '.repeat(4000)}${'a_'.repeat(3000)} ${Math.random()}`
  const before = markdownRenderCount()
  if (onServer) {
    // Another member's reply holds the thread; this one must have done its rendering by the time it waits for it.
    const other = await database.connectAgain()
    let pending: ReturnType<typeof client.post> | undefined
    let renderedWhileWaiting = -1
    await other.transaction().execute(async (trx) => {
      await trx.selectFrom('threads').select('id').where('id', '=', threadId).forUpdate().execute()
      pending = client.post(`/t/${threadId}/replies`, { body, parent_id: '', submission_key: '' })
      await someoneWaitsForALock(other)
      renderedWhileWaiting = markdownRenderCount() - before
    })
    t.equal(renderedWhileWaiting, 1, 'the text was rendered before the reply asked for any lock')
    t.equal((await pending!).status, 303, 'and the reply is stored once the lock is free')
  } else {
    // PGlite runs one transaction at a time, so no second writer can hold the lock; the count still holds.
    t.equal((await client.post(`/t/${threadId}/replies`, { body, parent_id: '', submission_key: '' })).status, 303)
  }
  t.equal(markdownRenderCount() - before, 1, "the form's check and the write shared one render")
})

t.test('previews are rate limited per member, with the 429 message', async (t) => {
  const { app, db } = await buildTestApp(t)
  const member = await createUser(db)
  const other = await createUser(db)
  const community = await createCommunityWith(db, { members: [member, other] })
  const threadId = await createThreadIn(db, community.id, member)
  const client = await loggedIn(app, member)
  await client.get(`/t/${threadId}`)
  const json = { headers: { accept: 'application/json' } }
  for (let i = 0; i < previewsPerMinute; i++) {
    const response = await client.post('/preview', { body: `Preview *${i}*` }, json)
    t.equal(response.status, 200, `preview ${i + 1} is shown`)
  }
  const refused = await client.post('/preview', { body: 'One too many' }, json)
  t.equal(refused.status, 429, 'the next preview within the minute is refused')
  t.match(JSON.parse(refused.body), { error: 429, message: /too often|te vaak/i }, 'with a message the page shows')
  const page = await client.post('/preview', { body: 'One too many' })
  t.equal(page.status, 429, 'without JavaScript it is the 429 page')
  t.match(page.body, /<h1[^>]*>/)

  const edit = await client.submit(`/t/${threadId}/edit`, `/t/${threadId}/edit`, {
    title: 'A question about intake interviews',
    body: 'Edited',
    preview: '1',
    submission_key: '',
  })
  t.equal(edit.status, 429, "an edit form's Preview button counts against the same members' previews")
  const saved = await client.submit(`/t/${threadId}/edit`, `/t/${threadId}/edit`, {
    title: 'A question about intake interviews',
    body: 'Edited for real',
    submission_key: '',
  })
  t.equal(saved.status, 303, 'while saving is not limited by it')

  const someoneElse = await loggedIn(app, other)
  await someoneElse.get(`/t/${threadId}`)
  t.equal((await someoneElse.post('/preview', { body: 'Mine' }, json)).status, 200, 'another member still previews')
})
