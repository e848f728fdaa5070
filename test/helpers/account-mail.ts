// Registration now ends in "check your email": these helpers open the link from the email Kring wrote, as the new
// member would, so that a test can register through the form and then act as a confirmed member.
import type { Kysely } from 'kysely'
import type { Database } from '../../src/db/database.js'
import { decodeEntities, type Client, type Response } from './client.js'

/** The newest message to `to` in the outbox (with or without SMTP, every email is written there first). */
export async function lastEmailTo(db: Kysely<Database>, to: string, kind?: string) {
  let query = db
    .selectFrom('email_outbox')
    .select(['kind', 'subject', 'text_body', 'html_body', 'locale', 'to_address'])
    .where('to_address', '=', to)
  if (kind) query = query.where('kind', '=', kind)
  return query.orderBy('id', 'desc').executeTakeFirst()
}

/** The first path under `prefix` (e.g. "/verify/") found in a message's text part. */
export function linkIn(text: string, prefix: string): string | null {
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
  const match = new RegExp(`https?://[^\\s/]+(${escaped}[A-Za-z0-9_-]+(?:\\?[^\\s]*)?)`).exec(text)
  return match ? match[1] : null
}

/** Opens the verification link from the newest email to `email` and confirms: the client ends logged in. */
export async function verifyFromOutbox(client: Client, db: Kysely<Database>, email: string): Promise<Response> {
  const mail = await lastEmailTo(db, email, 'account.verify')
  if (!mail) throw new Error(`no verification email to ${email}`)
  const link = linkIn(mail.text_body, '/verify/')
  if (!link) throw new Error(`no verification link in the email to ${email}`)
  const page = await client.get(link)
  if (page.status !== 200) throw new Error(`verification page answered ${page.status}`)
  // The link's own form (the header's logout form and the banner's "send again" come first on the page).
  const form = /<form action="(\/verify\/[A-Za-z0-9_-]{43})" method="post"[\s\S]*?<\/form>/.exec(page.body)
  const action = form?.[1]
  const next = form ? /name="next" value="([^"]*)"/.exec(form[0])?.[1] : undefined
  const res = await client.post(action ?? link.split('?')[0], next ? { next: decodeEntities(next) } : {})
  if (res.status !== 303) throw new Error(`verifying ${email} answered ${res.status}`)
  return res
}

/** Registers through the form and confirms the address from the email; the client ends logged in. */
export async function registerVerified(
  client: Client,
  db: Kysely<Database>,
  fields: { email: string; display_name: string; password: string; next?: string },
): Promise<Response> {
  const registered = await client.submit('/register', '/register', fields)
  if (registered.status !== 303) throw new Error(`registering ${fields.email} answered ${registered.status}`)
  return verifyFromOutbox(client, db, fields.email.toLowerCase())
}
