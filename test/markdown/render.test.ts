import t from 'tap'
import { marked as globalMarked } from 'marked'
import { checkMarkdown, MAX_MARKDOWN_BYTES, MAX_NESTING, renderMarkdown } from '../../src/markdown/render.js'
import { onlyAllowedMarkup } from '../helpers/allowed-markup.js'

const html = (markdown: string) => renderMarkdown(markdown).html
const text = (markdown: string) => renderMarkdown(markdown).text

t.test('raw HTML is shown as the text that was typed, never run', async (t) => {
  const vectors = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '<svg onload=alert(1)><circle r=1></svg>',
    '<iframe src="https://evil.example"></iframe>',
    '<style>body{display:none}</style>',
    '<a href="javascript:alert(1)">click</a>',
    '<img srcset="https://evil.example/a.png 1x" src="https://evil.example/b.png">',
    '<div style="position:fixed">over everything</div>',
    '<input type="text" name="password">',
    '<!-- a comment --><details open ontoggle=alert(1)>',
    '<ScRiPt>alert(1)</sCrIpT>',
    'inline <b onclick="alert(1)">bold</b> html',
  ]
  for (const vector of vectors) {
    const out = html(vector)
    t.same(onlyAllowedMarkup(out), [], `only allow-listed tags and attributes from ${vector}`)
    t.notMatch(out, /<(?:script|img|svg|iframe|style|div|input|details|b)\b/i, `no live tag from ${vector}`)
    t.match(out, '&lt;', 'the tag is visible as text')
  }
  // A URL inside escaped HTML is an ordinary bare URL, so it becomes an ordinary, checked link.
  t.match(
    html('<iframe src="https://evil.example"></iframe>'),
    /^<p>&lt;iframe src="<a href="https:\/\/evil\.example[^"]*" rel="nofollow ugc noopener">/,
  )
  t.match(html('<script>alert(1)</script>'), '&lt;script&gt;alert(1)&lt;/script&gt;', 'the author sees what they wrote')
  t.equal(text('<script>alert(1)</script>'), '<script>alert(1)</script>')
  t.equal(
    html('<div>\n*still Markdown*\n</div>'),
    '<p>&lt;div&gt;<br /><em>still Markdown</em><br />&lt;/div&gt;</p>\n',
    'Markdown around raw HTML still works',
  )
})

t.test('links keep only http, https and mailto, and every link is marked as user content', async (t) => {
  const refused = [
    '[x](javascript:alert(1))',
    '[x](JaVaScRiPt:alert(1))',
    '[x](&#106;avascript:alert(1))',
    '[x](&#x6A;avascript:alert(1))',
    '[x](javascript&colon;alert(1))',
    '[x](java&#9;script:alert(1))',
    '[x](jav&#x0A;ascript:alert(1))',
    '[x]( javascript:alert(1) )',
    '[x](<javascript:alert(1)>)',
    '<javascript:alert(1)>',
    '[x](vbscript:msgbox(1))',
    '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
    '[x](file:///etc/passwd)',
    '[x](<//evil.example/phish>)',
    '[r]: javascript:alert(1)\n\n[x][r]',
  ]
  for (const vector of refused) {
    const out = html(vector)
    t.notMatch(out, /href=/, `no link target from ${vector}`)
    t.same(onlyAllowedMarkup(out), [], vector)
  }

  t.equal(
    html('[Kring](https://kring.example/about "About")'),
    '<p><a href="https://kring.example/about" title="About" rel="nofollow ugc noopener">Kring</a></p>\n',
  )
  t.match(
    html('[mail](mailto:ineke@example.org)'),
    '<a href="mailto:ineke@example.org" rel="nofollow ugc noopener">mail</a>',
  )
  t.match(html('[plain](http://example.org)'), '<a href="http://example.org" rel="nofollow ugc noopener">plain</a>')
  t.match(
    html('[thread](/threads/12#reply-3)'),
    '<a href="/threads/12#reply-3" rel="nofollow ugc noopener">thread</a>',
    'links within Kring stay',
  )
  t.match(
    html('[sneaky](/\\evil.example)'),
    'href="/%5Cevil.example"',
    'a backslash cannot make a link protocol-relative',
  )

  const autolinks = html('<https://a.example> and https://b.example/x?y=1 and www.c.example and ineke@example.org')
  t.match(autolinks, '<a href="https://a.example" rel="nofollow ugc noopener">https://a.example</a>')
  t.match(autolinks, '<a href="https://b.example/x?y=1" rel="nofollow ugc noopener">https://b.example/x?y=1</a>')
  t.match(autolinks, '<a href="http://www.c.example" rel="nofollow ugc noopener">www.c.example</a>')
  t.match(autolinks, '<a href="mailto:ineke@example.org" rel="nofollow ugc noopener">ineke@example.org</a>')
  t.same(onlyAllowedMarkup(autolinks), [])

  t.match(
    html('[quote](https://x.example "say \\" onmouseover=\\"alert(1)")'),
    'title="say &quot; onmouseover=&quot;alert(1)"',
    'a title cannot break out of its attribute',
  )
})

