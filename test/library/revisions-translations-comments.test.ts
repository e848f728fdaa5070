import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { Client, logIn } from '../helpers/client.js'
import { createCommunityWith, createThreadIn, createUser, replyIn } from '../helpers/factories.js'
import { writeArticle } from '../helpers/library.js'

async function setup(t: Parameters<typeof buildTestApp>[0]) {
  const { app, db } = await buildTestApp(t)
  const authorUser = await createUser(db, { displayName: 'Author' })
  const moderatorUser = await createUser(db, { displayName: 'Moderator' })
  const memberUser = await createUser(db, { displayName: 'Commenter' })
  const community = await createCommunityWith(db, {
    slug: 'homeshare',
    moderators: [moderatorUser],
    members: [authorUser, memberUser],
  })
  const as = async (user: { email: string; password: string }) => {
    const client = new Client(app)
    await logIn(client, user.email, user.password)
    return client
  }
  const author = await as(authorUser)
  const moderator = await as(moderatorUser)
  const published = async (fields: Parameters<typeof writeArticle>[1] = {}) => {
    const url = (await writeArticle(author, { community: 'homeshare', ...fields })).location!
    await author.post(`${url}/submit`)
    await moderator.get(url)
    await moderator.post(`${url}/publish`)
    return url
  }
  return {
    app,
    db,
    community,
    authorUser,
    moderatorUser,
    memberUser,
    author,
    moderator,
    member: await as(memberUser),
    visitor: new Client(app),
    published,
  }
}

t.test('every save keeps a revision: history, diff between any two, and restore', async (t) => {
  const { author, moderator, visitor, published, db } = await setup(t)
  const url = await published()
  await author.get(`${url}/edit`)
  // The article is published: each of its author's edits goes live once a reviewer accepts it.
  const accept = async () => {
    await moderator.get(`${url}/pending`)
    t.equal((await moderator.post(`${url}/pending/accept`)).status, 303, 'accepted by a reviewer')
  }
  const edit = async (body: string, title = 'Intake interviews with two coordinators') => {
    const saved = await author.edit(`${url}/edit`, {
      title,
      slug: 'intake-interviews-with-two-coordinators',
      summary: 'S',
      kind: 'practice',
      language: 'en',
      body,
      community: 'homeshare',
    })
    await accept()
    return saved
  }
  t.equal((await edit('We do intakes in pairs since 2024.')).status, 303)
  t.equal((await edit('We do intakes in threes since 2025.', 'Intake interviews with three coordinators')).status, 303)
  const page = await visitor.get(url)
  t.match(page.body, 'updated')
  t.match(page.body, 'in threes')

  const history = await author.get(`${url}/history`)
  t.match(history.body, '#3 (current)')
  t.match(history.body, '#1')
  t.equal((await visitor.get(`${url}/history`)).status, 404, 'history is for editors')
  const diff = await author.get(`${url}/diff?from=2&to=3`)
  t.match(diff.body, '<del>pairs</del>')
  t.match(diff.body, '<ins>threes</ins>')
  t.match(diff.body, '<ins>three</ins>')
  t.equal((await author.get(`${url}/diff?from=1&to=99`)).status, 404)
  t.equal((await author.get(`${url}/diff?from=x&to=1`)).status, 400)

  await author.get(`${url}/history`)
  t.equal((await author.post(`${url}/restore`, { revision: '2' })).status, 303)
  await accept()
  t.match((await visitor.get(url)).body, 'in pairs since 2024', 'the older text is back')
  t.match(
    (await author.get(`${url}/history`)).body,
    '#4 (current) · restored from #2',
    'restoring makes a new revision',
  )

  const other = await published({ title: 'Another practice' })
  await author.get(`${other}/history`)
  t.equal(
    (await author.post(`${other}/restore`, { revision: '3' })).status,
    404,
    'a revision of another article cannot be restored here',
  )
  const revisions = await db.selectFrom('article_revisions').select('id').execute()
  t.equal(revisions.length, 5, 'and nothing changed')
})

