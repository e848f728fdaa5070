// Texts built to be slow: each shape that made marked, sanitize-html or PostgreSQL's full-text parser slow (or
// might), at the largest size a form accepts. Shared by the tests (every entry is stored or refused cleanly) and
// the heavy-posts benchmark (every stored entry within the store and render budgets).

/** A post body's maximum (MAX_MARKDOWN_BYTES): every entry is at most this many bytes of UTF-8. */
export const BODY_BYTES = 64 * 1024
/** A thread's or an article's title, and an article's summary, at most (characters). */
export const TITLE_CHARS = 200
export const SUMMARY_CHARS = 500

export interface PathologicalText {
  name: string
  /** What makes it slow, for the benchmark's report. */
  shape: string
  body: string
}

/** `unit` repeated to exactly `bytes` bytes (units are ASCII unless said otherwise), after `prefix`. */
function fill(unit: string, bytes = BODY_BYTES, prefix = '', suffix = ''): string {
  const room = bytes - Buffer.byteLength(prefix + suffix, 'utf8')
  const unitBytes = Buffer.byteLength(unit, 'utf8')
  const whole = unit.repeat(Math.floor(room / unitBytes))
  return prefix + whole + suffix
}

const entry = (name: string, shape: string, body: string): PathologicalText => ({ name, shape, body })

export const pathologicalTexts: PathologicalText[] = [
  entry('long-token', 'one 64 KB word', fill('a')),
  entry('long-token-digits', 'one 64 KB number', fill('7')),
  entry('long-token-mixed', 'one 64 KB word of letters and digits', fill('a1b2c3')),
  entry('long-token-unicode', 'one 64 KB word of two-byte letters', fill('é')),
  entry('repeated-pair', 'abab… for 64 KB', fill('ab')),
  entry('repeated-dot-pair', 'a.a.a.… for 64 KB', fill('a.')),
  entry('repeated-dash-pair', 'a-a-a-… for 64 KB', fill('a-')),
  entry('repeated-slash-pair', 'a/a/a/… for 64 KB (a path to the parser)', fill('a/')),
  entry('repeated-at-pair', 'a@a@a@… for 64 KB (an address to the parser)', fill('a@')),
  entry('repeated-colon-pair', 'a:a:a:… for 64 KB', fill('a:')),
  entry('url-like-token', 'one 64 KB URL', fill('a', BODY_BYTES, 'https://example.org/')),
  entry('email-like-token', 'a 64 KB address', fill('a', BODY_BYTES, '', '@example.org')),
  entry('many-words', '64 KB of ordinary short words', fill('word ')),
  entry('comment-openers', '<!-- repeated', fill('<!--')),
  entry('comment-openers-spaced', '<!-- a repeated', fill('<!-- a ')),
  entry('tag-openers', '< repeated', fill('<a')),
  entry('entity-openers', '& repeated', fill('&')),
  entry('numeric-entity-openers', '&# repeated', fill('&#')),
  entry('hex-entity-openers', '&#x repeated', fill('&#x')),
  entry('named-entity-soup', '&amp without semicolons', fill('&amp')),
  entry('open-brackets', '[ repeated', fill('[')),
  entry('close-brackets', '] repeated', fill(']')),
  entry('bracket-pairs', '[] repeated', fill('[]')),
  entry('link-openers', '[a]( repeated', fill('[a](')),
  entry('image-openers', '![ repeated', fill('![')),
  entry('nested-brackets', 'deep [[[…]]]', '['.repeat(BODY_BYTES / 2 - 1) + ']'.repeat(BODY_BYTES / 2 - 1)),
  entry('parens', '( repeated inside a link destination', fill('(', BODY_BYTES, '[a](')),
  entry('backticks', '` repeated', fill('`')),
  entry('backtick-runs', 'growing runs of backticks', growingRuns('`')),
  entry('backtick-words', '`a repeated', fill('`a')),
  entry('asterisks', '* repeated', fill('*')),
  entry('asterisk-words', '*a repeated', fill('*a')),
  entry('strong-underscore-mix', '**a_ repeated', fill('**a_')),
  entry('underscores', '_ repeated', fill('_')),
  entry('underscore-words', '_a repeated', fill('_a')),
  entry('underscore-pairs', 'a_a_a_… for 64 KB', fill('a_')),
  entry('tildes', '~ repeated', fill('~')),
  entry('tilde-words', '~a repeated', fill('~a')),
  entry('spaces', 'one 64 KB run of spaces between two words', fill(' ', BODY_BYTES, 'a', 'b')),
  entry('tabs', 'one 64 KB run of tabs between two words', fill('\t', BODY_BYTES, 'a', 'b')),
  entry('newlines', 'one 64 KB run of line breaks between two words', fill('\n', BODY_BYTES, 'a', 'b')),
  entry('space-newlines', '" \\n" repeated', fill(' \n', BODY_BYTES, 'a')),
  entry('link-destination-spaces', 'spaces inside a link destination', fill(' ', BODY_BYTES, '[a](b', 'c)')),
  entry('link-destination-leading-spaces', 'spaces before a link destination', fill(' ', BODY_BYTES, '[a](', 'b)')),
  entry('link-title-spaces', 'spaces between destination and title', fill(' ', BODY_BYTES, '[a](b', '"c")')),
  entry('definition-spaces', 'spaces inside a link reference definition', fill(' ', BODY_BYTES, '[a]: b', 'c')),
  entry('definition-leading-spaces', 'spaces before a definition destination', fill(' ', BODY_BYTES, '[a]:', 'b')),
  entry('definition-title-spaces', 'spaces before a definition title', fill(' ', BODY_BYTES, '[a]: b', '"c"')),
  entry('many-definitions', 'many link reference definitions', fill('[a]: b\n')),
  entry('definition-openers', '[a]: repeated on one line', fill('[a]:')),
  entry('angle-destinations', '[a](< repeated', fill('[a](<')),
  entry('quote-nesting', '> deep', fill('>')),
  entry('quote-nesting-spaced', '> > > deep', fill('> ')),
  entry(
    'list-nesting',
    'deep list',
    nestedLines((depth) => `${'  '.repeat(depth)}- a\n`, 20),
  ),
  entry('list-wide', 'many list items', fill('- a\n')),
  entry('ordered-list-wide', 'many numbered items', fill('1. a\n')),
  entry('emphasis-nesting', '*_*_… deep', fill('*_')),
  entry('table-rows', 'a table with many rows', fill('|a|\n', BODY_BYTES, '|a|\n|-|\n')),
  entry('table-columns', 'a table with many columns', wideTable()),
  entry('table-like', 'a\\n-\\n repeated', fill('a\n-\n')),
  entry('headings', '# repeated', fill('#')),
  entry('heading-lines', '# a\\n repeated', fill('# a\n')),
  entry('setext', 'a\\n=\\n repeated', fill('a\n=\n')),
  entry('hr-lines', '---\\n repeated', fill('---\n')),
  entry('code-fences', '``` repeated on lines', fill('```\n')),
  entry('tilde-fences', '~~~ repeated on lines', fill('~~~\n')),
  entry('indented-code', 'one 64 KB indented code block', fill('    a\n')),
  entry('backslashes', '\\ repeated', fill('\\')),
  entry('escaped-punctuation', '\\* repeated', fill('\\*')),
  entry('autolink-openers', '<http: repeated', fill('<http:')),
  entry('www-openers', 'www. repeated', fill('www.')),
  entry('bare-urls', 'https://a repeated', fill('https://a ')),
  entry('exclamation', '! repeated', fill('!')),
  entry('pipes', '| repeated', fill('|')),
  entry('mixed-punctuation', 'every Markdown opener, cycled', fill('*_~`[]()<>!&#\\|')),
  entry('zero-width', 'zero-width spaces between letters', fill('a\u200b')),
  entry('combining-marks', 'one letter with thousands of combining marks', fill('\u0301', BODY_BYTES, 'a')),
]

