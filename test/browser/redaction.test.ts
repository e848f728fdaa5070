// Point 7 of issue 14 in a real browser: a moderator promotes a members-only thread to a library draft and must
// resolve the personal data findings before it can be published.
import type { BrowserContext } from 'playwright-core'
import t from 'tap'
import { translate } from '../../src/web/i18n.js'
import { buildTestApp } from '../helpers/app.js'
import { launchBrowser, logInThroughForm, openPage, pathIs } from '../helpers/browser.js'
import { createCommunityWith, createThreadIn, createUser } from '../helpers/factories.js'

{
  const browser = await launchBrowser(t)

  t.test('a members-only thread becomes a draft that is published only once its findings are resolved', async (t) => {
    const { app, db } = await buildTestApp(t)
    const baseURL = await app.listen({ host: '127.0.0.1', port: 0 })
    const en = (key: string, vars?: Record<string, string | number>) => translate('en', key, vars)
    const moderatorUser = await createUser(db, { displayName: 'Rosa Reviewer' })
    const member = await createUser(db, { displayName: 'Bart De Smet' })
    const community = await createCommunityWith(db, {
      visibility: 'members',
      moderators: [moderatorUser],
      members: [member],
    })
    const threadId = await createThreadIn(db, community.id, member, {
      title: 'A host who stopped answering',
      body: 'Bart De Smet visited her. Her son answers on 0478 23 45 61 or p.claeys@example.be.',
    })

    const context: BrowserContext = await browser.newContext({
      baseURL,
      locale: 'en-GB',
      timezoneId: 'Europe/Brussels',
    })
    t.teardown(() => context.close())
    const watched = await openPage(context)
    const page = watched.page
    await logInThroughForm(page, moderatorUser)
    await page.goto(`/t/${threadId}/to-library`)
    await page.getByRole('button', { name: en('library.from_thread.submit') }).click()
    await page.waitForURL(/\/library\/[a-z0-9-]+\/edit$/)
    const slug = new URL(page.url()).pathname.split('/')[2]!

    await page.goto(`/library/${slug}`)
    await page.getByText(en('redaction.open_count', { count: 3 })).waitFor()
    await page.getByRole('button', { name: en('library.action.publish'), exact: true }).click()
    await page
      .getByRole('alert')
      .filter({ hasText: en('redaction.error.publish_refused', { count: 3 }) })
      .waitFor()
    t.pass('publishing is refused while findings are open, with the findings on the page')
    t.equal(await page.locator('mark').count(), 3, 'each finding marked in its context')

    // The member's name is kept (they agreed); the phone number and the email are redacted.
    await page
      .locator('li', { has: page.locator('mark', { hasText: 'Bart De Smet' }) })
      .getByRole('button', { name: en('redaction.keep') })
      .click()
    await page.waitForURL(pathIs(`/library/${slug}/redaction`))
    await page
      .getByRole('status')
      .filter({ hasText: en('redaction.flash.kept') })
      .first()
      .waitFor()
    for (let left = 2; left > 0; left--) {
      await page
        .getByRole('button', { name: en('redaction.redact'), exact: true })
        .first()
        .click()
      await page.getByText(en('redaction.flash.redacted')).first().waitFor()
      t.equal(await page.getByRole('button', { name: en('redaction.redact'), exact: true }).count(), left - 1)
    }
    await page.getByText(en('redaction.all_decided')).waitFor()

    await page.getByRole('link', { name: en('redaction.back') }).click()
    await page.waitForURL(pathIs(`/library/${slug}`))
    await page.getByRole('button', { name: en('library.action.publish'), exact: true }).click()
    await page
      .getByRole('status')
      .filter({ hasText: en('library.flash.published') })
      .first()
      .waitFor()
    await page.getByText('Her son answers on [phone] or [email].').waitFor()
    t.equal(await page.getByText('0478 23 45 61').count(), 0, 'the published text holds no phone number')
    // The refused publish answers 409, which the browser reports as a failed load: that one is expected.
    const problems = watched.problems.filter((p) => !p.includes(`/library/${slug}/publish: Failed to load resource`))
    t.equal(watched.problems.length - problems.length, 1, 'the refusal was a 409')
    t.same(problems, [], 'no other console errors, uncaught exceptions or CSP violations')
  })
}
