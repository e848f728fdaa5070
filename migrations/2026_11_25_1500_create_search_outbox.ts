import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // One row per entity whose search document may be out of date. A change to an entity that already has a row bumps
  // its version instead of adding a row, so a worker that synced an older version knows to leave the row for another pass.
  await db.schema
    .createTable('search_outbox')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('entity_type', 'text', (col) =>
      col.notNull().check(sql`entity_type in ('thread', 'post', 'article', 'community', 'theme')`),
    )
    .addColumn('entity_id', 'integer', (col) => col.notNull())
    .addColumn('op', 'text', (col) =>
      col
        .notNull()
        .defaultTo('upsert')
        .check(sql`op in ('upsert', 'delete')`),
    )
    .addColumn('version', 'integer', (col) => col.notNull().defaultTo(1))
    // The oldest change not yet in the index (the backlog's age), and the newest (what a reindex must replay).
    .addColumn('enqueued_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('last_enqueued_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('next_attempt_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    // A worker's lease: the row is being synced by someone until then (a crashed worker's lease simply runs out).
    .addColumn('claimed_until', 'timestamptz')
    // Synced rows stay a day, so a reindex can replay what changed while it was reading.
    .addColumn('done_at', 'timestamptz')
    .addUniqueConstraint('search_outbox_entity_key', ['entity_type', 'entity_id'])
    .execute()
  await sql`create index search_outbox_due_idx on search_outbox (next_attempt_at, id) where done_at is null`.execute(db)
  await sql`create index search_outbox_done_idx on search_outbox (done_at) where done_at is not null`.execute(db)
  await sql`create index search_outbox_recent_idx on search_outbox (last_enqueued_at)`.execute(db)

  // The PostgreSQL fallback when Meilisearch is unreachable. 'simple' because content mixes languages; the expressions
  // must stay identical to those in src/search/fallback.ts, or the planner cannot use these indexes.
  await sql`create index threads_search_idx on threads using gin ((setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', body_md), 'B'))) where status = 'visible'`.execute(
    db,
  )
  await sql`create index posts_search_idx on posts using gin ((to_tsvector('simple', body_md))) where status = 'visible'`.execute(
    db,
  )
  await sql`create index articles_search_idx on articles using gin ((setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', summary), 'B') || setweight(to_tsvector('simple', body_text), 'C'))) where status = 'published'`.execute(
    db,
  )
}
