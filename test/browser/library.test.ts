// The library issue's "done when", clicked through in a real browser: a member writes a practice and sends it for
// review, a moderator publishes it, a visitor finds it (index filters, theme page, feeds), a member comments, and the
// author edits it and compares two versions in the history.
import type { BrowserContext, Locator, Page } from 'playwright-core'
import t from 'tap'
import type { Db } from '../../src/db/connect.js'
import { createDraft, decidePendingEdit, transitionArticle } from '../../src/library/commands.js'
import { buildTestApp } from '../helpers/app.js'
import { launchBrowser, openPage, pathIs, type WatchedPage } from '../helpers/browser.js'
import { createCommunityWith, createThemeWith, createUser, type TestUser } from '../helpers/factories.js'

const slug = 'intake-interviews-in-pairs'
const articlePath = `/library/${slug}`
const title = 'Intake interviews in pairs'
const summary = 'Why every homeshare intake now has two coordinators in the room.'
const body =
  'We started doing intakes **in pairs** in 2024.\n\n- one coordinator asks the questions\n- one writes everything down\n'
const editedBody =
  'We started doing intakes **in pairs** in 2024.\n\n- one coordinator asks the questions\n- the other takes notes and watches the host\n'
const practice = {
  Context: 'Homeshare programme in a mid-sized city',
  'Target group': 'Older hosts and student homesharers',
  'What worked': 'Fewer broken matches in the first month',
  'What did not work': 'Scheduling two coordinators is hard',
  Contact: 'intake@example.org',
}

/** A published article written straight through the commands, so the index has something to filter out. */
async function publishedArticle(
  db: Db,
  authorId: number,
  fields: { slug: string; title: string; kind: 'practice' | 'guide'; themeId: number; communityId: number },
) {
  const created = await createDraft(db, {
    title: fields.title,
    slug: fields.slug,
    summary: '',
    kind: fields.kind,
    language: 'en',
    body_md: 'Some **text**.',
    community_id: fields.communityId,
    themeIds: [fields.themeId],
    authorId,
    practice: {
      practice_context: null,
      practice_target_group: null,
      practice_country: null,
      practice_what_worked: null,
      practice_what_did_not: null,
      practice_contact: null,
    },
  })
  if (!created.ok || !(await transitionArticle(db, created.id, 'publish', null)))
    throw new Error(`could not publish ${fields.slug}`)
}

/** The old and the new text a diff shows: unchanged text plus <del>, and unchanged text plus <ins>. */
function sidesOf(diff: Locator) {
  return diff.evaluate((element) => {
    let before = ''
    let after = ''
    for (const node of Array.from(element.childNodes)) {
      const name = node.nodeName.toLowerCase()
      const text = node.textContent ?? ''
      if (name !== 'ins') before += text
      if (name !== 'del') after += text
    }
    return { before, after }
  })
}