/** Runs of `char` of length 1, 2, 3, … separated by a space, to 64 KB: every length is a different code span. */
function growingRuns(char: string): string {
  let out = ''
  for (let n = 1; out.length + n + 1 <= BODY_BYTES; n++) out += char.repeat(n) + ' '
  return out
}

function nestedLines(line: (depth: number) => string, maxDepth: number): string {
  let out = ''
  for (let i = 0; ; i++) {
    const next = line(i % maxDepth)
    if (out.length + next.length > BODY_BYTES) return out
    out += next
  }
}

function wideTable(): string {
  const columns = Math.floor((BODY_BYTES - 10) / 6)
  return `${'|a'.repeat(columns)}|\n${'|-'.repeat(columns)}|\n${'|b'.repeat(columns)}|\n`.slice(0, BODY_BYTES)
}

/** Titles and summaries: the short single-line fields, at their limits. */
export const pathologicalTitles: PathologicalText[] = [
  entry('title-long-token', 'one word as long as a title may be', 'a'.repeat(TITLE_CHARS)),
  entry('title-repeated-pair', 'abab… as long as a title may be', 'ab'.repeat(TITLE_CHARS / 2)),
  entry('title-comment-openers', '<!-- as long as a title may be', '<!--'.repeat(TITLE_CHARS / 4)),
  entry('title-dot-pair', 'a.a.… as long as a title may be', 'a.'.repeat(TITLE_CHARS / 2)),
]

export const pathologicalSummaries: PathologicalText[] = [
  entry('summary-long-token', 'one word as long as a summary may be', 'a'.repeat(SUMMARY_CHARS)),
  entry('summary-repeated-pair', 'abab… as long as a summary may be', 'ab'.repeat(SUMMARY_CHARS / 2)),
  entry('summary-comment-openers', '<!-- as long as a summary may be', '<!--'.repeat(SUMMARY_CHARS / 4)),
]