t.test('images load only from https, and a refused image still says what it showed', async (t) => {
  t.equal(
    html('![A chart](https://img.example/chart.png "Growth")'),
    '<p><img src="https://img.example/chart.png" alt="A chart" title="Growth" /></p>\n',
  )
  for (const source of [
    'http://img.example/a.png',
    'data:image/png;base64,iVBORw0KGgo=',
    '/logout',
    '//img.example/a.png',
    'javascript:alert(1)',
    'https:img.example/a.png',
    'a.png',
  ]) {
    t.equal(html(`![A chart](${source})`), '<p>A chart</p>\n', source)
  }
  t.equal(html('![*Important* chart](http://img.example/a.png)'), '<p><em>Important</em> chart</p>\n')
  t.match(
    html('[![badge](https://img.example/b.svg)](https://ci.example)'),
    '<a href="https://ci.example" rel="nofollow ugc noopener"><img src="https://img.example/b.svg" alt="badge" /></a>',
  )
  t.match(html('![x" onerror="alert(1)](https://img.example/a.png)'), 'alt="x&quot; onerror=&quot;alert(1)"')
})

t.test('headings stay below the page title', async (t) => {
  t.equal(
    html('# One\n## Two\n### Three\n#### Four\n##### Five\n###### Six'),
    '<h2>One</h2>\n<h2>Two</h2>\n<h3>Three</h3>\n<h4>Four</h4>\n<h4>Five</h4>\n<h4>Six</h4>\n',
  )
  t.equal(html('Title\n=====\n\nSub\n---'), '<h2>Title</h2>\n<h2>Sub</h2>\n', 'setext headings too')
})

t.test('tables, code, lists and quotes render as a reader expects', async (t) => {
  const table = html('| Left | Right | Centre | None |\n|:-----|------:|:------:|------|\n| a | b | c | d |')
  t.match(
    table,
    '<th class="align-left">Left</th>\n<th class="align-right">Right</th>\n<th class="align-center">Centre</th>\n<th>None</th>',
  )
  t.match(
    table,
    '<tbody><tr>\n<td class="align-left">a</td>\n<td class="align-right">b</td>\n<td class="align-center">c</td>\n<td>d</td>',
  )
  t.notMatch(table, /align=|style=/)

  t.equal(
    html('```ts\nconst a = 1 < 2 && "b"\n```'),
    '<pre><code class="language-ts">const a = 1 &lt; 2 &amp;&amp; "b"\n</code></pre>\n',
  )
  t.equal(html('```c++\nx\n```'), '<pre><code class="language-c++">x\n</code></pre>\n')
  t.equal(
    html('```"><script>alert(1)</script>\nx\n```'),
    '<pre><code>x\n</code></pre>\n',
    'an odd language name is dropped',
  )
  t.equal(html('    indented <code>\n'), '<pre><code>indented &lt;code&gt;\n</code></pre>\n')
  t.equal(html('Use `<b>` or `a & b`'), '<p>Use <code>&lt;b&gt;</code> or <code>a &amp; b</code></p>\n')

  t.equal(
    html('- [ ] write agenda\n- [x] book room'),
    '<ul>\n<li>[ ] write agenda</li>\n<li>[x] book room</li>\n</ul>\n',
    'task boxes are text, not form controls',
  )
  t.equal(html('3. three\n4. four'), '<ol start="3">\n<li>three</li>\n<li>four</li>\n</ol>\n')
  t.equal(
    html('> quoted\n> > nested'),
    '<blockquote>\n<p>quoted</p>\n<blockquote>\n<p>nested</p>\n</blockquote>\n</blockquote>\n',
  )
  t.equal(html('**bold** *em* ~~gone~~\n\n---'), '<p><strong>bold</strong> <em>em</em> <del>gone</del></p>\n<hr />\n')
  t.equal(html('line one\nline two'), '<p>line one<br />line two</p>\n', 'a line break is kept')
})

