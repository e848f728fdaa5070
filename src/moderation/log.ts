// The moderation log: every staff act (and every refused attempt at one), filterable; admins read all of it,
// community moderators the entries of their own communities.
import { sql, type Transaction } from 'kysely'
import type { Db } from '../db/connect.js'
import type { Database } from '../db/database.js'

export interface LogEntry {
  actorId: number | null
  action: string
  targetType?: string | null
  targetId?: number | null
  communityId?: number | null
  subjectUserId?: number | null
  reason?: string | null
  refused?: boolean
}

export async function writeLog(db: Db | Transaction<Database>, entry: LogEntry) {
  await db
    .insertInto('moderation_log')
    .values({
      actor_id: entry.actorId,
      action: entry.action,
      target_type: entry.targetType ?? null,
      target_id: entry.targetId ?? null,
      community_id: entry.communityId ?? null,
      subject_user_id: entry.subjectUserId ?? null,
      reason: entry.reason ?? null,
      refused: entry.refused ?? false,
    })
    .execute()
}

export interface LogFilters {
  communityId: number | null
  /** A community moderator's log: only these communities (null: an admin's, all of them). */
  withinCommunities: number[] | null
  actorId: number | null
  action: string | null
  from: Date | null
  to: Date | null
  before: number | null
}

export const logPageSize = 50

export async function listLog(db: Db, filters: LogFilters) {
  let query = db
    .selectFrom('moderation_log as l')
    .leftJoin('users as a', 'a.id', 'l.actor_id')
    .leftJoin('users as s', 's.id', 'l.subject_user_id')
    .leftJoin('communities as c', 'c.id', 'l.community_id')
    // What was acted on, named by its title in this one query: each join matches only entries of its type.
    .leftJoin('threads as tt', (j) => j.onRef('tt.id', '=', 'l.target_id').on('l.target_type', '=', 'thread'))
    .leftJoin('posts as tp', (j) => j.onRef('tp.id', '=', 'l.target_id').on('l.target_type', '=', 'post'))
    .leftJoin('threads as tpt', 'tpt.id', 'tp.thread_id')
    .leftJoin('comments as tc', (j) => j.onRef('tc.id', '=', 'l.target_id').on('l.target_type', '=', 'comment'))
    .leftJoin('articles as tca', 'tca.id', 'tc.article_id')
    .leftJoin('articles as ta', (j) => j.onRef('ta.id', '=', 'l.target_id').on('l.target_type', '=', 'article'))
    .leftJoin('meetings as tm', (j) => j.onRef('tm.id', '=', 'l.target_id').on('l.target_type', '=', 'meeting'))
    .leftJoin('meeting_rooms as tr', (j) =>
      j.onRef('tr.id', '=', 'l.target_id').on('l.target_type', '=', 'meeting_room'),
    )
    .leftJoin('meeting_action_items as ti', (j) =>
      j.onRef('ti.id', '=', 'l.target_id').on('l.target_type', '=', 'meeting_action_item'),
    )
    .leftJoin('meeting_questions as tq', (j) =>
      j.onRef('tq.id', '=', 'l.target_id').on('l.target_type', '=', 'meeting_question'),
    )
    .leftJoin('meeting_topics as tto', (j) =>
      j.onRef('tto.id', '=', 'l.target_id').on('l.target_type', '=', 'meeting_topic'),
    )
    .leftJoin('messages as tmsg', (j) => j.onRef('tmsg.id', '=', 'l.target_id').on('l.target_type', '=', 'message'))
    .leftJoin('conversations as tcv', 'tcv.id', 'tmsg.conversation_id')
    .leftJoin('meetings as tmm', (j) =>
      j.on((eb) => eb('tmm.id', '=', eb.fn.coalesce('tr.meeting_id', 'ti.meeting_id', 'tq.meeting_id'))),
    )
    .select([
      sql<
        string | null
      >`coalesce(tt.title, tpt.title, tca.title, ta.title, tm.title, tto.title, tmm.title, tcv.subject)`.as(
        'target_title',
      ),
      sql<string | null>`case l.target_type
        when 'thread' then '/t/' || tt.id
        when 'post' then '/t/' || tp.thread_id || '?at=' || tp.id || '#p' || tp.id
        when 'comment' then '/library/' || tca.slug || '#comment-' || tc.id
        when 'article' then '/library/' || ta.slug
        when 'meeting' then '/meetings/' || tm.id
        else case when tmm.id is not null then '/meetings/' || tmm.id end
      end`.as('target_url'),
    ])
    .select([
      'l.id',
      'l.action',
      'l.target_type',
      'l.target_id',
      'l.reason',
      'l.refused',
      'l.created_at',
      'a.display_name as actor_name',
      sql<number | null>`case when a.deleted_at is null then a.id end`.as('actor_id'),
      's.display_name as subject_name',
      'c.name as community_name',
      'c.slug as community_slug',
    ])
    .orderBy('l.id', 'desc')
    .limit(logPageSize + 1)
  if (filters.withinCommunities) {
    if (filters.withinCommunities.length === 0) return { entries: [], hasMore: false }
    query = query.where('l.community_id', 'in', filters.withinCommunities)
  }
  if (filters.communityId) query = query.where('l.community_id', '=', filters.communityId)
  if (filters.actorId) query = query.where('l.actor_id', '=', filters.actorId)
  if (filters.action) query = query.where('l.action', '=', filters.action)
  if (filters.from) query = query.where('l.created_at', '>=', filters.from)
  if (filters.to) query = query.where('l.created_at', '<', filters.to)
  if (filters.before) query = query.where('l.id', '<', filters.before)
  const rows = await query.execute()
  return { entries: rows.slice(0, logPageSize), hasMore: rows.length > logPageSize }
}
