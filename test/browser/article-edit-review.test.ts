// Point 8 of issue 13 in a real browser: an author edits a published article, the public still reads the published
// text; a reviewer finds the edit in the review queue, reads the diff and accepts it; the public reads the new text.
import type { BrowserContext, Page } from 'playwright-core'
import t from 'tap'
import { createDraft, noPractice, transitionArticle } from '../../src/library/commands.js'
import { supportedLocales, translate } from '../../src/web/i18n.js'
import { buildTestApp } from '../helpers/app.js'
import { launchBrowser, logInThroughForm, openPage, pathIs, type WatchedPage } from '../helpers/browser.js'
import { createCommunityWith, createUser } from '../helpers/factories.js'

const slug = 'welcome-calls-for-new-hosts'
const articlePath = `/library/${slug}`
const body = 'Every new host gets a **welcome call** in the first week.'
const editedBody = 'Every new host gets a **welcome visit** in the first week.'

{
  const browser = await launchBrowser(t)

  t.test('an edit to a published article waits for a reviewer, who accepts it from the queue', async (t) => {
    const { app, db } = await buildTestApp(t)
    const baseURL = await app.listen({ host: '127.0.0.1', port: 0 })
    const en = (key: string) => translate('en', key)
    const reviewer = await createUser(db, { displayName: 'Rosa Reviewer' })
    const author = await createUser(db, { displayName: 'Ana Author' })
    const community = await createCommunityWith(db, {
      slug: 'edit-review',
      name: 'Edit review',
      moderators: [reviewer],
      members: [author],
    })
    const created = await createDraft(db, {
      title: 'Welcome calls for new hosts',
      slug,
      summary: 'How we welcome hosts.',
      kind: 'guide',
      language: 'en',
      body_md: body,
      community_id: community.id,
      themeIds: [],
      authorId: author.id,
      practice: noPractice,
    })
    if (!created.ok || !(await transitionArticle(db, created.id, 'publish', null))) throw new Error('not published')

    const watched: WatchedPage[] = []
    const page = async (locale = 'en-GB'): Promise<Page> => {
      const context: BrowserContext = await browser.newContext({ baseURL, locale, timezoneId: 'Europe/Brussels' })
      t.teardown(() => context.close())
      const opened = await openPage(context)
      watched.push(opened)
      return opened.page
    }
    const status = (p: Page, text: string) => p.getByRole('status').filter({ hasText: text }).first().waitFor()

    // The author edits the published article.
    const authorPage = await page()
    await logInThroughForm(authorPage, author)
    await authorPage.goto(`${articlePath}/edit`)
    await authorPage.getByText(en('mod_truth.form.will_wait')).waitFor()
    await authorPage.getByLabel(en('library.field.body'), { exact: true }).fill(editedBody)
    await authorPage.getByRole('button', { name: en('library.form.save'), exact: true }).click()
    await authorPage.waitForURL(pathIs(articlePath))
    await status(authorPage, en('mod_truth.flash.edit_pending'))
    t.pass('the author is told the edit waits for review')

    // The public still reads the published text, in every language.
    for (const locale of supportedLocales) {
      const visitor = await page(locale)
      await visitor.goto(articlePath)
      t.equal(
        await visitor.locator('strong', { hasText: 'welcome call' }).count(),
        1,
        `a visitor (${locale}) reads the published text`,
      )
      t.equal(await visitor.getByText('welcome visit').count(), 0, `and not the waiting edit (${locale})`)
      t.equal(
        await visitor.getByText(translate(locale, 'mod_truth.article.edit_waits')).count(),
        0,
        `nor that an edit waits (${locale})`,
      )
    }

    // The reviewer finds it in the queue, reads the diff and accepts.
    const reviewerPage = await page()
    await logInThroughForm(reviewerPage, reviewer)
    await reviewerPage.goto('/library/review')
    await reviewerPage.getByRole('heading', { name: en('mod_truth.review.edits_heading') }).waitFor()
    await reviewerPage.getByRole('link', { name: en('mod_truth.pending.review_link') }).click()
    await reviewerPage.waitForURL(pathIs(`${articlePath}/pending`))
    const diff = reviewerPage.locator('pre.diff')
    t.same(await diff.locator('del').allTextContents(), ['call'], 'the diff shows the removed word')
    t.same(await diff.locator('ins').allTextContents(), ['visit'], 'and the added one')
    await reviewerPage.getByRole('button', { name: en('mod_truth.pending.accept') }).click()
    await reviewerPage.waitForURL(pathIs('/library/review'))
    await status(reviewerPage, en('mod_truth.flash.edit_accepted'))

    // Now the public reads the new text.
    const later = await page()
    await later.goto(articlePath)
    await later.locator('strong', { hasText: 'welcome visit' }).waitFor()
    t.equal(await later.locator('strong', { hasText: 'welcome call' }).count(), 0, 'the old text is gone from the page')

    t.same(
      watched.flatMap((w) => w.problems),
      [],
      'no console errors, uncaught exceptions or CSP violations',
    )
  })
}
