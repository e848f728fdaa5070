// A conversation page's view model: the participants, one page of messages, the paging links.
import type { Db } from '../db/connect.js'
import type { Viewer } from '../web/viewer.js'
import {
  listBlocks,
  listMessages,
  participantsOf,
  type ConversationForMember,
  type MessageCursor,
  type MessageRow,
} from './queries.js'

export interface MessageView {
  id: number
  authorId: number | null
  authorName: string | null
  mine: boolean
  bodyHtml: string
  createdAt: Date
  hidden: boolean
  hiddenReason: string | null
  flaggable: boolean
}

function messageView(row: MessageRow, viewerId: number): MessageView {
  const mine = row.author_id === viewerId
  return {
    id: row.id,
    authorId: row.author_id,
    // Null for a former member (the account anonymised, or gone): the page names them in the reader's language.
    authorName: row.author_deleted_at ? null : row.author_name,
    mine,
    bodyHtml: row.body_html,
    createdAt: row.created_at,
    hidden: row.status !== 'visible',
    hiddenReason: row.hidden_reason,
    flaggable: !mine && row.status === 'visible' && row.author_id !== null,
  }
}

export async function conversationPage(
  db: Db,
  viewer: Viewer,
  conversation: ConversationForMember,
  before: number | null,
  after: number | null,
) {
  const cursor: MessageCursor =
    after !== null ? { kind: 'after', id: after } : before !== null ? { kind: 'before', id: before } : { kind: 'last' }
  const [page, participants, blocks] = await Promise.all([
    listMessages(db, conversation.id, viewer.id, cursor),
    participantsOf(db, conversation.id),
    listBlocks(db, viewer.id),
  ])
  const blocked = new Set(blocks.map((row) => row.id))
  const messages = page.items.map((row) => messageView(row, viewer.id))
  const unreadFrom = conversation.last_read_message_id ?? 0
  const firstUnread = messages.find((message) => !message.mine && message.id > unreadFrom)
  return {
    conversation: { id: conversation.id, subject: conversation.subject },
    participants: participants
      .filter((row) => row.left_at === null)
      .map((row) => ({ id: row.id, name: row.display_name, me: row.id === viewer.id, blocked: blocked.has(row.id) })),
    leftParticipants: participants.filter((row) => row.left_at !== null).map((row) => row.display_name),
    messages: messages.map((message) => ({ ...message, firstUnread: message === firstUnread })),
    earlier: page.earlier,
    later: page.later,
    newestShown: messages.reduce<number | null>((max, m) => (max === null || m.id > max ? m.id : max), null),
  }
}
