// The sections of "Download my data" that private conversations add (listed in src/data-rights/export-sections.ts):
// the member's own messages with their conversation's subject, the conversations they take part in, and whom they
// blocked. Never another participant's message text, nor who blocked the member (blocks are not told).
import { markdownFile, type ExportSection } from '../data-rights/section.js'
import { listMessagesOfMember } from './queries.js'

export const conversationExportSections: ExportSection[] = [
  {
    name: 'messages',
    async collect(db, userId) {
      const json = await listMessagesOfMember(db, userId)
      return {
        json,
        markdown: json.map((m) => ({
          path: `messages/${m.id}.md`,
          text: markdownFile(
            m.subject,
            { conversation: m.conversation_id, created: m.created_at, status: m.status },
            m.body_md,
          ),
        })),
      }
    },
  },
  {
    name: 'conversations',
    async collect(db, userId) {
      const json = await db
        .selectFrom('conversation_participants as p')
        .innerJoin('conversations as c', 'c.id', 'p.conversation_id')
        .select([
          'c.id',
          'c.subject',
          'c.created_at',
          'c.last_message_at',
          'p.joined_at',
          'p.left_at',
          (eb) => eb('c.created_by', '=', userId).as('started_by_me'),
        ])
        .where('p.user_id', '=', userId)
        .orderBy('c.created_at')
        .orderBy('c.id')
        .execute()
      return { json }
    },
  },
  {
    name: 'blocks',
    async collect(db, userId) {
      const json = await db
        .selectFrom('member_blocks as b')
        .innerJoin('users as u', 'u.id', 'b.blocked_id')
        .select(['u.id as member_id', 'u.display_name as member_name', 'b.created_at'])
        .where('b.blocker_id', '=', userId)
        .orderBy('b.created_at')
        .orderBy('u.id')
        .execute()
      return { json }
    },
  },
]
