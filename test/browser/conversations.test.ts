// Two members hold a private conversation in a real browser: one starts it, the other sees the notification, opens
// it, replies, and the first reads the reply.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Page } from 'playwright-core'
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { launchBrowser, logInThroughForm, openPage } from '../helpers/browser.js'
import { createCommunityWith, createUser } from '../helpers/factories.js'

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core'), 'utf8')

/** WCAG 2.2 A/AA violations on the page, as test/browser/accessibility.test.ts checks them. */
async function violationsOn(page: Page): Promise<string[]> {
  await page.evaluate(axeSource)
  return page.evaluate(async () => {
    type Result = { violations: { id: string; nodes: { target: string[] }[] }[] }
    const axe = (window as unknown as { axe: { run(o: unknown): Promise<Result> } }).axe
    const values = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']
    const result = await axe.run({ runOnly: { type: 'tag', values } })
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
  })
}

{
  const browser = await launchBrowser(t)

  t.test('two members hold a private conversation', async (t) => {
    const { app, db } = await buildTestApp(t)
    const baseURL = await app.listen({ host: '127.0.0.1', port: 0 })
    const ana = await createUser(db, { displayName: 'Ana Opener' })
    const bea = await createUser(db, { displayName: 'Bea Replier' })
    await createCommunityWith(db, { members: [ana, bea] })

    const anaContext = await browser.newContext({ baseURL, locale: 'en-GB' })
    t.teardown(() => anaContext.close())
    const anaTab = await openPage(anaContext)
    await logInThroughForm(anaTab.page, ana)
    await anaTab.page.goto('/messages')
    await anaTab.page.getByRole('link', { name: 'New conversation' }).click()
    await anaTab.page.getByRole('listbox', { name: 'To' }).selectOption({ label: 'Bea Replier' })
    await anaTab.page.getByRole('textbox', { name: 'Subject' }).fill('Host for Mr B.')
    await anaTab.page.getByRole('textbox', { name: 'Message' }).fill('Do you know a **host** in Gent?')
    await anaTab.page.getByRole('button', { name: 'Send', exact: true }).click()
    await anaTab.page.waitForURL((url) => /^\/messages\/\d+$/.test(url.pathname))
    t.equal(await anaTab.page.getByRole('heading', { level: 1 }).textContent(), 'Host for Mr B.')
    const conversationPath = new URL(anaTab.page.url()).pathname

    const beaContext = await browser.newContext({ baseURL, locale: 'en-GB' })
    t.teardown(() => beaContext.close())
    const beaTab = await openPage(beaContext)
    await logInThroughForm(beaTab.page, bea)
    await beaTab.page.goto('/notifications')
    await beaTab.page
      .getByRole('button', { name: /^Unread: Ana Opener sent you a message in “Host for Mr B\.”/ })
      .click()
    await beaTab.page.waitForURL((url) => url.pathname === conversationPath)
    t.equal(await beaTab.page.locator('.message strong').first().textContent(), 'Ana Opener')
    t.equal(await beaTab.page.locator('.message .prose strong').textContent(), 'host')
    await beaTab.page.getByRole('textbox', { name: 'Your reply' }).fill('Yes: _Carla_ has room.')
    await beaTab.page.getByRole('button', { name: 'Send reply' }).click()
    await beaTab.page.waitForURL((url) => url.pathname === conversationPath && url.hash.startsWith('#message-'))

    await anaTab.page.goto('/messages')
    const item = anaTab.page.locator('.conversation-item', { hasText: 'Host for Mr B.' })
    t.match(await item.textContent(), '1 unread')
    await item.getByRole('link', { name: 'Host for Mr B.' }).click()
    await anaTab.page.waitForURL((url) => url.pathname === conversationPath)
    t.equal(await anaTab.page.locator('.message .prose em').textContent(), 'Carla', 'Ana reads the reply')
    t.ok(await anaTab.page.getByText('New since you last read').isVisible())

    for (const path of [conversationPath, '/messages', '/messages/new', '/settings/blocks']) {
      await anaTab.page.goto(path)
      t.same(await violationsOn(anaTab.page), [], `no axe violations on ${path}`)
    }

    t.same(anaTab.problems, [], 'no console errors or CSP reports for Ana')
    t.same(beaTab.problems, [], 'nor for Bea')
  })
}
