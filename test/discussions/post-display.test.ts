// How posts read on the thread page: avatar, organisation and country, the edited mark, the quote of the reply
// answered, actions in a menu that works without JavaScript, the skip link, breadcrumbs and link previews.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { Client } from '../helpers/client.js'
import { createCommunityWith, createThreadIn, createUser, replyIn } from '../helpers/factories.js'
import { loggedIn, replyItem } from '../helpers/moderation.js'
import { avatarFor } from '../../src/web/avatar.js'
import { translate } from '../../src/web/i18n.js'

t.test('avatars: initials on a colour that stays with the person', async (t) => {
  t.same(avatarFor('Ana de Vries', 7), avatarFor('Ana de Vries', 7), 'the same every time')
  t.equal(avatarFor('Ana de Vries', 7).initials, 'AV')
  t.equal(avatarFor('zoë', 1).initials, 'Z')
  t.equal(avatarFor('', 1).initials, '?')
  t.equal(avatarFor('Ana', 7).colourClass, avatarFor('Someone Else', 7).colourClass, 'the colour follows the id')
  const colours = new Set(Array.from({ length: 60 }, (_, i) => avatarFor('x', i + 1).colourClass))
  t.ok(colours.size >= 10, 'neighbouring ids spread over the colours')
  for (const colour of colours) t.match(colour, /^avatar-c([0-9]|1[01])$/)
})

t.test('the thread page shows who wrote what, and quotes the reply answered', async (t) => {
  const { app, db } = await buildTestApp(t)
  const ana = await createUser(db, { displayName: 'Ana de Vries' })
  const ben = await createUser(db, { displayName: 'Ben Okafor' })
  const mod = await createUser(db, { displayName: 'Mo Derator' })
  await db
    .updateTable('users')
    .set({ organisation: 'Homeshare Gent', country: 'BE' })
    .where('id', '=', ana.id)
    .execute()
  const community = await createCommunityWith(db, { moderators: [mod], members: [ana, ben] })
  const threadId = await createThreadIn(db, community.id, ana, {
    title: 'Matching older hosts',
    body: 'Opening **text**',
  })
  const parent = await replyIn(db, threadId, ana, null, 'We always *visit* the host first & take notes.')
  const child = await replyIn(db, threadId, ben, parent, 'Thanks, that helps.')

  const visitor = new Client(app)
  const page = await visitor.get(`/t/${threadId}`)
  const opening = page.body.slice(page.body.indexOf('id="opening"'), page.body.indexOf('id="replies-title"'))
  const { initials, colourClass } = avatarFor('Ana de Vries', ana.id)
  t.match(opening, `<span class="avatar ${colourClass}" aria-hidden="true">${initials}</span>`, 'the avatar')
  t.match(opening, 'Homeshare Gent', 'the organisation')
  t.match(opening, 'Belgium', 'the country, named in the viewer language')
  const nl = await new Client(app).get(`/t/${threadId}`, { 'accept-language': 'nl' })
  t.match(nl.body, 'België', 'in Dutch for a Dutch reader')

  const childItem = replyItem(page.body, child) ?? ''
  t.match(childItem, /<blockquote class="reply-quote">/, 'the reply answered is quoted')
  t.match(childItem, 'We always visit the host first &amp; take notes.', 'as plain text')
  t.match(childItem, `href="/t/${threadId}?at=${parent}#p${parent}"`, 'with a link to it')
  t.match(childItem, translate('en', 'discussions.in_reply_to', { name: 'Ana de Vries' }))

  await t.test('a hidden parent is not quoted', async (t) => {
    const modClient = await loggedIn(app, mod)
    await modClient.get(`/t/${threadId}`)
    t.equal((await modClient.post(`/mod/content/post/${parent}/hide`, { reason: 'Names a host' })).status, 303)
    const after = await new Client(app).get(`/t/${threadId}`)
    t.notMatch(replyItem(after.body, child) ?? '', 'We always visit', 'no text of the hidden parent')
    t.notMatch(after.body, 'We always visit', 'anywhere on the page')
  })

  await t.test('the country changing shows on pages kept for visitors', async (t) => {
    await db.updateTable('users').set({ country: 'NL' }).where('id', '=', ana.id).execute()
    const after = await new Client(app).get(`/t/${threadId}`)
    t.match(after.body, 'Netherlands')
  })
})

