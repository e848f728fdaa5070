// What a new member clicks through in a real browser: register, confirm the address, log out, log in, and make the profile their own.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { lastEmailTo, linkIn } from '../helpers/account-mail.js'
import { launchBrowser, openPage, pathIs } from '../helpers/browser.js'

{
  const browser = await launchBrowser(t)

  t.test('a new member registers, logs out, logs back in and fills in a profile in Dutch', async (t) => {
    const { app, db } = await buildTestApp(t)
    const baseURL = await app.listen({ host: '127.0.0.1', port: 0 })
    const context = await browser.newContext({ baseURL, locale: 'en-GB', timezoneId: 'Europe/Brussels' })
    t.teardown(() => context.close())
    const { page, problems } = await openPage(context)
    const accountNav = page.getByRole('navigation', { name: 'Account' })
    const notice = page.getByRole('status')

    const email = 'ineke.browser@example.org'
    const password = 'a long enough browser pass'

    // static/js/kring.js reports the browser's time zone on the first page: proof that the CSP lets our own script run.
    const timeZoneReport = page.waitForResponse((response) => new URL(response.url()).pathname === '/time-zone')
    await page.goto('/')
    const report = await timeZoneReport
    t.equal(report.status(), 200, "kring.js ran and reported the browser's time zone")
    const zoneCookie = (await context.cookies()).find((cookie) => cookie.name === 'kring_tz')
    // Cookie values travel URL-encoded (Europe%2FBrussels); the server decodes them.
    t.equal(
      decodeURIComponent(zoneCookie?.value ?? ''),
      'Europe/Brussels',
      'the reported zone is remembered for this visitor',
    )
    await accountNav.getByRole('link', { name: 'Create account' }).click()
    await page.waitForURL(pathIs('/register'))
    await page.getByLabel('Email address').fill(email)
    await page.getByLabel('Display name').fill('Ineke de Vries')
    await page.getByLabel('Password').fill(password)
    await page.getByRole('button', { name: 'Create account' }).click()
    await page.waitForURL(pathIs('/register/sent'))
    await page.getByRole('heading', { name: 'Check your email' }).waitFor()
    // The link from the email Kring wrote (test/browser/email-accounts.test.ts reads it from real SMTP).
    const mail = await lastEmailTo(db, email, 'account.verify')
    await page.goto(linkIn(mail!.text_body, '/verify/')!)
    await page.getByRole('button', { name: 'Confirm my email address' }).click()
    await page.waitForURL(pathIs('/settings'))
    await notice.filter({ hasText: 'Your email address is confirmed.' }).waitFor()
    t.equal(
      await page.getByLabel('Display name').inputValue(),
      'Ineke de Vries',
      'the new profile holds the name given at registration',
    )
    t.equal(await accountNav.getByText('Ineke de Vries', { exact: true }).count(), 1, 'the header names the new member')

    await accountNav.locator('summary').click()
    await accountNav.getByRole('button', { name: 'Log out' }).click()
    await page.waitForURL(pathIs('/'))
    await notice.filter({ hasText: 'You are logged out.' }).waitFor()
    t.equal(await accountNav.getByText('Ineke de Vries', { exact: true }).count(), 0, 'the header forgets the member')

    await accountNav.getByRole('link', { name: 'Log in' }).click()
    await page.waitForURL(pathIs('/login'))
    await page.getByLabel('Email address').fill(email)
    await page.getByLabel('Password').fill(password)
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.waitForURL(pathIs('/'))
    const nameLink = accountNav.getByText('Ineke de Vries', { exact: true })
    await nameLink.waitFor()
    t.pass('logged back in: the header shows the display name')

    await nameLink.click()
    await accountNav.getByRole('link', { name: 'Settings', exact: true }).click()
    await page.waitForURL(pathIs('/settings'))
    await page.getByLabel('Display name').fill('Ineke Verhoeven')
    await page.getByLabel('Organisation').fill('Huis van het Kind Brugge')
    await page.getByLabel('Country').selectOption({ label: 'Belgium' })
    await page.getByLabel('Interface language').selectOption({ label: 'Nederlands' })
    await page.getByLabel('Time zone').selectOption('Europe/Brussels')
    await page.getByRole('button', { name: 'Save profile' }).click()
    await page.waitForURL(pathIs('/settings'))
    await notice.filter({ hasText: 'Je profiel is bewaard.' }).waitFor()
    t.equal(await page.locator('html').getAttribute('lang'), 'nl', 'the page now speaks Dutch')

    await page.reload()
    await page.getByRole('heading', { name: 'Je profiel' }).waitFor()
    t.equal(await notice.count(), 0, 'the notice is shown once, not again after a reload')
    t.same(
      {
        name: await page.getByLabel('Weergavenaam').inputValue(),
        organisation: await page.getByLabel('Organisatie').inputValue(),
        country: await page.getByLabel('Land', { exact: true }).inputValue(),
        locale: await page.getByLabel('Taal van de interface').inputValue(),
        timeZone: await page.getByLabel('Tijdzone').inputValue(),
      },
      {
        name: 'Ineke Verhoeven',
        organisation: 'Huis van het Kind Brugge',
        country: 'BE',
        locale: 'nl',
        timeZone: 'Europe/Brussels',
      },
      'the profile is kept after a reload',
    )
    t.equal(await accountNav.getByText('Ineke Verhoeven', { exact: true }).count(), 1, 'the header shows the new name')
    await accountNav.locator('summary').click()
    t.equal(await accountNav.getByRole('button', { name: 'Afmelden' }).count(), 1, 'the header is in Dutch too')

    const row = await db
      .selectFrom('users')
      .select(['display_name', 'organisation', 'country', 'locale', 'time_zone'])
      .where('email', '=', email)
      .executeTakeFirstOrThrow()
    t.same(
      row,
      {
        display_name: 'Ineke Verhoeven',
        organisation: 'Huis van het Kind Brugge',
        country: 'BE',
        locale: 'nl',
        time_zone: 'Europe/Brussels',
      },
      'the profile is stored',
    )

    t.same(
      problems,
      [],
      'no console errors (not even a missing favicon), uncaught exceptions or Content Security Policy violations',
    )
  })
}
