// Markdown → safe HTML and plain text: the only HTML that templates may print unescaped.
import { Marked, Tokenizer, type Links, type Tokens } from 'marked'
import sanitizeHtml from 'sanitize-html'
import { MENTION_AT_START, mentionKey, type MentionMap } from '../mentions/syntax.js'

export type MarkdownProblem = 'empty' | 'too_long' | 'too_deeply_nested' | 'too_complex'
/** Too long: `bytes` the text has and `maxBytes` allowed, so the message can name both. */
export type MarkdownCheck = { ok: true } | { ok: false; reason: MarkdownProblem; bytes?: number; maxBytes?: number }

export const MAX_MARKDOWN_BYTES = 64 * 1024

// Twenty levels of quotes, lists or emphasis is far beyond any real post. marked recurses once per
// level (thousands of levels overflow the stack) and re-reads the text at each one, so deeper input
// is a crash or a slowdown. Rendering keeps the markers beyond the limit as literal text, so it never
// fails; checkMarkdown refuses such input, so the author learns why it would look wrong.
export const MAX_NESTING = 20

// A safety net for shapes the sign count (MAX_MARKUP_SIGNS) has not been taught yet, not a budget: a text whose render
// takes longer than this is refused with a message and the author's text kept. The sign count refuses what is almost
// all markup (32 000 `*a`, 16 000 list items or table rows: 100 to 270 ms) before any render. 64 KB of ordinary,
// well-formatted Markdown (this project's README repeated) takes 45 to 100 ms on a busy 2-core machine, and more than
// 150 ms under CI load with coverage on: the limit used to be 150 ms, which refused that README now and then. Being
// time, it must sit far above any real article's render on a loaded machine, so that nobody's writing is refused
// because the server happened to be busy.
export const RENDER_LIMIT_MS = 1000

// marked 18 has scans that run to the end of the paragraph for every token, which is quadratic on
// inputs built for it. The limits below keep each render roughly linear; only such inputs notice
// them, as some Markdown left literal.
//
// The closer of every unmatched `*`, `_` or `~` opener is looked for up to the end of the paragraph:
// 64 KB of `**a_` takes close to a minute. A render may scan this many characters for closers, then
// emphasis stays literal. A long ordinary post uses about 1% of it.
const EMPHASIS_SCAN_BUDGET = 2_000_000
// An email address is looked for over the whole run of address-like characters ahead, once per token,
// so `a_a_a_…` is quadratic. No address is this long; only runs that long are cut into pieces.
const ADDRESS_WINDOW = 320
const LONG_ADDRESS_LIKE_RUN = new RegExp(`^[\\w.!#$%&'*+/=?\`{|}~-]{${ADDRESS_WINDOW}}`)
const WEB_ADDRESS = /^(?:https?:\/\/|ftp:\/\/|www\.)/i