t.test('whatever the input, only allow-listed markup comes out', async (t) => {
  const pieces = [
    '*',
    '**',
    '_',
    '~~',
    '`',
    '```js\n',
    '[',
    ']',
    '(',
    ')',
    '](',
    '![',
    '<',
    '>',
    '> ',
    '- ',
    '1. ',
    '# ',
    '|',
    '|-|',
    '\n',
    '\n\n',
    '  ',
    '\t',
    'word',
    'é',
    '😀',
    '&amp;',
    '&#106;',
    '&colon;',
    'javascript:',
    'https://x.example',
    'http://y.example',
    '//z.example',
    'mailto:a@b.example',
    'a@b.example',
    'www.w.example',
    '<script>',
    'onerror=',
    '" ',
    '<img src=x>',
    '\0',
    '\ud800',
  ]
  let seed = 20261125
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    return seed % n
  }
  let problems: string[] = []
  for (let i = 0; i < 400; i++) {
    let markdown = ''
    for (let j = 0; j < 60; j++) markdown += pieces[random(pieces.length)]
    problems = problems.concat(
      onlyAllowedMarkup(html(markdown)).map((problem) => `${problem} in ${JSON.stringify(markdown)}`),
    )
  }
  t.same(problems, [])
})

t.test('the plain text is for search and excerpts', async (t) => {
  t.equal(
    text(
      '# Agenda\n\nWelcome **everyone** to the *third* meeting.\n\n- Intro\n- Q&amp;A &copy; 2026\n\n> "Quoted" <b>',
    ),
    'Agenda Welcome everyone to the third meeting. Intro Q&A © 2026 "Quoted" <b>',
  )
  t.equal(text('un*frigging*believable'), 'unfriggingbelievable', 'inline markup does not split words')
  t.equal(text('| a | b |\n|---|---|\n| 1 | 2 |'), 'a b 1 2')
  t.equal(text('[Kring](https://kring.example) and `code`'), 'Kring and code')
  t.equal(text('first\n\n\n\n   second\tthird&nbsp;fourth'), 'first second third fourth')
  t.equal(text('![only an image](https://img.example/a.png)'), '')
})

t.test('odd characters neither break rendering nor reach the database', async (t) => {
  t.equal(html('a\0b'), '<p>a\uFFFDb</p>\n', 'NUL is replaced')
  t.equal(html('lone \ud800 and \udc00 surrogates'), '<p>lone \uFFFD and \uFFFD surrogates</p>\n')
  t.equal(html('paired 😀 stays'), '<p>paired 😀 stays</p>\n')
  t.equal(html('one\r\ntwo\r\n\r\nthree'), html('one\ntwo\n\nthree'), 'CRLF reads like LF')
  t.equal(html(''), '')
})

