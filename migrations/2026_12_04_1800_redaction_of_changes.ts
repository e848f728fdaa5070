// The redaction check follows an article after publication: findings may sit in the edit waiting on it (its text is
// in article_pending_edits, not in articles), and translations of an article that needs the check need it too.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('redaction_findings')
    // Offsets into the waiting edit's text rather than the article's own; accepted, the finding moves to the article.
    .addColumn('in_pending_edit', 'boolean', (col) => col.notNull().defaultTo(false))
    .execute()
  // A translation carries the text of its source: translations made before this migration join the check. Those
  // already published are scanned at their next change (a migration does not run the detector).
  await sql`
    update articles set redaction_required = true
    where not redaction_required
      and translation_group_id in (
        select translation_group_id from articles where redaction_required and translation_group_id is not null
      )`.execute(db)
}
