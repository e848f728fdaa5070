// Private conversations between members (issue 14 point 3): conversations, who takes part, their messages, member
// blocks, and messages as a flag target.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('conversations')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('subject', 'text', (col) => col.notNull())
    .addColumn('created_by', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('last_message_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()

  await db.schema
    .createTable('conversation_participants')
    .addColumn('conversation_id', 'integer', (col) => col.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('joined_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('last_read_message_id', 'integer')
    .addColumn('left_at', 'timestamptz')
    // Copied from the conversation on each message, so that "my conversations by last activity" is one index range.
    .addColumn('last_message_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('conversation_participants_pkey', ['conversation_id', 'user_id'])
    .execute()
  // "My conversations", newest activity first, keyset pages: one range of this index per page.
  await sql`create index conversation_participants_inbox_idx on conversation_participants (user_id, last_message_at desc, conversation_id desc) where left_at is null`.execute(
    db,
  )

  await db.schema
    .createTable('messages')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('conversation_id', 'integer', (col) => col.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('author_id', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('body_md', 'text', (col) => col.notNull())
    .addColumn('body_html', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) =>
      col
        .notNull()
        .defaultTo('visible')
        .check(sql`status in ('visible', 'hidden', 'deleted')`),
    )
    .addColumn('hidden_reason', 'text')
    .addColumn('hidden_by', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('edited_at', 'timestamptz')
    .execute()
  // A conversation's messages in order (keyset by id), and the unread ones after a read position.
  await db.schema.createIndex('messages_conversation_idx').on('messages').columns(['conversation_id', 'id']).execute()
  // The per-account sending limits count a member's recent messages; the data export lists them all.
  await db.schema.createIndex('messages_author_idx').on('messages').columns(['author_id', 'created_at']).execute()
  await db.schema
    .createIndex('conversations_creator_idx')
    .on('conversations')
    .columns(['created_by', 'created_at'])
    .execute()

  await db.schema
    .createTable('member_blocks')
    .addColumn('blocker_id', 'integer', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('blocked_id', 'integer', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('member_blocks_pkey', ['blocker_id', 'blocked_id'])
    .execute()
  await db.schema.createIndex('member_blocks_blocked_idx').on('member_blocks').columns(['blocked_id']).execute()

  // A message can be flagged like a post.
  await sql`alter table flags drop constraint if exists flags_target_type_check`.execute(db)
  await sql`alter table flags add constraint flags_target_type_check
    check (target_type in ('thread', 'post', 'comment', 'article', 'message'))`.execute(db)
}
