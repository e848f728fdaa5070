import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('meetings')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('community_id', 'integer', (col) => col.notNull().references('communities.id').onDelete('cascade'))
    .addColumn('organiser_id', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('topic', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('starts_at', 'timestamptz', (col) => col.notNull())
    .addColumn('ends_at', 'timestamptz', (col) => col.notNull())
    .addColumn('time_zone', 'text', (col) => col.notNull())
    .addColumn('online_url', 'text')
    .addColumn('agenda_md', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('agenda_html', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('summary_article_id', 'integer', (col) => col.references('articles.id').onDelete('set null'))
    .addColumn('is_demo', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('meetings_end_after_start', sql`ends_at > starts_at`)
    .execute()
  await db.schema.createIndex('meetings_community_idx').on('meetings').columns(['community_id', 'starts_at']).execute()

  await db.schema
    .createTable('meeting_themes')
    .addColumn('meeting_id', 'integer', (col) => col.notNull().references('meetings.id').onDelete('cascade'))
    .addColumn('tag_id', 'integer', (col) => col.notNull().references('tags.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('meeting_themes_pk', ['meeting_id', 'tag_id'])
    .execute()

  await db.schema
    .createTable('meeting_attendance')
    .addColumn('meeting_id', 'integer', (col) => col.notNull().references('meetings.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('attending', 'boolean', (col) => col.notNull())
    .addColumn('delegate_id', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('meeting_attendance_pk', ['meeting_id', 'user_id'])
    .execute()

  await db.schema
    .createTable('meeting_questions')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('meeting_id', 'integer', (col) => col.notNull().references('meetings.id').onDelete('cascade'))
    .addColumn('author_id', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('body', 'text', (col) => col.notNull())
    .addColumn('discussed', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('meeting_questions_meeting_idx').on('meeting_questions').column('meeting_id').execute()

  await db.schema
    .createTable('meeting_question_votes')
    .addColumn('question_id', 'integer', (col) => col.notNull().references('meeting_questions.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('meeting_question_votes_pk', ['question_id', 'user_id'])
    .execute()

  await db.schema
    .createTable('meeting_rooms')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('meeting_id', 'integer', (col) => col.notNull().references('meetings.id').onDelete('cascade'))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('language', 'text', (col) => col.notNull())
    .addColumn('facilitator_id', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('note_taker_id', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('worked_md', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('did_not_work_md', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('call_to_action_md', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('meeting_rooms_meeting_idx').on('meeting_rooms').column('meeting_id').execute()

  await db.schema
    .createTable('meeting_action_items')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('meeting_id', 'integer', (col) => col.notNull().references('meetings.id').onDelete('cascade'))
    .addColumn('text', 'text', (col) => col.notNull())
    .addColumn('owner_id', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('due_on', 'date')
    .addColumn('status', 'text', (col) =>
      col
        .notNull()
        .defaultTo('open')
        .check(sql`status in ('open', 'done', 'dropped')`),
    )
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema
    .createIndex('meeting_action_items_meeting_idx')
    .on('meeting_action_items')
    .column('meeting_id')
    .execute()

  await db.schema
    .createTable('meeting_topics')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('community_id', 'integer', (col) => col.notNull().references('communities.id').onDelete('cascade'))
    .addColumn('proposer_id', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) =>
      col
        .notNull()
        .defaultTo('open')
        .check(sql`status in ('open', 'won', 'closed')`),
    )
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema
    .createIndex('meeting_topics_community_idx')
    .on('meeting_topics')
    .columns(['community_id', 'status'])
    .execute()

  await db.schema
    .createTable('meeting_topic_votes')
    .addColumn('topic_id', 'integer', (col) => col.notNull().references('meeting_topics.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('meeting_topic_votes_pk', ['topic_id', 'user_id'])
    .execute()
}
