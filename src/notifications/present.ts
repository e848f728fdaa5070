// Notification rows → what the list shows: the text in the viewer's language with the collapsed count.
import { translate, type Locale } from '../web/i18n.js'
import type { NotificationRow } from './queries.js'
import { notificationKinds, textVars } from './notify.js'

export interface NotificationView {
  id: string
  text: string
  unread: boolean
  updatedAt: Date
  count: number
}

export function presentNotification(locale: Locale, row: NotificationRow): NotificationView {
  const vars = textVars(locale, row.data, row.count)
  // The actor's name as it is now (a renamed member), else as it was.
  // Not for a post written without a name: its label stands (src/anonymous).
  if (row.actor_name && !(row.data as Record<string, unknown>).anonymous) vars.actor = row.actor_name
  vars.reason ??= translate(locale, 'notifications.no_reason')
  vars.note ??= translate(locale, 'notifications.no_reason')
  const key = row.kind in notificationKinds ? `notification.${row.kind}` : 'notifications.unknown'
  return {
    id: row.id,
    text: translate(locale, key, vars),
    unread: row.read_at === null,
    updatedAt: row.updated_at,
    count: row.count,
  }
}
