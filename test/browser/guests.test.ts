// A guest in a real browser: a moderator invites them to one thread of a members-only community, the guest opens the
// link from the email, sets a password, replies in that thread, and is refused elsewhere.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { lastEmailTo, linkIn } from '../helpers/account-mail.js'
import { launchBrowser, logInThroughForm, openPage, pathIs } from '../helpers/browser.js'
import { createCommunityWith, createThreadIn, createUser } from '../helpers/factories.js'
import { dayAfter } from '../guests/helpers.js'

{
  const browser = await launchBrowser(t)

  t.test('a guest replies in the one thread they were invited to and nothing else', async (t) => {
    const { app, db } = await buildTestApp(t)
    const baseURL = await app.listen({ host: '127.0.0.1', port: 0 })
    const moderator = await createUser(db, { displayName: 'Mona Moderator' })
    const community = await createCommunityWith(db, { visibility: 'members', moderators: [moderator] })
    const threadId = await createThreadIn(db, community.id, moderator, { title: 'Matching hosts with dementia' })
    const otherId = await createThreadIn(db, community.id, moderator, { title: 'Members only, please' })

    const modContext = await browser.newContext({ baseURL, locale: 'en-GB' })
    t.teardown(() => modContext.close())
    const mod = await openPage(modContext)
    await logInThroughForm(mod.page, moderator)
    await mod.page.goto(`/t/${threadId}`)
    await mod.page.getByText('Moderator tools').click()
    await mod.page.getByRole('link', { name: 'Invite a guest' }).click()
    await mod.page.waitForURL(pathIs(`/t/${threadId}/guests`))
    await mod.page.getByLabel('Email address').fill('expert@example.net')
    await mod.page.getByLabel('Last day of access').fill(dayAfter(14))
    await mod.page.getByLabel('Note in the email (optional)').fill('We would value your view.')
    await mod.page.getByRole('button', { name: 'Send invitation' }).click()
    await mod.page.getByText('The invitation is on its way.').waitFor()
    t.equal(await mod.page.getByRole('cell', { name: 'expert@example.net' }).count(), 1, 'the guest is listed')
    t.same(mod.problems, [], 'no console errors or CSP reports for the moderator')

    const mail = await lastEmailTo(db, 'expert@example.net', 'guest.invitation')
    const link = mail ? linkIn(mail.text_body, '/guest/') : null
    t.ok(link, 'the email carries the link')

    const guestContext = await browser.newContext({ baseURL, locale: 'en-GB' })
    t.teardown(() => guestContext.close())
    const { page, problems } = await openPage(guestContext)
    await page.goto(link!)
    await page.getByLabel('Display name').fill('Gita Guest')
    await page.getByLabel('Password').fill('a guest password 4821')
    await page.getByRole('button', { name: 'Take part as a guest' }).click()
    await page.waitForURL(pathIs(`/t/${threadId}`))
    await page.getByText('Welcome! You take part here as a guest.').waitFor()

    await page.getByRole('combobox', { name: 'Your reply' }).fill('In our region we pair them with care.')
    await page.getByRole('button', { name: 'Post reply' }).click()
    await page.waitForURL(pathIs(`/t/${threadId}`))
    await page.getByText('In our region we pair them with care.').last().waitFor()
    const byline = page.locator('.post-byline', { hasText: 'Gita Guest' })
    t.equal(await byline.locator('.guest-badge').textContent(), 'guest', 'the reply is marked as a guest’s')

    for (const path of [`/t/${otherId}`, `/c/${community.slug}/new`, '/library/new']) {
      const response = await page.goto(path)
      t.equal(response?.status(), 403, `${path} is refused`)
      t.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Not open to guests')
      await page.getByText('As a guest you can take part in “Matching hosts with dementia” until').waitFor()
    }
    await page.getByRole('link', { name: 'Go to “Matching hosts with dementia”' }).click()
    await page.waitForURL(pathIs(`/t/${threadId}`))
    // Chromium logs each refused document as a failed load; those three are expected, anything else is not.
    t.same(
      problems.filter((problem) => !/status of 403/.test(problem)),
      [],
      'no console errors or CSP reports',
    )
  })
}
