// Texts built to be slow (scripts/bench/lib/pathological-texts.ts) still render to safe HTML, or are refused with a
// reason the form can name. How fast is the benchmark's business (npm run bench -- heavy-posts).
import t from 'tap'
import { checkMarkdown, markdownRenderCount, renderMarkdown } from '../../src/markdown/render.js'
import { BODY_BYTES, pathologicalTexts } from '../../scripts/bench/lib/pathological-texts.js'
import { onlyAllowedMarkup } from '../helpers/allowed-markup.js'

t.test('the corpus is as large as a form accepts, and no larger', async (t) => {
  for (const entry of pathologicalTexts) {
    const bytes = Buffer.byteLength(entry.body, 'utf8')
    t.ok(bytes <= BODY_BYTES && bytes > BODY_BYTES * 0.9, `${entry.name}: ${bytes} bytes`)
  }
})

t.test('every pathological text renders to allow-listed HTML, or is refused for a reason the form names', async (t) => {
  for (const entry of pathologicalTexts) {
    const check = checkMarkdown(entry.body)
    if (!check.ok) {
      t.ok(
        ['empty', 'too_deeply_nested', 'too_complex'].includes(check.reason),
        `${entry.name} is refused as ${check.reason}`,
      )
      continue
    }
    const { html } = renderMarkdown(entry.body)
    t.same(onlyAllowedMarkup(html), [], `${entry.name} renders to safe HTML`)
  }
})

t.test('a long run of spaces still separates the words around it, and code keeps a hundred of them', async (t) => {
  const run = ' '.repeat(30_000)
  t.equal(renderMarkdown(`before${run}after`).text, 'before after')
  t.match(renderMarkdown(`[a link](https://kring.example${run}"its title")`).html, 'title="its title"')
  t.match(renderMarkdown(`[a link](https://kring.example${run}"its title")`).html, 'href="https://kring.example"')
  const code = renderMarkdown('```\nx' + run + 'y\n```').html
  t.match(code, `x${' '.repeat(100)}y`, 'a hundred spaces in code stay as typed')
  t.notMatch(code, `x${' '.repeat(101)}`, 'a longer run is shortened')
  t.match(renderMarkdown('    indented code').html, '<pre><code>indented code')
  t.equal(
    renderMarkdown(`- one\n${' '.repeat(4)}- nested`).html,
    '<ul>\n<li>one<ul>\n<li>nested</li>\n</ul>\n</li>\n</ul>\n',
  )
})

t.test("a form's check and the write that follows it render the text once", async (t) => {
  const body = `Once only ${Math.random()}\n\n${'word '.repeat(5000)}`
  const before = markdownRenderCount()
  t.ok(checkMarkdown(body).ok)
  const { html } = renderMarkdown(body)
  t.match(html, '<p>Once only')
  t.equal(markdownRenderCount() - before, 1, 'the write reused what the check rendered')
  renderMarkdown(`${body} changed`)
  t.equal(markdownRenderCount() - before, 2, 'a different text is rendered anew')
})