{
  const browser = await launchBrowser(t)

  t.test(
    'a practice goes from draft to review to the library, is found, commented on, edited and compared',
    async (t) => {
      const { app, db } = await buildTestApp(t)
      const baseURL = await app.listen({ host: '127.0.0.1', port: 0 })
      const watched: WatchedPage[] = []

      const moderator = await createUser(db, { displayName: 'Mona Moderator' })
      const ana = await createUser(db, { displayName: 'Ana Peeters' })
      const ben = await createUser(db, { displayName: 'Ben Claes' })
      const community = await createCommunityWith(db, {
        slug: 'homeshare-network',
        name: 'Homeshare Network',
        moderators: [moderator],
        members: [ana, ben],
      })
      const homeSharing = await createThemeWith(db, 'home-sharing', { en: 'Home sharing', nl: 'Woningdelen' })
      const intake = await createThemeWith(db, 'intake', { en: 'Intake', nl: 'Intake' })
      // Same theme, other kind; same kind, other theme: the filtered index must leave both out.
      await publishedArticle(db, moderator.id, {
        slug: 'a-guide-to-home-sharing',
        title: 'A guide to home sharing',
        kind: 'guide',
        themeId: homeSharing,
        communityId: community.id,
      })
      await publishedArticle(db, moderator.id, {
        slug: 'first-calls-with-families',
        title: 'First calls with families',
        kind: 'practice',
        themeId: intake,
        communityId: community.id,
      })

      const newContext = async (): Promise<BrowserContext> => {
        const context = await browser.newContext({ baseURL, locale: 'en-GB', timezoneId: 'Europe/Brussels' })
        t.teardown(() => context.close())
        return context
      }
      const watch = async (context: BrowserContext): Promise<Page> => {
        const opened = await openPage(context)
        watched.push(opened)
        return opened.page
      }
      const logIn = async (page: Page, user: TestUser, landing: string) => {
        await page.getByLabel('Email address').fill(user.email)
        await page.getByLabel('Password').fill(user.password)
        await page.getByRole('button', { name: 'Log in' }).click()
        await page.waitForURL(pathIs(landing))
        await page.getByRole('navigation', { name: 'Account' }).getByText(user.displayName, { exact: true }).waitFor()
      }
      const flash = (page: Page, text: string) => page.getByRole('status').filter({ hasText: text }).waitFor()
      const articleLinks = (page: Page) => page.locator('ol.article-list h2 a').allTextContents()

      // --- 1. Ana writes a practice and sends it for review. ----------------------------------------------
      const anaPage = await watch(await newContext())
      await anaPage.goto('/login')
      await logIn(anaPage, ana, '/')
      await anaPage.goto('/library')
      await anaPage.getByRole('link', { name: 'Write an article' }).click()
      await anaPage.waitForURL(pathIs('/library/new'))
      await anaPage.getByRole('heading', { name: 'Write a library article', level: 1 }).waitFor()
      // The footer has a language select of its own: fields are looked up within the page's main content.
      const form = anaPage.getByRole('main')
      await form.getByLabel('Title', { exact: true }).fill(title)
      await form.getByLabel('Short summary').fill(summary)
      await form.getByLabel('Kind').selectOption({ label: 'Practice' })
      await form.getByLabel('Language').selectOption({ label: 'English' })
      await form.getByLabel('From community').selectOption({ label: 'Homeshare Network' })
      await form.getByLabel('Article', { exact: true }).fill(body)
      for (const [label, value] of Object.entries(practice)) await form.getByLabel(label, { exact: true }).fill(value)
      await form.getByLabel('Country').selectOption({ label: 'Portugal' })
      await form.getByRole('checkbox', { name: 'Home sharing' }).check()
      await anaPage.getByRole('button', { name: 'Save', exact: true }).click()
      await anaPage.waitForURL(pathIs(articlePath))
      await flash(anaPage, 'The draft is saved. Send it for review when it is ready.')
      await anaPage.getByRole('heading', { name: title, level: 1 }).waitFor()
      await anaPage.getByRole('heading', { name: 'Status: Draft' }).waitFor()
      t.equal(
        await anaPage.locator('.page-header .badge', { hasText: 'Draft' }).count(),
        1,
        'the draft is marked as such above the title',
      )
      await anaPage.getByRole('button', { name: 'Send for review' }).click()
      await anaPage.waitForURL(pathIs(articlePath))
      await flash(anaPage, 'The article is sent for review.')
      await anaPage.getByRole('heading', { name: 'Status: In review' }).waitFor()
      t.equal(
        await anaPage.getByRole('button', { name: 'Send for review' }).count(),
        0,
        'sent once, the button is gone',
      )
      t.equal(
        await anaPage.getByRole('button', { name: 'Publish' }).count(),
        0,
        'an author does not publish her own article',
      )

      // --- 2. The community's moderator finds it in the review queue and publishes it. --------------------
      const monaPage = await watch(await newContext())
      await monaPage.goto('/login?next=/library')
      await logIn(monaPage, moderator, '/library')
      await monaPage.getByRole('link', { name: 'Articles waiting for review' }).click()
      await monaPage.waitForURL(pathIs('/library/review'))
      await monaPage.getByRole('heading', { name: 'Articles waiting for review', level: 1 }).waitFor()
      await monaPage.getByRole('link', { name: title }).click()
      await monaPage.waitForURL(pathIs(articlePath))
      await monaPage.getByRole('heading', { name: 'Status: In review' }).waitFor()
      await monaPage.getByRole('button', { name: 'Publish', exact: true }).click()
      await monaPage.waitForURL(pathIs(articlePath))
      await flash(monaPage, 'The article is published.')
      await monaPage.getByRole('heading', { name: 'Status: Published' }).waitFor()
      await monaPage.goto('/library/review')
      await monaPage.getByText('Nothing is waiting for review.').waitFor()

      // --- 3. A visitor finds it in the library with the filter form. -------------------------------------
      const visitorContext = await newContext()
      const visitorPage = await watch(visitorContext)
      await visitorPage.goto('/library')
      await visitorPage.getByRole('heading', { name: 'Library', level: 1 }).waitFor()
      t.same(
        (await articleLinks(visitorPage)).sort(),
        ['A guide to home sharing', 'First calls with families', title].sort(),
        'the library lists the three published articles',
      )
      const filters = visitorPage.getByRole('form', { name: 'Filter the library' })
      await filters.getByLabel('Kind').selectOption({ label: 'Practice' })
      await filters.getByLabel('Theme').selectOption({ label: 'Home sharing' })
      await filters.getByRole('button', { name: 'Show' }).click()
      await visitorPage.waitForURL(
        (url) =>
          url.pathname === '/library' &&
          url.searchParams.get('kind') === 'practice' &&
          url.searchParams.get('theme') === 'home-sharing',
      )
      t.same(await articleLinks(visitorPage), [title], 'practices on home sharing: only the new article')
      t.equal(await filters.getByLabel('Kind').inputValue(), 'practice', 'the form keeps the chosen kind')
      t.equal(await filters.getByLabel('Theme').inputValue(), 'home-sharing', 'and the chosen theme')
      const card = visitorPage.locator('ol.article-list > li', { hasText: title })
      t.match(await card.textContent(), /Practice/, 'the card says what kind of article it is')
      t.match(await card.textContent(), /Portugal/, 'and the country of the practice')
      t.match(await card.textContent(), /Ana Peeters/, 'and who wrote it')

      // It reads like an article, practice fields included.
      await visitorPage.getByRole('link', { name: title }).click()
      await visitorPage.waitForURL(pathIs(articlePath))
      await visitorPage.getByRole('heading', { name: title, level: 1 }).waitFor()
      t.equal(await visitorPage.locator('.page-header .lead').textContent(), summary, 'the summary is under the title')
      t.equal(
        await visitorPage.locator('.article-body strong').textContent(),
        'in pairs',
        'the body is rendered from Markdown',
      )
      t.same(
        await visitorPage.locator('.article-body li').allTextContents(),
        ['one coordinator asks the questions', 'one writes everything down'],
        'with its list',
      )
      const fields = await visitorPage
        .locator('dl.practice-fields')
        .evaluate((dl) =>
          Object.fromEntries(
            Array.from(dl.querySelectorAll('dt')).map((dt) => [
              dt.textContent?.trim(),
              dt.nextElementSibling?.textContent?.trim(),
            ]),
          ),
        )
      t.same(fields, { ...practice, Country: 'Portugal' }, 'the visitor sees every practice field')
      t.equal(
        await visitorPage.getByRole('link', { name: 'Log in to comment.' }).count(),
        1,
        'a visitor is asked to log in to comment',
      )
      t.equal(await visitorPage.getByLabel('Your comment').count(), 0, 'and gets no comment form')
      t.equal(await visitorPage.getByRole('link', { name: 'Edit', exact: true }).count(), 0, 'nor an Edit link')
      t.equal(await visitorPage.getByRole('link', { name: 'History', exact: true }).count(), 0, 'nor the history')

      // Its theme page lists it.
      const themes = visitorPage.getByRole('list', { name: 'Themes' })
      t.same(
        await themes.getByRole('link').allTextContents(),
        ['Home sharing'],
        'the article shows the theme it was given',
      )
      await themes.getByRole('link', { name: 'Home sharing' }).click()
      await visitorPage.waitForURL(pathIs('/themes/home-sharing'))
      await visitorPage.getByRole('heading', { name: 'Home sharing', level: 1 }).waitFor()
      const themeArticles = visitorPage.locator('ul.card-list h3 a')
      t.same(
        (await themeArticles.allTextContents()).sort(),
        ['A guide to home sharing', title].sort(),
        'the theme page lists the articles with this theme',
      )
      t.equal(
        await visitorPage.getByRole('link', { name: title }).getAttribute('href'),
        articlePath,
        'and links to the new one',
      )

      // Its feeds: the theme's, linked from the theme page, and the library's, linked from the index.
      const themeFeed = await visitorPage.getByRole('link', { name: 'Atom feed' }).getAttribute('href')
      t.equal(themeFeed, '/feeds/themes/home-sharing.atom', 'the theme page links to its feed')
      await visitorPage.goto('/library')
      const libraryFeed = await visitorPage.getByRole('link', { name: 'Atom feed' }).getAttribute('href')
      t.equal(libraryFeed, '/feeds/library.atom', 'the library links to its feed')
      for (const feed of [libraryFeed, themeFeed]) {
        const response = await visitorContext.request.get(feed ?? '/feeds/library.atom')
        const text = await response.text()
        t.equal(response.status(), 200, `${feed} answers`)
        t.match(response.headers()['content-type'] ?? '', /^application\/atom\+xml/, `${feed} is an Atom feed`)
        const ours = (text.match(/<entry[\s>][\s\S]*?<\/entry>/g) ?? []).find(
          (entry) => /<title[^>]*>([^<]*)<\/title>/.exec(entry)?.[1] === title,
        )
        t.ok(ours, `${feed} has an entry for the new article`, { status: response.status(), start: text.slice(0, 300) })
        t.match(
          ours ?? '',
          new RegExp(`href="https?://[^"/]+${articlePath}"`),
          `${feed}: the entry links to the article`,
        )
      }

      // --- 4. Ben, a member, comments. --------------------------------------------------------------------
      const benPage = await watch(await newContext())
      await benPage.goto(articlePath)
      await benPage.getByRole('link', { name: 'Log in to comment.' }).click()
      await benPage.waitForURL(pathIs('/login'))
      await logIn(benPage, ben, articlePath)
      await benPage.getByRole('heading', { name: '0 comments' }).waitFor()
      const comment = 'We do the same, but the **second coordinator** only joins for new hosts.'
      await benPage.getByLabel('Your comment').fill(comment)
      await benPage.getByRole('button', { name: 'Post comment' }).click()
      await benPage.waitForURL((url) => url.pathname === articlePath && url.hash.startsWith('#comment-'))
      await flash(benPage, 'Your comment is posted.')
      const commentId = new URL(benPage.url()).hash.slice(1)
      const posted = benPage.locator(`#${commentId}`)
      await posted.getByText('We do the same, but the').waitFor()
      t.equal(
        await posted.locator('.prose strong').textContent(),
        'second coordinator',
        'the comment is rendered from Markdown',
      )
      t.match(await posted.locator('.post-meta').textContent(), /Ben Claes/, 'and signed by Ben')
      await benPage.getByRole('heading', { name: '1 comment' }).waitFor()
      t.equal(
        await benPage.getByRole('link', { name: 'Edit', exact: true }).count(),
        1,
        'Ben may edit his comment, and nothing else',
      )
      await visitorPage.goto(articlePath)
      await visitorPage.locator(`#${commentId}`).getByText('We do the same, but the').waitFor()

      // --- 5. Ana edits the article and compares the two versions. ----------------------------------------
      await anaPage.goto(articlePath)
      await anaPage.locator('.article-tools').getByRole('link', { name: 'Edit', exact: true }).click()
      await anaPage.waitForURL(pathIs(`${articlePath}/edit`))
      await anaPage.getByRole('heading', { name: 'Edit the article', level: 1 }).waitFor()
      const bodyField = form.getByLabel('Article', { exact: true })
      t.equal(await bodyField.inputValue(), body, 'the edit form holds the Markdown as written')
      t.equal(await form.getByLabel('Country').inputValue(), 'PT', 'and the practice fields')
      t.ok(await anaPage.getByRole('checkbox', { name: 'Home sharing' }).isChecked(), 'and the theme')
      await bodyField.fill(editedBody)
      await anaPage.getByRole('button', { name: 'Save', exact: true }).click()
      await anaPage.waitForURL(pathIs(articlePath))
      // The article is published: Ana's edit waits for a reviewer (test/browser/article-edit-review.test.ts clicks
      // through that review); here Mona accepts it at once.
      await flash(anaPage, 'Your edit is saved and waits for review.')
      const edited = await db.selectFrom('articles').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()
      t.equal(await decidePendingEdit(db, edited.id, 'accept', moderator.id, null), 'accepted')
      await anaPage.reload()
      t.same(
        await anaPage.locator('.article-body li').allTextContents(),
        ['one coordinator asks the questions', 'the other takes notes and watches the host'],
        'the article shows the new text',
      )
      await anaPage.locator(`#${commentId}`).waitFor()
      t.equal(
        await anaPage.getByRole('heading', { name: 'Status: Published' }).count(),
        1,
        'an edit keeps the article published',
      )

      await anaPage.locator('.article-tools').getByRole('link', { name: 'History', exact: true }).click()
      await anaPage.waitForURL(pathIs(`${articlePath}/history`))
      await anaPage.getByRole('heading', { name: 'History', level: 1 }).waitFor()
      const versions = anaPage.locator('table.data-table tbody tr')
      t.equal(await versions.count(), 2, 'the history has the first version and the edit')
      t.match(
        await versions.nth(0).textContent(),
        /#2 \(current\)/,
        'the newest version comes first and is marked current',
      )
      t.match(await versions.nth(0).textContent(), /Ana Peeters/, 'with who saved it')
      await anaPage.getByRole('radio', { name: 'From 1', exact: true }).check()
      await anaPage.getByRole('radio', { name: 'To 2', exact: true }).check()
      await anaPage.getByRole('button', { name: 'Compare' }).click()
      await anaPage.waitForURL(pathIs(`${articlePath}/diff`))
      await anaPage.getByRole('heading', { name: 'Changes from version 1 to 2', level: 1 }).waitFor()
      const diffUrl = new URL(anaPage.url())
      t.same(
        [diffUrl.searchParams.get('from'), diffUrl.searchParams.get('to')],
        ['1', '2'],
        'the versions chosen are compared',
      )
      t.notOk(diffUrl.searchParams.has('_csrf'), 'the CSRF token does not end up in the address of the diff page')

      const bodyDiff = anaPage.locator('pre.diff')
      // A word diff: each changed word is marked on its own, with the unchanged spaces between them left unmarked.
      const wordsIn = async (tag: 'del' | 'ins') =>
        [...new Set((await bodyDiff.locator(tag).allTextContents()).join(' ').split(/\s+/).filter(Boolean))].sort()
      t.same(
        await wordsIn('del'),
        ['down', 'everything', 'one', 'writes'],
        'exactly the removed words are marked as removed',
      )
      t.same(
        await wordsIn('ins'),
        ['and', 'host', 'notes', 'other', 'takes', 'the', 'watches'],
        'exactly the added words are marked as added',
      )
      t.same(
        await sidesOf(bodyDiff),
        { before: body, after: editedBody },
        'the diff reads as the old text with <del> and the new text with <ins>',
      )
      const struck = await bodyDiff
        .locator('del')
        .first()
        .evaluate((del) => getComputedStyle(del).textDecorationLine)
      t.match(struck, /line-through/, 'removed text is struck through')
      const underlined = await bodyDiff
        .locator('ins')
        .first()
        .evaluate((ins) => getComputedStyle(ins).textDecorationLine)
      t.match(underlined, /underline/, 'added text is underlined, as the legend says')
      t.equal(
        await anaPage.locator('p.diff').first().locator('ins, del').count(),
        0,
        'the unchanged title shows no changes',
      )

      t.same(
        watched.flatMap((w) => w.problems),
        [],
        'no console errors, uncaught exceptions or Content Security Policy violations on any page',
      )
    },
  )
}
