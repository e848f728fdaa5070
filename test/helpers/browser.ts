// Debian's chromium driven by playwright-core (apt-get install chromium; never a browser Playwright downloads).
import { existsSync } from 'node:fs'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

const executablePath = process.env.KRING_CHROMIUM ?? '/usr/bin/chromium'
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]
// Long enough for a loaded 2-core CI machine, short enough that a broken page fails the test rather than the file.
export const waitMs = 20_000

interface Teardown {
  teardown(fn: () => unknown): void
}

/** One browser per test file. A missing chromium fails loudly: browser tests are never silently skipped. */
export async function launchBrowser(t: Teardown): Promise<Browser> {
  if (!existsSync(executablePath)) {
    throw new Error(
      `${executablePath} is missing: install it with "apt-get install -y chromium" (.ci/run does), or point KRING_CHROMIUM at a Chromium binary.`,
    )
  }
  const browser = await chromium.launch({ executablePath, args: chromiumArgs })
  t.teardown(() => browser.close())
  return browser
}

export interface WatchedPage {
  page: Page
  /** Console errors, uncaught exceptions and CSP reports, each with the URL of the page that raised it. */
  problems: string[]
}

export async function openPage(context: BrowserContext): Promise<WatchedPage> {
  const page = await context.newPage()
  page.setDefaultTimeout(waitMs)
  page.setDefaultNavigationTimeout(waitMs)
  const problems: string[] = []
  page.on('console', (message) => {
    const text = message.text()
    if (message.type() !== 'error' && !text.includes('Content Security Policy')) return
    // A failed load names no URL in its text; the location does.
    const source = message.location().url
    problems.push(`${message.type()} on ${page.url()}: ${text}${source && source !== page.url() ? ` (${source})` : ''}`)
  })
  page.on('pageerror', (error) => problems.push(`uncaught exception on ${page.url()}: ${error.message}`))
  return { page, problems }
}

export function pathIs(expected: string) {
  return (url: URL) => url.pathname === expected
}

/** Logs in through the login form, as a person would, and waits for the home page it lands on. */
export async function logInThroughForm(page: Page, user: { email: string; password: string }): Promise<void> {
  await page.goto('/login')
  await page.getByLabel('Email address').fill(user.email)
  await page.getByLabel('Password').fill(user.password)
  await page.getByRole('button', { name: 'Log in' }).click()
  await page.waitForURL(pathIs('/'))
}
