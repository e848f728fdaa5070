// Texts that are nearly all Markdown signs are refused before they cost a render; real writing, however long, is not.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { checkMarkdown, countMarkupSigns, MAX_MARKUP_SIGNS, MAX_MARKDOWN_BYTES } from '../../src/markdown/render.js'
import { projectRoot } from '../setup/paths.js'
import { buildTestApp } from '../helpers/app.js'
import { loggedIn } from '../helpers/moderation.js'
import { createCommunityWith, createThreadIn, createUser } from '../helpers/factories.js'

/** `text` repeated up to the body limit. */
const filled = (text: string) => text.repeat(Math.floor(MAX_MARKDOWN_BYTES / Buffer.byteLength(text, 'utf8')))

t.test('long real writing is accepted; text that is mostly markup is refused as too complex', async (t) => {
  const readme = filled(readFileSync(path.join(projectRoot, 'README.md'), 'utf8'))
  t.ok(countMarkupSigns(readme) < MAX_MARKUP_SIGNS, 'the project README filled to 64 KB stays under the limit')
  t.same(checkMarkdown(readme), { ok: true }, 'and is accepted')
  t.same(checkMarkdown(filled('*a ')), { ok: false, reason: 'too_complex' }, '64 KB of emphasis openers is refused')
  t.same(checkMarkdown(filled('|a|b|\n')), { ok: false, reason: 'too_complex' }, 'so are 64 KB of table rows')
  t.same(checkMarkdown(filled('https://example.org ')), { ok: false, reason: 'too_complex' }, 'and of bare addresses')
  t.same(checkMarkdown('*a* '.repeat(1000)), { ok: true }, 'a thousand emphasised words are fine')
})

t.test('code blocks are not counted: their content is not Markdown', async (t) => {
  const code = '```ts\n' + 'const x = a[i] * b[j] - (c || d) && e_f\n'.repeat(1000) + '```\n'
  t.ok(countMarkupSigns(code) < 10, 'a fenced block of code counts as its fences')
  t.same(checkMarkdown(code), { ok: true }, 'and is accepted')
  t.ok(countMarkupSigns(code + '*a '.repeat(MAX_MARKUP_SIGNS)) > MAX_MARKUP_SIGNS, 'markup after the block counts')
  const tilde = '~~~\n' + '*a '.repeat(MAX_MARKUP_SIGNS) + '\n```\nstill code\n~~~\n'
  t.ok(countMarkupSigns(tilde) < 10, 'a fence ends only at a fence of its own kind')
})

t.test('a reply with too much markup gets a clear message and keeps its text', async (t) => {
  const { app, db } = await buildTestApp(t)
  const member = await createUser(db)
  const community = await createCommunityWith(db, { members: [member] })
  const threadId = await createThreadIn(db, community.id, member)
  const client = await loggedIn(app, member)
  await client.get(`/t/${threadId}`)
  const body = 'My table:\n' + '|a|b|\n'.repeat(3000)
  const response = await client.post(`/t/${threadId}/replies`, { body, parent_id: '', submission_key: '' })
  t.equal(response.status, 422)
  t.match(response.body, 'too much markup to show quickly')
  t.match(response.body, 'My table:', 'the text is given back')
  const stored = await db.selectFrom('posts').select('id').where('thread_id', '=', threadId).execute()
  t.equal(stored.length, 0, 'nothing was stored')
})

t.test('list items count once per level they are nested in', async (t) => {
  t.same(checkMarkdown(filled('1. a\n')), { ok: false, reason: 'too_complex' }, '13,000 numbered items are refused')
  const deep = Array.from({ length: 20 }, (_, depth) => `${'  '.repeat(depth)}- a\n`).join('')
  t.same(checkMarkdown(filled(deep)), { ok: false, reason: 'too_complex' }, 'a list nested 20 deep, over and over, too')
  t.same(checkMarkdown(deep), { ok: true }, 'one list nested 20 deep is fine')
  t.same(checkMarkdown('1. step\n'.repeat(500)), { ok: true }, 'and so is a list of 500 steps')
})
