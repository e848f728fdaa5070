import t from 'tap'
import { meiliFilter, parseSearchParams, quoteFilterValue } from '../../src/search/params.js'
import { Client } from '../helpers/client.js'
import { createCommunityWith, createThreadIn, createUser } from '../helpers/factories.js'
import { buildSearchApp, q, resultUrls } from './helpers.js'

t.test('bad input gets a clear answer, never a 500 and never a wider filter', async (t) => {
  const { app, db, sync } = await buildSearchApp(t)
  const author = await createUser(db)
  const open = await createCommunityWith(db, { visibility: 'public', members: [author] })
  const closed = await createCommunityWith(db, { visibility: 'members', members: [author] })
  const openThread = await createThreadIn(db, open.id, author, { title: 'Quokka mentoring in the open' })
  const closedThread = await createThreadIn(db, closed.id, author, { title: 'Quokka mentoring behind the door' })
  await sync()
  const visitor = new Client(app)
  const onlyOpen = async (url: string, what: string, status = 200) => {
    const page = await visitor.get(url)
    t.equal(page.status, status, `${what}: ${status}`)
    t.notOk(resultUrls(page.body).includes(`/t/${closedThread}`), `${what}: nothing members-only`)
    t.notMatch(page.body, 'behind the door', `${what}: not even in a snippet`)
    return page
  }

  const long = await onlyOpen(q('quokka '.repeat(1500)), 'a 10,000-character query', 400)
  t.match(long.body, 'Your search is too long')

  const control = await onlyOpen(
    `/search?q=${encodeURIComponent('quo\u0000k\u0007ka\u001b[31m')}`,
    'control characters',
  )
  t.notMatch(control.body, /\u0000|\u0007|\u001b/, 'control characters do not come back')

  const punctuation = await onlyOpen(q('!!! ??? ... ---'), 'only punctuation')
  t.match(punctuation.body, 'Type one or more words')

  await onlyOpen(q('quokka" OR visibility = "community:' + closed.id), 'filter syntax in the query')
  await onlyOpen(
    q('quokka', `&theme=${encodeURIComponent(`x" OR visibility = "community:${closed.id}`)}`),
    'filter syntax in the theme',
    400,
  )
  await onlyOpen(
    q('quokka', `&community=${encodeURIComponent(`${open.id} OR visibility EXISTS`)}`),
    'filter syntax in the community',
    400,
  )
  await onlyOpen(q('quokka', `&language=${encodeURIComponent('en" OR "1"="1')}`), 'filter syntax in the language', 400)
  await onlyOpen(q('quokka', '&type=thread&type=secret'), 'an unknown type', 400)
  await onlyOpen(q('quokka', `&community=${closed.id}`), 'a members-only community asked for by a visitor')
  await onlyOpen(q('quokka', '&theme=no-such-theme'), 'an unknown theme')
  t.match((await visitor.get(q('quokka', '&theme=no-such-theme'))).body, 'There is no theme called')
  await onlyOpen(q('quokka', '&sort=price'), 'an unknown sort', 400)
  await onlyOpen(q('quokka', '&page=-1'), 'a negative page', 400)
  await onlyOpen(q('quokka', '&page=0'), 'page zero', 400)
  await onlyOpen(q('quokka', '&page=abc'), 'a page that is not a number', 400)
  const huge = await onlyOpen(q('quokka', '&page=99999999999'), 'a huge page')
  t.match(huge.body, 'at most 50 pages')
  await onlyOpen(q('quokka', '&page=2'), 'a page past the last')
  await onlyOpen('/search?q[]=quokka&q[]=x&theme[a]=b', 'brackets in names')
  await onlyOpen('/search?q=%E0%A4%A', 'broken percent-encoding', 400)

  const fine = await onlyOpen(q('quokka'), 'a plain search')
  t.same(resultUrls(fine.body), [`/t/${openThread}`])
})

t.test(
  'filter values are validated, quoted and escaped, and the visibility expression always stands alone',
  async (t) => {
    t.equal(quoteFilterValue('a"b\\c'), '"a\\"b\\\\c"')
    const { params, problems } = parseSearchParams({
      q: 'x',
      theme: ['care', 'x" OR "1'],
      community: '3',
      type: 'post',
    })
    t.same(problems, ['search.problem.theme'])
    t.same(params.themes, [], 'an invalid theme is not used at all')
    const filter = meiliFilter(params, { kind: 'public', communities: [7] })
    t.same(filter, ['visibility IN ["public", "community:7"]', 'type IN ["post"]', 'community IN [3]'])
    t.same(
      meiliFilter(parseSearchParams({ q: 'x' }).params, { kind: 'public', communities: [] }),
      ['visibility IN ["public"]'],
      'a visitor: public only',
    )
  },
)
