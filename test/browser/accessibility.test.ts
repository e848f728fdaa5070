// axe-core on the main pages, in light and dark mode, as a visitor and as a member or admin where the page needs one:
// zero WCAG 2.2 A/AA violations. axe's source goes in through page.evaluate, since the CSP refuses added scripts.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Page } from 'playwright-core'
import t from 'tap'
import type { Db } from '../../src/db/connect.js'
import { createDraft, transitionArticle } from '../../src/library/commands.js'
import { supportedLocales } from '../../src/web/i18n.js'
import { buildTestApp } from '../helpers/app.js'
import { launchBrowser, openPage, pathIs } from '../helpers/browser.js'
import {
  createCommunityWith,
  createMeetingIn,
  createThemeWith,
  createThreadIn,
  createUser,
  replyIn,
  type TestUser,
} from '../helpers/factories.js'

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core'), 'utf8')
const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']

interface Violation {
  id: string
  help: string
  nodes: { target: string[] }[]
}

async function violationsOn(page: Page): Promise<string[]> {
  await page.evaluate(axeSource)
  const violations = await page.evaluate(async (runOnly) => {
    const axe = (window as unknown as { axe: { run(o: unknown): Promise<{ violations: Violation[] }> } }).axe
    const result = await axe.run({ runOnly: { type: 'tag', values: runOnly } })
    return result.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }))
  }, tags)
  return violations.map((v) => `${v.id} (${v.help}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
}

async function publishArticle(db: Db, authorId: number, communityId: number, themeId: number) {
  const created = await createDraft(db, {
    title: 'Intake interviews in pairs',
    slug: 'intake-in-pairs',
    summary: 'Two coordinators in the room.',
    kind: 'practice',
    language: 'en',
    body_md: 'We started doing intakes **in pairs**.\n\n- one asks\n- one writes',
    community_id: communityId,
    themeIds: [themeId],
    authorId,
    practice: {
      practice_context: 'A homeshare programme',
      practice_target_group: 'Older hosts',
      practice_country: 'BE',
      practice_what_worked: 'Fewer broken matches',
      practice_what_did_not: 'Scheduling',
      practice_contact: 'intake@example.org',
    },
  })
  if (!created.ok || !(await transitionArticle(db, created.id, 'publish', null))) throw new Error('not published')
}

{
  const browser = await launchBrowser(t)
  const { app, db } = await buildTestApp(t)
  const baseURL = await app.listen({ host: '127.0.0.1', port: 0 })
  const admin = await createUser(db, { displayName: 'Ada Admin', siteRole: 'admin' })
  const member = await createUser(db, { displayName: 'Mia Member' })
  const community = await createCommunityWith(db, { name: 'Homeshare Network', moderators: [admin], members: [member] })
  const themeId = await createThemeWith(db, 'intake', { en: 'Intake', nl: 'Intake' })
  const threadId = await createThreadIn(db, community.id, member, { title: 'Finding hosts', themeIds: [themeId] })
  await replyIn(db, threadId, admin, null, 'We ask the **library** and the bakery.')
  await publishArticle(db, member.id, community.id, themeId)
  const meetingId = await createMeetingIn(db, community.id, admin)

  const pages: { path: string; as: TestUser | null }[] = [
    { path: '/', as: null },
    { path: '/communities', as: null },
    { path: `/c/${community.slug}`, as: null },
    { path: `/c/${community.slug}`, as: member },
    { path: `/t/${threadId}`, as: null },
    { path: `/t/${threadId}`, as: member },
    { path: '/library', as: null },
    { path: '/library/intake-in-pairs', as: null },
    { path: '/themes', as: null },
    { path: '/themes/intake', as: null },
    { path: '/search?q=hosts', as: null },
    { path: `/meetings/${meetingId}`, as: null },
    { path: `/meetings/${meetingId}`, as: admin },
    { path: '/login', as: null },
    { path: '/register', as: null },
    { path: '/settings', as: member },
    { path: '/notifications', as: member },
    { path: '/mod', as: admin },
  ]

  for (const colorScheme of ['light', 'dark'] as const) {
    for (const locale of [supportedLocales[0], supportedLocales[supportedLocales.length - 1]]) {
      t.test(`no axe violations in ${colorScheme} mode (${locale})`, async (t) => {
        const contexts = new Map<TestUser | null, Page>()
        const pageAs = async (user: TestUser | null) => {
          const known = contexts.get(user)
          if (known) return known
          const context = await browser.newContext({ baseURL, locale, colorScheme })
          t.teardown(() => context.close())
          const { page } = await openPage(context)
          if (user) {
            await page.goto('/login')
            await page.locator('main input[name="email"]').fill(user.email)
            await page.locator('main input[name="password"]').fill(user.password)
            await page.locator('main form button[type="submit"]').first().click()
            await page.waitForURL(pathIs('/'))
          }
          contexts.set(user, page)
          return page
        }
        for (const { path, as } of pages) {
          const page = await pageAs(as)
          await page.goto(path)
          t.same(await violationsOn(page), [], `${path} as ${as ? as.displayName : 'a visitor'}`)
        }
        // The open menus are part of the page too.
        const page = await pageAs(admin)
        await page.goto('/')
        await page.locator('details.account-menu > summary').click()
        t.same(await violationsOn(page), [], 'the open account menu')
        await page.setViewportSize({ width: 390, height: 800 })
        await page.locator('details.compact-nav > summary').click()
        t.same(await violationsOn(page), [], 'the open compact menu at 390px')
      })
    }
  }
}
