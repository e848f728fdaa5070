// What the subscription tests share: an app that sends over real SMTP, the links read from received mail, articles.
import type { FastifyInstance } from 'fastify'
import type { Db } from '../../src/db/connect.js'
import { createDraft, transitionArticle } from '../../src/library/commands.js'
import { Client } from '../helpers/client.js'
import type { TestUser } from '../helpers/factories.js'
import type { ReceivedMail, TestSmtp } from '../helpers/smtp.js'

export function smtpMail(url: string) {
  return { smtpUrl: url, from: 'Kring <kring@example.test>', concurrency: 2 }
}

const token = '([A-Za-z0-9_-]{32})'

export function confirmLinkIn(mail: ReceivedMail): string {
  const match = new RegExp(`http://localhost:80(/subscriptions/${token}/confirm)`).exec(mail.parsed.text ?? '')
  if (!match) throw new Error(`no confirmation link in: ${mail.parsed.text}`)
  return match[1]
}

export function manageLinkIn(mail: ReceivedMail): string {
  const match = new RegExp(`http://localhost:80(/subscriptions/${token})(?!/)`).exec(mail.parsed.text ?? '')
  if (!match) throw new Error(`no management link in: ${mail.parsed.text}`)
  return match[1]
}

/** The List-Unsubscribe address as the raw message carries it (mailparser folds List-* headers). */
export function listUnsubscribeOf(mail: ReceivedMail): string | null {
  const headers = mail.raw.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ')
  const match = /^List-Unsubscribe: <http:\/\/localhost:80([^>]+)>\r?$/m.exec(headers)
  return match ? match[1] : null
}

/** Sends the subscribe form from the page that shows it, as a visitor's browser does. */
export async function subscribe(
  app: FastifyInstance,
  email: string,
  to: string,
  page = `/subscribe?to=${to}`,
  headers: Record<string, string> = {},
) {
  const visitor = new Client(app)
  visitor.headers = headers
  const response = await visitor.submit(page, '/subscribe', { email, to })
  return { visitor, response }
}

/** Subscribes and follows the link in the confirmation email; returns the management page's path. */
export async function subscribeAndConfirm(
  app: FastifyInstance,
  smtp: TestSmtp,
  email: string,
  to: string,
  headers: Record<string, string> = {},
): Promise<string> {
  const before = smtp.to(email).length
  const received = smtp.received.length
  const { response } = await subscribe(app, email, to, `/subscribe?to=${to}`, headers)
  if (response.status !== 303) throw new Error(`subscribe answered ${response.status}`)
  await app.mail.drain()
  await smtp.waitFor(received + 1)
  const mail = smtp.to(email)[before]
  const visitor = new Client(app)
  const link = confirmLinkIn(mail)
  await visitor.get(link)
  const confirmed = await visitor.post(link)
  if (confirmed.status !== 303 || !confirmed.location) throw new Error(`confirm answered ${confirmed.status}`)
  return confirmed.location
}

const noPractice = {
  practice_context: null,
  practice_target_group: null,
  practice_country: null,
  practice_what_worked: null,
  practice_what_did_not: null,
  practice_contact: null,
}

export async function writeArticle(
  db: Db,
  author: TestUser,
  options: {
    title: string
    slug: string
    kind?: 'practice' | 'session_summary' | 'guide'
    communityId?: number | null
    themeIds?: number[]
    publish?: boolean
  },
) {
  const draft = await createDraft(db, {
    title: options.title,
    slug: options.slug,
    summary: `Summary of ${options.title}.`,
    kind: options.kind ?? 'practice',
    language: 'en',
    body_md: `Body of ${options.title}.`,
    community_id: options.communityId ?? null,
    themeIds: options.themeIds ?? [],
    practice: noPractice,
    authorId: author.id,
  })
  if (!draft.ok) throw new Error(`could not write ${options.slug}`)
  if (options.publish !== false) await transitionArticle(db, draft.id, 'publish', null)
  return draft.id
}
