// Issue 13 point 1, clicked through in a real browser in every language: from every main page the header leads to
// Communities, Library, Themes, Meetings, search and the account menu; the current section is marked (also on pages
// served from the visitors' shared cache); breadcrumbs lead back; on a 390px screen without JavaScript the compact
// menu does the same, and nothing scrolls sideways at 320px.
import type { BrowserContext, Page } from 'playwright-core'
import t from 'tap'
import type { Db } from '../../src/db/connect.js'
import { createDraft, transitionArticle } from '../../src/library/commands.js'
import { supportedLocales, translate, type Locale } from '../../src/web/i18n.js'
import { buildTestApp } from '../helpers/app.js'
import { launchBrowser, openPage, pathIs, type WatchedPage } from '../helpers/browser.js'
import {
  createCommunityWith,
  createMeetingIn,
  createThemeWith,
  createThreadIn,
  createUser,
  type TestUser,
} from '../helpers/factories.js'

const sections = [
  { key: 'nav.communities', href: '/communities' },
  { key: 'nav.library', href: '/library' },
  { key: 'nav.themes', href: '/themes' },
  { key: 'nav.meetings', href: '/meetings' },
] as const

async function publishArticle(db: Db, authorId: number, communityId: number, themeId: number, slug: string) {
  const created = await createDraft(db, {
    title: 'Intake interviews in pairs',
    slug,
    summary: 'Two coordinators in the room.',
    kind: 'guide',
    language: 'en',
    body_md: 'Some **text**.',
    community_id: communityId,
    themeIds: [themeId],
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
  if (!created.ok || !(await transitionArticle(db, created.id, 'publish', null))) throw new Error('not published')
}

/** The section a page belongs to, as the header should mark it: null where no section link is current. */
function sectionOf(path: string): string | null {
  if (/^\/(communities|c\/|t\/)/.test(path)) return '/communities'
  if (path.startsWith('/library')) return '/library'
  if (path.startsWith('/themes')) return '/themes'
  if (path.startsWith('/meetings')) return '/meetings'
  return null
}

/** The header's section links as [href, name, current] triples, as a person sees them (visible ones only). */
function headerLinks(page: Page) {
  return page
    .locator(
      '.site-header nav a[href="/communities"], .site-header nav a[href="/library"], .site-header nav a[href="/themes"], .site-header nav a[href="/meetings"]',
    )
    .evaluateAll((links) =>
      links
        .filter((link) => (link as HTMLElement).offsetParent !== null)
        .map((link) => [link.getAttribute('href'), link.textContent?.trim(), link.getAttribute('aria-current')]),
    )
}

{
  const browser = await launchBrowser(t)
  const { app, db } = await buildTestApp(t)
  const baseURL = await app.listen({ host: '127.0.0.1', port: 0 })
  const admin = await createUser(db, { displayName: 'Ada Admin', siteRole: 'admin' })
  const member = await createUser(db, { displayName: 'Mia Member' })
  const community = await createCommunityWith(db, { name: 'Homeshare Network', moderators: [admin], members: [member] })
  const themeId = await createThemeWith(db, 'intake', { en: 'Intake', nl: 'Intake' })
  const threadId = await createThreadIn(db, community.id, member, { title: 'Finding hosts' })
  await publishArticle(db, member.id, community.id, themeId, 'intake-in-pairs')
  const meetingId = await createMeetingIn(db, community.id, admin)
  const mainPages = [
    '/',
    '/communities',
    `/c/${community.slug}`,
    `/t/${threadId}`,
    '/library',
    '/library/intake-in-pairs',
    '/themes',
    '/themes/intake',
    '/search?q=hosts',
    `/meetings/${meetingId}`,
  ]
  const watched: WatchedPage[] = []

  const contextFor = async (locale: Locale, options: { javaScriptEnabled?: boolean; width?: number } = {}) => {
    const context = await browser.newContext({
      baseURL,
      locale,
      javaScriptEnabled: options.javaScriptEnabled ?? true,
      viewport: { width: options.width ?? 1280, height: 900 },
    })
    t.teardown(() => context.close())
    return context
  }
  const pageIn = async (context: BrowserContext) => {
    const opened = await openPage(context)
    watched.push(opened)
    return opened.page
  }
  const logIn = async (page: Page, user: TestUser) => {
    await page.goto('/login')
    await page.locator('main input[name="email"]').fill(user.email)
    await page.locator('main input[name="password"]').fill(user.password)
    await page.locator('main form button[type="submit"]').first().click()
    await page.waitForURL(pathIs('/'))
  }

  for (const locale of supportedLocales) {
    const tr = (key: string) => translate(locale, key)
    const expected = (current: string | null) =>
      sections.map((s) => [s.href, tr(s.key), s.href === current ? 'page' : null])

    t.test(`${locale}: every main page has the header, with its section marked`, async (t) => {
      const page = await pageIn(await contextFor(locale))
      for (const path of mainPages) {
        await page.goto(path)
        t.same(await headerLinks(page), expected(sectionOf(path)), `${path}: the four sections, the right one current`)
        t.equal(
          await page.locator('header.site-header').getByRole('search').getByRole('searchbox').count(),
          1,
          `${path}: a search box`,
        )
        t.equal(
          await page
            .getByRole('navigation', { name: tr('nav.account_label') })
            .getByRole('link')
            .count(),
          2,
          `${path}: log in and register`,
        )
      }
      // Visitor pages come from a shared cache after the first view: the mark must still be right.
      for (const path of ['/library', `/t/${threadId}`, '/library', '/library/intake-in-pairs']) {
        await page.goto(path)
        t.same(await headerLinks(page), expected(sectionOf(path)), `${path} again (cached): the mark holds`)
      }
    })

    t.test(`${locale}: the header leads to each section and to search; breadcrumbs lead back`, async (t) => {
      const page = await pageIn(await contextFor(locale))
      const primary = page.getByRole('navigation', { name: tr('nav.main_label') })
      for (const [i, section] of sections.entries()) {
        await page.goto(mainPages[(i * 3 + 3) % mainPages.length])
        await primary.getByRole('link', { name: tr(section.key), exact: true }).click()
        await page.waitForURL(pathIs(section.href))
        t.equal(
          await primary.getByRole('link', { name: tr(section.key), exact: true }).getAttribute('aria-current'),
          'page',
          `${section.href} reached and marked`,
        )
      }
      await page.goto('/themes/intake')
      await page.locator('header.site-header').getByRole('search').getByRole('searchbox').fill('hosts')
      await page.locator('header.site-header').getByRole('search').getByRole('button').click()
      await page.waitForURL((url) => url.pathname === '/search' && url.searchParams.get('q') === 'hosts')
      t.pass('search from the header')

      const crumbs = page.getByRole('navigation', { name: tr('nav.breadcrumbs_label') })
      await page.goto('/library/intake-in-pairs')
      t.equal(await crumbs.locator('[aria-current="page"]').textContent(), 'Intake interviews in pairs', 'article last')
      await crumbs.getByRole('link', { name: tr('library.title'), exact: true }).click()
      await page.waitForURL(pathIs('/library'))
      await page.goto('/themes/intake')
      await crumbs.getByRole('link', { name: tr('themes.index.title'), exact: true }).click()
      await page.waitForURL(pathIs('/themes'))
      await crumbs.getByRole('link', { name: tr('nav.crumb.home'), exact: true }).click()
      await page.waitForURL(pathIs('/'))
      t.pass('breadcrumbs lead back to the library, the themes and home')
    })

    t.test(`${locale}: the account menu of a member and of an admin`, async (t) => {
      const page = await pageIn(await contextFor(locale))
      await logIn(page, member)
      const account = page.getByRole('navigation', { name: tr('nav.account_label') })
      await page.goto(`/t/${threadId}`)
      await account.getByText(member.displayName, { exact: true }).click()
      t.equal(await account.getByRole('link', { name: tr('nav.moderation') }).count(), 0, 'no moderation for a member')
      await account.getByRole('link', { name: tr('nav.profile') }).click()
      await page.waitForURL(pathIs(`/u/${member.id}`))
      await account.getByText(member.displayName, { exact: true }).click()
      await account.getByRole('link', { name: tr('nav.settings'), exact: true }).click()
      await page.waitForURL(pathIs('/settings'))
      t.equal(
        await page
          .getByRole('navigation', { name: tr('nav.breadcrumbs_label') })
          .getByRole('link')
          .count(),
        1,
        'settings has a breadcrumb home',
      )
      await page
        .getByRole('navigation', { name: tr('accounts.settings.sections') })
        .getByRole('link', { name: tr('email_settings.title'), exact: true })
        .click()
      await page.waitForURL(pathIs('/settings/notifications'))
      await account.getByText(member.displayName, { exact: true }).click()
      await account.getByRole('link', { name: tr('people.directory.title') }).click()
      await page.waitForURL(pathIs('/members'))
      await account.getByText(member.displayName, { exact: true }).click()
      await page.keyboard.press('Escape')
      t.equal(
        await page.locator('details.account-menu').evaluate((menu) => (menu as HTMLDetailsElement).open),
        false,
        'Escape closes the menu',
      )
      await account.getByText(member.displayName, { exact: true }).click()
      await account.getByRole('button', { name: tr('nav.logout') }).click()
      await page.waitForURL(pathIs('/'))
      await account.getByRole('link', { name: tr('nav.login') }).waitFor()
      t.pass('logged out from the menu')

      await logIn(page, admin)
      await account.getByText(admin.displayName, { exact: true }).click()
      await account.getByRole('link', { name: tr('nav.moderation') }).click()
      await page.waitForURL(pathIs('/mod'))
      await account.getByText(admin.displayName, { exact: true }).click()
      await account.getByRole('link', { name: tr('nav.admin') }).click()
      await page.waitForURL(pathIs('/admin'))
      t.pass('an admin reaches moderation and administration')
    })

    t.test(`${locale}: on a 390px screen without JavaScript the compact menu works`, async (t) => {
      const context = await contextFor(locale, { javaScriptEnabled: false, width: 390 })
      const page = await pageIn(context)
      const menu = page.locator('details.compact-nav')
      for (const [i, section] of sections.entries()) {
        await page.goto(mainPages[(i * 3 + 1) % mainPages.length])
        t.equal(await page.locator('.primary-nav').isVisible(), false, 'the wide navigation is out of the way')
        await menu.getByText(tr('nav.menu'), { exact: true }).click()
        await menu.getByRole('link', { name: tr(section.key), exact: true }).click()
        await page.waitForURL(pathIs(section.href))
        await menu.getByText(tr('nav.menu'), { exact: true }).click()
        t.equal(
          await menu.getByRole('link', { name: tr(section.key), exact: true }).getAttribute('aria-current'),
          'page',
          `${section.href} reached from the compact menu and marked in it`,
        )
      }
      await page.goto('/library')
      await page.locator('header.site-header').getByRole('search').getByRole('searchbox').fill('hosts')
      await page.locator('header.site-header').getByRole('search').getByRole('button').click()
      await page.waitForURL(pathIs('/search'))
      t.pass('search works on a narrow screen')

      await logIn(page, member)
      const account = page.getByRole('navigation', { name: tr('nav.account_label') })
      await account.getByText(member.displayName, { exact: true }).click()
      await account.getByRole('link', { name: tr('nav.settings'), exact: true }).click()
      await page.waitForURL(pathIs('/settings'))
      await account.getByText(member.displayName, { exact: true }).click()
      await account.getByRole('button', { name: tr('nav.logout') }).click()
      await page.waitForURL(pathIs('/'))
      t.pass('the account menu opens and logs out without JavaScript')

      await page.setViewportSize({ width: 320, height: 800 })
      for (const path of mainPages) {
        await page.goto(path)
        const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth])
        t.ok(scroll <= width, `${path}: no sideways scrolling at 320px (${scroll} <= ${width})`)
      }
    })
  }

  t.test('no console errors or CSP reports on any page', async (t) => {
    t.same(
      watched.flatMap((w) => w.problems),
      [],
    )
  })
}
