// The meeting page clicked through (issue 13, point 6): a participant answers, asks, upvotes and reads the notes; a
// planner uses the Plan tab to add a room and an action item and goes back to the meeting; a held meeting refuses an
// answer sent from a page opened before it ended, and says it was held in every language.
import t from 'tap'
import type { BrowserContext, Page } from 'playwright-core'
import { buildTestApp } from '../helpers/app.js'
import { launchBrowser, logInThroughForm, openPage, pathIs, type WatchedPage } from '../helpers/browser.js'
import { createCommunityWith, createUser, type TestUser } from '../helpers/factories.js'
import { askQuestion, createMeeting } from '../../src/meetings/commands.js'
import { supportedLocales, translate } from '../../src/web/i18n.js'

const en = (key: string, vars?: Record<string, string | number>) => translate('en', key, vars)

{
  const browser = await launchBrowser(t)

  t.test('a participant and a planner on the meeting page and its Plan tab', async (t) => {
    const { app, db } = await buildTestApp(t)
    const baseURL = await app.listen({ host: '127.0.0.1', port: 0 })
    const planner = await createUser(db, { displayName: 'Pia Planner' })
    const ana = await createUser(db, { displayName: 'Ana Peeters' })
    const bram = await createUser(db, { displayName: 'Bram Jansen' })
    const community = await createCommunityWith(db, {
      slug: 'homeshare',
      name: 'Homeshare',
      moderators: [planner],
      members: [ana, bram],
    })
    const year = new Date().getUTCFullYear() + 1
    const at = (iso: string) => new Date(iso)
    const meetingId = await createMeeting(db, {
      communityId: community.id,
      organiserId: planner.id,
      themeIds: [],
      data: {
        title: 'Spring session',
        topic: 'The first month of a match',
        startsAt: at(`${year}-03-18T13:00:00Z`),
        endsAt: at(`${year}-03-18T14:30:00Z`),
        timeZone: 'Europe/Brussels',
        onlineUrl: null,
        agendaMd: '1. Welcome\n2. Rooms',
      },
    })
    await askQuestion(db, { meetingId, authorId: bram.id, body: 'Who pays for insurance?' })
    const meetingPath = `/meetings/${meetingId}`

    const watched: WatchedPage[] = []
    const pageFor = async (user: TestUser): Promise<Page> => {
      const context: BrowserContext = await browser.newContext({
        baseURL,
        locale: 'en-GB',
        timezoneId: 'Europe/Brussels',
      })
      t.teardown(() => context.close())
      const opened = await openPage(context)
      watched.push(opened)
      await logInThroughForm(opened.page, user)
      return opened.page
    }

    // The planner opens the Plan tab, adds a room and an action item, and goes back to the meeting.
    const pia = await pageFor(planner)
    await pia.goto(meetingPath)
    await pia.getByRole('link', { name: en('meeting_page.tab.plan'), exact: true }).click()
    await pia.waitForURL(pathIs(`${meetingPath}/plan`))
    const rooms = pia.locator('#rooms')
    await rooms.getByLabel(en('meetings.room.name')).fill('Salle française')
    await rooms.getByLabel(en('meetings.room.language')).selectOption('fr')
    await rooms.getByLabel(en('meetings.room.note_taker')).selectOption({ label: 'Ana Peeters' })
    await rooms.getByRole('button', { name: en('meetings.rooms.add') }).click()
    await pia.getByText(en('meetings.flash.room_added')).waitFor()
    t.equal(new URL(pia.url()).pathname, `${meetingPath}/plan`, 'adding a room returns to the planner page')
    const items = pia.locator('#items')
    await items.getByLabel(en('meetings.item.text')).fill('Draft a shared welcome guide')
    await items.getByLabel(en('meetings.item.owner')).selectOption({ label: 'Ana Peeters' })
    await items.getByRole('button', { name: en('meetings.items.add') }).click()
    await pia.getByText(en('meetings.flash.item_added')).waitFor()
    await pia.locator('#items li', { hasText: 'Draft a shared welcome guide' }).waitFor()
    await pia.getByRole('link', { name: en('meeting_page.tab.meeting'), exact: true }).click()
    await pia.waitForURL(pathIs(meetingPath))
    await pia
      .locator('#rooms')
      .getByRole('heading', { name: /Salle française/ })
      .waitFor()
    await pia.locator('#items li', { hasText: 'Draft a shared welcome guide' }).waitFor()
    t.equal(await pia.locator(`form[action="${meetingPath}/rooms"]`).count(), 0, 'no planning forms on the meeting')

    // The participant answers, asks, upvotes and writes the notes of the room she keeps them for.
    const anaPage = await pageFor(ana)
    await anaPage.goto(meetingPath)
    t.equal(
      await anaPage.getByRole('link', { name: en('meeting_page.tab.plan'), exact: true }).count(),
      0,
      'no Plan tab for a participant',
    )
    await anaPage.getByRole('button', { name: en('meetings.attendance.yes') }).click()
    await anaPage.getByText(en('meetings.attendance.you_yes')).waitFor()
    await anaPage.getByLabel(en('meetings.questions.ask_label')).fill('How often do you check in?')
    await anaPage.getByRole('button', { name: en('meetings.questions.ask') }).click()
    await anaPage.getByText('How often do you check in?').waitFor()
    const insurance = anaPage.locator('#questions li', { hasText: 'Who pays for insurance?' })
    await insurance.getByRole('button', { name: en('meetings.questions.upvote') }).click()
    await anaPage
      .locator('#questions li', { hasText: 'Who pays for insurance?' })
      .getByText(en('meetings.questions.you_voted'))
      .waitFor()
    await anaPage.getByRole('link', { name: en('meetings.notes.edit') }).click()
    await anaPage.getByLabel(en('meetings.notes.worked')).fill('Des visites **à deux** la première semaine.')
    await anaPage.getByRole('button', { name: en('meetings.notes.save') }).click()
    await anaPage.waitForURL(pathIs(meetingPath))

    // Another participant reads the notes on the meeting page.
    const bramPage = await pageFor(bram)
    await bramPage.goto(meetingPath)
    await bramPage.locator('#rooms strong', { hasText: 'à deux' }).waitFor()
    await bramPage.getByText(en('meetings.attendance.count', { count: 1 })).waitFor()
    t.same(
      watched.flatMap((w) => w.problems),
      [],
      'no console errors or CSP reports',
    )
  })

  t.test('a held meeting refuses an answer and says it was held, in every language', async (t) => {
    const { app, db } = await buildTestApp(t)
    const baseURL = await app.listen({ host: '127.0.0.1', port: 0 })
    const planner = await createUser(db, { displayName: 'Pia Planner' })
    const ana = await createUser(db, { displayName: 'Ana Peeters' })
    const community = await createCommunityWith(db, { slug: 'homeshare', moderators: [planner], members: [ana] })
    const soon = Date.now() + 3600_000
    const meetingId = await createMeeting(db, {
      communityId: community.id,
      organiserId: planner.id,
      themeIds: [],
      data: {
        title: 'Autumn session',
        topic: '',
        startsAt: new Date(soon),
        endsAt: new Date(soon + 3600_000),
        timeZone: 'Europe/Brussels',
        onlineUrl: null,
        agendaMd: '',
      },
    })
    const meetingPath = `/meetings/${meetingId}`
    const context = await browser.newContext({ baseURL, locale: 'en-GB', timezoneId: 'Europe/Brussels' })
    t.teardown(() => context.close())
    const { page, problems } = await openPage(context)
    await logInThroughForm(page, ana)
    await page.goto(meetingPath)
    const attend = page.getByRole('button', { name: en('meetings.attendance.yes') })
    await attend.waitFor()

    // The meeting takes place while the page is open.
    await db
      .updateTable('meetings')
      .set({ starts_at: new Date(Date.now() - 7200_000), ends_at: new Date(Date.now() - 3600_000) })
      .where('id', '=', meetingId)
      .execute()
    await attend.click()
    await page.getByText(en('meeting_page.error.held_attendance')).waitFor()
    t.equal(
      await db
        .selectFrom('meeting_attendance')
        .select('user_id')
        .where('meeting_id', '=', meetingId)
        .execute()
        .then((r) => r.length),
      0,
      'no answer was saved',
    )

    for (const locale of supportedLocales) {
      await db.updateTable('users').set({ locale }).where('id', '=', ana.id).execute()
      await page.goto(meetingPath)
      await page.getByText(translate(locale, 'meeting_page.held.notice')).waitFor()
      t.equal(
        await page.getByRole('button', { name: translate(locale, 'meetings.attendance.yes') }).count(),
        0,
        `${locale}: no answer to give any more`,
      )
    }
    t.same(
      problems.filter((p) => !p.includes('status of 409 (Conflict)')),
      [],
      'no console errors or CSP reports beyond the refused answer',
    )
  })
}