t.test('post actions: labelled buttons, the rest in a menu that works without JavaScript', async (t) => {
  const { app, db } = await buildTestApp(t)
  const ana = await createUser(db, { displayName: 'Ana' })
  const ben = await createUser(db, { displayName: 'Ben' })
  const mod = await createUser(db, { displayName: 'Mo' })
  const community = await createCommunityWith(db, { moderators: [mod], members: [ana, ben] })
  const threadId = await createThreadIn(db, community.id, ana)
  const own = await replyIn(db, threadId, ben, null, 'My own reply')

  const ben2 = await loggedIn(app, ben)
  const page = await ben2.get(`/t/${threadId}`)
  const item = replyItem(page.body, own) ?? ''
  t.match(item, `>${translate('en', 'discussions.action.reply')}<`, 'a Reply button')
  t.match(item, `href="/posts/${own}/edit"`, 'an Edit button on my own reply')
  const menu = item.slice(item.indexOf('<details class="menu post-menu">'))
  t.match(menu, `<summary>${translate('en', 'posts.actions.more')}`, 'a menu with a labelled summary')
  t.match(menu, `<div class="menu-panel">`)
  t.match(menu, `action="/posts/${own}/delete"`, 'delete is in the menu')
  t.match(menu, /name="_csrf"/, 'a real form with the CSRF token, no script needed')
  t.equal((await ben2.post(`/posts/${own}/delete`, {})).status, 303, 'and it works as a plain POST')

  const other = await replyIn(db, threadId, ana, null, 'Ana replies')
  const asMod = await loggedIn(app, mod)
  const modPage = await asMod.get(`/t/${threadId}`)
  const modMenu = replyItem(modPage.body, other) ?? ''
  t.match(modMenu, `action="/flags"`, 'flag in the menu')
  t.match(modMenu, `action="/mod/content/post/${other}/hide"`, 'hide in the menu')
  t.ok(modMenu.indexOf('post-menu') < modMenu.indexOf('action="/flags"'), 'flag sits inside the menu')
})

t.test('the edited mark says when, and links to the history', async (t) => {
  const { app, db } = await buildTestApp(t)
  const ana = await createUser(db, { displayName: 'Ana' })
  const community = await createCommunityWith(db, { members: [ana] })
  const threadId = await createThreadIn(db, community.id, ana)
  const replyId = await replyIn(db, threadId, ana, null, 'First words')
  const client = await loggedIn(app, ana)
  const form = await client.get(`/posts/${replyId}/edit`)
  const version = /name="version" value="(\d+)"/.exec(form.body)?.[1] ?? ''
  t.equal((await client.post(`/posts/${replyId}/edit`, { body: 'Better words', version })).status, 303)
  const page = await new Client(app).get(`/t/${threadId}`)
  const item = replyItem(page.body, replyId) ?? ''
  t.match(
    item,
    new RegExp(
      `<a href="/posts/${replyId}/history" class="edited">${translate('en', 'discussions.edited')} <time datetime="`,
    ),
  )
})

t.test('skip to reply and link previews', async (t) => {
  const { app, db } = await buildTestApp(t)
  const ana = await createUser(db, { displayName: 'Ana' })
  const open = await createCommunityWith(db, { name: 'Open Circle', members: [ana] })
  const closed = await createCommunityWith(db, { visibility: 'members', members: [ana] })
  const threadId = await createThreadIn(db, open.id, ana, {
    title: 'Hosts & students',
    body: 'How do you **match** "hosts" and students?',
  })
  const closedThread = await createThreadIn(db, closed.id, ana, { title: 'Inner circle' })

  const visitorPage = await new Client(app).get(`/t/${threadId}`)
  t.match(visitorPage.body, `<a href="#reply">${translate('en', 'posts.skip_to_reply')}</a>`, 'a skip link')
  t.match(visitorPage.body, /<section class="reply-box" id="reply" tabindex="-1"/, 'to the reply box')
  t.match(visitorPage.body, `href="/login?next=/t/${threadId}"`, 'where visitors find the login prompt')
  const member = await loggedIn(app, ana)
  const memberPage = await member.get(`/t/${threadId}`)
  t.match(memberPage.body, /id="reply" tabindex="-1"[\s\S]*<textarea/, 'members land on the reply form')

  t.match(visitorPage.body, '<meta property="og:type" content="article">')
  t.match(visitorPage.body, '<meta property="og:title" content="Hosts &amp; students">')
  t.match(
    visitorPage.body,
    '<meta property="og:description" content="How do you match &quot;hosts&quot; and students?">',
  )
  t.match(visitorPage.body, `<meta property="og:url" content="http://localhost:80/t/${threadId}/hosts-students">`)
  const closedPage = await member.get(`/t/${closedThread}`)
  t.equal(closedPage.status, 200)
  t.notMatch(closedPage.body, 'og:title', 'no preview of a thread visitors cannot read')
})
