// The meetings issue clicked through in a real browser: a moderator plans a meeting from the community page, a
// member (in another time zone) sees it in their own time, says they attend, asks a question and downloads the .ics.
import t from 'tap'
import type { BrowserContext, Page } from 'playwright-core'
import { buildTestApp } from '../helpers/app.js'
import { launchBrowser, openPage, pathIs, type WatchedPage } from '../helpers/browser.js'
import { createCommunityWith, createThemeWith, createUser, type TestUser } from '../helpers/factories.js'

{
  const browser = await launchBrowser(t)

  t.test('plan a meeting, see it in one’s own zone, attend, ask, download the calendar file', async (t) => {
    const { app, db } = await buildTestApp(t)
    const baseURL = await app.listen({ host: '127.0.0.1', port: 0 })
    const moderator = await createUser(db, { displayName: 'Mona Moderator' })
    const ana = await createUser(db, { displayName: 'Ana Peeters' })
    await createCommunityWith(db, { slug: 'homeshare-network', name: 'Homeshare Network', moderators: [moderator], members: [ana] })
    await createThemeWith(db, 'matching', { en: 'Matching', nl: 'Koppelen' })
    const watched: WatchedPage[] = []
    const pageIn = async (timezoneId: string): Promise<Page> => {
      const context: BrowserContext = await browser.newContext({ baseURL, locale: 'en-GB', timezoneId })
      t.teardown(() => context.close())
      const opened = await openPage(context)
      watched.push(opened)
      return opened.page
    }
    const logIn = async (page: Page, user: TestUser) => {
      await page.goto('/login')
      await page.getByLabel('Email address').fill(user.email)
      await page.getByLabel('Password').fill(user.password)
      await page.getByRole('button', { name: 'Log in' }).click()
      await page.waitForURL(pathIs('/'))
    }
    const year = new Date().getUTCFullYear() + 1

    const mona = await pageIn('Europe/Brussels')
    await logIn(mona, moderator)
    await mona.goto('/c/homeshare-network')
    await mona.getByRole('link', { name: 'Meetings' }).first().click()
    await mona.waitForURL(pathIs('/c/homeshare-network/meetings'))
    await mona.getByRole('link', { name: 'Plan a meeting' }).click()
    const form = mona.getByRole('main')
    await form.getByLabel('Title').fill('Spring session, matching; first month')
    await form.getByLabel('Topic').fill('The first month of a match')
    await form.getByLabel('Starts').fill(`${year}-06-18T14:00`)
    await form.getByLabel('Ends').fill(`${year}-06-18T15:30`)
    await form.getByLabel('Time zone of these times').selectOption('Europe/Brussels')
    await form.getByLabel('Online link').fill('https://meet.example.org/spring')
    await form.getByLabel('Agenda').fill('1. Welcome\n2. **Rooms**')
    await form.getByRole('checkbox', { name: 'Matching' }).check()
    await mona.getByRole('button', { name: 'Plan the meeting' }).click()
    await mona.waitForURL(/\/meetings\/\d+$/)
    await mona.getByRole('heading', { name: 'Spring session, matching; first month', level: 1 }).waitFor()
    const meetingPath = new URL(mona.url()).pathname

    const anaPage = await pageIn('America/New_York')
    await logIn(anaPage, ana)
    // The browser's zone reaches the server through the page's script (or the profile); the cookie stands in for it.
    await anaPage.context().addCookies([{ name: 'kring_tz', value: 'America/New_York', url: baseURL }])
    await anaPage.goto(meetingPath)
    await anaPage.getByText('08:00').first().waitFor()
    await anaPage.getByText("Organiser's time").waitFor()
    await anaPage.getByRole('link', { name: 'https://meet.example.org/spring' }).waitFor()
    await anaPage.getByRole('button', { name: 'I will attend' }).click()
    await anaPage.getByText('You said you will attend.').waitFor()
    await anaPage.getByLabel('Your question for the meeting').fill('How often do you check in?')
    await anaPage.getByRole('button', { name: 'Submit the question' }).click()
    await anaPage.getByText('How often do you check in?').waitFor()
    const download = await anaPage.request.get(`${meetingPath}.ics`)
    t.equal(download.status(), 200)
    const ics = await download.text()
    t.match(ics, 'SUMMARY:Spring session\\, matching\\; first month\r\n')

    await mona.reload()
    await mona.getByText('1 person attends.').waitFor()
    await mona.getByRole('button', { name: 'Mark as discussed' }).click()
    await mona.getByText('discussed', { exact: true }).waitFor()
    t.same(watched.flatMap((w) => w.problems), [], 'no console errors or CSP reports')
  })
}
