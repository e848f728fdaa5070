import t from 'tap'
import { highlightedHtml } from '../../src/search/present.js'
import { Client } from '../helpers/client.js'
import { createCommunityWith, createThreadIn, createUser, replyIn } from '../helpers/factories.js'
import { buildSearchApp, q } from './helpers.js'

t.test('a reply quoting <script> shows as escaped text, with only <mark> highlights as markup', async (t) => {
  const { app, db, sync } = await buildSearchApp(t)
  const author = await createUser(db)
  const community = await createCommunityWith(db, { visibility: 'public', members: [author] })
  const threadId = await createThreadIn(db, community.id, author, { title: 'Escaping <b>titles</b> & "quotes"' })
  await replyIn(
    db,
    threadId,
    author,
    null,
    'Paste this: `<script>alert("pelican")</script>` and <img src=x onerror=alert(1)> pelican',
  )
  await sync()

  const page = await new Client(app).get(q('pelican'))
  t.equal(page.status, 200)
  const hits = /<ol class="search-hits[\s\S]*?<\/ol>/.exec(page.body)![0]
  t.notMatch(hits, /<script/i, 'no script tag reaches the page')
  t.notMatch(hits, /<img/i, 'no image tag either')
  t.match(hits, '&lt;script&gt;', 'the code shows as text')
  t.match(hits, /<mark>pelican<\/mark>/i, 'the match is marked')
  const tags = [...hits.matchAll(/<\/?([a-z0-9]+)/gi)].map((m) => m[1].toLowerCase())
  t.same(
    [...new Set(tags)].filter((tag) => !['li', 'p', 'span', 'h3', 'a', 'mark', 'time', 'ul', 'ol'].includes(tag)),
    [],
    "only the page's own markup",
  )

  const titled = await new Client(app).get(q('escaping'))
  t.match(
    titled.body,
    /<mark>Escaping<\/mark> &lt;b&gt;titles&lt;\/b&gt; &amp; &quot;quotes&quot;/,
    'titles are escaped the same way',
  )
})

t.test('highlighting escapes first and restores only balanced marks', async (t) => {
  t.equal(highlightedHtml('a \uE000<b>\uE001 c'), 'a <mark>&lt;b&gt;</mark> c')
  t.equal(
    highlightedHtml('\uE001stray\uE000open'),
    'stray<mark>open</mark>',
    'a stray close is dropped and an open one closed',
  )
  t.equal(highlightedHtml('\uE000\uE000x\uE001\uE001'), '<mark>x</mark>')
  t.equal(highlightedHtml(`"'=\``), '&quot;&#39;&#61;&#96;')
})
