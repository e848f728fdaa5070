// Redaction reads: an article's findings, open ones first in text order.
import type { Db } from '../db/connect.js'

export async function listFindings(db: Db, articleId: number) {
  return db
    .selectFrom('redaction_findings as f')
    .leftJoin('users as u', 'u.id', 'f.decided_by')
    .select([
      'f.id',
      'f.field',
      'f.kind',
      'f.text',
      'f.context',
      'f.status',
      'f.decided_at',
      'f.in_pending_edit',
      'u.display_name as decided_by_name',
    ])
    .where('f.article_id', '=', articleId)
    .orderBy((eb) => eb.case().when('f.status', '=', 'open').then(0).else(1).end())
    .orderBy('f.field', 'desc')
    .orderBy('f.start_offset')
    .orderBy('f.id')
    .limit(1000)
    .execute()
}

export type FindingRow = Awaited<ReturnType<typeof listFindings>>[number]
