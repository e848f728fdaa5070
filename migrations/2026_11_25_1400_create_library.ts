import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('articles')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('slug', 'text', (col) => col.notNull().unique())
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('summary', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('kind', 'text', (col) =>
      col.notNull().check(sql`kind in ('practice', 'theme', 'session_summary', 'guide')`),
    )
    .addColumn('language', 'text', (col) => col.notNull())
    .addColumn('body_md', 'text', (col) => col.notNull())
    .addColumn('body_html', 'text', (col) => col.notNull())
    .addColumn('body_text', 'text', (col) => col.notNull().defaultTo(''))
    // Structured fields of a practice, scannable and filterable.
    .addColumn('practice_context', 'text')
    .addColumn('practice_target_group', 'text')
    .addColumn('practice_country', 'text')
    .addColumn('practice_what_worked', 'text')
    .addColumn('practice_what_did_not', 'text')
    .addColumn('practice_contact', 'text')
    .addColumn('status', 'text', (col) =>
      col
        .notNull()
        .defaultTo('draft')
        .check(sql`status in ('draft', 'in_review', 'published', 'archived')`),
    )
    .addColumn('review_comment', 'text')
    .addColumn('community_id', 'integer', (col) => col.references('communities.id').onDelete('set null'))
    .addColumn('author_id', 'integer', (col) => col.notNull().references('users.id').onDelete('cascade'))
    // Versions of one article in other languages share a group; a translation remembers which revision of
    // its source it was last brought up to date with.
    .addColumn('translation_group_id', 'integer')
    .addColumn('translated_from_id', 'integer', (col) => col.references('articles.id').onDelete('set null'))
    .addColumn('translated_from_revision', 'integer')
    .addColumn('revision', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('is_demo', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('published_at', 'timestamptz')
    .execute()
  // The library index: newest first, or by title, keyset-paginated, within the published articles.
  await sql`create index articles_published_idx on articles (published_at desc, id desc) where status = 'published'`.execute(
    db,
  )
  await sql`create index articles_title_idx on articles (lower(title), id) where status = 'published'`.execute(db)
  await sql`create index articles_kind_idx on articles (kind, published_at desc, id desc) where status = 'published'`.execute(
    db,
  )
  await sql`create index articles_language_idx on articles (language, published_at desc, id desc) where status = 'published'`.execute(
    db,
  )
  await sql`create index articles_community_idx on articles (community_id, published_at desc, id desc) where status = 'published'`.execute(
    db,
  )
  await db.schema.createIndex('articles_author_idx').on('articles').columns(['author_id', 'updated_at']).execute()
  await db.schema.createIndex('articles_status_idx').on('articles').columns(['status', 'updated_at']).execute()
  await db.schema.createIndex('articles_translation_group_idx').on('articles').column('translation_group_id').execute()

  await db.schema
    .createTable('article_revisions')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('article_id', 'integer', (col) => col.notNull().references('articles.id').onDelete('cascade'))
    .addColumn('revision', 'integer', (col) => col.notNull())
    .addColumn('editor_id', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('summary', 'text', (col) => col.notNull())
    .addColumn('body_md', 'text', (col) => col.notNull())
    .addColumn('body_html', 'text', (col) => col.notNull())
    .addColumn('practice', 'jsonb')
    .addColumn('restored_from', 'integer')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('article_revisions_article_revision_key', ['article_id', 'revision'])
    .execute()

  await db.schema
    .createTable('article_tags')
    .addColumn('article_id', 'integer', (col) => col.notNull().references('articles.id').onDelete('cascade'))
    .addColumn('tag_id', 'integer', (col) => col.notNull().references('tags.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('article_tags_pkey', ['article_id', 'tag_id'])
    .execute()
  await db.schema.createIndex('article_tags_tag_idx').on('article_tags').columns(['tag_id', 'article_id']).execute()

  // From discussion to knowledge: the thread (and optionally the replies) an article was drafted from.
  await db.schema
    .createTable('article_sources')
    .addColumn('article_id', 'integer', (col) => col.notNull().references('articles.id').onDelete('cascade'))
    .addColumn('thread_id', 'integer', (col) => col.notNull().references('threads.id').onDelete('cascade'))
    .addColumn('post_id', 'integer', (col) => col.references('posts.id').onDelete('cascade'))
    .execute()
  await db.schema.createIndex('article_sources_article_idx').on('article_sources').column('article_id').execute()

  await db.schema
    .createTable('comments')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('article_id', 'integer', (col) => col.notNull().references('articles.id').onDelete('cascade'))
    .addColumn('parent_id', 'integer', (col) => col.references('comments.id').onDelete('cascade'))
    .addColumn('author_id', 'integer', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('body_md', 'text', (col) => col.notNull())
    .addColumn('body_html', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) =>
      col
        .notNull()
        .defaultTo('visible')
        .check(sql`status in ('visible', 'pending', 'hidden', 'deleted')`),
    )
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('edited_at', 'timestamptz')
    .addColumn('deleted_at', 'timestamptz')
    .execute()
  await db.schema
    .createIndex('comments_article_idx')
    .on('comments')
    .columns(['article_id', 'created_at', 'id'])
    .execute()
}
