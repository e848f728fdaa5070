// Search results as a person sees them: threads with their replies under them, filters after the results on a phone,
// and similar threads offered while typing the title of a new one.
import t from 'tap'
import { supportedLocales, translate } from '../../src/web/i18n.js'
import { launchBrowser, logInThroughForm, openPage, pathIs } from '../helpers/browser.js'
import { createCommunityWith, createThreadIn, createUser, replyIn } from '../helpers/factories.js'
import { buildSearchApp } from '../search/helpers.js'

{
  const browser = await launchBrowser(t)

  t.test('grouped results, facets after them on a narrow screen, suggestions while typing a title', async (t) => {
    const { app, db, sync } = await buildSearchApp(t)
    const author = await createUser(db, { displayName: 'Rosa Reply' })
    const community = await createCommunityWith(db, { visibility: 'public', members: [author] })
    const threadId = await createThreadIn(db, community.id, author, {
      title: 'Platypus outings with families',
      body: 'Where do you take them?',
    })
    for (let i = 0; i < 4; i++) await replyIn(db, threadId, author, null, `A platypus outing idea ${i}`)
    await sync()
    const baseURL = await app.listen({ host: '127.0.0.1', port: 0 })

    for (const locale of supportedLocales) {
      const context = await browser.newContext({ baseURL, locale, viewport: { width: 1200, height: 900 } })
      const { page, problems } = await openPage(context)
      await page.goto('/search?q=platypus')
      const hit = page.locator('.search-hit').first()
      await hit.getByRole('link', { name: 'Platypus outings with families' }).waitFor()
      const replies = hit.getByRole('list', { name: translate(locale, 'search_results.replies_label') })
      t.equal(await replies.getByRole('listitem').count(), 3, `${locale}: three replies under the thread`)
      await hit
        .getByRole('link', { name: translate(locale, 'search_results.more_in_thread.one', { count: 1 }) })
        .waitFor()
      await page.getByText(translate(locale, 'search.results.count.one', { count: 1 }), { exact: true }).waitFor()
      t.pass(`${locale}: one result, and one more reply in the thread`)
      t.same(problems, [], `${locale}: no console errors or CSP violations`)
      await context.close()
    }

    const narrow = await browser.newContext({ baseURL, locale: 'en-GB', viewport: { width: 390, height: 800 } })
    t.teardown(() => narrow.close())
    const { page } = await openPage(narrow)
    await page.goto('/search?q=platypus')
    const results = await page.locator('.search-results').boundingBox()
    const facets = await page.getByRole('complementary', { name: 'Narrow your search' }).boundingBox()
    t.ok(results && facets && facets.y >= results.y + results.height, 'the filters come after the results')
    await page.getByRole('link', { name: translate('en', 'search_results.skip_to_filters') }).click()
    t.equal(new URL(page.url()).hash, '#search-facets', 'a link leads to the filters')

    await logInThroughForm(page, author)
    await page.goto(`/c/${community.slug}/new`)
    const title = page.getByLabel(translate('en', 'discussions.field.title'))
    await title.click()
    await title.pressSequentially('Outings for a platypus fan')
    const list = page.getByRole('list', { name: translate('en', 'search_results.similar.heading') })
    await list.getByRole('link', { name: 'Platypus outings with families' }).waitFor()
    t.pass('a similar thread is suggested under the title')
    t.equal(await page.evaluate(() => document.activeElement?.id), 'title', 'the focus stays in the title field')
    await list.getByRole('link', { name: 'Platypus outings with families' }).click()
    await page.waitForURL(pathIs(`/t/${threadId}`))
  })
}
