// The pages around a thread (start, reply, edit, history, a deleted thread) carry the same trail as the thread page:
// Home › Communities › the community › the thread › this page, translated, each step a link back.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { Client, crumbsOf } from '../helpers/client.js'
import { createCommunityWith, createThreadIn, createUser, replyIn } from '../helpers/factories.js'
import { loggedIn } from '../helpers/moderation.js'
import { translate } from '../../src/web/i18n.js'

t.test('every page around a thread leads back to it, its community and home', async (t) => {
  const { app, db } = await buildTestApp(t)
  const ana = await createUser(db, { displayName: 'Ana de Vries' })
  const community = await createCommunityWith(db, { name: 'Homeshare <Europe>', members: [ana] })
  const threadId = await createThreadIn(db, community.id, ana, { title: 'Matching & hosting' })
  const replyId = await replyIn(db, threadId, ana, null, 'We visit the host first.')
  const client = await loggedIn(app, ana)

  for (const locale of ['en', 'nl', 'fr', 'de'] as const) {
    const tr = (key: string) => translate(locale, key)
    const home = { label: tr('nav.crumb.home'), href: '/' }
    const communities = { label: tr('communities.directory.title'), href: '/communities' }
    const communityCrumb = { label: 'Homeshare <Europe>', href: `/c/${community.slug}` }
    const threadCrumb = { label: 'Matching & hosting', href: `/t/${threadId}` }
    const headers = { 'accept-language': locale }
    const pages: [string, { label: string; href?: string }[]][] = [
      [
        `/c/${community.slug}/new`,
        [
          home,
          communities,
          communityCrumb,
          { label: translate(locale, 'discussions.new_thread.title', { community: 'Homeshare <Europe>' }) },
        ],
      ],
      [
        `/t/${threadId}/edit`,
        [home, communities, communityCrumb, threadCrumb, { label: tr('discussions.edit_thread.title') }],
      ],
      [
        `/t/${threadId}/reply`,
        [home, communities, communityCrumb, threadCrumb, { label: tr('discussions.reply.heading') }],
      ],
      [
        `/posts/${replyId}/edit`,
        [home, communities, communityCrumb, threadCrumb, { label: tr('discussions.edit_reply.title') }],
      ],
      [
        `/t/${threadId}/history`,
        [home, communities, communityCrumb, threadCrumb, { label: tr('discussions.history.title') }],
      ],
      [
        `/posts/${replyId}/history`,
        [home, communities, communityCrumb, threadCrumb, { label: tr('discussions.history.title') }],
      ],
    ]
    for (const [url, trail] of pages) {
      const page = await client.get(url, headers)
      t.equal(page.status, 200, `${locale} ${url} answers`)
      t.same(crumbsOf(page.body), trail, `${locale} ${url}: the trail`)
      t.notMatch(page.body, 'class="breadcrumb"', `${locale} ${url}: no old back link`)
    }
  }

  await t.test('a deleted thread still leads back to its community', async (t) => {
    await db.updateTable('threads').set({ status: 'deleted' }).where('id', '=', threadId).execute()
    const gone = await new Client(app).get(`/t/${threadId}`)
    t.equal(gone.status, 410)
    t.same(crumbsOf(gone.body), [
      { label: translate('en', 'nav.crumb.home'), href: '/' },
      { label: translate('en', 'communities.directory.title'), href: '/communities' },
      { label: 'Homeshare <Europe>', href: `/c/${community.slug}` },
      { label: translate('en', 'discussions.thread.deleted_title') },
    ])
  })
})
