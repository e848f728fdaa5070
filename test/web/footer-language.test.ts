// The footer's language picker offers the interface languages on every page, the reader's own one chosen, also on
// pages that pass a list of content languages of their own (the library's filter and article form).
import t from 'tap'
import { supportedLocales } from '../../src/web/i18n.js'
import { buildTestApp } from '../helpers/app.js'
import { Client, logIn } from '../helpers/client.js'
import { createUser } from '../helpers/factories.js'

function footerPicker(body: string) {
  const select = /<select id="footer-language" name="locale">([\s\S]*?)<\/select>/.exec(body)?.[1] ?? ''
  const options = [...select.matchAll(/<option value="([^"]*)"[^>]*?( selected)?>/g)]
  return { codes: options.map((o) => o[1]), chosen: options.filter((o) => o[2]).map((o) => o[1]) }
}

t.test('the footer offers the interface languages, the current one chosen, on every page', async (t) => {
  const { app, db } = await buildTestApp(t)
  const member = await createUser(db, {})
  for (const locale of supportedLocales) {
    const visitor = new Client(app)
    visitor.headers = { 'accept-language': locale }
    const writer = new Client(app)
    writer.headers = { 'accept-language': locale }
    await logIn(writer, member.email, member.password)
    for (const [client, path] of [
      [visitor, '/'],
      [visitor, '/library'],
      [visitor, '/library?language=nl'],
      [writer, '/library/new'],
    ] as const) {
      const res = await client.get(path)
      t.equal(res.status, 200, `${locale} ${path}`)
      t.same(
        footerPicker(res.body),
        { codes: [...supportedLocales], chosen: [locale] },
        `${locale} ${path}: the four interface languages, ${locale} chosen`,
      )
    }
  }
})

t.test('inner pages show the shared breadcrumb trail, no lone back link', async (t) => {
  const { app, db } = await buildTestApp(t)
  const member = await createUser(db, {})
  const client = new Client(app)
  await logIn(client, member.email, member.password)
  const res = await client.get('/library/mine')
  t.equal(res.status, 200)
  t.match(res.body, '<nav class="breadcrumbs"', 'the trail')
  t.match(res.body, /<li><a href="\/library">[^<]+<\/a><\/li>/, 'back to the library')
  t.match(res.body, /<li><span aria-current="page">[^<]+<\/span><\/li>/, 'the page itself last')
  t.notMatch(res.body, 'class="breadcrumb"', 'no old back link')
})
