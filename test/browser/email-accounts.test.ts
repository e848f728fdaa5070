// Accounts by email in a real browser with a real SMTP server: register, open the verification link from the received
// email, log out, reset the password from the received email, log in with the new password.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { linkIn } from '../helpers/account-mail.js'
import { launchBrowser, openPage, pathIs } from '../helpers/browser.js'
import { startSmtp } from '../helpers/smtp.js'

{
  const browser = await launchBrowser(t)

  t.test('register, confirm from the email, log out, reset the password from the email, log in', async (t) => {
    const smtp = await startSmtp(t)
    const { app } = await buildTestApp(t, {
      config: { mail: { smtpUrl: smtp.url, from: 'Kring <kring@example.test>', concurrency: 2 } },
    })
    const baseURL = await app.listen({ host: '127.0.0.1', port: 0 })
    const context = await browser.newContext({ baseURL, locale: 'en-GB', timezoneId: 'Europe/Brussels' })
    t.teardown(() => context.close())
    const { page, problems } = await openPage(context)
    const accountNav = page.getByRole('navigation', { name: 'Account' })
    const notice = page.getByRole('status')
    const email = 'noor.browser@example.org'
    const first = 'a long enough browser pass'
    const second = 'another browser passphrase'
    /** What arrived over SMTP for this address, once the outbox has been sent (no worker runs in tests). */
    const received = async (count: number) => {
      await app.mail.drain()
      await smtp.waitFor(count)
      return smtp.to(email)
    }
    // The link as the mail client shows it, on this test server's address (the mail says KRING_PUBLIC_URL).
    const opened = (text: string, prefix: string) => new URL(linkIn(text, prefix)!, baseURL).toString()

    await page.goto('/register')
    await page.getByLabel('Email address').fill(email)
    await page.getByLabel('Display name').fill('Noor Jansen')
    await page.getByLabel('Password').fill(first)
    await page.getByRole('button', { name: 'Create account' }).click()
    await page.waitForURL(pathIs('/register/sent'))
    await page.getByRole('heading', { name: 'Check your email' }).waitFor()

    const [verification] = await received(1)
    t.equal(verification.parsed.subject, 'Confirm your email address for Kring')
    await page.goto(opened(verification.parsed.text ?? '', '/verify/'))
    await page.getByRole('button', { name: 'Confirm my email address' }).click()
    await page.waitForURL(pathIs('/settings'))
    await notice.filter({ hasText: 'Your email address is confirmed.' }).waitFor()
    await accountNav.getByText('Noor Jansen', { exact: true }).waitFor()
    t.pass('confirmed and logged in by the link')

    await accountNav.locator('summary').click()
    await accountNav.getByRole('button', { name: 'Log out' }).click()
    await page.waitForURL(pathIs('/'))
    await accountNav.getByRole('link', { name: 'Log in' }).click()
    await page.waitForURL(pathIs('/login'))
    await page.getByRole('link', { name: 'Forgot your password?' }).click()
    await page.waitForURL(pathIs('/password/forgot'))
    await page.getByLabel('Email address').fill(email)
    await page.getByRole('button', { name: 'Send the link' }).click()
    await page.waitForURL(pathIs('/password/forgot/sent'))

    const [, reset] = await received(2)
    t.equal(reset.parsed.subject, 'Set a new password for Kring')
    await page.goto(opened(reset.parsed.text ?? '', '/password/reset/'))
    await page.getByLabel('New password', { exact: true }).fill(second)
    await page.getByLabel('Repeat the new password', { exact: true }).fill(second)
    await page.getByRole('button', { name: 'Save the new password' }).click()
    await page.waitForURL(pathIs('/login'))
    await notice.filter({ hasText: 'Your password is changed' }).waitFor()

    await page.getByLabel('Email address').fill(email)
    await page.getByLabel('Password').fill(second)
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.waitForURL(pathIs('/'))
    await accountNav.getByText('Noor Jansen', { exact: true }).waitFor()
    t.pass('logged in with the new password')

    const [, , changed] = await received(3)
    t.equal(changed.parsed.subject, 'Your Kring password was changed', 'and told by email')
    t.same(problems, [], 'no console errors, uncaught exceptions or CSP violations')
  })
}
