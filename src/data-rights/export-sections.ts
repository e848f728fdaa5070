// What "Download my data" puts in the zip: one section per kind of thing a member wrote or set. Each section reads only
// rows that are the member's own (never another member's text, email or settings). Profiles (src/people) and private
// conversations (src/conversations) keep their sections beside their queries; the list below ends with them.
import { sql } from 'kysely'
import { conversationExportSections } from '../conversations/export-sections.js'
import { profileExportSections } from '../people/export-sections.js'
import { markdownFile as md, type ExportSection, type SectionContent } from './section.js'

export type { ExportSection, SectionContent } from './section.js'

const rows = <T>(json: T[]): SectionContent => ({ json })

export const exportSections: ExportSection[] = [
  {
    name: 'profile',
    async collect(db, userId) {
      const row = await db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirstOrThrow()
      const { password_hash: _secret, ...profile } = row
      return { json: profile }
    },
  },
  {
    name: 'email-settings',
    async collect(db, userId) {
      const json = await db
        .selectFrom('users')
        .select(['email_preferences', 'mail_paused', 'digest_hour', 'digest_weekday', 'locale', 'time_zone'])
        .where('id', '=', userId)
        .executeTakeFirstOrThrow()
      return { json }
    },
  },
  {
    name: 'watching',
    async collect(db, userId) {
      const defaults = await db
        .selectFrom('users')
        .select(['watch_on_start', 'watch_on_reply'])
        .where('id', '=', userId)
        .executeTakeFirstOrThrow()
      const watches = await db
        .selectFrom('watches')
        .select(['target_type', 'target_id', 'level', 'updated_at'])
        .where('user_id', '=', userId)
        .orderBy('target_type')
        .orderBy('target_id')
        .execute()
      return { json: { defaults, watches } }
    },
  },
  {
    name: 'subscriptions',
    async collect(db, userId) {
      const json = await db
        .selectFrom('subscriptions as s')
        .innerJoin('subscribers as b', 'b.id', 's.subscriber_id')
        .innerJoin('users as u', (j) => j.on(sql`lower(u.email)`, '=', sql`lower(b.email)`))
        .select(['s.id', 's.target_type', 's.target_id', 's.status', 's.created_at', 's.confirmed_at'])
        .where('u.id', '=', userId)
        .orderBy('s.id')
        .execute()
      return rows(json)
    },
  },
  {
    name: 'threads',
    async collect(db, userId) {
      const json = await db
        .selectFrom('threads')
        .select(['id', 'community_id', 'title', 'body_md', 'status', 'created_at', 'edited_at'])
        .where('author_id', '=', userId)
        .orderBy('id')
        .execute()
      return {
        json,
        markdown: json.map((t) => ({
          path: `threads/${t.id}.md`,
          text: md(t.title, { created: t.created_at, status: t.status }, t.body_md),
        })),
      }
    },
  },
  {
    name: 'replies',
    async collect(db, userId) {
      const json = await db
        .selectFrom('posts')
        .select(['id', 'thread_id', 'parent_id', 'body_md', 'status', 'created_at', 'edited_at'])
        .where('author_id', '=', userId)
        .orderBy('id')
        .execute()
      return {
        json,
        markdown: json.map((p) => ({
          path: `replies/${p.id}.md`,
          text: md(`Reply ${p.id}`, { thread: p.thread_id, created: p.created_at, status: p.status }, p.body_md),
        })),
      }
    },
  },
  {
    name: 'articles',
    async collect(db, userId) {
      const json = await db
        .selectFrom('articles')
        .select([
          'id',
          'slug',
          'title',
          'summary',
          'kind',
          'language',
          'body_md',
          'status',
          'published_at',
          'updated_at',
        ])
        .where('author_id', '=', userId)
        .orderBy('id')
        .execute()
      return {
        json,
        markdown: json.map((a) => ({
          path: `articles/${a.id}-${a.slug}.md`,
          text: md(a.title, { status: a.status, language: a.language, published: a.published_at }, a.body_md),
        })),
      }
    },
  },
  {
    name: 'article-revisions',
    async collect(db, userId) {
      return rows(
        await db.selectFrom('article_revisions').selectAll().where('editor_id', '=', userId).orderBy('id').execute(),
      )
    },
  },
  {
    name: 'comments',
    async collect(db, userId) {
      const json = await db
        .selectFrom('comments')
        .select(['id', 'article_id', 'parent_id', 'body_md', 'status', 'created_at', 'edited_at'])
        .where('author_id', '=', userId)
        .orderBy('id')
        .execute()
      return {
        json,
        markdown: json.map((c) => ({
          path: `comments/${c.id}.md`,
          text: md(`Comment ${c.id}`, { article: c.article_id, created: c.created_at }, c.body_md),
        })),
      }
    },
  },
  {
    name: 'votes',
    async collect(db, userId) {
      const topics = await db
        .selectFrom('meeting_topic_votes')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('topic_id')
        .execute()
      const questions = await db
        .selectFrom('meeting_question_votes')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('question_id')
        .execute()
      return { json: { topic_votes: topics, question_upvotes: questions } }
    },
  },
  {
    name: 'attendance',
    async collect(db, userId) {
      return rows(
        await db
          .selectFrom('meeting_attendance')
          .selectAll()
          .where('user_id', '=', userId)
          .orderBy('meeting_id')
          .execute(),
      )
    },
  },
  {
    name: 'meeting-questions',
    async collect(db, userId) {
      return rows(
        await db
          .selectFrom('meeting_questions')
          .select(['id', 'meeting_id', 'body', 'discussed', 'created_at'])
          .where('author_id', '=', userId)
          .orderBy('id')
          .execute(),
      )
    },
  },
  {
    name: 'breakout-notes',
    async collect(db, userId) {
      const json = await db
        .selectFrom('meeting_rooms')
        .select(['id', 'meeting_id', 'name', 'language', 'worked_md', 'did_not_work_md', 'call_to_action_md'])
        .where('note_taker_id', '=', userId)
        .orderBy('id')
        .execute()
      return {
        json,
        markdown: json.map((r) => ({
          path: `breakout-notes/${r.id}.md`,
          text: md(
            r.name,
            { meeting: r.meeting_id },
            [r.worked_md, r.did_not_work_md, r.call_to_action_md].join('\n\n'),
          ),
        })),
      }
    },
  },
  {
    name: 'action-items',
    async collect(db, userId) {
      return rows(
        await db.selectFrom('meeting_action_items').selectAll().where('owner_id', '=', userId).orderBy('id').execute(),
      )
    },
  },
  {
    name: 'notifications',
    async collect(db, userId) {
      return rows(
        await db
          .selectFrom('notifications')
          // The excerpt is of what someone else wrote (a reply, a private message): their text, not the member's.
          .select(['id', 'kind', 'url', sql<Record<string, unknown>>`data - 'excerpt'`.as('data'), 'count'])
          .select(['created_at', 'read_at'])
          .where('user_id', '=', userId)
          .orderBy('id')
          .execute(),
      )
    },
  },
  ...profileExportSections,
  ...conversationExportSections,
]
