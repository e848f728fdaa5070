// The redaction check: an article whose source was members-only must have every finding of personal data decided
// (kept or redacted) before it is published. Findings hold offsets into one of the article's text fields.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('articles')
    .addColumn('redaction_required', 'boolean', (col) => col.notNull().defaultTo(false))
    // The revision the findings were last computed on: publishing needs it to be the current one.
    .addColumn('redaction_scanned_revision', 'integer')
    .execute()
  await db.schema
    .createTable('redaction_findings')
    .addColumn('id', 'serial', (col) => col.primaryKey())
    .addColumn('article_id', 'integer', (col) => col.notNull().references('articles.id').onDelete('cascade'))
    .addColumn('field', 'text', (col) => col.notNull().check(sql`field in ('title', 'summary', 'body')`))
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('text', 'text', (col) => col.notNull())
    .addColumn('start_offset', 'integer', (col) => col.notNull())
    .addColumn('end_offset', 'integer', (col) => col.notNull())
    .addColumn('context', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) =>
      col
        .notNull()
        .defaultTo('open')
        .check(sql`status in ('open', 'confirmed', 'redacted')`),
    )
    .addColumn('decided_by', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('decided_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema
    .createIndex('redaction_findings_article')
    .on('redaction_findings')
    .columns(['article_id', 'status', 'field', 'start_offset'])
    .execute()
}
