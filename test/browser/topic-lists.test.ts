// Topic lists in a real browser: a member sees which threads are new and how many replies are unread, follows the
// link to the first unread reply, comes back, and the marker is gone. The "new" marker in every language.
import t from 'tap'
import { supportedLocales, translate } from '../../src/web/i18n.js'
import { buildTestApp } from '../helpers/app.js'
import { launchBrowser, logInThroughForm, openPage } from '../helpers/browser.js'
import { createCommunityWith, createThreadIn, createUser, replyIn } from '../helpers/factories.js'

{
  const browser = await launchBrowser(t)

  t.test(
    'a member sees new and unread, follows the link to the first unread reply, and the marker is gone',
    async (t) => {
      const { app, db } = await buildTestApp(t)
      const baseURL = await app.listen({ host: '127.0.0.1', port: 0 })
      const member = await createUser(db, { displayName: 'Ana Peeters' })
      const writer = await createUser(db, { displayName: 'Ben Claes' })
      const community = await createCommunityWith(db, { name: 'Homeshare Network', members: [member, writer] })
      const opened = await createThreadIn(db, community.id, writer, { title: 'Intake interviews' })
      await createThreadIn(db, community.id, writer, { title: 'Matching older hosts' })

      const context = await browser.newContext({ baseURL, locale: 'en-GB', timezoneId: 'Europe/Brussels' })
      t.teardown(() => context.close())
      const { page, problems } = await openPage(context)
      await logInThroughForm(page, member)
      await page.goto(`/t/${opened}`)
      const first = await replyIn(db, opened, writer, null, 'The first reply Ana has not read.')
      await replyIn(db, opened, writer, null, 'And a second one.')

      await page.goto(`/c/${community.slug}`)
      const fresh = page.locator('.thread-row', { hasText: 'Matching older hosts' })
      await fresh.locator('.badge-new').waitFor()
      t.equal(await fresh.locator('.badge-new').innerText(), translate('en', 'topics.new'))
      const row = page.locator('.thread-row', { hasText: 'Intake interviews' })
      const unread = row.getByRole('link', {
        name: translate('en', 'topics.unread.link_label', { count: 2, title: 'Intake interviews' }),
      })
      t.equal(await unread.innerText(), translate('en', 'topics.unread', { count: 2 }))
      t.equal(await row.locator('.badge-new').count(), 0, 'an opened thread is not new')

      await unread.click()
      await page.waitForURL((url) => url.pathname.startsWith(`/t/${opened}`) && url.hash === `#p${first}`)
      await page.locator(`#p${first}`).waitFor()

      await page.getByRole('link', { name: 'Homeshare Network' }).first().click()
      await page.waitForURL((url) => url.pathname === `/c/${community.slug}`)
      await page.locator('.thread-row', { hasText: 'Intake interviews' }).waitFor()
      t.equal(await page.locator('.thread-row', { hasText: 'Intake interviews' }).locator('.badge-unread').count(), 0)
      t.equal(await fresh.locator('.badge-new').count(), 1, 'the thread not opened yet is still new')
      t.same(problems, [])

      // The "new" marker and the filters in every language.
      for (const locale of supportedLocales) {
        const localeContext = await browser.newContext({ baseURL, locale })
        t.teardown(() => localeContext.close())
        // The same member's session, in a browser that asks for another language.
        await localeContext.addCookies(await context.cookies())
        const { page: localePage } = await openPage(localeContext)
        await localePage.goto(`/c/${community.slug}`)
        const badge = localePage.locator('.thread-row', { hasText: 'Matching older hosts' }).locator('.badge-new')
        t.equal(await badge.innerText(), translate(locale, 'topics.new'), `${locale}: new`)
        t.equal(
          await localePage.locator('.topic-filters [aria-current="page"]').innerText(),
          translate(locale, 'topics.filter.latest'),
          `${locale}: the current filter`,
        )
      }
    },
  )
}
