// The moderation log: every staff act (and every refused attempt at one), filterable by admins.
import type { Transaction } from 'kysely'
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
    .select([
      'l.id',
      'l.action',
      'l.target_type',
      'l.target_id',
      'l.reason',
      'l.refused',
      'l.created_at',
      'a.display_name as actor_name',
      's.display_name as subject_name',
      'c.name as community_name',
      'c.slug as community_slug',
    ])
    .orderBy('l.id', 'desc')
    .limit(logPageSize + 1)
  if (filters.communityId) query = query.where('l.community_id', '=', filters.communityId)
  if (filters.actorId) query = query.where('l.actor_id', '=', filters.actorId)
  if (filters.action) query = query.where('l.action', '=', filters.action)
  if (filters.from) query = query.where('l.created_at', '>=', filters.from)
  if (filters.to) query = query.where('l.created_at', '<', filters.to)
  if (filters.before) query = query.where('l.id', '<', filters.before)
  const rows = await query.execute()
  return { entries: rows.slice(0, logPageSize), hasMore: rows.length > logPageSize }
}
