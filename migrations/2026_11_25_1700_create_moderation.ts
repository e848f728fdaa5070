import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('flags')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('target_type', 'text', (col) =>
      col.notNull().check(sql`target_type in ('thread', 'post', 'comment', 'article')`),
    )
    .addColumn('target_id', 'integer', (col) => col.notNull())
    .addColumn('reporter_id', 'integer', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('reason', 'text', (col) =>
      col.notNull().check(sql`reason in ('spam', 'abuse', 'off_topic', 'privacy', 'other')`),
    )
    .addColumn('note', 'text')
    .addColumn('review_item_id', 'integer')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('flags_one_per_member', ['target_type', 'target_id', 'reporter_id'])
    .execute()
  await db.schema.createIndex('flags_reporter_idx').on('flags').columns(['reporter_id', 'created_at']).execute()
  await db.schema.createIndex('flags_item_idx').on('flags').column('review_item_id').execute()

  await db.schema
    .createTable('review_items')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('target_type', 'text', (col) => col.notNull())
    .addColumn('target_id', 'integer', (col) => col.notNull())
    .addColumn('community_id', 'integer', (col) => col.references('communities.id').onDelete('cascade'))
    .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind in ('flagged', 'queued')`))
    .addColumn('status', 'text', (col) =>
      col
        .notNull()
        .defaultTo('pending')
        .check(sql`status in ('pending', 'approved', 'rejected', 'ignored')`),
    )
    .addColumn('resolution', 'text')
    .addColumn('resolution_reason', 'text')
    .addColumn('resolved_by', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('resolved_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()
  // One open item per piece of content: new flags add to it.
  await sql`create unique index review_items_open_idx on review_items (target_type, target_id) where status = 'pending'`.execute(
    db,
  )
  await sql`create index review_items_queue_idx on review_items (community_id, created_at) where status = 'pending'`.execute(
    db,
  )

  await db.schema
    .createTable('moderation_log')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('actor_id', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('action', 'text', (col) => col.notNull())
    .addColumn('target_type', 'text')
    .addColumn('target_id', 'integer')
    .addColumn('community_id', 'integer', (col) => col.references('communities.id').onDelete('set null'))
    .addColumn('subject_user_id', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('reason', 'text')
    .addColumn('refused', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('moderation_log_created_idx').on('moderation_log').columns(['created_at', 'id']).execute()
  await db.schema
    .createIndex('moderation_log_community_idx')
    .on('moderation_log')
    .columns(['community_id', 'created_at'])
    .execute()
  await db.schema
    .createIndex('moderation_log_actor_idx')
    .on('moderation_log')
    .columns(['actor_id', 'created_at'])
    .execute()
  await db.schema
    .createIndex('moderation_log_action_idx')
    .on('moderation_log')
    .columns(['action', 'created_at'])
    .execute()
  await db.schema
    .createIndex('moderation_log_target_idx')
    .on('moderation_log')
    .columns(['target_type', 'target_id'])
    .execute()

  await db.schema
    .createTable('watched_words')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('phrase', 'text', (col) => col.notNull())
    .addColumn('action', 'text', (col) => col.notNull().check(sql`action in ('block', 'queue')`))
    .addColumn('created_by', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()
  await sql`create unique index watched_words_phrase_idx on watched_words (lower(phrase))`.execute(db)

  for (const table of ['threads', 'posts', 'comments']) {
    await db.schema.alterTable(table).addColumn('hidden_reason', 'text').execute()
    await db.schema
      .alterTable(table)
      .addColumn('hidden_by', 'integer', (col) => col.references('users.id').onDelete('set null'))
      .execute()
  }
  await db.schema.alterTable('articles').addColumn('hidden_at', 'timestamptz').execute()
  await db.schema.alterTable('articles').addColumn('hidden_reason', 'text').execute()
  await db.schema
    .alterTable('communities')
    .addColumn('premoderation_count', 'integer', (col) => col.notNull().defaultTo(2))
    .execute()
  await db.schema.alterTable('users').addColumn('suspension_reason', 'text').execute()
}
