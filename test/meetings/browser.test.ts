// The meetings issue clicked through in a real browser: a moderator plans a meeting from the community page, a
// member (in another time zone) sees it in their own time, says they attend, asks a question and downloads the .ics;
// then the rest of the cycle: break-out rooms and their notes, the summary through the library's review to the public,
// action items, and the next meeting that lists the open ones.
import t from 'tap'
import type { BrowserContext, Page } from 'playwright-core'
import { buildTestApp } from '../helpers/app.js'
import { launchBrowser, logInThroughForm, openPage, pathIs, type WatchedPage } from '../helpers/browser.js'
import { createCommunityWith, createThemeWith, createUser, type TestUser } from '../helpers/factories.js'

{
  const browser = await launchBrowser(t)

  t.test('plan a meeting, see it in one’s own zone, attend, ask, download the calendar file', async (t) => {
    const { app, db } = await buildTestApp(t)
    const baseURL = await app.listen({ host: '127.0.0.1', port: 0 })
    const moderator = await createUser(db, { displayName: 'Mona Moderator' })
    const ana = await createUser(db, { displayName: 'Ana Peeters' })
    await createCommunityWith(db, {
      slug: 'homeshare-network',
      name: 'Homeshare Network',
      moderators: [moderator],
      members: [ana],
    })
    await createThemeWith(db, 'matching', { en: 'Matching', nl: 'Koppelen' })
    const watched: WatchedPage[] = []
    const pageIn = async (timezoneId: string): Promise<Page> => {
      const context: BrowserContext = await browser.newContext({ baseURL, locale: 'en-GB', timezoneId })
      t.teardown(() => context.close())
      const opened = await openPage(context)
      watched.push(opened)
      return opened.page
    }
    const year = new Date().getUTCFullYear() + 1

    const mona = await pageIn('Europe/Brussels')
    await logInThroughForm(mona, moderator)
    await mona.goto('/c/homeshare-network')
    await mona.getByRole('main').getByRole('link', { name: 'Meetings' }).first().click()
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
    await logInThroughForm(anaPage, ana)
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
    t.same(
      watched.flatMap((w) => w.problems),
      [],
      'no console errors or CSP reports',
    )
  })

  t.test(
    'rooms and notes, the summary published to the library, action items followed up at the next meeting',
    async (t) => {
      const { app, db } = await buildTestApp(t)
      const baseURL = await app.listen({ host: '127.0.0.1', port: 0 })
      const moderator = await createUser(db, { displayName: 'Mona Moderator' })
      const ana = await createUser(db, { displayName: 'Ana Peeters' })
      await createCommunityWith(db, {
        slug: 'homeshare-network',
        name: 'Homeshare Network',
        moderators: [moderator],
        members: [ana],
      })
      await createThemeWith(db, 'matching', { en: 'Matching', nl: 'Koppelen' })
      const watched: WatchedPage[] = []
      const pageFor = async (user: TestUser | null): Promise<Page> => {
        const context: BrowserContext = await browser.newContext({
          baseURL,
          locale: 'en-GB',
          timezoneId: 'Europe/Brussels',
        })
        t.teardown(() => context.close())
        const opened = await openPage(context)
        watched.push(opened)
        if (user) await logInThroughForm(opened.page, user)
        return opened.page
      }
      const year = new Date().getUTCFullYear() + 1
      const plan = async (page: Page, title: string, day: string) => {
        await page.goto('/c/homeshare-network/meetings/new')
        const form = page.getByRole('main')
        await form.getByLabel('Title').fill(title)
        await form.getByLabel('Topic').fill('The first month of a match')
        await form.getByLabel('Starts').fill(`${year}-${day}T14:00`)
        await form.getByLabel('Ends').fill(`${year}-${day}T15:30`)
        await form.getByRole('checkbox', { name: 'Matching' }).check()
        await page.getByRole('button', { name: 'Plan the meeting' }).click()
        await page.waitForURL(/\/meetings\/\d+$/)
        return new URL(page.url()).pathname
      }

      const mona = await pageFor(moderator)
      const meetingPath = await plan(mona, 'Spring session', '03-18')
      // Rooms, items, the summary, editing and cancelling are on the planner page.
      await mona.goto(`${meetingPath}/plan`)
      const rooms = mona.locator('#rooms')
      await rooms.getByLabel('Room name').fill('Salle française')
      await rooms.getByLabel('Language').selectOption({ label: 'French' })
      await rooms.getByLabel('Facilitator').selectOption({ label: 'Ana Peeters' })
      await rooms.getByRole('button', { name: 'Add break-out room' }).click()
      await mona.locator('#rooms li', { hasText: 'Salle française' }).waitFor()

      // The facilitator writes the room's notes in three parts.
      const anaPage = await pageFor(ana)
      await anaPage.goto(meetingPath)
      await anaPage.getByRole('link', { name: 'Edit the notes' }).click()
      await anaPage.getByLabel('What worked well').fill('Des visites **à deux** la première semaine.')
      await anaPage.getByLabel('What did not work so well').fill('Trop de formulaires.')
      await anaPage.getByLabel('Call to action').fill('Un guide d’accueil commun.')
      await anaPage.getByRole('button', { name: 'Save the notes' }).click()
      await anaPage.waitForURL((url) => url.pathname === meetingPath)
      await anaPage.locator('#rooms strong', { hasText: 'à deux' }).waitFor()

      // The moderator turns the meeting into a summary draft, sends it for review and publishes it.
      await mona.goto(`${meetingPath}/plan`)
      await mona.getByRole('button', { name: 'Create a session summary draft in the library' }).click()
      await mona.waitForURL(/\/library\/[a-z0-9-]+$/)
      const summaryPath = new URL(mona.url()).pathname
      await mona.getByText('Trop de formulaires.').waitFor()
      await mona.getByRole('heading', { name: /Salle française.*French \(fr\)/ }).waitFor()
      t.ok(await mona.locator(`a[href$="${meetingPath}"]`).count(), 'the draft links back to the meeting')
      await mona.getByRole('button', { name: 'Send for review' }).click()
      await mona.getByRole('button', { name: 'Publish', exact: true }).click()
      await mona.getByText('The article is published.').waitFor()

      const visitor = await pageFor(null)
      await visitor.goto('/library?kind=session_summary')
      await visitor.locator(`a[href="${summaryPath}"]`).first().click()
      await visitor.waitForURL((url) => url.pathname === summaryPath)
      await visitor.getByText('Des visites').waitFor()
      await visitor.getByRole('link', { name: 'Matching' }).first().waitFor()

      // Action items: one owned by Ana, who marks it done; one left open for the next meeting.
      await mona.goto(`${meetingPath}/plan`)
      const items = mona.locator('#items')
      await items.getByLabel('Action item').fill('Draft a shared welcome guide')
      await items.getByLabel('Owner').selectOption({ label: 'Ana Peeters' })
      await items.getByRole('button', { name: 'Add action item' }).click()
      await mona.locator('#items li', { hasText: 'Draft a shared welcome guide' }).waitFor()
      await items.getByLabel('Action item').fill('Ask the insurer about overnight guests')
      await items.getByLabel('Owner').selectOption({ label: 'Ana Peeters' })
      await items.getByRole('button', { name: 'Add action item' }).click()
      await mona.locator('#items li', { hasText: 'Ask the insurer' }).waitFor()

      await anaPage.goto(meetingPath)
      const insurer = anaPage.locator('#items li', { hasText: 'Ask the insurer' })
      await insurer.getByLabel('Status').selectOption({ label: 'done' })
      await insurer.getByRole('button', { name: 'Update' }).click()
      await anaPage
        .locator('#items li', { hasText: 'Ask the insurer' })
        .locator('.badge', { hasText: 'done' })
        .waitFor()

      // A third item, mistyped: corrected, then removed after all.
      await mona.goto(`${meetingPath}/plan`)
      await items.getByLabel('Action item').fill('Cal the insurer')
      await items.getByRole('button', { name: 'Add action item' }).click()
      await mona.locator('#items li', { hasText: 'Cal the insurer' }).waitFor()
      await items.getByRole('link', { name: /^Edit.*Cal the insurer/ }).click()
      await mona.waitForURL(/\/items\/\d+\/edit$/)
      await mona.getByLabel('Action item').fill('Call the insurer again')
      await mona.getByRole('button', { name: 'Save the action item' }).click()
      await mona.getByText('The action item has been updated.').waitFor()
      await mona.locator('#items li', { hasText: 'Call the insurer again' }).waitFor()
      await items.getByRole('button', { name: /^Remove.*Call the insurer again/ }).click()
      await mona.getByText('The action item has been removed.').waitFor()
      await mona.locator('#items li', { hasText: 'Call the insurer again' }).waitFor({ state: 'detached' })
      t.equal(
        await mona.locator('#items li', { hasText: 'Ask the insurer' }).count(),
        1,
        'the removed item is gone, the others stay',
      )

      const nextPath = await plan(mona, 'Summer session', '06-17')
      const followUp = mona.locator('section', {
        has: mona.getByRole('heading', { name: 'Follow-up from the previous meeting' }),
      })
      await followUp.getByText('Draft a shared welcome guide — Ana Peeters').waitFor()
      t.equal(await followUp.getByText('Ask the insurer').count(), 0, 'done items are not listed for follow-up')
      t.not(nextPath, meetingPath)

      // The planner moves the next meeting by an hour, then cancels it; the member sees both.
      await mona.goto(`${nextPath}/plan`)
      await mona.getByRole('link', { name: 'Edit meeting' }).click()
      await mona.getByRole('main').getByLabel('Starts').fill(`${year}-06-17T15:00`)
      await mona.getByRole('main').getByLabel('Ends').fill(`${year}-06-17T16:30`)
      await mona.getByRole('button', { name: 'Save the changes' }).click()
      await mona.getByText('The meeting has been updated.').waitFor()
      await anaPage.goto(nextPath)
      await anaPage.locator('.meeting-time').getByText('15:00').waitFor()
      await mona.getByLabel(/Reason for cancelling/).fill('Summer holidays for most of us')
      await mona.getByRole('button', { name: 'Cancel this meeting' }).click()
      await mona.getByText('The meeting has been cancelled.').waitFor()
      await anaPage.reload()
      await anaPage.getByText('This meeting was cancelled. It will not take place.').waitFor()
      await anaPage.getByText('Summer holidays for most of us').waitFor()
      t.equal(await anaPage.getByRole('button', { name: 'I will attend' }).count(), 0, 'attending is closed')
      t.same(
        watched.flatMap((w) => w.problems),
        [],
        'no console errors or CSP reports',
      )
    },
  )
}
