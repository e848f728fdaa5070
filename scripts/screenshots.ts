// `npm run screenshots`: starts Kring with the demo on a temporary data folder and renders the main pages at desktop
// width and at 390px into data/screenshots/<page>-<width>.png, to compare the look before and after a change.
// Pages are found by following links from the demo (first community, its first thread, ...), not by fixed ids.
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Page } from 'playwright-core'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const outDir = path.join(root, 'data', 'screenshots')
const widths = [1280, 390]
const colorScheme = process.env.KRING_SCREENSHOT_SCHEME === 'dark' ? 'dark' : 'light'
const admin = { email: 'admin@kring.example', password: 'kring-demo-admin' }

async function startKring(dataDir: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      KRING_DATA_DIR: dataDir,
      KRING_DEMO: '1',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      DATABASE_URL: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const port = await new Promise<number>((resolve, reject) => {
    const look = (chunk: Buffer) => {
      output += chunk.toString('utf8')
      const ready = /Kring is ready at http:\/\/127\.0\.0\.1:(\d+)/.exec(output)
      if (ready) resolve(Number(ready[1]))
    }
    child.stdout.on('data', look)
    child.stderr.on('data', look)
    child.once('exit', (code) => reject(new Error(`Kring exited (${code}) before it was ready:\n${output}`)))
  })
  return {
    port,
    stop: () => new Promise<void>((resolve) => (child.once('exit', () => resolve()), child.kill('SIGTERM'))),
  }
}

/** The href of the first link matching the selector on the page at `from`. */
async function firstLink(page: Page, from: string, selector: string): Promise<string> {
  await page.goto(from)
  const href = await page.locator(selector).first().getAttribute('href')
  if (!href) throw new Error(`no link ${selector} on ${from}`)
  return href
}

async function main() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kring-screenshots-'))
  mkdirSync(outDir, { recursive: true })
  const kring = await startKring(dataDir)
  const base = `http://127.0.0.1:${kring.port}`
  const browser = await chromium.launch({
    executablePath: process.env.KRING_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  })
  try {
    const context = await browser.newContext({ baseURL: base, colorScheme })
    const page = await context.newPage()
    const community = await firstLink(page, '/communities', 'main a[href^="/c/"]')
    const thread = await firstLink(page, community, 'main a[href^="/t/"]')
    const article = await firstLink(
      page,
      '/library',
      'main a[href^="/library/"]:not([href$="/new"]):not([href$="/mine"])',
    )
    const meeting = await firstLink(page, `${community}/meetings`, 'main a[href^="/meetings/"]').catch(
      () => '/meetings',
    )
    const pages: [string, string, boolean][] = [
      ['home', '/', false],
      ['community', community, false],
      ['thread', thread, false],
      ['library', '/library', false],
      ['article', article, false],
      ['search', '/search?q=intake', false],
      ['meeting', meeting, true],
      ['moderation-queue', '/mod', true],
    ]
    const member = await browser.newContext({ baseURL: base, colorScheme })
    const memberPage = await member.newPage()
    await memberPage.goto('/login')
    await memberPage.locator('input[type="email"]').fill(admin.email)
    await memberPage.locator('input[type="password"]').fill(admin.password)
    await memberPage.locator('main form button[type="submit"]').first().click()
    await memberPage.waitForURL((url) => url.pathname === '/')
    for (const [name, url, asAdmin] of pages) {
      const target = asAdmin ? memberPage : page
      for (const width of widths) {
        await target.setViewportSize({ width, height: 900 })
        await target.goto(url)
        const file = path.join(outDir, `${name}-${width}${colorScheme === 'dark' ? '-dark' : ''}.png`)
        await target.screenshot({ path: file, fullPage: true })
        console.log(`${file}  (${url})`)
      }
    }
  } finally {
    await browser.close()
    await kring.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

await main()