t.test('translations link to each other and say when the original moved on', async (t) => {
  const { author, member, visitor, moderator, published } = await setup(t)
  const url = await published()
  const form = await member.get(`${url}/translate?language=nl`)
  t.equal(form.status, 200)
  t.match(form.body, 'value="intake-interviews-with-two-coordinators-nl"')
  const created = await member.post(`${url}/translate`, {
    title: 'Intakegesprekken met twee coördinatoren',
    slug: 'intakegesprekken',
    summary: '',
    kind: 'practice',
    language: 'nl',
    body: 'We doen intakes **met twee**.',
    community: 'homeshare',
  })
  t.equal(created.status, 303)
  const nlUrl = created.location!
  await member.post(`${nlUrl}/submit`)
  await moderator.get(nlUrl)
  await moderator.post(`${nlUrl}/publish`)
  const source = await visitor.get(url)
  t.match(source.body, /Also in:[\s\S]*href="\/library\/intakegesprekken"/)
  const translation = await visitor.get(nlUrl)
  t.match(translation.body, /Also in:[\s\S]*href="\/library\/intake-interviews-with-two-coordinators"/)
  t.notMatch(translation.body, 'may be out of date')

  await author.get(`${url}/edit`)
  await author.edit(`${url}/edit`, {
    title: 'Intake interviews with two coordinators',
    slug: 'intake-interviews-with-two-coordinators',
    summary: '',
    kind: 'practice',
    language: 'en',
    body: 'Changed original',
    community: 'homeshare',
  })
  await moderator.get(`${url}/pending`)
  t.equal((await moderator.post(`${url}/pending/accept`)).status, 303, 'the edit of the original is accepted')
  t.match(
    (await visitor.get(nlUrl)).body,
    'This translation may be out of date',
    'the source changed after the translation',
  )
  await member.get(`${nlUrl}/edit`)
  await member.edit(`${nlUrl}/edit`, {
    title: 'Intakegesprekken met twee coördinatoren',
    slug: 'intakegesprekken',
    summary: '',
    kind: 'practice',
    language: 'nl',
    body: 'Bijgewerkt',
    community: 'homeshare',
    translation_current: '1',
  })
  await moderator.get(`${nlUrl}/pending`)
  t.equal((await moderator.post(`${nlUrl}/pending/accept`)).status, 303, 'the published translation’s edit is accepted')
  t.notMatch((await visitor.get(nlUrl)).body, 'may be out of date', 'until the translation is brought up to date')
  t.equal((await member.get(`${url}/translate?language=en`)).status, 400, 'not into its own language')
})

t.test('members comment on published articles with one level of replies; visitors read', async (t) => {
  const { member, visitor, author, published, db } = await setup(t)
  const url = await published()
  const page = await visitor.get(url)
  t.match(page.body, 'Log in to comment.')
  await member.get(url)
  t.equal((await member.post(`${url}/comments`, { body: 'Thanks, **useful**!' })).status, 303)
  const first = (await db.selectFrom('comments').select('id').executeTakeFirstOrThrow()).id
  await author.get(url)
  t.equal((await author.post(`${url}/comments`, { body: 'Glad it helps.', parent_id: String(first) })).status, 303)
  const answer = (await db.selectFrom('comments').select('id').where('parent_id', '=', first).executeTakeFirstOrThrow())
    .id
  await member.get(url)
  t.equal(
    (await member.post(`${url}/comments`, { body: 'Answer to the answer', parent_id: String(answer) })).status,
    303,
  )
  const flat = await db
    .selectFrom('comments')
    .select('parent_id')
    .where('body_md', '=', 'Answer to the answer')
    .executeTakeFirstOrThrow()
  t.equal(flat.parent_id, first, 'one level of replies: answers to answers join the same conversation')

  const shown = await visitor.get(url)
  t.match(shown.body, '3 comments')
  t.match(shown.body, 'Thanks, <strong>useful</strong>!')
  await author.get(url)
  t.equal(
    (await author.edit(`/library/comments/${first}/edit`, { body: 'Hijacked' })).status,
    403,
    'only the author edits a comment',
  )
  await member.get(url)
  t.equal((await member.edit(`/library/comments/${first}/edit`, { body: 'Thanks, very useful!' })).status, 303)
  t.equal((await member.post(`/library/comments/${first}/delete`)).status, 303)
  const after = await visitor.get(url)
  t.match(after.body, 'Comment deleted.')
  t.match(after.body, 'Glad it helps.', 'the answers stay')
  t.equal((await visitor.post(`${url}/comments`, { body: 'anonymous' }, { csrf: false })).status, 403)
  const draft = (await writeArticle(author, { title: 'Still a draft' })).location!
  await author.get(draft)
  t.equal((await author.post(`${draft}/comments`, { body: 'On my draft' })).status, 403, 'no comments on drafts')
})

