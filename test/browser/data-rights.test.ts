// Issue 14 point 6 in a real browser: a member downloads their data (the download arrives and is a zip), then deletes
// their account: logged out at once, a login during the grace period shows only the grace page, and after the
// scheduled deletion the old login no longer works.
import { readFile } from 'node:fs/promises'
import { unzipSync } from 'fflate'
import t from 'tap'
import { graceMs } from '../../src/data-rights/deletion.js'
import { runExports } from '../../src/data-rights/exports.js'
import { buildTestApp } from '../helpers/app.js'
import { launchBrowser, openPage, pathIs } from '../helpers/browser.js'
import { createCommunityWith, createThreadIn, createUser } from '../helpers/factories.js'

{
  const browser = await launchBrowser(t)

  t.test('a member downloads their data and deletes their account', async (t) => {
    const { app, db, config } = await buildTestApp(t)
    const member = await createUser(db, { displayName: 'Dora Download' })
    const community = await createCommunityWith(db, { members: [member] })
    await createThreadIn(db, community.id, member, { title: 'Dora asks about intake' })
    const baseURL = await app.listen({ host: '127.0.0.1', port: 0 })
    const context = await browser.newContext({ baseURL, locale: 'en-GB', acceptDownloads: true })
    t.teardown(() => context.close())
    const { page, problems } = await openPage(context)
    const accountNav = page.getByRole('navigation', { name: 'Account' })

    const logInAs = async (password: string) => {
      await page.goto('/login')
      await page.getByLabel('Email address').fill(member.email)
      await page.getByLabel('Password').fill(password)
      await page.getByRole('button', { name: 'Log in' }).click()
    }
    await logInAs(member.password)
    await page.waitForURL(pathIs('/'))
    await accountNav.locator('summary').click()
    await accountNav.getByRole('link', { name: 'Settings', exact: true }).click()
    await page.waitForURL(pathIs('/settings'))
    await page.getByRole('navigation', { name: 'Settings sections' }).getByRole('link', { name: 'Your data' }).click()
    await page.waitForURL(pathIs('/settings/data'))
    await page.getByRole('button', { name: 'Prepare my download' }).click()
    await page.waitForURL(pathIs('/settings/data'))
    await page.getByRole('status').filter({ hasText: 'Your download is being prepared' }).first().waitFor()

    // The background job, driven here as any instance's scheduler would.
    t.equal((await runExports({ db, config, now: new Date() })).built, 1)
    await page.reload()
    const downloading = page.waitForEvent('download')
    await page.getByRole('link', { name: 'Download the zip file' }).click()
    const download = await downloading
    t.match(download.suggestedFilename(), /^kring-data-\d{4}-\d{2}-\d{2}\.zip$/)
    const files = unzipSync(new Uint8Array(await readFile((await download.path())!)))
    t.ok(files['profile.json'] && files['threads.json'], 'the download is a zip of the member’s data')

    await page.getByLabel('Keep them, shown as written by a former member').check()
    await page.getByLabel('Your password, to confirm').fill(member.password)
    await page.getByRole('button', { name: 'Delete my account' }).click()
    await page.waitForURL(pathIs('/login'))
    await page.getByRole('status').filter({ hasText: 'You are logged out everywhere' }).waitFor()

    await logInAs(member.password)
    await page.waitForURL(pathIs('/account/deletion'))
    await page.getByRole('heading', { name: 'Your account will be deleted' }).waitFor()
    t.equal(await page.getByRole('button', { name: 'Keep my account' }).count(), 1, 'the grace page offers to keep it')
    await page.goto('/settings')
    await page.waitForURL(pathIs('/account/deletion'))

    await app.scheduler.runDue(new Date(Date.now() + graceMs + 60_000))
    await page.goto('/')
    t.equal(await accountNav.getByText('Dora Download').count(), 0, 'logged out by the deletion')
    await logInAs(member.password)
    await page.waitForURL(pathIs('/login'))
    await page.getByText('The email address or password is not correct.').waitFor()

    // The refused login answers 401 on purpose; the browser reports that status as a failed load.
    const refusedLogin = /\/login: Failed to load resource: the server responded with a status of 401/
    t.same(
      problems.filter((problem) => !refusedLogin.test(problem)),
      [],
      'no console errors, uncaught exceptions or Content Security Policy violations',
    )
  })
}
