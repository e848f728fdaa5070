// One layout for every email: the same content as HTML (escaped, with sanitized Markdown where a post is quoted) and as
// plain text, in the recipient's language, with the links that let them stop it.
import Handlebars from 'handlebars'
import { translate, type Locale } from '../web/i18n.js'

export interface EmailItem {
  title: string
  /** Absolute URL. */
  url: string
  /** A line under the title: author, community, time (plain text). */
  meta?: string
  /** Plain text excerpt. */
  excerpt?: string
}

export interface EmailSection {
  heading: string
  items: EmailItem[]
}

export interface EmailBody {
  heading: string
  /** Plain text paragraphs (escaped in the HTML part). */
  paragraphs?: string[]
  /** HTML from src/markdown/render.ts (already sanitized) with its plain text twin. */
  quote?: { html: string; text: string }
  sections?: EmailSection[]
  action?: { label: string; url: string }
  /** Why the recipient gets this, e.g. "You watch this thread." */
  reason?: string
  unsubscribeUrl?: string
  preferencesUrl?: string
}

const e = (value: string) => Handlebars.escapeExpression(value)

export function renderEmail(locale: Locale, body: EmailBody): { text: string; html: string } {
  return { text: renderText(locale, body), html: renderHtml(locale, body) }
}

function renderText(locale: Locale, body: EmailBody): string {
  const lines: string[] = [body.heading, '']
  for (const paragraph of body.paragraphs ?? []) lines.push(paragraph, '')
  if (body.quote) lines.push(...body.quote.text.split('\n').map((line) => `> ${line}`), '')
  for (const section of body.sections ?? []) {
    lines.push(section.heading, '-'.repeat(Math.min(section.heading.length, 60)))
    for (const item of section.items) {
      lines.push(`* ${item.title}`)
      if (item.meta) lines.push(`  ${item.meta}`)
      if (item.excerpt) lines.push(`  ${item.excerpt}`)
      lines.push(`  ${item.url}`)
    }
    lines.push('')
  }
  if (body.action) lines.push(`${body.action.label}: ${body.action.url}`, '')
  lines.push('-- ')
  if (body.reason) lines.push(body.reason)
  if (body.preferencesUrl) lines.push(`${translate(locale, 'mail.footer.preferences')}: ${body.preferencesUrl}`)
  if (body.unsubscribeUrl) lines.push(`${translate(locale, 'mail.footer.unsubscribe')}: ${body.unsubscribeUrl}`)
  lines.push(translate(locale, 'mail.footer.sender'))
  return lines.join('\n') + '\n'
}

function renderHtml(locale: Locale, body: EmailBody): string {
  const parts: string[] = []
  parts.push(`<h1 style="font-size:20px;margin:0 0 16px">${e(body.heading)}</h1>`)
  for (const paragraph of body.paragraphs ?? []) parts.push(`<p>${e(paragraph)}</p>`)
  if (body.quote)
    parts.push(
      `<blockquote style="border-left:3px solid #c8c8c8;margin:0 0 16px;padding:0 12px;color:#333">${body.quote.html}</blockquote>`,
    )
  for (const section of body.sections ?? []) {
    parts.push(`<h2 style="font-size:16px;margin:24px 0 8px">${e(section.heading)}</h2><ul style="padding-left:20px">`)
    for (const item of section.items) {
      parts.push(
        `<li style="margin-bottom:10px"><a href="${e(item.url)}">${e(item.title)}</a>` +
          (item.meta ? `<br><span style="color:#555">${e(item.meta)}</span>` : '') +
          (item.excerpt ? `<br>${e(item.excerpt)}` : '') +
          '</li>',
      )
    }
    parts.push('</ul>')
  }
  if (body.action)
    parts.push(
      `<p style="margin:24px 0"><a href="${e(body.action.url)}" style="background:#1d4e89;color:#fff;padding:10px 16px;border-radius:4px;text-decoration:none">${e(body.action.label)}</a></p>`,
    )
  const footer: string[] = []
  if (body.reason) footer.push(e(body.reason))
  if (body.preferencesUrl)
    footer.push(`<a href="${e(body.preferencesUrl)}">${e(translate(locale, 'mail.footer.preferences'))}</a>`)
  if (body.unsubscribeUrl)
    footer.push(`<a href="${e(body.unsubscribeUrl)}">${e(translate(locale, 'mail.footer.unsubscribe'))}</a>`)
  footer.push(e(translate(locale, 'mail.footer.sender')))
  return (
    `<!DOCTYPE html><html lang="${e(locale)}"><head><meta charset="utf-8"><title>${e(body.heading)}</title></head>` +
    `<body style="font-family:system-ui,sans-serif;font-size:15px;line-height:1.5;color:#111;max-width:640px;margin:0 auto;padding:16px">` +
    parts.join('\n') +
    `<hr style="border:0;border-top:1px solid #ddd;margin:24px 0"><p style="font-size:13px;color:#555">${footer.join(' · ')}</p>` +
    '</body></html>'
  )
}
