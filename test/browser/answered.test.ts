// The answered-question flow in a real browser: the starter marks a reply as the answer from its menu, without and
// with JavaScript, and sees it under the first post; a new reply is focused once posted; the skip link in every language.
import type { Browser, Page } from 'playwright-core'
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { launchBrowser, logInThroughForm, openPage, pathIs, type WatchedPage } from '../helpers/browser.js'
import { createCommunityWith, createThreadIn, createUser, replyIn, type TestUser } from '../helpers/factories.js'
import { supportedLocales, translate } from '../../src/web/i18n.js'

const en = (key: string, vars?: Record<string, string>) => translate('en', key, vars)

{
  const browser: Browser = await launchBrowser(t)

  t.test('the starter marks the answer; a new reply is focused; skip to reply', async (t) => {
    const { app, db } = await buildTestApp(t)
    const baseURL = await app.listen({ host: '127.0.0.1', port: 0 })
    const watched: WatchedPage[] = []
    const starter = await createUser(db, { displayName: 'Sara Starter' })
    const hana = await createUser(db, { displayName: 'Hana Helper' })
    const olga = await createUser(db, { displayName: 'Olga Other' })
    const community = await createCommunityWith(db, { members: [starter, hana, olga] })
    const threadId = await createThreadIn(db, community.id, starter, { title: 'Who pays the utilities?' })
    const hanaReply = await replyIn(db, threadId, hana, null, 'The host pays, the student helps **twice** a week.')
    const olgaReply = await replyIn(db, threadId, olga, null, 'We split them in half.')

    const open = async (user: TestUser | null, options: { javaScript: boolean; locale?: string }): Promise<Page> => {
      const context = await browser.newContext({
        baseURL,
        locale: options.locale ?? 'en-GB',
        timezoneId: 'Europe/Brussels',
        javaScriptEnabled: options.javaScript,
      })
      t.teardown(() => context.close())
      const opened = await openPage(context)
      watched.push(opened)
      if (user) await logInThroughForm(opened.page, user)
      return opened.page
    }
    const markFromMenu = async (page: Page, replyId: number, label: string) => {
      const reply = page.locator(`#p${replyId}`)
      await reply.locator('summary', { hasText: en('posts.actions.more') }).click()
      await reply.getByRole('button', { name: label }).click()
      await page.waitForURL(pathIs(`/t/${threadId}`))
    }
    const answerBox = (page: Page) => page.locator('.accepted-answer')

    await t.test('without JavaScript', async (t) => {
      const page = await open(starter, { javaScript: false })
      await page.goto(`/t/${threadId}`)
      t.equal(await answerBox(page).count(), 0, 'no answer yet')
      await markFromMenu(page, hanaReply, en('posts.answer.mark'))
      await page
        .getByRole('status')
        .filter({ hasText: en('posts.flash.answer_marked') })
        .waitFor()
      await answerBox(page)
        .getByRole('heading', { name: en('posts.answer.by', { name: 'Hana Helper' }) })
        .waitFor()
      t.match(await answerBox(page).textContent(), 'The host pays, the student helps twice a week.', 'with its text')
      t.equal(await page.locator(`#p${hanaReply} .badge-answered`).count(), 1, 'the reply has the badge')
      const box = await answerBox(page).boundingBox()
      const opening = await page.locator('#opening').boundingBox()
      t.ok(box && opening && box.y > opening.y, 'the answer shows under the first post')
    })

    await t.test('with JavaScript, choosing another answer replaces it', async (t) => {
      const page = await open(starter, { javaScript: true })
      await page.goto(`/t/${threadId}`)
      await markFromMenu(page, olgaReply, en('posts.answer.mark'))
      await answerBox(page)
        .getByRole('heading', { name: en('posts.answer.by', { name: 'Olga Other' }) })
        .waitFor()
      t.equal(await page.locator(`#p${hanaReply} .badge-answered`).count(), 0, 'the first answer lost its badge')
      await answerBox(page)
        .getByRole('link', { name: en('posts.answer.read') })
        .click()
      await page.waitForFunction((id) => document.activeElement?.id === `p${id}`, olgaReply)
      t.pass('following the link focuses the answer')
    })

    await t.test('a new reply is focused once posted', async (t) => {
      const page = await open(hana, { javaScript: true })
      await page.goto(`/t/${threadId}`)
      await page.getByLabel(en('discussions.field.reply')).fill('Thanks, we will try that.')
      await page.getByRole('button', { name: en('discussions.reply.submit') }).click()
      await page.waitForURL((url) => url.pathname === `/t/${threadId}` && /^#p\d+$/.test(url.hash))
      const id = new URL(page.url()).hash.slice(1)
      await page.waitForFunction((expected) => document.activeElement?.id === expected, id)
      t.match(
        await page.locator(`#${id}`).textContent(),
        'Thanks, we will try that.',
        'the focused reply is the new one',
      )
    })

    for (const locale of supportedLocales) {
      await t.test(`skip to reply in ${locale}`, async (t) => {
        const page = await open(null, { javaScript: true, locale })
        await page.goto(`/t/${threadId}`)
        await page.getByRole('link', { name: translate(locale, 'posts.skip_to_reply') }).click()
        await page.waitForFunction(() => document.activeElement?.id === 'reply')
        t.pass('the reply box has the focus')
        await page
          .locator('#reply')
          .getByRole('link', { name: translate(locale, 'discussions.reply.login') })
          .waitFor()
      })
    }

    t.same(
      watched.flatMap((w) => w.problems),
      [],
      'no console errors, exceptions or CSP reports',
    )
  })
}
