// The bell and /notifications: the unread count in the header, newest first in keyset pages, collapsed items, opening
// one marks it read and leads to the exact reply, mark one or all read, only one's own, CSRF on every change.
import t from 'tap'
import { notify } from '../../src/notifications/notify.js'
import { buildTestApp } from '../helpers/app.js'
import { Client, decodeEntities } from '../helpers/client.js'
import { createCommunityWith, createThreadIn, createUser } from '../helpers/factories.js'
import { loggedIn } from '../helpers/moderation.js'

const bellLabel = (body: string) =>
  /<a href="\/notifications" class="bell" aria-label="([^"]*)"/.exec(body)?.[1] ?? null
const items = (body: string) => [...body.matchAll(/<li class="notification( unread)?" id="notification-(\d+)">/g)]

t.test('notifications of a member', async (t) => {
  const { app, db, config } = await buildTestApp(t)
  const ana = await createUser(db, { displayName: 'Ana Author' })
  const bea = await createUser(db, { displayName: 'Bea Replier' })
  const carl = await createUser(db, { displayName: 'Carl Other' })
  const community = await createCommunityWith(db, { name: 'Homeshare circle', members: [ana, bea, carl] })
  const threadId = await createThreadIn(db, community.id, ana, { title: 'Intake <interviews>' })
  const anaClient = await loggedIn(app, ana)
  const beaClient = await loggedIn(app, bea)
  const carlClient = await loggedIn(app, carl)

  t.test('no count before anything happened', async (t) => {
    const home = await anaClient.get('/')
    t.equal(bellLabel(home.body), 'Notifications')
    const page = await anaClient.get('/notifications')
    t.equal(page.status, 200)
    t.match(page.body, 'No notifications yet.')
    t.equal(bellLabel((await new Client(app).get('/')).body), null, 'visitors have no bell')
    const login = await new Client(app).get('/notifications')
    t.equal(login.status, 303, 'visitors are sent to log in')
  })

  let firstReply = 0
  t.test('replies collapse into one unread item that opens at the first of them', async (t) => {
    const one = await beaClient.post(`/t/${threadId}/replies`, { body: 'We use a **checklist**.' })
    t.equal(one.status, 303)
    firstReply = Number(/\/posts\/(\d+)/.exec(one.location!)![1])
    t.equal(bellLabel((await anaClient.get('/')).body), 'Notifications, 1 unread')
    let page = await anaClient.get('/notifications')
    t.match(page.body, 'Bea Replier replied in “Intake &lt;interviews&gt;”', 'the title is escaped')
    t.notMatch(page.body, '<interviews>')

    await beaClient.post(`/t/${threadId}/replies`, { body: 'And a second thought.' })
    await carlClient.post(`/t/${threadId}/replies`, { body: 'Me too.' })
    page = await anaClient.get('/notifications')
    t.equal(items(page.body).length, 1, 'three replies, one item')
    t.match(page.body, '3 new replies in “Intake &lt;interviews&gt;”')
    t.equal(bellLabel(page.body), 'Notifications, 1 unread')
  })

  t.test('opening an item marks it read and leads to the exact reply', async (t) => {
    const page = await anaClient.get('/notifications')
    const [item] = items(page.body)
    t.ok(item[1], 'marked unread')
    const id = item[2]
    const opened = await anaClient.post(`/notifications/${id}/open`)
    t.equal(opened.status, 303)
    t.equal(opened.location, `/posts/${firstReply}`)
    const reply = await anaClient.get(opened.location!)
    t.equal(reply.status, 303, 'the reply permalink leads into the thread')
    t.match(reply.location, `/t/${threadId}`)
    const after = await anaClient.get('/notifications')
    t.notOk(items(after.body)[0][1], 'now read')
    t.equal(bellLabel(after.body), 'Notifications')

    // A new reply after it was read starts a new item.
    await beaClient.post(`/t/${threadId}/replies`, { body: 'One more.' })
    t.equal(items((await anaClient.get('/notifications')).body).length, 2)
  })

  t.test("another member's notification is not found, and changes need the CSRF token", async (t) => {
    const [item] = items((await anaClient.get('/notifications')).body)
    const id = item[2]
    t.equal((await carlClient.post(`/notifications/${id}/open`)).status, 404)
    t.equal((await carlClient.post(`/notifications/${id}/read`)).status, 404)
    t.equal((await anaClient.post(`/notifications/${id}/read`, {}, { csrf: false })).status, 403)
    t.equal((await anaClient.post('/notifications/read-all', {}, { csrf: 'forged' })).status, 403)
    t.equal((await anaClient.post('/notifications/abc/open')).status, 404)
    t.equal(bellLabel((await anaClient.get('/')).body), 'Notifications, 1 unread', 'nothing changed')
  })

  t.test('mark one read, then mark all read', async (t) => {
    await carlClient.post(`/c/${community.slug}/new`, { title: 'A thread by Carl', body: 'Body' })
    const carlThread = await db
      .selectFrom('threads')
      .select('id')
      .where('author_id', '=', carl.id)
      .executeTakeFirstOrThrow()
    await anaClient.post(`/t/${carlThread.id}/replies`, { body: 'Hello Carl' })
    const carlItems = items((await carlClient.get('/notifications')).body)
    t.equal(carlItems.length, 1)
    const read = await carlClient.post(`/notifications/${carlItems[0][2]}/read`, { next: '/notifications' })
    t.equal(read.status, 303)
    t.equal(read.location, '/notifications')
    t.equal(bellLabel((await carlClient.get('/')).body), 'Notifications')

    t.equal(bellLabel((await anaClient.get('/')).body), 'Notifications, 1 unread')
    const all = await anaClient.post('/notifications/read-all')
    t.equal(all.status, 303)
    const page = await anaClient.get('/notifications')
    t.match(page.body, 'All notifications marked read.')
    t.equal(bellLabel(page.body), 'Notifications')
    t.equal(items(page.body).filter((item) => item[1]).length, 0)
  })

  t.test('keyset pages, newest first, each item once', async (t) => {
    const dan = await createUser(db, { displayName: 'Dan Many' })
    const danClient = await loggedIn(app, dan)
    await db.transaction().execute((trx) =>
      notify(
        trx,
        config,
        Array.from({ length: 65 }, (_, i) => ({
          userId: dan.id,
          kind: 'article_published' as const,
          groupKey: `test:${i}`,
          url: `/library/a-${i}`,
          data: { title: `Article ${i}` },
        })),
      ),
    )
    // Distinct times, as they would be in life.
    await db
      .updateTable('notifications')
      .set((eb) => ({ updated_at: eb.fn('to_timestamp', [eb.ref('id')]) }))
      .where('user_id', '=', dan.id)
      .execute()
    t.equal(bellLabel((await danClient.get('/')).body), 'Notifications, 65 unread')
    const seen: string[] = []
    let url: string | null = '/notifications'
    let pages = 0
    while (url) {
      const page = await danClient.get(url)
      t.equal(page.status, 200)
      pages++
      for (const match of page.body.matchAll(/“(Article \d+)” was published<\/button>/g)) seen.push(match[1])
      const next = /<a href="([^"]+)" rel="next">/.exec(page.body)?.[1]
      url = next ? decodeEntities(next) : null
    }
    t.equal(pages, 3)
    t.equal(seen.length, 65)
    t.equal(new Set(seen).size, 65, 'no item twice')
    t.equal(seen[0], 'Article 64', 'newest first')
    t.equal(seen[64], 'Article 0')
    t.equal((await danClient.get('/notifications?before=abc')).status, 400, 'a malformed cursor is a clear 400')
  })

  t.test('the page speaks the member’s language', async (t) => {
    await db.updateTable('users').set({ locale: 'nl' }).where('id', '=', ana.id).execute()
    await beaClient.post(`/t/${threadId}/replies`, { body: 'Nog een.' })
    const page = await anaClient.get('/notifications')
    t.match(page.body, 'Bea Replier reageerde in “Intake &lt;interviews&gt;”')
    t.equal(bellLabel(page.body), 'Meldingen, 1 ongelezen')
  })
})
