// What the guest tests share: a members-only community with a moderator, a thread to invite to, and a guest who took
// the invitation up through the link in the email.
import type { FastifyInstance } from 'fastify'
import type { Db } from '../../src/db/connect.js'
import { dayIn } from '../../src/guests/policy.js'
import { lastEmailTo, linkIn } from '../helpers/account-mail.js'
import { Client } from '../helpers/client.js'
import { createCommunityWith, createThreadIn, createUser } from '../helpers/factories.js'
import { loggedIn } from '../helpers/moderation.js'

export const guestPassword = 'a guest password 4821'

/** `days` after today in `zone`, as a date input sends it. */
export function dayAfter(days: number, zone = 'UTC') {
  const today = dayIn(zone)
  return new Date(Date.parse(`${today}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)
}

export async function circle(app: FastifyInstance, db: Db) {
  const moderator = await createUser(db, { displayName: 'Mona Moderator' })
  const member = await createUser(db, { displayName: 'Mel Member' })
  const community = await createCommunityWith(db, {
    visibility: 'members',
    joinPolicy: 'request',
    moderators: [moderator],
    members: [member],
  })
  const threadId = await createThreadIn(db, community.id, member, { title: 'Matching hosts with dementia' })
  const otherThreadId = await createThreadIn(db, community.id, member, { title: 'A members-only matter' })
  const mod = await loggedIn(app, moderator)
  return { moderator, member, community, threadId, otherThreadId, mod }
}

/** The moderator invites `email` through the form; the path of the link in the email comes back. */
export async function invite(db: Db, mod: Client, page: string, email: string, endsOn = dayAfter(30)): Promise<string> {
  const res = await mod.submit(page, page, { email, ends_on: endsOn, note: 'Your expertise would help.' })
  if (res.status !== 303) throw new Error(`inviting answered ${res.status}`)
  const mail = await lastEmailTo(db, email, 'guest.invitation')
  const link = mail ? linkIn(mail.text_body, '/guest/') : null
  if (!link) throw new Error(`no invitation link to ${email}`)
  return link
}

/** A new guest opens the link and sets their name and password: the client ends logged in as the guest. */
export async function acceptAsGuest(app: FastifyInstance, link: string, name = 'Gita Guest', zone?: string) {
  const guest = new Client(app)
  if (zone) guest.cookies.set('kring_tz', zone)
  const res = await guest.submit(link, link, { display_name: name, password: guestPassword })
  if (res.status !== 303) throw new Error(`accepting answered ${res.status}`)
  return { guest, res }
}
