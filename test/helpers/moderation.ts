// What the moderation tests share: logged-in clients, the open review item of a piece of content, log rows.
import type { FastifyInstance } from 'fastify'
import type { Db } from '../../src/db/connect.js'
import type { FlagTarget } from '../../src/db/database.js'
import { Client, logIn } from './client.js'
import type { TestUser } from './factories.js'

/** A client logged in through the real form, holding a CSRF token for its next POST. */
export async function loggedIn(app: FastifyInstance, user: TestUser): Promise<Client> {
  const client = new Client(app)
  await logIn(client, user.email, user.password)
  await client.get('/')
  return client
}

/** The review item still waiting for a decision on this content, if any. */
export async function openItemOf(db: Db, type: FlagTarget, id: number) {
  return db
    .selectFrom('review_items')
    .selectAll()
    .where('target_type', '=', type)
    .where('target_id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst()
}

export async function logRows(
  db: Db,
  filter: { actorId?: number | null; action?: string; refused?: boolean; targetId?: number } = {},
) {
  let query = db.selectFrom('moderation_log').selectAll().orderBy('id')
  if (filter.actorId !== undefined)
    query = filter.actorId === null ? query.where('actor_id', 'is', null) : query.where('actor_id', '=', filter.actorId)
  if (filter.action !== undefined) query = query.where('action', '=', filter.action)
  if (filter.refused !== undefined) query = query.where('refused', '=', filter.refused)
  if (filter.targetId !== undefined) query = query.where('target_id', '=', filter.targetId)
  return query.execute()
}

/** The text a reply shows on the thread page, from its list item up to the next one. */
export function replyItem(body: string, postId: number): string | null {
  const start = body.indexOf(`id="p${postId}"`)
  if (start === -1) return null
  const end = body.indexOf('<li class="reply', start)
  return body.slice(start, end === -1 ? undefined : end)
}

export const notAllowed = 'Only the moderators of this community or an administrator can do this.'
