// Two tabs edit one reply, clicked through in a real browser: the later save is not lost but shown beside the newer
// text, kept in the form, and saves once the writer has merged.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { launchBrowser, logInThroughForm, openPage } from '../helpers/browser.js'
import { createCommunityWith, createThreadIn, createUser, replyIn } from '../helpers/factories.js'

{
  const browser = await launchBrowser(t)

  t.test('the second of two tabs gets both texts back and saves the merge', async (t) => {
    const { app, db } = await buildTestApp(t)
    const baseURL = await app.listen({ host: '127.0.0.1', port: 0 })
    const ana = await createUser(db, { displayName: 'Ana Peeters' })
    const community = await createCommunityWith(db, { members: [ana] })
    const threadId = await createThreadIn(db, community.id, ana)
    const replyId = await replyIn(db, threadId, ana, null, 'The first draft of my answer.')

    const context = await browser.newContext({ baseURL })
    t.teardown(() => context.close())
    const first = await openPage(context)
    await logInThroughForm(first.page, ana)
    const second = await openPage(context)
    for (const { page } of [first, second]) await page.goto(`/posts/${replyId}/edit`)

    await first.page.locator('textarea[name=body]').fill('Saved from the first tab.')
    await first.page.getByRole('button', { name: 'Save', exact: true }).click()
    await first.page.waitForURL((url) => url.pathname.startsWith(`/t/${threadId}`))
    t.match(await first.page.content(), 'Saved from the first tab.')

    await second.page.locator('textarea[name=body]').fill('Written in the second tab.')
    await second.page.getByRole('button', { name: 'Save', exact: true }).click()
    const alert = second.page.getByRole('alert')
    await alert.waitFor()
    t.match(await alert.innerText(), 'Someone else saved a newer version', 'the writer is told why')
    t.match(await alert.innerText(), 'Saved from the first tab.', 'the newer text is shown')
    t.equal(
      await second.page.locator('textarea[name=body]').inputValue(),
      'Written in the second tab.',
      'their own text is kept in the form',
    )

    await second.page.locator('textarea[name=body]').fill('Saved from the first tab. Written in the second tab.')
    await second.page.getByRole('button', { name: 'Save', exact: true }).click()
    await second.page.waitForURL((url) => url.pathname.startsWith(`/t/${threadId}`))
    const stored = await db.selectFrom('posts').select('body_md').where('id', '=', replyId).executeTakeFirstOrThrow()
    t.equal(stored.body_md, 'Saved from the first tab. Written in the second tab.', 'the merge is saved')
    // Chromium logs every 4xx answer to a page load; the 409 is this page's own status, anything else is a problem.
    const problems = [...first.problems, ...second.problems].filter((p) => !p.includes('status of 409 (Conflict)'))
    t.same(problems, [], 'no other console errors or CSP violations')
  })
}
