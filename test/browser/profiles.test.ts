// Profiles in a real browser: a member fills in their profile (with expertise), another member finds them in the
// directory by country and by expertise, opens the profile and endorses a theme. No console errors or CSP reports.
import type { Browser } from 'playwright-core'
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { launchBrowser, logInThroughForm, openPage, pathIs, type WatchedPage } from '../helpers/browser.js'
import { createThemeWith, createUser } from '../helpers/factories.js'
import { translate } from '../../src/web/i18n.js'

const en = (key: string, vars?: Record<string, string | number>) => translate('en', key, vars)

{
  const browser: Browser = await launchBrowser(t)

  t.test('fill in a profile, be found in the directory, be endorsed', async (t) => {
    const { app, db } = await buildTestApp(t)
    const baseURL = await app.listen({ host: '127.0.0.1', port: 0 })
    await createThemeWith(db, 'dementia', { en: 'Dementia care' })
    await createThemeWith(db, 'schools', { en: 'School absence' })
    const lena = await createUser(db, { displayName: 'Lena Hoffmann' })
    const omar = await createUser(db, { displayName: 'Omar Haddad' })
    await createUser(db, { displayName: 'Someone Else' })
    const watched: WatchedPage[] = []
    const open = async () => {
      const context = await browser.newContext({ baseURL, locale: 'en-GB', timezoneId: 'Europe/Berlin' })
      t.teardown(() => context.close())
      const opened = await openPage(context)
      watched.push(opened)
      return opened.page
    }

    const page = await open()
    await logInThroughForm(page, lena)
    await page.locator('.account-menu summary').click()
    await page.getByRole('link', { name: en('nav.profile') }).click()
    await page.getByRole('link', { name: en('people.profile.edit') }).click()
    await page.waitForURL(pathIs('/settings/profile'))
    await page.getByLabel(en('people.field.organisation'), { exact: true }).fill('Demenz Netzwerk Köln')
    await page.getByLabel(en('people.field.country'), { exact: true }).selectOption('DE')
    await page.getByRole('checkbox', { name: 'German', exact: true }).check()
    await page.getByRole('checkbox', { name: 'English', exact: true }).check()
    await page.getByLabel(en('people.field.bio')).fill('I match hosts **living with dementia** with students.')
    await page.getByRole('checkbox', { name: 'Dementia care' }).check()
    await page.getByRole('radio', { name: en('people.visibility.members') }).check()
    await page.getByRole('button', { name: en('people.settings.submit') }).click()
    await page
      .getByRole('status')
      .filter({ hasText: en('people.flash.saved') })
      .waitFor()

    const other = await open()
    await logInThroughForm(other, omar)
    await other.goto('/members')
    await other.getByLabel(en('people.field.country')).selectOption('DE')
    await other.getByRole('button', { name: en('people.directory.apply') }).click()
    await other.waitForURL((url) => url.pathname === '/members' && url.searchParams.get('country') === 'DE')
    t.equal(await other.locator('.member-card').count(), 1, 'only Lena is in Germany')
    t.match(await other.locator('.member-card').textContent(), 'Demenz Netzwerk Köln')

    await other.goto('/members')
    await other.getByRole('combobox', { name: en('people.directory.theme') }).selectOption('dementia')
    await other.getByRole('button', { name: en('people.directory.apply') }).click()
    await other.waitForURL((url) => url.searchParams.get('theme') === 'dementia')
    await other.getByRole('link', { name: 'Lena Hoffmann' }).click()
    await other.waitForURL(pathIs(`/u/${lena.id}`))
    await other.getByRole('heading', { level: 1, name: 'Lena Hoffmann' }).waitFor()
    t.match(await other.locator('.profile-bio').innerHTML(), '<strong>living with dementia</strong>')
    t.match(await other.locator('.profile-facts').textContent(), 'German')

    await other.getByRole('button', { name: en('people.profile.endorse', { theme: 'Dementia care' }) }).click()
    await other
      .getByRole('status')
      .filter({ hasText: en('people.flash.endorsed') })
      .waitFor()
    t.match(await other.locator('#expertise').textContent(), en('people.profile.endorsements', { count: 1 }))
    await other.getByRole('button', { name: en('people.profile.withdraw', { theme: 'Dementia care' }) }).waitFor()

    t.same(
      watched.flatMap((w) => w.problems),
      [],
      'no console errors, exceptions or CSP reports',
    )
  })
}
