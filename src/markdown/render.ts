// Markdown → safe HTML and plain text: the only HTML that templates may print unescaped.
import { Marked, Tokenizer, type Tokens } from 'marked'
import sanitizeHtml from 'sanitize-html'

export type MarkdownProblem = 'empty' | 'too_long' | 'too_deeply_nested'
export type MarkdownCheck = { ok: true } | { ok: false; reason: MarkdownProblem }

export const MAX_MARKDOWN_BYTES = 64 * 1024

// Twenty levels of quotes or lists is far beyond any real post. marked recurses once per level and
// overflows the stack a few thousand levels down, and re-reads the text at every level, so deeper
// input is both a crash and a slowdown. Beyond the limit the markers stay literal text, so rendering
// never fails; checkMarkdown refuses such input so the author learns why it looks wrong.
export const MAX_NESTING = 20

// marked looks for the closer of every `*`, `_` and `~~` opener to the end of the paragraph, which is
// quadratic on runs of unmatched openers (64 KB of `**a_` takes about a minute). Looking only this far
// ahead keeps it linear; emphasis spanning more than 2,000 characters stays literal.
const EMPHASIS_WINDOW = 2000
// Enough behind the opener for marked to see the whole delimiter run and the character before it.
const EMPHASIS_LOOKBEHIND = 64

const INLINE_OPENER = /^(?:[*_~[]|!\[)/

class GuardedTokenizer extends Tokenizer {
  blockDepth = 0
  inlineDepth = 0
  tooDeep = false

  override blockquote(src: string): Tokens.Blockquote | undefined {
    return this.nestBlock(src, this.rules.block.blockquote, () => super.blockquote(src))
  }

  override list(src: string): Tokens.List | undefined {
    return this.nestBlock(src, this.rules.block.list, () => super.list(src))
  }

  override emStrong(src: string, maskedSrc: string, prevChar?: string): Tokens.Em | Tokens.Strong | undefined {
    const [window, maskedWindow] = emphasisWindow(src, maskedSrc)
    return this.nestInline(src, () => super.emStrong(window, maskedWindow, prevChar))
  }

  override del(src: string, maskedSrc: string, prevChar?: string): Tokens.Del | undefined {
    const [window, maskedWindow] = emphasisWindow(src, maskedSrc)
    return this.nestInline(src, () => super.del(window, maskedWindow, prevChar))
  }

  override link(src: string): Tokens.Link | Tokens.Image | undefined {
    return this.nestInline(src, () => super.link(src))
  }

  // Raw HTML is never a tag: without these tokens `<script>` is ordinary text, escaped on output and
  // shown to readers as typed, instead of vanishing in the sanitizer and leaving the author puzzled.
  override html(): undefined {
    return undefined
  }

  override tag(): undefined {
    return undefined
  }

  private nestBlock<T>(src: string, opens: RegExp, parse: () => T | undefined): T | undefined {
    if (this.blockDepth >= MAX_NESTING) {
      if (opens.test(src)) this.tooDeep = true
      return undefined
    }
    this.blockDepth++
    try {
      return parse()
    } finally {
      this.blockDepth--
    }
  }

  private nestInline<T>(src: string, parse: () => T | undefined): T | undefined {
    if (this.inlineDepth >= MAX_NESTING) {
      if (INLINE_OPENER.test(src)) this.tooDeep = true
      return undefined
    }
    this.inlineDepth++
    try {
      return parse()
    } finally {
      this.inlineDepth--
    }
  }
}

// marked lines src up with maskedSrc by their lengths (src is the tail of maskedSrc), so both are cut
// to the same window around the current position.
function emphasisWindow(src: string, maskedSrc: string): [string, string] {
  const position = maskedSrc.length - src.length
  const start = Math.max(0, position - EMPHASIS_LOOKBEHIND)
  return [src.slice(0, EMPHASIS_WINDOW), maskedSrc.slice(start, position + EMPHASIS_WINDOW)]
}

const HTTPS_URL = /^https:\/\//i

const marked = new Marked({
  gfm: true,
  breaks: false,
  renderer: {
    // A post lives under the page's own h1, so its headings start at h2 and stop at h4.
    heading({ tokens, depth }) {
      const level = Math.min(4, Math.max(2, depth))
      return `<h${level}>${this.parser.parseInline(tokens)}</h${level}>\n`
    },
    // Task boxes stay the text the author typed: a disabled <input> would put form controls in the
    // allow-list for no gain, as nobody can tick them anyway.
    checkbox({ checked }) {
      return checked ? '[x] ' : '[ ] '
    },
    // An image that may not be loaded (see exclusiveFilter below) still says what it showed.
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

const ALIGN_CLASSES = ['align-left', 'align-center', 'align-right']

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'p', 'br', 'h2', 'h3', 'h4', 'ul', 'ol', 'li', 'strong', 'em', 'del', 'code', 'pre', 'blockquote', 'hr',
    'table', 'thead', 'tbody', 'tr', 'th', 'td', 'a', 'img',
  ],
  allowedAttributes: { a: ['href', 'title', 'rel'], img: ['src', 'alt', 'title'], ol: ['start'] },
  allowedClasses: { code: [/^language-[\w+#.-]+$/], th: ALIGN_CLASSES, td: ALIGN_CLASSES },
  // Relative links stay allowed (they point into Kring itself); protocol-relative ones leave the site.
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['https'] },
  allowProtocolRelative: false,
  transformTags: {
    a: sanitizeHtml.simpleTransform('a', { rel: 'nofollow ugc noopener' }),
  },
  // An image from anywhere but an https URL (plain http, data:, a relative path that could hit one of
  // our own endpoints) is not loaded; readers see its description instead.
  exclusiveFilter: (frame) => frame.tag === 'img' && !HTTPS_URL.test(frame.attribs.src ?? ''),
}

// NUL is replaced as CommonMark asks; lone surrogates cannot be encoded as UTF-8 and would turn
// into replacement characters somewhere less predictable (the database, the search index).
function normalize(markdown: string): string {
  return markdown.replace(/\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
}

function render(markdown: string): { html: string; text: string; tooDeep: boolean } {
  const tokenizer = new GuardedTokenizer()
  const html = sanitizeHtml(marked.parse(normalize(markdown), { async: false, tokenizer }), SANITIZE)
  return { html, text: toText(html), tooDeep: tokenizer.tooDeep }
}

const BLOCK_TAG = /<\/?(?:p|br|h[2-4]|ul|ol|li|pre|blockquote|hr|table|thead|tbody|tr|th|td)\b[^>]*>/g

// sanitize-html escapes <, > and & everywhere and " in attributes, so its output has no other tags or
// entities to worry about. Block boundaries become spaces so paragraphs do not run together.
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

export function renderMarkdown(markdown: string): { html: string; text: string } {
  const { html, text } = render(markdown)
  return { html, text }
}

export function checkMarkdown(markdown: string, limits: { maxBytes?: number } = {}): MarkdownCheck {
  if (markdown.trim() === '') return { ok: false, reason: 'empty' }
  if (Buffer.byteLength(markdown, 'utf8') > (limits.maxBytes ?? MAX_MARKDOWN_BYTES)) return { ok: false, reason: 'too_long' }
  const { html, text, tooDeep } = render(markdown)
  if (tooDeep) return { ok: false, reason: 'too_deeply_nested' }
  // A post of only link definitions or empty markup would show nothing at all.
  if (text === '' && !html.includes('<img')) return { ok: false, reason: 'empty' }
  return { ok: true }
}