t.test('a moderator turns a thread and chosen replies into a draft that links back', async (t) => {
  const { app, db, community, authorUser, memberUser, moderator, member, visitor } = await setup(t)
  const threadId = await createThreadIn(db, community.id, authorUser, {
    title: 'Evening intakes for working hosts',
    body: 'We tried evening intakes.',
  })
  const good = await replyIn(db, threadId, memberUser, null, 'It doubled our reach.')
  await replyIn(db, threadId, memberUser, null, 'Off topic remark')
  t.equal((await member.get(`/t/${threadId}/to-library`)).status, 403, 'members cannot')
  const form = await moderator.get(`/t/${threadId}/to-library`)
  t.match(form.body, 'It doubled our reach.')
  const made = await moderator.post(`/t/${threadId}/to-library`, { replies: String(good) })
  t.equal(made.status, 303)
  t.match(made.location!, /^\/library\/evening-intakes-for-working-hosts\/edit$/)
  const article = await db
    .selectFrom('articles')
    .select(['body_md', 'status', 'community_id'])
    .executeTakeFirstOrThrow()
  t.equal(article.status, 'draft')
  t.match(article.body_md, 'We tried evening intakes.')
  t.match(article.body_md, 'It doubled our reach.')
  t.notMatch(article.body_md, 'Off topic remark')
  const draftPage = await moderator.get('/library/evening-intakes-for-working-hosts')
  t.match(draftPage.body, `Based on the discussion: <a href="/t/${threadId}">Evening intakes for working hosts</a>`)
  void app
  void visitor
})

t.test('admins merge themes: everything moves, the old address redirects', async (t) => {
  const { app, db, community, authorUser } = await setup(t)
  const admin = await createUser(db, { siteRole: 'admin' })
  const client = new Client(app)
  await logIn(client, admin.email, admin.password)
  await client.get('/admin/themes')
  await client.post('/admin/themes', { slug: 'participation', label_en: 'Participation', label_nl: 'Participatie' })
  await client.post('/admin/themes', { slug: 'involvement', label_en: 'Involvement', label_nl: 'Betrokkenheid' })
  const ids = Object.fromEntries(
    (await db.selectFrom('tags').select(['id', 'slug']).execute()).map((r) => [r.slug, r.id]),
  )
  await createThreadIn(db, community.id, authorUser, { title: 'Tagged thread', themeIds: [ids.involvement] })
  t.equal((await client.post(`/admin/themes/${ids.involvement}/merge`, { into: 'participation' })).status, 303)
  const moved = await new Client(app).get('/themes/participation')
  t.match(moved.body, 'Tagged thread')
  const old = await new Client(app).get('/themes/involvement')
  t.equal(old.status, 301)
  t.equal(old.location, '/themes/participation')
  t.equal((await client.post(`/admin/themes/${ids.participation}/merge`, { into: 'participation' })).status, 422)
})
