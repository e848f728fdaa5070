// The mention autocomplete in a real browser: typing "@An" in a reply offers the community's members, the keyboard
// picks one, and the posted reply links to that member.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { launchBrowser, logInThroughForm, openPage } from '../helpers/browser.js'
import { createCommunityWith, createThreadIn, createUser } from '../helpers/factories.js'

{
  const browser = await launchBrowser(t)

  t.test('typing @An offers members; Enter inserts the mention; the reply links to them', async (t) => {
    const { app, db } = await buildTestApp(t)
    const baseURL = await app.listen({ host: '127.0.0.1', port: 0 })
    const writer = await createUser(db, { displayName: 'Wim Writer' })
    const anneke = await createUser(db, { displayName: 'Anneke Janssen', email: 'anneke@example.test' })
    const stranger = await createUser(db, { displayName: 'Anton Stranger' })
    const community = await createCommunityWith(db, { members: [writer, anneke] })
    await createCommunityWith(db, { members: [stranger] })
    const threadId = await createThreadIn(db, community.id, writer, { title: 'Who knows about intakes?' })

    const context = await browser.newContext({ baseURL, locale: 'en-GB' })
    t.teardown(() => context.close())
    const { page, problems } = await openPage(context)
    await logInThroughForm(page, writer)
    await page.goto(`/t/${threadId}`)
    const box = page.getByRole('combobox', { name: 'Your reply' })
    await box.click()
    await box.pressSequentially('Ask @An')
    const listbox = page.getByRole('listbox', { name: 'Members to mention' })
    await listbox.waitFor()
    const options = listbox.getByRole('option')
    t.same(await options.allTextContents(), ['Anneke Janssen'], 'only members of this community')
    t.equal(await box.getAttribute('aria-expanded'), 'true')
    await box.press('ArrowDown')
    await box.press('Enter')
    t.equal(await box.inputValue(), 'Ask @[Anneke Janssen] ')
    t.equal(await box.getAttribute('aria-expanded'), 'false')
    await box.pressSequentially('what do you think?')
    // Escape closes the list without changing the text.
    await box.pressSequentially(' @Anne')
    await listbox.waitFor()
    await box.press('Escape')
    t.equal(await listbox.isHidden(), true)
    await box.fill('Ask @[Anneke Janssen] what do you think?')
    await page.getByRole('button', { name: 'Post reply' }).click()
    await page.waitForURL((url) => url.pathname === `/t/${threadId}`)
    const link = page.locator(`a.mention[href="/u/${anneke.id}"]`)
    t.equal(await link.textContent(), '@Anneke Janssen')
    await link.click()
    await page.waitForURL((url) => url.pathname === `/u/${anneke.id}`)
    t.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Anneke Janssen')
    t.same(problems, [], 'no console errors or CSP reports')
  })
}
