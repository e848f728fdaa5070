// The discussions issue's "done when", clicked through in a real browser: join a community, start a thread, reply,
// reply to a reply, edit, delete, a visitor reads along, and a members-only community stays invisible to outsiders.
import type { BrowserContext, Page } from 'playwright-core'
import t from 'tap'
import { addMember, createCommunity } from '../../src/communities/commands.js'
import { startThread } from '../../src/discussions/commands.js'
import { createTheme } from '../../src/themes/commands.js'
import { buildTestApp } from '../helpers/app.js'
import { launchBrowser, openPage, pathIs, type WatchedPage } from '../helpers/browser.js'
import { createUser, type TestUser } from '../helpers/factories.js'

const threadPath = /^\/t\/(\d+)(\/[a-z0-9-]*)?$/

{
  const browser = await launchBrowser(t)

  t.test(
    'members start a thread, reply and reply to a reply, edit and delete; a visitor reads; outsiders get 404',
    async (t) => {
      const { app, db } = await buildTestApp(t)
      const baseURL = await app.listen({ host: '127.0.0.1', port: 0 })
      const watched: WatchedPage[] = []

      const moderator = await createUser(db, { displayName: 'Mona Moderator' })
      const ana = await createUser(db, { displayName: 'Ana Peeters' })
      const ben = await createUser(db, { displayName: 'Ben Claes' })
      const outsider = await createUser(db, { displayName: 'Otto Outsider' })

      const open = await createCommunity(
        db,
        {
          slug: 'homeshare-network',
          name: 'Homeshare Network',
          description_md: 'People who **share homes** across generations.',
          visibility: 'public',
          join_policy: 'open',
        },
        { creatorId: moderator.id },
      )
      const closed = await createCommunity(
        db,
        {
          slug: 'coordinators-circle',
          name: 'Coordinators Circle',
          description_md: 'Family-centre coordinators only.',
          visibility: 'members',
          join_policy: 'request',
        },
        { creatorId: moderator.id },
      )
      if (!open.ok || !closed.ok) throw new Error('could not create the communities')
      // This walk-through is about discussing; pre-moderation of new members has its own tests.
      await db.updateTable('communities').set({ premoderation_count: 0 }).execute()
      await addMember(db, open.id, ben.id)
      await addMember(db, closed.id, ben.id)
      const theme = await createTheme(db, { slug: 'home-sharing', labels: { en: 'Home sharing', nl: 'Woningdelen' } })
      await createTheme(db, { slug: 'family-centres', labels: { en: 'Family centres', nl: 'Huizen van het Kind' } })
      if (!theme.ok) throw new Error('could not create the theme')
      const hidden = await startThread(db, {
        communityId: closed.id,
        authorId: ben.id,
        title: 'Intake notes we keep to ourselves',
        bodyMd: 'Members only.',
        themeIds: [],
        submissionKey: null,
      })
      if (!hidden.ok || !hidden.threadId) throw new Error('could not start the members-only thread')

      const newContext = async (options: { javaScriptEnabled?: boolean } = {}): Promise<BrowserContext> => {
        const context = await browser.newContext({
          baseURL,
          locale: 'en-GB',
          timezoneId: 'Europe/Brussels',
          ...options,
        })
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
      /** The thread's replies in page order, as [id, class] pairs. */
      const replyOrder = (page: Page) =>
        page
          .locator('ol.reply-list > li')
          .evaluateAll((items) => items.map((li): [string, string] => [li.id, li.getAttribute('class') ?? '']))

      // --- 1. Ana logs in, finds the open community and joins it. ----------------------------------------
      const anaPage = await watch(await newContext())
      await anaPage.goto('/login')
      await logIn(anaPage, ana, '/')
      await anaPage.goto('/communities')
      await anaPage.getByRole('heading', { name: 'Communities', level: 1 }).waitFor()
      t.equal(
        await anaPage.getByRole('link', { name: 'Coordinators Circle' }).count(),
        0,
        'a non-member does not see the members-only community in the directory',
      )
      await anaPage.getByRole('link', { name: 'Homeshare Network' }).click()
      await anaPage.waitForURL(pathIs('/c/homeshare-network'))
      t.equal(
        await anaPage.getByRole('link', { name: 'Start a thread' }).count(),
        0,
        'before joining there is no "Start a thread"',
      )
      await anaPage.getByRole('button', { name: 'Join this community' }).click()
      await anaPage.waitForURL(pathIs('/c/homeshare-network'))
      await anaPage
        .getByRole('status')
        .filter({ hasText: 'Welcome! You are now a member of this community.' })
        .waitFor()
      t.equal(
        await anaPage.getByRole('button', { name: 'Join this community' }).count(),
        0,
        'the join button is gone once joined',
      )
      t.equal(await anaPage.getByRole('button', { name: 'Leave this community' }).count(), 1, 'a member may leave')

      // --- 2. Ana starts a thread: preview first (a full round trip), then post. ---------------------------
      await anaPage.getByRole('link', { name: 'Start a thread' }).click()
      await anaPage.waitForURL(pathIs('/c/homeshare-network/new'))
      await anaPage.getByRole('heading', { name: 'Start a thread in Homeshare Network' }).waitFor()
      const title = 'Matching a student with an older host'
      const body =
        'We matched a **first-year student** with a host of 82.\n\n- weekly dinner together\n- a trial month first\n'
      await anaPage.getByLabel('Title').fill(title)
      await anaPage.getByLabel('Your message').fill(body)
      await anaPage.getByRole('checkbox', { name: 'Home sharing' }).check()
      // With JavaScript the preview appears in place (static/js/kring.js); the no-JS round trip is the second test.
      await anaPage.getByRole('button', { name: 'Preview' }).click()
      const preview = anaPage.locator('[data-preview] .preview')
      await preview.locator('strong').waitFor()
      t.equal(
        await anaPage.getByRole('region', { name: 'Preview' }).count(),
        1,
        'the in-place preview is a region named "Preview", as the server-rendered one is',
      )
      t.equal(await preview.locator('strong').textContent(), 'first-year student', 'the preview renders the bold text')
      t.same(
        await preview.getByRole('listitem').allTextContents(),
        ['weekly dinner together', 'a trial month first'],
        'the preview renders the list',
      )
      t.equal(await anaPage.getByLabel('Title').inputValue(), title, 'the preview keeps the title')
      t.equal(await anaPage.getByLabel('Your message').inputValue(), body, 'the preview keeps the Markdown as typed')
      t.ok(
        await anaPage.getByRole('checkbox', { name: 'Home sharing' }).isChecked(),
        'the preview keeps the chosen theme',
      )
      t.notOk(
        await anaPage.getByRole('checkbox', { name: 'Family centres' }).isChecked(),
        'and leaves the other theme unchosen',
      )

      await anaPage.getByRole('button', { name: 'Post', exact: true }).click()
      await anaPage.waitForURL((url) => threadPath.test(url.pathname))
      const threadId = Number(threadPath.exec(new URL(anaPage.url()).pathname)?.[1])
      const threadUrl = `/t/${threadId}`
      await anaPage.getByRole('heading', { name: title, level: 1 }).waitFor()
      const opening = anaPage.locator('#opening')
      t.equal(
        await opening.locator('.prose strong').textContent(),
        'first-year student',
        'the opening post shows the bold text',
      )
      t.same(
        await opening.locator('.prose li').allTextContents(),
        ['weekly dinner together', 'a trial month first'],
        'and the list',
      )
      const themeLink = anaPage.getByRole('list', { name: 'Themes' }).getByRole('link', { name: 'Home sharing' })
      t.equal(await themeLink.getAttribute('href'), '/themes/home-sharing', 'the thread links to its theme')
      t.equal(
        await anaPage.getByRole('list', { name: 'Themes' }).getByRole('link').count(),
        1,
        'and only to the theme chosen',
      )
      await anaPage.getByText('No replies yet.').waitFor()

      // --- 3. Ana replies at the bottom of the thread; Ben replies to that reply. ---------------------------
      const firstReply = 'We also asked the family to visit during the **trial month**.\n\nThe host liked that.'
      await anaPage.getByLabel('Your reply').fill(firstReply)
      await anaPage.getByRole('button', { name: 'Post reply' }).click()
      await anaPage.waitForURL((url) => url.pathname === threadUrl && url.hash.startsWith('#p'))
      const anaReplyId = Number(new URL(anaPage.url()).hash.slice(2))
      const anaReply = anaPage.locator(`#p${anaReplyId}`)
      await anaReply.getByText('We also asked the family to visit during the').waitFor()
      t.equal(
        await anaReply.locator('.prose strong').textContent(),
        'trial month',
        'the reply is rendered from Markdown',
      )
      t.match(await anaReply.getAttribute('class'), /\bdepth-1\b/, 'a reply to the thread is at depth 1')

      // Ben starts as a visitor: the thread asks him to log in, and brings him back after.
      const benPage = await watch(await newContext())
      await benPage.goto(threadUrl)
      await benPage.getByRole('link', { name: 'Log in to reply.' }).click()
      await benPage.waitForURL(pathIs('/login'))
      await logIn(benPage, ben, threadUrl)
      const benSeesAnaReply = benPage.locator(`#p${anaReplyId}`)
      await benSeesAnaReply.getByRole('link', { name: /^Reply to / }).click()
      await benPage.waitForURL(
        (url) => url.pathname === `${threadUrl}/reply` && url.searchParams.get('to') === String(anaReplyId),
      )
      await benPage.getByRole('heading', { name: 'Reply to Ana Peeters' }).waitFor()
      t.match(
        await benPage.locator('blockquote.quoted-post').textContent(),
        /visit during the trial month/,
        'the reply page quotes the reply being answered',
      )
      const nestedText = 'Did the host family agree to that, or did it need a meeting?'
      await benPage.getByLabel('Your reply').fill(nestedText)
      await benPage.getByRole('button', { name: 'Post reply' }).click()
      await benPage.waitForURL((url) => url.pathname === threadUrl && url.hash.startsWith('#p'))
      const benReplyId = Number(new URL(benPage.url()).hash.slice(2))
      t.not(benReplyId, anaReplyId, 'the nested reply is a new post')
      const benReply = benPage.locator(`#p${benReplyId}`)
      await benReply.getByText(nestedText).waitFor()
      // Ben lands on his new reply; the reply it answers should be right above it, not on an "earlier replies" page.
      const landing = await replyOrder(benPage)
      t.ok(
        landing.findIndex(([id]) => id === `p${anaReplyId}`) >= 0 &&
          landing.findIndex(([id]) => id === `p${benReplyId}`) ===
            landing.findIndex(([id]) => id === `p${anaReplyId}`) + 1,
        'after posting, the nested reply is shown under the reply it answers',
        { landing, url: benPage.url() },
      )
      await benPage.goto(threadUrl)
      await benReply.getByText(nestedText).waitFor()
      const order = await replyOrder(benPage)
      const parentIndex = order.findIndex(([id]) => id === `p${anaReplyId}`)
      const childIndex = order.findIndex(([id]) => id === `p${benReplyId}`)
      t.ok(
        parentIndex >= 0 && childIndex === parentIndex + 1,
        'the nested reply comes right after the reply it answers',
        { order },
      )
      t.match(order[parentIndex]?.[1], /\bdepth-1\b/, 'the answered reply stays at depth 1')
      t.match(order[childIndex]?.[1], /\bdepth-2\b/, 'the nested reply is at depth 2')
      const parentBox = await benPage.locator(`#p${anaReplyId}`).boundingBox()
      const childBox = await benReply.boundingBox()
      t.ok(parentBox && childBox && childBox.x > parentBox.x, 'the nested reply is drawn indented under its parent', {
        parentBox,
        childBox,
      })
      t.equal(
        await benReply.locator('.in-reply-to').count(),
        0,
        'a reply shown right under its parent needs no "in reply to"',
      )
      t.equal(await benSeesAnaReply.getByRole('link', { name: /^Edit\b/ }).count(), 0, "Ben may not edit Ana's reply")

      // --- 4. Ana edits her reply; the history keeps both versions. --------------------------------------
      await anaPage.goto(threadUrl)
      await anaReply.getByRole('link', { name: /^Edit\b/ }).click()
      await anaPage.waitForURL(pathIs(`/posts/${anaReplyId}/edit`))
      await anaPage.getByRole('heading', { name: 'Edit your reply' }).waitFor()
      t.equal(
        await anaPage.getByLabel('Your reply').inputValue(),
        firstReply,
        'the edit form holds the current text, paragraphs unchanged',
      )
      const editedReply = 'We also asked the family to visit twice during the **trial month**.'
      await anaPage.getByLabel('Your reply').fill(editedReply)
      await anaPage.getByRole('button', { name: 'Save' }).click()
      await anaPage.waitForURL((url) => url.pathname === threadUrl && url.hash === `#p${anaReplyId}`)
      await anaPage.getByRole('status').filter({ hasText: 'Your changes are saved.' }).waitFor()
      await anaReply.getByText('We also asked the family to visit twice during the').waitFor()
      const editedLink = anaReply.getByRole('link', { name: /^edited\b/ })
      t.equal(await editedLink.count(), 1, 'the edited reply says so')
      t.equal(await benPage.locator(`#p${benReplyId}`).count(), 1, 'the nested reply is still there')

      await editedLink.click()
      await anaPage.waitForURL(pathIs(`/posts/${anaReplyId}/history`))
      await anaPage.getByRole('heading', { name: 'Edit history', level: 1 }).waitFor()
      const versions = anaPage.locator('ol.revision-list > li')
      t.equal(await versions.count(), 2, 'the history shows two versions')
      t.match(await versions.nth(0).textContent(), /Current version/, 'the current version comes first')
      t.match(await versions.nth(0).textContent(), /visit twice during the trial month/, 'with the new text')
      t.match(
        await versions.nth(1).textContent(),
        /visit during the trial month/,
        'the earlier version keeps the old text',
      )
      t.notMatch(await versions.nth(1).textContent(), /twice/, 'unchanged by the edit')
      await anaPage.getByRole('link', { name: title }).click()
      await anaPage.waitForURL((url) => url.pathname === threadUrl)

      // Editing the thread and saving it unchanged must leave it as it was.
      await anaPage.goto(threadUrl)
      await anaPage.locator('#opening').getByRole('link', { name: 'Edit', exact: true }).click()
      await anaPage.waitForURL(pathIs(`${threadUrl}/edit`))
      await anaPage.getByRole('heading', { name: 'Edit the thread' }).waitFor()
      t.equal(
        await anaPage.getByLabel('Your message').inputValue(),
        body,
        'the thread edit form holds the Markdown exactly as posted',
      )
      t.ok(await anaPage.getByRole('checkbox', { name: 'Home sharing' }).isChecked(), 'and its theme')
      const saveThread = anaPage.getByRole('button', { name: 'Save', exact: true })
      t.equal(
        await saveThread.count(),
        1,
        'the thread edit form saves with "Save", as the reply edit form does (not "Post")',
      )
      await (
        (await saveThread.count()) ? saveThread : anaPage.getByRole('button', { name: 'Post', exact: true })
      ).click()
      await anaPage.waitForURL(pathIs(threadUrl))
      await anaPage.getByRole('status').filter({ hasText: 'Your changes are saved.' }).waitFor()
      t.same(
        await opening.locator('.prose li').allTextContents(),
        ['weekly dinner together', 'a trial month first'],
        'saved unchanged, the list is still a list',
      )
      t.equal(await opening.locator('pre').count(), 0, 'and nothing turned into a code block')

      // --- 5. Ana deletes her reply; its place is kept and Ben's answer stays. ---------------------------
      await anaReply.locator('summary', { hasText: 'More actions' }).click()
      await anaReply.getByText('Delete…').click()
      await anaReply.getByText('Delete this reply? A note will keep its place in the conversation.').waitFor()
      await anaReply.getByRole('button', { name: 'Yes, delete' }).click()
      await anaPage.getByRole('status').filter({ hasText: 'The reply is deleted.' }).waitFor()
      t.equal(new URL(anaPage.url()).pathname, threadUrl, 'deleting brings Ana back to the thread')
      t.equal(
        (await anaReply.textContent())?.trim(),
        'Reply deleted by its author.',
        'a note takes the place of the deleted reply',
      )
      t.equal(await anaReply.getByRole('link').count(), 0, 'the note offers nothing to click')
      await anaPage.locator(`#p${benReplyId}`).getByText(nestedText).waitFor()
      t.match(
        await anaPage.locator(`#p${benReplyId}`).getAttribute('class'),
        /\bdepth-2\b/,
        "Ben's answer stays nested under the note",
      )
      const afterDelete = await replyOrder(anaPage)
      t.equal(
        afterDelete.findIndex(([id]) => id === `p${benReplyId}`),
        afterDelete.findIndex(([id]) => id === `p${anaReplyId}`) + 1,
        'right after it',
      )

      // --- 6. A visitor reads the whole thread, and is asked to log in to reply. --------------------------
      const visitorPage = await watch(await newContext())
      await visitorPage.goto(threadUrl)
      await visitorPage.getByRole('heading', { name: title, level: 1 }).waitFor()
      t.equal(
        await visitorPage.locator('#opening .prose strong').textContent(),
        'first-year student',
        'the visitor reads the opening post',
      )
      await visitorPage.locator(`#p${anaReplyId}`).getByText('Reply deleted by its author.').waitFor()
      await visitorPage.locator(`#p${benReplyId}`).getByText(nestedText).waitFor()
      t.equal(
        await visitorPage.getByRole('link', { name: 'Log in to reply.' }).count(),
        1,
        'the visitor is asked to log in to reply',
      )
      t.equal(await visitorPage.getByLabel('Your reply').count(), 0, 'and gets no reply form')
      t.equal(
        await visitorPage.getByRole('link', { name: /^Reply to / }).count(),
        0,
        'nor "Reply" links on the replies',
      )
      t.equal(await visitorPage.getByRole('link', { name: /^Edit\b/ }).count(), 0, 'nor "Edit" links')
      await visitorPage.getByRole('link', { name: 'Homeshare Network' }).first().click()
      await visitorPage.waitForURL(pathIs('/c/homeshare-network'))
      const row = visitorPage.locator('.thread-row', { hasText: title })
      t.match(
        await row.textContent(),
        /1 reply|2 replies/,
        'the community page lists the thread with its replies counted',
      )
      t.equal(
        await visitorPage.getByRole('link', { name: 'Log in to join this community' }).count(),
        1,
        'the visitor is invited to log in to join',
      )

      // --- 7. A members-only community: 404 for a logged-in outsider, visible to a member. ----------------
      const outsiderWatched = await openPage(await newContext())
      const outsiderPage = outsiderWatched.page
      await outsiderPage.goto('/login')
      await logIn(outsiderPage, outsider, '/')
      await outsiderPage.goto('/communities')
      await outsiderPage.getByRole('link', { name: 'Homeshare Network' }).waitFor()
      t.equal(
        await outsiderPage.getByRole('link', { name: 'Coordinators Circle' }).count(),
        0,
        'the members-only community is not in an outsider’s directory',
      )
      for (const path of [
        '/c/coordinators-circle',
        `/t/${hidden.threadId}`,
        `/c/coordinators-circle/new`,
        `/t/${hidden.threadId}/reply`,
      ]) {
        const response = await outsiderPage.goto(path)
        t.equal(response?.status(), 404, `${path} answers 404 to an outsider`)
        await outsiderPage.getByRole('heading', { name: 'Page not found', level: 1 }).waitFor()
        t.notMatch(
          await outsiderPage.locator('main').textContent(),
          /Coordinators Circle|Intake notes/,
          `${path} gives away nothing about the community`,
        )
      }
      // Chromium logs each 404 document as a failed load; those four are expected, anything else is not.
      t.same(
        outsiderWatched.problems.filter((problem) => !/status of 404/.test(problem)),
        [],
        'the outsider saw no other console errors',
      )

      await benPage.goto('/communities')
      await benPage.getByRole('link', { name: 'Coordinators Circle' }).click()
      await benPage.waitForURL(pathIs('/c/coordinators-circle'))
      await benPage.getByText('Members only', { exact: true }).first().waitFor()
      await benPage.getByRole('link', { name: 'Intake notes we keep to ourselves' }).click()
      await benPage.waitForURL((url) => threadPath.test(url.pathname))
      await benPage.getByRole('heading', { name: 'Intake notes we keep to ourselves', level: 1 }).waitFor()
      t.equal(await benPage.getByLabel('Your reply').count(), 1, 'a member can reply in the members-only community')

      t.same(
        watched.flatMap((w) => w.problems),
        [],
        'no console errors, uncaught exceptions or Content Security Policy violations on any page',
      )
    },
  )

  t.test(
    'without JavaScript, Preview is a round trip that renders the Markdown and keeps what was typed',
    async (t) => {
      const { app, db } = await buildTestApp(t)
      const baseURL = await app.listen({ host: '127.0.0.1', port: 0 })
      const member = await createUser(db, { displayName: 'Nora Nojs' })
      const community = await createCommunity(
        db,
        {
          slug: 'plain-html',
          name: 'Plain HTML Circle',
          description_md: 'No scripts needed.',
          visibility: 'public',
          join_policy: 'open',
        },
        { creatorId: member.id },
      )
      if (!community.ok) throw new Error('could not create the community')
      await createTheme(db, { slug: 'participation', labels: { en: 'Participation', nl: 'Participatie' } })
      await createTheme(db, { slug: 'intake', labels: { en: 'Intake', nl: 'Intake' } })

      const context = await browser.newContext({ baseURL, locale: 'en-GB', javaScriptEnabled: false })
      t.teardown(() => context.close())
      const { page, problems } = await openPage(context)
      await page.goto('/login?next=/c/plain-html')
      await page.getByLabel('Email address').fill(member.email)
      await page.getByLabel('Password').fill(member.password)
      await page.getByRole('button', { name: 'Log in' }).click()
      await page.waitForURL(pathIs('/c/plain-html'))

      // The thread form.
      await page.getByRole('link', { name: 'Start a thread' }).click()
      await page.waitForURL(pathIs('/c/plain-html/new'))
      const title = 'Works without scripts'
      const body = 'Start with **bold** text.\n\n- first point\n- second point\n\nAnd a last paragraph.'
      await page.getByLabel('Title').fill(title)
      await page.getByLabel('Your message').fill(body)
      await page.getByRole('checkbox', { name: 'Participation' }).check()
      await page.getByRole('button', { name: 'Preview' }).click()
      const threadPreview = page.getByRole('region', { name: 'Preview' })
      await threadPreview.waitFor()
      t.equal(new URL(page.url()).pathname, '/c/plain-html/new', 'the preview came back from the server')
      t.equal(await threadPreview.locator('strong').textContent(), 'bold', 'the server renders the bold text')
      t.same(
        await threadPreview.getByRole('listitem').allTextContents(),
        ['first point', 'second point'],
        'and the list',
      )
      t.equal(await page.getByLabel('Title').inputValue(), title, 'the title is kept')
      t.equal(await page.getByLabel('Your message').inputValue(), body, 'the Markdown is kept exactly as typed')
      t.ok(await page.getByRole('checkbox', { name: 'Participation' }).isChecked(), 'the chosen theme is kept')
      t.notOk(await page.getByRole('checkbox', { name: 'Intake' }).isChecked(), 'the other theme stays unchosen')
      await page.getByRole('button', { name: 'Post', exact: true }).click()
      await page.waitForURL((url) => threadPath.test(url.pathname))
      const threadId = Number(threadPath.exec(new URL(page.url()).pathname)?.[1])
      await page.getByRole('heading', { name: title, level: 1 }).waitFor()
      t.same(
        await page.locator('#opening .prose li').allTextContents(),
        ['first point', 'second point'],
        'the posted thread has the list as previewed',
      )
      t.equal(await page.locator('#opening pre').count(), 0, 'and no paragraph turned into a code block')
      t.equal(
        await page.getByRole('list', { name: 'Themes' }).getByRole('link', { name: 'Participation' }).count(),
        1,
        'and the chosen theme',
      )

      // The reply form.
      const text = 'A reply with **weight** and a list:\n\n1. one\n2. two\n'
      await page.getByLabel('Your reply').fill(text)
      await page.getByRole('button', { name: 'Preview' }).click()
      await page.waitForURL(pathIs(`/t/${threadId}/replies`))
      const preview = page.getByRole('region', { name: 'Preview' })
      t.equal(await preview.locator('strong').textContent(), 'weight', 'the server renders the reply preview')
      t.same(await preview.getByRole('listitem').allTextContents(), ['one', 'two'], 'with the list')
      t.equal(await page.getByLabel('Your reply').inputValue(), text, 'and keeps the reply text exactly as typed')
      await page.getByRole('button', { name: 'Post reply' }).click()
      await page.waitForURL((url) => url.pathname === `/t/${threadId}` && url.hash.startsWith('#p'))
      const id = new URL(page.url()).hash.slice(2)
      t.equal(await page.locator(`#p${id} .prose strong`).textContent(), 'weight', 'the reply is posted')
      t.same(await page.locator(`#p${id} .prose li`).allTextContents(), ['one', 'two'], 'with its list as previewed')
      t.equal(await page.locator('ol.reply-list > li').count(), 1, 'exactly once')
      t.same(problems, [], 'no console errors')
    },
  )
}
