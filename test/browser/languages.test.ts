// A person picks their language in the footer, and a French browser gets French from the first page.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { launchBrowser, openPage } from '../helpers/browser.js'
import { supportedLocales, translate } from '../../src/web/i18n.js'

{
  const browser = await launchBrowser(t)

  t.test('the footer picker switches the whole page to each language', async (t) => {
    const { app } = await buildTestApp(t)
    const baseURL = await app.listen({ host: '127.0.0.1', port: 0 })
    const context = await browser.newContext({ baseURL, locale: 'en-GB' })
    t.teardown(() => context.close())
    const { page, problems } = await openPage(context)
    await page.goto('/')
    for (const locale of supportedLocales) {
      // The label is in the language on screen now; the option is the language's own name.
      const current = (await page.locator('html').getAttribute('lang')) as typeof locale
      const picker = page.getByLabel(translate(current, 'footer.language'))
      if (current !== locale) {
        await picker.selectOption(locale)
        await page.locator(`html[lang="${locale}"]`).waitFor()
      }
      t.equal(await page.locator('html').getAttribute('lang'), locale, `the page is in ${locale}`)
      t.equal(
        await page.getByRole('heading', { level: 1 }).first().textContent(),
        translate(locale, 'home.heading'),
        `the heading in ${locale}`,
      )
      t.equal(await page.getByLabel(translate(locale, 'footer.language')).inputValue(), locale, 'the picker shows it')
    }
    t.same(problems, [])
  })

  t.test('a browser set to French is answered in French', async (t) => {
    const { app } = await buildTestApp(t)
    const baseURL = await app.listen({ host: '127.0.0.1', port: 0 })
    const context = await browser.newContext({ baseURL, locale: 'fr-FR' })
    t.teardown(() => context.close())
    const { page, problems } = await openPage(context)
    await page.goto('/')
    t.equal(await page.locator('html').getAttribute('lang'), 'fr')
    await page
      .getByRole('link', { name: translate('fr', 'nav.login') })
      .first()
      .click()
    await page.getByRole('heading', { name: translate('fr', 'accounts.login.title') }).waitFor()
    t.same(problems, [])
  })
}
