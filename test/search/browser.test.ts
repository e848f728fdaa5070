// What a reader clicks through in a real browser: search from the header, narrow by theme and language, open a result.
import t from 'tap'
import { launchBrowser, openPage, pathIs } from '../helpers/browser.js'
import { createCommunityWith, createThemeWith, createThreadIn, createUser } from '../helpers/factories.js'
import { buildSearchApp } from './helpers.js'

{
  const browser = await launchBrowser(t)

  t.test('a visitor searches from the header, narrows by theme and language, and opens a result', async (t) => {
    const { app, db, sync } = await buildSearchApp(t)
    const author = await createUser(db)
    const community = await createCommunityWith(db, { visibility: 'public', members: [author], name: 'Family centres' })
    const theme = await createThemeWith(db, 'outreach', { en: 'Outreach', nl: 'Outreach' })
    const dutch = await createThreadIn(db, community.id, author, {
      title: 'Huisbezoeken bij nieuwe gezinnen',
      body: "Wij doen de huisbezoeken altijd met z'n tweeën en het werkt goed voor de gezinnen.",
      themeIds: [theme],
    })
    await createThreadIn(db, community.id, author, {
      title: 'Huisbezoeken in English please',
      body: 'We do the home visits with two of us and it works well for the families.',
      themeIds: [theme],
    })
    await createThreadIn(db, community.id, author, {
      title: 'Huisbezoeken without a theme',
      body: 'Nothing to see here, but it is about the visits all the same.',
    })
    await sync()

    const baseURL = await app.listen({ host: '127.0.0.1', port: 0 })
    const context = await browser.newContext({ baseURL, locale: 'en-GB' })
    t.teardown(() => context.close())
    const { page, problems } = await openPage(context)

    await page.goto('/')
    await page.getByRole('search').first().getByLabel('Search Kring').fill('huisbezoeken')
    await page.getByRole('search').first().getByRole('button', { name: 'Search' }).click()
    await page.waitForURL(pathIs('/search'))
    t.equal(new URL(page.url()).searchParams.get('q'), 'huisbezoeken', 'the search is a shareable GET URL')
    await page.getByText('3 results').waitFor()

    await page
      .getByRole('complementary', { name: 'Narrow your search' })
      .getByRole('link', { name: 'Outreach' })
      .click()
    await page.getByText('2 results').waitFor()
    t.equal(new URL(page.url()).searchParams.get('theme'), 'outreach', 'narrowed by theme')

    await page.getByRole('complementary', { name: 'Narrow your search' }).getByRole('link', { name: 'Dutch' }).click()
    await page.getByText('1 result', { exact: true }).waitFor()
    t.same(new URL(page.url()).searchParams.getAll('language'), ['nl'], 'and by language')
    t.equal(await page.locator('.search-hit mark').first().textContent(), 'Huisbezoeken', 'the match is highlighted')

    await page.getByRole('link', { name: 'Huisbezoeken bij nieuwe gezinnen' }).click()
    await page.waitForURL(pathIs(`/t/${dutch}`))
    await page.getByRole('heading', { name: 'Huisbezoeken bij nieuwe gezinnen' }).waitFor()
    t.pass('the result opens the thread')
    t.same(problems, [], 'no console errors or CSP violations')
  })
}
