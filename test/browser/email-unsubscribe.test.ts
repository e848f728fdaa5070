// A member unsubscribes from the digest in a real browser: the digest arrives over real SMTP, the browser opens the
// unsubscribe link from it, confirms, and the member's email settings show "Never" for the digest. A mail client's
// RFC 8058 one-click POST to the List-Unsubscribe URL works too, over real HTTP without cookies or a CSRF token.
import t from 'tap'
import { launchBrowser, logInThroughForm, openPage } from '../helpers/browser.js'
import { createCommunityWith, createThreadIn } from '../helpers/factories.js'
import { startSmtp } from '../helpers/smtp.js'
import { appWithSmtp, memberWith, minutes, nextSlot, watch } from '../digests/helpers.js'

{
  const browser = await launchBrowser(t)

  t.test('the unsubscribe link of a digest, in a browser and as a one-click POST', async (t) => {
    const smtp = await startSmtp(t)
    const { app, db } = await appWithSmtp(t, smtp)
    const baseURL = await app.listen({ host: '127.0.0.1', port: 0 })
    const reader = await memberWith(db, { preferences: { digest: 'daily' } })
    const mailClientUser = await memberWith(db, { preferences: { digest: 'daily' } })
    const author = await memberWith(db)
    const community = await createCommunityWith(db, { members: [reader, mailClientUser, author] })
    await watch(db, reader, 'community', community.id)
    await watch(db, mailClientUser, 'community', community.id)
    await createThreadIn(db, community.id, author, { title: 'News for the digest' })
    await app.scheduler.runDue(minutes(nextSlot('daily', 'UTC', 8), 1))
    t.same(await app.mail.drain(), { sent: 2, failed: 0 })
    await smtp.waitFor(2)

    // Links in the email name the configured public URL; the browser opens the same path on this test's server.
    const [digest] = smtp.to(reader.email)
    t.match(digest.parsed.text, /News for the digest/)
    const link = /^Unsubscribe: (\S+)$/m.exec(digest.parsed.text ?? '')?.[1]
    t.ok(link, 'the digest carries an unsubscribe link')
    const context = await browser.newContext({ baseURL, locale: 'en-GB' })
    t.teardown(() => context.close())
    const { page, problems } = await openPage(context)
    await page.goto(new URL(link!).pathname)
    await page.getByText('Stop the daily digest?').waitFor()
    await page.getByRole('button', { name: 'Yes, stop these emails' }).click()
    await page.getByRole('status').filter({ hasText: 'You will no longer receive the daily digest.' }).waitFor()

    await logInThroughForm(page, reader)
    await page.goto('/settings/notifications')
    const digestChoices = page.getByRole('group', { name: 'Digest' })
    t.equal(await digestChoices.getByLabel('Never').isChecked(), true, 'the settings show "Never" for the digest')
    t.equal(await digestChoices.getByLabel('In the daily digest').isChecked(), false)
    t.same(problems, [], 'no console errors or CSP reports')

    // A mail client: POST to the List-Unsubscribe URL with the RFC 8058 body, no cookies, no token.
    const raw = smtp.to(mailClientUser.email)[0].raw.replace(/\r?\n[ \t]+/g, ' ')
    const header = /^List-Unsubscribe: <([^>]+)>/m.exec(raw)?.[1]
    t.ok(header, 'the List-Unsubscribe header holds the link')
    const response = await fetch(new URL(new URL(header!).pathname, baseURL), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    })
    t.equal(response.status, 200)
    const row = await db
      .selectFrom('users')
      .select('email_preferences')
      .where('id', '=', mailClientUser.id)
      .executeTakeFirstOrThrow()
    t.equal(row.email_preferences.digest, 'never')
  })
}