// Only the start of the line is tested: the full rules read on through the following lines.
const QUOTE_OPENER = /^ {0,3}>/
const LIST_OPENER = /^ {0,3}(?:[*+-]|\d{1,9}[.)])(?:[ \t]|\n|$)/
const INLINE_OPENER = /^(?:[*_~[]|!\[)/

// One per render, so the depth and budget it keeps belong to that render alone (and a render that
// failed half-way leaves nothing behind).
class GuardedTokenizer extends Tokenizer {
  tooDeep = false
  private blockDepth = 0
  private inlineDepth = 0
  private emphasisBudget = EMPHASIS_SCAN_BUDGET

  override blockquote(src: string): Tokens.Blockquote | undefined {
    return this.nestBlock(src, QUOTE_OPENER, () => super.blockquote(src))
  }

  override list(src: string): Tokens.List | undefined {
    return this.nestBlock(src, LIST_OPENER, () => super.list(src))
  }

  // The table rule reads all following lines as possible rows before it checks the header, which is
  // quadratic on `a\n-\n` repeated. Only a header and delimiter row that make a table go on to rows.
  override table(src: string): Tokens.Table | undefined {
    const secondBreak = src.indexOf('\n', src.indexOf('\n') + 1)
    if (secondBreak !== -1 && !super.table(src.slice(0, secondBreak))) return undefined
    return super.table(src)
  }

  // marked turns some openers down before it reads on, and those must not use up the budget: a run
  // before a space (`2 * 3`) and an underscore inside a word (snake_case). These checks are the first
  // lines of marked's own emStrong and del.
  override emStrong(src: string, maskedSrc: string, prevChar = ''): Tokens.Em | Tokens.Strong | undefined {
    const run = this.rules.inline.emStrongLDelim.exec(src)
    if (!run || !(run[1] || run[2] || run[3] || run[4])) return undefined
    if (run[4] && this.rules.other.unicodeAlphaNumeric.test(prevChar)) return undefined
    return this.emphasis(src, () => super.emStrong(src, maskedSrc, prevChar))
  }

  override del(src: string, maskedSrc: string, prevChar = ''): Tokens.Del | undefined {
    if (!this.rules.inline.delLDelim.test(src)) return undefined
    return this.emphasis(src, () => super.del(src, maskedSrc, prevChar))
  }

  override link(src: string): Tokens.Link | Tokens.Image | undefined {
    return this.nestInline(src, () => super.link(src))
  }

  override reflink(src: string, links: Links): Tokens.Link | Tokens.Image | Tokens.Text | undefined {
    return this.nestInline(src, () => super.reflink(src, links))
  }

  override url(src: string): Tokens.Link | undefined {
    return super.url(WEB_ADDRESS.test(src) ? src : src.slice(0, ADDRESS_WINDOW))
  }

  override inlineText(src: string): Tokens.Text | undefined {
    return super.inlineText(LONG_ADDRESS_LIKE_RUN.test(src) ? src.slice(0, ADDRESS_WINDOW) : src)
  }

  // Raw HTML is never a tag: without these tokens `<script>` is ordinary text, escaped on output and
  // shown as typed, rather than silently dropped by the sanitizer, leaving the author puzzled.
  override html(): undefined {
    return undefined
  }

  override tag(): undefined {
    return undefined
  }

  private nestBlock<T>(src: string, opener: RegExp, parse: () => T | undefined): T | undefined {
    if (this.blockDepth >= MAX_NESTING) {
      if (opener.test(src)) this.tooDeep = true
      return undefined
    }
    this.blockDepth++
    const token = parse()
    this.blockDepth--
    return token
  }

  private nestInline<T>(src: string, parse: () => T | undefined): T | undefined {
    if (this.inlineDepth >= MAX_NESTING) {
      if (INLINE_OPENER.test(src)) this.tooDeep = true
      return undefined
    }
    this.inlineDepth++
    const token = parse()
    this.inlineDepth--
    return token
  }

  // An opener that finds no closer is charged the rest of the paragraph, the most marked may have read.
  private emphasis<T extends { raw: string }>(src: string, parse: () => T | undefined): T | undefined {
    if (this.emphasisBudget <= 0) return undefined
    const token = this.nestInline(src, parse)
    this.emphasisBudget -= token ? token.raw.length : src.length
    return token
  }
}

const HTTPS_URL = /^https:\/\//i

// Our own instance: options set here cannot leak into, or be changed by, other users of marked.
const marked = new Marked({
  gfm: true,
  // A line break in a post is a line break, as people expect from a forum (and GitHub comments).
  breaks: true,
  renderer: {
    // A post lives under the page's own h1, so its headings start at h2 and stop at h4.
    heading({ tokens, depth }) {
      const level = Math.min(4, Math.max(2, depth))
      return `<h${level}>${this.parser.parseInline(tokens)}</h${level}>\n`
    },
    // Task boxes stay the text the author typed: nobody could tick them anyway, and a disabled <input>
    // would put form controls in the allow-list for nothing.
    checkbox({ checked }) {
      return checked ? '[x] ' : '[ ] '
    },
    // An image that may not be loaded still says what it showed. The sanitizer enforces the same rule.
    image(token) {
      return HTTPS_URL.test(token.href) ? false : this.parser.parseInline(token.tokens)
    },
    // Alignment becomes one of three classes we own, because style attributes are never allowed.
    tablecell(token) {
      const tag = token.header ? 'th' : 'td'
      const align = token.align ? ` class="align-${token.align}"` : ''
      return `<${tag}${align}>${this.parser.parseInline(token.tokens)}</${tag}>\n`
    },
  },
})

// @mentions (src/mentions/syntax.ts): the members a render may link, and those it did link. A render is synchronous,
// so these belong to the one render under way; render() sets and clears them.
let mentionable: MentionMap | null = null
let mentioned: Set<number> | null = null

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

marked.use({
  extensions: [
    {
      name: 'mention',
      level: 'inline',
      start: (src: string) => (mentionable && mentionable.size > 0 ? src.indexOf('@[') : -1),
      tokenizer(src: string) {
        if (!mentionable || mentionable.size === 0) return undefined
        const match = MENTION_AT_START.exec(src)
        if (!match) return undefined
        const member = mentionable.get(mentionKey(match[1]).key)
        // Unknown names are left to the other rules: they stay the text that was typed.
        if (!member) return undefined
        return { type: 'mention', raw: match[0], id: member.id, name: member.name }
      },
      renderer(token) {
        mentioned?.add(token.id as number)
        return `<a href="/u/${Number(token.id)}" class="mention">@${escapeHtml(String(token.name))}</a>`
      },
    },
  ],
})

const ALIGN_CLASSES = ['align-left', 'align-center', 'align-right']

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'h2',
    'h3',
    'h4',
    'ul',
    'ol',
    'li',
    'strong',
    'em',
    'del',
    'code',
    'pre',
    'blockquote',
    'hr',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
    'a',
    'img',
  ],
  allowedAttributes: { a: ['href', 'title', 'rel'], img: ['src', 'alt', 'title'], ol: ['start'] },
  allowedClasses: { code: [/^language-[\w+#.-]+$/], th: ALIGN_CLASSES, td: ALIGN_CLASSES, a: ['mention'] },
  // Relative links stay (they lead around Kring itself); protocol-relative ones leave the site.
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['https'] },
  allowProtocolRelative: false,
  transformTags: {
    a: sanitizeHtml.simpleTransform('a', { rel: 'nofollow ugc noopener' }),
  },
  // Only https images load: plain http leaks readers to the network, and a relative path would make
  // every reader's browser call one of our own endpoints.
  exclusiveFilter: (frame) => frame.tag === 'img' && !HTTPS_URL.test(frame.attribs.src ?? ''),
}

// NUL becomes U+FFFD as CommonMark asks. So do lone surrogates, which cannot be encoded as UTF-8 and
// would otherwise be replaced somewhere less predictable (the database, the search index).
const UNENCODABLE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

// marked looks ahead over a run of spaces at every space of it (for a hard line break, a link destination's or a
// definition's end), so one run of 16 000 spaces costs seconds. No text needs more spaces in a row than this (twenty
// levels of list indentation are 80); a longer run shows as this many, also in code.
const MAX_SPACE_RUN = 100
const SPACE_RUN = / {2,}/g
const shortenSpaceRun = (run: string) => (run.length > MAX_SPACE_RUN ? run.slice(0, MAX_SPACE_RUN) : run)

function prepare(markdown: string): string {
  return markdown.replace(UNENCODABLE, '\uFFFD').replace(SPACE_RUN, shortenSpaceRun)
}

type Rendered = { html: string; text: string; tooDeep: boolean; costMs: number; mentioned: number[] }

let renders = 0
/** How many texts this process has rendered (not counting reuses): shows that a write renders its text once. */
export const markdownRenderCount = () => renders

function render(markdown: string, mentions: MentionMap | null = null): Rendered {
  const startedAt = performance.now()
  const cpuBefore = process.cpuUsage()
  const tokenizer = new GuardedTokenizer()
  renders++
  mentionable = mentions
  const linked = (mentioned = new Set())
  let unsafe: string
  try {
    unsafe = marked.parse(prepare(markdown), { async: false, tokenizer })
  } finally {
    mentionable = null
    mentioned = null
  }
  const html = sanitizeHtml(unsafe, SANITIZE)
  const cpu = process.cpuUsage(cpuBefore)
  // This thread's own CPU time is at most both: the wall clock (which also counts time the machine gave to others) and
  // the process's CPU time (which also counts other threads: the garbage collector, a login's password hash).
  const costMs = Math.min(performance.now() - startedAt, (cpu.user + cpu.system) / 1000)
  return { html, text: toText(html), tooDeep: tokenizer.tooDeep, costMs, mentioned: [...linked] }
}

const BLOCK_TAG = /<\/?(?:p|br|h[2-4]|ul|ol|li|pre|blockquote|hr|table|thead|tbody|tr|th|td)\b[^>]*>/g

// sanitize-html escapes <, > and & everywhere, and " in attributes, so its output holds no other
// entities, and no < or > outside tags. Block boundaries become spaces so paragraphs stay apart.
function toText(html: string): string {
  return html
    .replace(BLOCK_TAG, ' ')
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim()
}

// A write reads its text twice: the form's check, then the command that stores it (before its transaction). The last
// few renders are kept, so that is one render; a text that dropped out meanwhile is simply rendered again.
const RECENT_RENDERS = 16
const recent = new Map<string, Rendered>()

function renderOnce(markdown: string, mentions: MentionMap | null = null): Rendered {
  // Renders with members to link are kept apart from plain ones (the form's check has none).
  const key =
    mentions && mentions.size > 0
      ? `${markdown}\u0000${JSON.stringify([...mentions].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))}`
      : markdown
  const kept = recent.get(key)
  if (kept) {
    recent.delete(key)
    recent.set(key, kept)
    return kept
  }
  const rendered = render(markdown, mentions)
  recent.set(key, rendered)
  if (recent.size > RECENT_RENDERS) recent.delete(recent.keys().next().value as string)
  return rendered
}

/**
 * With `mentions` (src/mentions/resolve.ts), `@[Name]` of those members becomes a link to them, and `mentioned` lists
 * who was linked: only mentions outside code, as the reader sees them.
 */
export function renderMarkdown(
  markdown: string,
  mentions: MentionMap | null = null,
): { html: string; text: string; mentioned: number[] } {
  const { html, text, mentioned } = renderOnce(markdown, mentions)
  return { html, text, mentioned }
}

// Rendering costs about the same per Markdown sign whatever the shape: 64 KB of nothing but `*a`, `|a|` rows or list
// items is 30,000 signs and 100-250 ms of CPU, while a long real article (this project's own documents filled to
// 64 KB) has under 3,000 and renders in about 25 ms. Counting is one linear scan, so a text with far more markup than
// prose is refused before it costs a render (with the same message as the render-time limit below). Code blocks are
// not counted: their content is not parsed as Markdown.
export const MAX_MARKUP_SIGNS = 8_000
const MARKUP_SIGN = /[*_~`!\[\]<>&|#\\=-]/g
const FENCE = /^ {0,3}(`{3,}|~{3,})/
// A bare web address becomes a link: about as costly as ten signs (3,000 addresses in 64 KB took 60 ms).
const BARE_ADDRESS = /(?:https?:\/\/|www\.)/gi
const ADDRESS_WEIGHT = 10
// A list item is read again at each level it is nested in: one sign per level (16,000 `1. a` items took 115 ms, and a
// list nested 20 deep, over and over, as much).
const LIST_ITEM = /^( *)(?:[*+-]|\d{1,9}[.)])(?:[ \t]|$)/

/** Markdown signs outside fenced code, counted only until there are more than the limit. */
export function countMarkupSigns(markdown: string, limit = MAX_MARKUP_SIGNS): number {
  let signs = 0
  let fence: string | null = null
  for (const line of markdown.split('\n')) {
    const opener = FENCE.exec(line)
    if (fence !== null) {
      if (opener && opener[1][0] === fence[0] && opener[1].length >= fence.length) fence = null
      continue
    }
    if (opener) {
      fence = opener[1]
      signs++
      continue
    }
    signs += (line.match(MARKUP_SIGN)?.length ?? 0) + (line.match(BARE_ADDRESS)?.length ?? 0) * ADDRESS_WEIGHT
    const item = LIST_ITEM.exec(line)
    if (item) signs += 1 + (item[1].length >> 1)
    if (signs > limit) return signs
  }
  return signs
}

export function checkMarkdown(markdown: string, limits: { maxBytes?: number } = {}): MarkdownCheck {
  if (markdown.trim() === '') return { ok: false, reason: 'empty' }
  const bytes = Buffer.byteLength(markdown, 'utf8')
  const maxBytes = limits.maxBytes ?? MAX_MARKDOWN_BYTES
  if (bytes > maxBytes) return { ok: false, reason: 'too_long', bytes, maxBytes }
  if (countMarkupSigns(markdown) > MAX_MARKUP_SIGNS) return { ok: false, reason: 'too_complex' }
  const { html, text, tooDeep, costMs } = renderOnce(markdown)
  if (tooDeep) return { ok: false, reason: 'too_deeply_nested' }
  if (costMs > RENDER_LIMIT_MS) return { ok: false, reason: 'too_complex' }
  // Only link definitions, empty markup or invisible characters would show readers nothing at all.
  if (/^[\s\p{Cf}]*$/u.test(text) && !html.includes('<img')) return { ok: false, reason: 'empty' }
  return { ok: true }
}
