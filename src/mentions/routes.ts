// The autocomplete's suggestions (static/kring.js): members of one community whose name contains what was typed.
// For that community's active members only; JSON; the page works without it (the syntax can be typed by hand).
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { sql } from 'kysely'
import { communityForTypingAid, typingAidLimit } from '../communities/typing-aids.js'
import type { Db } from '../db/connect.js'
import { mentionText, normalizeName } from './syntax.js'

const MAX_SUGGESTIONS = 8

export async function mentionRoutes(app: FastifyInstance, { db }: { db: Db }) {
  const suggestionLimit = typingAidLimit(app, 'mentions', 60)

  app.get('/c/:slug/mention-suggestions', { onRequest: suggestionLimit }, async (request, reply) => {
    const allowed = await communityForTypingAid(db, request, reply)
    if (!allowed) return reply
    const raw = (request.query as Record<string, unknown>).q
    const q = typeof raw === 'string' ? normalizeName(raw.replace(/^@\[?/, '')) : ''
    if (q === '' || q.length > 80) return reply.send({ suggestions: [] })
    const folded = sql<string>`lower(regexp_replace(btrim(u.display_name), '\\s+', ' ', 'g'))`
    const rows = await db
      .selectFrom('community_members as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select([
        'u.id',
        'u.display_name',
        'u.organisation',
        // Whether another account anywhere has this name: then the inserted mention carries the id.
        sql<boolean>`exists (select 1 from users o where o.id <> u.id
          and lower(regexp_replace(btrim(o.display_name), '\\s+', ' ', 'g')) = ${folded})`.as('shared'),
      ])
      .where('m.community_id', '=', allowed.community.id)
      .where('m.status', '=', 'active')
      .where('u.id', '!=', allowed.viewerId)
      .where(sql<boolean>`strpos(${folded}, ${q}) > 0`)
      .orderBy(sql`strpos(${folded}, ${q}) = 1`, 'desc')
      .orderBy('u.display_name')
      .orderBy('u.id')
      .limit(MAX_SUGGESTIONS)
      .execute()
    return reply.send({
      suggestions: rows.map((row) => ({
        id: row.id,
        name: row.display_name,
        organisation: row.organisation,
        insert: mentionText({ id: row.id, name: row.display_name }, row.shared),
      })),
    })
  })
}
