// The moderation issue's "done when", clicked through in a real browser: three members flag a reply, it is hidden,
// a moderator reviews the queue and keeps it, it is back, and the log shows it all.
import type { Page } from 'playwright-core'
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { launchBrowser, logInThroughForm, openPage, pathIs, type WatchedPage } from '../helpers/browser.js'
import { createCommunityWith, createThreadIn, createUser, replyIn, type TestUser } from '../helpers/factories.js'

{
  const browser = await launchBrowser(t)

  t.test('three flags hide a reply; a moderator keeps it from the queue; the admin reads the log', async (t) => {
    const { app, db } = await buildTestApp(t)
    const baseURL = await app.listen({ host: '127.0.0.1', port: 0 })
    const watched: WatchedPage[] = []

    const admin = await createUser(db, { displayName: 'Ada Admin', siteRole: 'admin' })
    const moderator = await createUser(db, { displayName: 'Mona Moderator' })
    const author = await createUser(db, { displayName: 'Arno Author' })
    const flaggers = [
      await createUser(db, { displayName: 'Fien Flagger' }),
      await createUser(db, { displayName: 'Gust Flagger' }),
      await createUser(db, { displayName: 'Hilde Flagger' }),
    ]
    const reader = await createUser(db, { displayName: 'Rik Reader' })
    const community = await createCommunityWith(db, {
      slug: 'homeshare-network',
      name: 'Homeshare Network',
      moderators: [moderator],
      members: [author, reader, ...flaggers],
    })
    const threadId = await createThreadIn(db, community.id, moderator, { title: 'How do you find new hosts?' })
    const replyId = await replyIn(db, threadId, author, null, 'We put posters up in the **library** and the bakery.')

    const as = async (user: TestUser): Promise<Page> => {
      const context = await browser.newContext({ baseURL, locale: 'en-GB', timezoneId: 'Europe/Brussels' })
      t.teardown(() => context.close())
      const opened = await openPage(context)
      watched.push(opened)
      const page = opened.page
      await logInThroughForm(page, user)
      await page.getByRole('navigation', { name: 'Account' }).getByText(user.displayName, { exact: true }).waitFor()
      return page
    }
    const reply = (page: Page) => page.locator(`#p${replyId}`)

    // --- 1. Three members flag the reply through its "Flag…" form. ---------------------------------------
    const choices = [
      { reason: 'Spam or advertising' },
      { reason: 'Off-topic' },
      { reason: 'Something else', note: 'Reads like an advert for the bakery' },
    ]
    for (const [i, flagger] of flaggers.entries()) {
      const page = await as(flagger)
      await page.goto(`/t/${threadId}`)
      await reply(page).locator('summary', { hasText: 'More actions' }).click()
      await reply(page).getByText('Flag…').click()
      await reply(page).getByLabel(choices[i].reason).check()
      if (choices[i].note) await reply(page).getByLabel('A note for the moderators').fill(choices[i].note!)
      await reply(page).getByRole('button', { name: 'Send flag' }).click()
      await page.waitForURL(pathIs(`/t/${threadId}`))
      await page.getByText('Thank you. The moderators will look at it.').waitFor()
      t.pass(`${flagger.displayName} flagged the reply`)
    }

    // --- 2. It is hidden: a fourth member sees a placeholder, the tree keeps its place. ---------------------
    const readerPage = await as(reader)
    await readerPage.goto(`/t/${threadId}`)
    t.equal(
      (await reply(readerPage).textContent())?.trim(),
      'A reply hidden by the moderators.',
      'another member sees the placeholder',
    )
    t.equal(await readerPage.getByText('posters up in the').count(), 0, 'and not the reply')
    t.equal(await reply(readerPage).getByText('Flag…').count(), 0, 'nothing to flag any more')

    // --- 3. The moderator reviews it in the queue and keeps it. ------------------------------------------------
    const modPage = await as(moderator)
    await modPage.goto('/mod')
    await modPage.getByRole('heading', { name: 'Review queue', level: 1 }).waitFor()
    const card = modPage.locator('li.review-item').filter({ hasText: 'posters up in the' })
    t.equal(await card.count(), 1, 'the reply is in the queue')
    t.match(await card.locator('.badge').first().textContent(), 'Flagged')
    t.equal(await card.locator('blockquote strong').textContent(), 'library', 'with its content')
    t.equal(await card.getByRole('link', { name: 'How do you find new hosts?' }).count(), 1, 'and a link to its thread')
    const flags = (await card.locator('.flag-list li').allTextContents()).map((text) =>
      text.replace(/\s+/g, ' ').trim(),
    )
    t.equal(flags.length, 3, 'three flags')
    t.match(flags[0], /^Fien Flagger: Spam or advertising/)
    t.match(flags[1], /^Gust Flagger: Off-topic/)
    t.match(flags[2], /^Hilde Flagger: Something else — “Reads like an advert for the bakery”/)
    t.match(
      await card.locator('p.meta').nth(1).textContent(),
      /by Arno Author · member since .* · 1 posts, moderated 1 times · state: hidden/i,
      "the author's history",
    )
    await card.getByRole('button', { name: 'Keep (dismiss flags)' }).click()
    await modPage.waitForURL(pathIs('/mod'))
    await modPage.getByText('Done. It is in the moderation log.').waitFor()
    await modPage.getByText('Nothing to review. Well done, everyone.').waitFor()
    t.pass('the queue is empty again')

    // --- 4. The reply is back for everyone. ---------------------------------------------------------------------
    await readerPage.reload()
    t.equal(
      await reply(readerPage).locator('.prose strong').textContent(),
      'library',
      'the member reads the reply again',
    )
    t.match(await readerPage.locator('.thread .meta').first().textContent(), '1 reply', 'and it is counted')

    // --- 5. The admin reads it all in the log. -------------------------------------------------------------------
    const adminPage = await as(admin)
    await adminPage.goto('/mod/log')
    await adminPage.getByRole('heading', { name: 'Moderation log', level: 1 }).waitFor()
    const rows = (await adminPage.locator('table.data-table tbody tr').allTextContents()).map((text) =>
      text.replace(/\s+/g, ' ').trim(),
    )
    t.equal(rows.length, 2, 'two entries')
    t.match(
      rows[0],
      /Mona Moderator Keep Reply in “How do you find new hosts\?” · Member Arno Author · Homeshare Network/,
      'the keep, by the moderator',
    )
    t.match(
      rows[1],
      /Kring \(automatic\) Hidden by flags Reply in “How do you find new hosts\?” · Member Arno Author · Homeshare Network 3 flags/,
      'the auto-hide, by Kring',
    )
    await adminPage.getByLabel('Action').selectOption({ label: 'Hidden by flags' })
    await adminPage.getByRole('button', { name: 'Show' }).click()
    await adminPage.waitForURL((url) => url.pathname === '/mod/log' && url.searchParams.get('action') === 'auto_hide')
    t.equal(await adminPage.locator('table.data-table tbody tr').count(), 1, 'the filter leaves the auto-hide')

    t.same(
      watched.flatMap((w) => w.problems),
      [],
      'no console errors, uncaught exceptions or Content Security Policy violations on any page',
    )
  })
}