t.test('checkMarkdown tells the form what is wrong', async (t) => {
  t.same(checkMarkdown('Hello **Kring**'), { ok: true })
  for (const empty of ['', '   \n\t ', '[ref]: https://x.example', '\u200b\u200b']) {
    t.same(checkMarkdown(empty), { ok: false, reason: 'empty' }, JSON.stringify(empty))
  }
  t.same(checkMarkdown('![diagram](https://img.example/a.png)'), { ok: true }, 'an image alone is something to show')

  t.equal(MAX_MARKDOWN_BYTES, 64 * 1024)
  t.same(checkMarkdown('a'.repeat(MAX_MARKDOWN_BYTES)), { ok: true }, 'exactly 64 KB is fine')
  t.same(
    checkMarkdown('a'.repeat(MAX_MARKDOWN_BYTES + 1)),
    { ok: false, reason: 'too_long', bytes: MAX_MARKDOWN_BYTES + 1, maxBytes: MAX_MARKDOWN_BYTES },
    'the size and the limit, for the message',
  )
  t.same(checkMarkdown('é'.repeat(MAX_MARKDOWN_BYTES / 2)), { ok: true }, 'bytes are counted, not characters')
  t.same(checkMarkdown('é'.repeat(MAX_MARKDOWN_BYTES / 2) + 'a'), {
    ok: false,
    reason: 'too_long',
    bytes: MAX_MARKDOWN_BYTES + 1,
    maxBytes: MAX_MARKDOWN_BYTES,
  })
  t.same(checkMarkdown('a'.repeat(11), { maxBytes: 10 }), { ok: false, reason: 'too_long', bytes: 11, maxBytes: 10 })
  t.same(checkMarkdown('a'.repeat(10), { maxBytes: 10 }), { ok: true })
})

t.test('nesting is refused beyond twenty levels, and rendered safely anyway', async (t) => {
  t.equal(MAX_NESTING, 20)
  const quotes = (n: number) => '>'.repeat(n) + ' deep'
  const indented = (n: number) => Array.from({ length: n }, (_, i) => `${'  '.repeat(i)}- level ${i}`).join('\n')
  const sameLine = (n: number) => '- '.repeat(n) + 'x'
  const emphasis = (n: number) => {
    let open = ''
    let close = ''
    for (let i = 0; i < n; i++) {
      const mark = i % 2 ? '_' : '*'
      open += `${mark}a `
      close = ` b${mark}${close}`
    }
    return `${open}x${close}`
  }
  const count = (out: string, tag: string) => out.split(`<${tag}>`).length - 1
  for (const [name, build, tag] of [
    ['quotes', quotes, 'blockquote'],
    ['indented lists', indented, 'ul'],
    ['lists on one line', sameLine, 'ul'],
    ['emphasis', emphasis, 'em'],
  ] as const) {
    t.same(checkMarkdown(build(MAX_NESTING)), { ok: true }, `${name}: twenty levels are fine`)
    t.equal(count(html(build(MAX_NESTING)), tag), MAX_NESTING)
    t.same(
      checkMarkdown(build(MAX_NESTING + 1)),
      { ok: false, reason: 'too_deeply_nested' },
      `${name}: twenty-one are refused`,
    )
    t.equal(count(html(build(MAX_NESTING + 1)), tag), MAX_NESTING, `${name}: the extra level stays text`)
  }
  t.match(text(quotes(21)), '> deep')
  t.same(checkMarkdown(`${quotes(20)}\n\nplain text, then more:\n\n${quotes(20)}`), { ok: true })
})

