// A practice's own fields (context, target group, what worked, what did not, contact) are public text too: the
// redaction check scans them, and a finding may stand in any of them. Practices published before are scanned, all
// fields, at their next change (a migration does not run the detector).
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // The column check of 2026_12_04_1500 carries PostgreSQL's default name for it (PGlite names it the same way).
  await db.schema.alterTable('redaction_findings').dropConstraint('redaction_findings_field_check').execute()
  await db.schema
    .alterTable('redaction_findings')
    .addCheckConstraint(
      'redaction_findings_field_check',
      sql`field in ('title', 'summary', 'body', 'practice_context', 'practice_target_group', 'practice_what_worked',
        'practice_what_did_not', 'practice_contact')`,
    )
    .execute()
}
