// Redaction reads: an article's findings, open ones first in text order.
import { sql } from 'kysely'
import type { Db } from '../db/connect.js'
import { redactionFields } from './fields.js'

/** Fields in the article form's order: title, summary, body, then a practice's own fields. */
const fieldOrder = sql`array_position(array[${sql.join(redactionFields.map((field) => sql.lit(field)))}], f.field)`

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
    .orderBy(fieldOrder)
    .orderBy('f.start_offset')
    .orderBy('f.id')
    .limit(1000)
    .execute()
}

export type FindingRow = Awaited<ReturnType<typeof listFindings>>[number]
