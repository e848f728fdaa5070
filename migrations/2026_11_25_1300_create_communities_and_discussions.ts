import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('communities')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('slug', 'text', (col) => col.notNull().unique())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('description_md', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('description_html', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('visibility', 'text', (col) =>
      col
        .notNull()
        .defaultTo('public')
        .check(sql`visibility in ('public', 'members')`),
    )
    .addColumn('join_policy', 'text', (col) =>
      col
        .notNull()
        .defaultTo('open')
        .check(sql`join_policy in ('open', 'request', 'invite')`),
    )
    .addColumn('member_count', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('thread_count', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('last_activity_at', 'timestamptz')
    .addColumn('is_demo', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()

  await db.schema
    .createTable('community_members')
    .addColumn('community_id', 'integer', (col) => col.notNull().references('communities.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'text', (col) =>
      col
        .notNull()
        .defaultTo('member')
        .check(sql`role in ('member', 'moderator')`),
    )
    .addColumn('status', 'text', (col) =>
      col
        .notNull()
        .defaultTo('active')
        .check(sql`status in ('pending', 'active', 'declined')`),
    )
    .addColumn('request_note', 'text')
    .addColumn('decline_reason', 'text')
    .addColumn('approved_posts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('invite_id', 'integer')
    .addColumn('requested_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('joined_at', 'timestamptz')
    .addColumn('decided_by', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .addPrimaryKeyConstraint('community_members_pkey', ['community_id', 'user_id'])
    .execute()
  await db.schema
    .createIndex('community_members_user_idx')
    .on('community_members')
    .columns(['user_id', 'status'])
    .execute()
  await sql`create index community_members_pending_idx on community_members (community_id, requested_at) where status = 'pending'`.execute(
    db,
  )

  await db.schema
    .createTable('community_invites')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('community_id', 'integer', (col) => col.notNull().references('communities.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (col) => col.notNull().unique())
    .addColumn('created_by', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
    .addColumn('max_uses', 'integer', (col) => col.notNull().check(sql`max_uses > 0`))
    .addColumn('uses', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema
    .createIndex('community_invites_community_idx')
    .on('community_invites')
    .columns(['community_id', 'created_at'])
    .execute()

  await db.schema
    .createTable('tags')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('slug', 'text', (col) => col.notNull().unique())
    .addColumn('kind', 'text', (col) =>
      col
        .notNull()
        .defaultTo('theme')
        .check(sql`kind in ('theme', 'topic')`),
    )
    .addColumn('merged_into_id', 'integer', (col) => col.references('tags.id'))
    .addColumn('is_demo', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema
    .createTable('tag_labels')
    .addColumn('tag_id', 'integer', (col) => col.notNull().references('tags.id').onDelete('cascade'))
    .addColumn('locale', 'text', (col) => col.notNull())
    .addColumn('label', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('tag_labels_pkey', ['tag_id', 'locale'])
    .execute()

  await db.schema
    .createTable('threads')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('community_id', 'integer', (col) => col.notNull().references('communities.id').onDelete('cascade'))
    .addColumn('author_id', 'integer', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('body_md', 'text', (col) => col.notNull())
    .addColumn('body_html', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) =>
      col
        .notNull()
        .defaultTo('visible')
        .check(sql`status in ('visible', 'pending', 'hidden', 'deleted')`),
    )
    .addColumn('locked', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('pinned', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('reply_count', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('last_post_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('last_poster_id', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('edited_at', 'timestamptz')
    .addColumn('edited_by', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('deleted_at', 'timestamptz')
    .execute()
  // The community page: pinned first, then by last activity, keyset on (last_post_at, id).
  await sql`create index threads_community_list_idx on threads (community_id, pinned desc, last_post_at desc, id desc) where status = 'visible'`.execute(
    db,
  )
  // The home page: recent activity across communities.
  await sql`create index threads_recent_idx on threads (last_post_at desc, id desc) where status = 'visible'`.execute(
    db,
  )
  await db.schema.createIndex('threads_author_idx').on('threads').columns(['author_id', 'created_at']).execute()

  await db.schema
    .createTable('thread_tags')
    .addColumn('thread_id', 'integer', (col) => col.notNull().references('threads.id').onDelete('cascade'))
    .addColumn('tag_id', 'integer', (col) => col.notNull().references('tags.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('thread_tags_pkey', ['thread_id', 'tag_id'])
    .execute()
  await db.schema.createIndex('thread_tags_tag_idx').on('thread_tags').columns(['tag_id', 'thread_id']).execute()

  await db.schema
    .createTable('posts')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('thread_id', 'integer', (col) => col.notNull().references('threads.id').onDelete('cascade'))
    .addColumn('parent_id', 'integer', (col) => col.references('posts.id').onDelete('cascade'))
    .addColumn('author_id', 'integer', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('body_md', 'text', (col) => col.notNull())
    .addColumn('body_html', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) =>
      col
        .notNull()
        .defaultTo('visible')
        .check(sql`status in ('visible', 'pending', 'hidden', 'deleted')`),
    )
    // Depth-first order of the reply tree as a sortable key (see src/discussions/reply-path.ts); depth is capped.
    .addColumn('path', 'text', (col) => col.notNull())
    .addColumn('depth', 'integer', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('edited_at', 'timestamptz')
    .addColumn('edited_by', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('deleted_at', 'timestamptz')
    .execute()
  await sql`create unique index posts_thread_path_idx on posts (thread_id, path collate "C")`.execute(db)
  await db.schema.createIndex('posts_author_idx').on('posts').columns(['author_id', 'created_at']).execute()
  await db.schema.createIndex('posts_parent_idx').on('posts').column('parent_id').execute()

  await db.schema
    .createTable('post_revisions')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('thread_id', 'integer', (col) => col.notNull().references('threads.id').onDelete('cascade'))
    .addColumn('post_id', 'integer', (col) => col.references('posts.id').onDelete('cascade'))
    .addColumn('editor_id', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('title', 'text')
    .addColumn('body_md', 'text', (col) => col.notNull())
    .addColumn('body_html', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema
    .createIndex('post_revisions_target_idx')
    .on('post_revisions')
    .columns(['thread_id', 'post_id', 'created_at'])
    .execute()

  // One row per submitted form, so a double click or a resent POST creates one post, not two.
  await db.schema
    .createTable('form_submissions')
    .addColumn('key', 'text', (col) => col.primaryKey())
    .addColumn('user_id', 'integer', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('result_url', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()
}