t.test('pathological input renders quickly and without throwing', async (t) => {
  // A guard against catastrophic backtracking, not a benchmark: a regression here takes tens of seconds.
  const size = MAX_MARKDOWN_BYTES
  const fill = (unit: string) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size)
  const inputs: Record<string, string> = {
    'quote markers': fill('>'),
    'quote markers with spaces': fill('> '),
    'open brackets': fill('['),
    'unclosed links': fill('[a]('),
    stars: fill('*'),
    backticks: fill('`'),
    'backtick pairs': fill('`a``'),
    underscores: fill('_'),
    'underscored words': fill('a_'),
    'unmatched emphasis': fill('**a_'),
    'mixed emphasis': fill('*a **b _c __d '),
    'stars and letters': fill('*a'),
    'unmatched strikethrough': fill('~~a*'),
    'setext underlines': fill('a\n-\n'),
    'nested lists by indentation': Array.from({ length: 300 }, (_, i) => `${' '.repeat(i * 2)}- x`)
      .join('\n')
      .slice(0, size),
    'nested lists on each line': fill(`${'- '.repeat(30)}a\n`),
    'quotes and lists': fill('> - '),
    'huge table': `|a|b|\n|-|-|\n${fill('|x|y|\n')}`.slice(0, size),
    'wide table': `|${'a|'.repeat(size / 8)}\n|${'-|'.repeat(size / 8)}\n`,
    'angle brackets': fill('<'),
    'html comments': fill('<!--'),
    'null bytes': fill('\0'),
    'lone surrogates': fill('\ud800'),
    'CRLF lines': fill('a\r\n'),
    entities: fill('&#'),
    backslashes: fill('\\'),
    'emails without end': fill('a.'),
  }
  // What an ordinary post of the same size costs on this machine right now: the bound is a multiple of it, so a busy
  // machine (test files side by side on two cores, coverage on) moves both, while a regression to backtracking costs
  // tens of seconds against a baseline well under one.
  const ordinary = fill('We set *one* point and **another**, with a [link](https://kring.example/) and `code`.\n\n')
  let baseline = performance.now()
  renderMarkdown(ordinary)
  checkMarkdown(ordinary)
  baseline = performance.now() - baseline
  const bound = Math.max(2000, 20 * baseline)
  for (const [name, markdown] of Object.entries(inputs)) {
    let started = performance.now()
    const { html: out } = renderMarkdown(markdown)
    const rendering = performance.now() - started
    started = performance.now()
    const check = checkMarkdown(markdown)
    const checking = performance.now() - started
    const within = `within ${Math.round(bound)} ms (an ordinary post: ${Math.round(baseline)} ms)`
    t.ok(rendering < bound, `${name}: rendered in ${Math.round(rendering)} ms, ${within}`)
    t.ok(checking < bound, `${name}: checked in ${Math.round(checking)} ms (${check.ok || check.reason}), ${within}`)
    t.same(onlyAllowedMarkup(out), [])
  }
  t.same(onlyAllowedMarkup(html(fill('<img src=x onerror=alert(1)>'))), [])
})

t.test('the guards against slow input leave long ordinary posts alone', async (t) => {
  const sentence =
    'We set max_retry_count and config_file_name, *stressed* one **point** and ~~dropped~~ another; 2 * 3 = 6. '
  const paragraph = sentence.repeat(Math.floor((MAX_MARKDOWN_BYTES - 100) / sentence.length)) + 'The *very* last words.'
  const out = html(paragraph)
  t.match(out, 'The <em>very</em> last words.', 'emphasis still works at the end of one 64 KB paragraph')
  t.equal(out.split('<strong>').length - 1, Math.floor((MAX_MARKDOWN_BYTES - 100) / sentence.length))
  const longWord = `${'x_'.repeat(400)}@example.org`
  t.equal(
    text(`see ${longWord} and https://kring.example/${'a_'.repeat(400)}`),
    `see ${longWord} and https://kring.example/${'a_'.repeat(400)}`,
    'very long words keep every character',
  )
})

t.test('options set on the shared marked instance do not reach our rendering', async (t) => {
  // Runs last: it changes the global marked instance for the rest of this process.
  globalMarked.use({ renderer: { paragraph: () => '<p onclick="alert(1)">hijacked</p>' } })
  globalMarked.setOptions({ breaks: false })
  t.equal(html('still\nours'), '<p>still<br />ours</p>\n')
})
