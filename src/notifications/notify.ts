// The one way to tell a member something happened: an in-app notification (collapsed with an unread one of the same
// group: "3 new replies in …") and, when the member wants it at once, an email in the same transaction. Call it in the
// transaction of the change; fan-out to many watchers goes through reach events (src/notifications/events.ts) instead.
import { sql, type Kysely } from 'kysely'
import type { Config } from '../config.js'
import type { Database } from '../db/database.js'
import { enqueueEmails, type OutgoingEmail } from '../mail/compose.js'
import { renderEmail } from '../mail/layout.js'
import { deliveryFor, type EmailCategory } from '../mail/preferences.js'
import { signLink } from '../mail/signed-links.js'
import { hasKey, isLocale, translate, type Locale, type Vars } from '../web/i18n.js'

export const notificationKinds = {
  reply: 'replies',
  mention: 'replies',
  watched_post: 'watching',
  watched_thread: 'watching',
  watched_article: 'watching',
  post_approved: 'your_content',
  post_hidden: 'your_content',
  answer_accepted: 'your_content',
  article_returned: 'your_content',
  article_published: 'your_content',
  article_comment: 'your_content',
  join_answered: 'communities',
  invitation: 'communities',
  meeting_planned: 'meetings',
  meeting_changed: 'meetings',
  meeting_cancelled: 'meetings',
  delegate: 'meetings',
  action_assigned: 'actions',
  action_due: 'actions',
  topic_vote_opened: 'actions',
  topic_vote_closed: 'actions',
  message: 'replies',
  data_export_ready: 'your_content',
} as const satisfies Record<string, EmailCategory>
export type NotificationKind = keyof typeof notificationKinds

/** Kinds whose email is a message of its own (a meeting invitation with its .ics, a delegate's briefing), sent by their
 * domain, not here. */
const emailedByTheirDomain = new Set<NotificationKind>([
  'meeting_planned',
  'meeting_changed',
  'meeting_cancelled',
  'delegate',
])

export interface NotificationInput {
  userId: number
  kind: NotificationKind
  /** Unread notifications with the same key collapse into one, e.g. `reply:thread:12`. */
  groupKey: string
  /** Local path to the exact thing: `/t/12#post-40`, `/library/slug`, `/meetings/3`. */
  url: string
  actorId?: number | null
  /** What it points at, so that it can be left out once that is hidden or deleted. */
  subject?: {
    type: 'thread' | 'post' | 'article' | 'comment' | 'meeting' | 'community' | 'action_item' | 'message'
    id: number
  }
  /** Values for the texts (`notification.<kind>` in the catalogs): title, community, actor, reason, note, excerpt. */
  data: Record<string, string | number | null>
  /** Email thread key (`thread-12`), so that mail clients group messages about one subject. */
  conversation?: string
  /**
   * Email only for the event that starts an unread group, not for each one collapsed into it (topic proposals: one
   * email says "a vote is open", the rest wait in the bell).
   */
  emailOnce?: boolean
}

export type NotifyConfig = Pick<Config, 'publicUrl' | 'sessionSecret'>

/**
 * Records the notifications and, for recipients who want this category at once, their emails. Never for the actor
 * themselves. The caller has checked that each recipient may read what the notification points at.
 */
export async function notify(
  trx: Kysely<Database>,
  config: NotifyConfig,
  inputs: NotificationInput | NotificationInput[],
): Promise<void> {
  const list = (Array.isArray(inputs) ? inputs : [inputs]).filter((input) => input.userId !== input.actorId)
  if (list.length === 0) return
  // Collapse: one unread row per (user, group); a second event raises its count and moves it to the top, and it still
  // opens at the first of them (its url and subject stay), where the member's reading starts. A fan-out
  // to a thousand watchers is a few multi-row statements; one statement may not touch a row twice, so a second input
  // for the same (user, group) waits for the next round.
  let rest = list
  const started = new Set<string>()
  while (rest.length > 0) {
    const seen = new Set<string>()
    const round: NotificationInput[] = []
    const later: NotificationInput[] = []
    for (const input of rest) {
      const key = `${input.userId}\u0000${input.groupKey}`
      if (seen.has(key)) later.push(input)
      else {
        seen.add(key)
        round.push(input)
      }
    }
    for (let i = 0; i < round.length; i += 500)
      for (const key of await insertCollapsed(trx, round.slice(i, i + 500))) started.add(key)
    rest = later
  }
  await emailAtOnce(
    trx,
    config,
    list.filter((input) => !input.emailOnce || started.has(`${input.userId}\u0000${input.groupKey}`)),
  )
}

/** Returns the (user, group) keys of the rows it inserted, not those it collapsed into an unread one. */
async function insertCollapsed(trx: Kysely<Database>, inputs: NotificationInput[]): Promise<string[]> {
  const rows = await trx
    .insertInto('notifications')
    .values(
      inputs.map((input) => ({
        user_id: input.userId,
        kind: input.kind,
        group_key: input.groupKey,
        url: input.url,
        actor_id: input.actorId ?? null,
        data: JSON.stringify(input.data),
        subject_type: input.subject?.type ?? null,
        subject_id: input.subject?.id ?? null,
      })),
    )
    .onConflict((oc) =>
      oc
        .columns(['user_id', 'group_key'])
        .where('read_at', 'is', null)
        .doUpdateSet({
          count: sql<number>`notifications.count + 1`,
          updated_at: sql<Date>`now()`,
          actor_id: sql<number | null>`excluded.actor_id`,
          data: sql<string>`excluded.data`,
        }),
    )
    .returning(['user_id', 'group_key', 'count'])
    .execute()
  // A collapsed row counts two or more; a new one, one.
  return rows.filter((row) => row.count === 1).map((row) => `${row.user_id}\u0000${row.group_key}`)
}

async function emailAtOnce(trx: Kysely<Database>, config: NotifyConfig, list: NotificationInput[]) {
  const wanted = list.filter((input) => !emailedByTheirDomain.has(input.kind))
  if (wanted.length === 0) return
  const recipients = await trx
    .selectFrom('users')
    .select(['id', 'email', 'email_verified_at', 'mail_paused', 'email_preferences', 'locale'])
    .where(
      'id',
      'in',
      wanted.map((input) => input.userId),
    )
    // A suspended member keeps the in-app item for later but gets no email while suspended.
    .where((eb) =>
      eb.or([
        eb('status', '=', 'active'),
        eb('suspended_until', 'is not', null).and('suspended_until', '<=', new Date()),
      ]),
    )
    .execute()
  const byId = new Map(recipients.map((row) => [row.id, row]))
  const emails: OutgoingEmail[] = []
  for (const input of wanted) {
    const recipient = byId.get(input.userId)
    if (!recipient) continue
    const category = notificationKinds[input.kind]
    if (deliveryFor(recipient, category) !== 'immediately') continue
    const locale: Locale = isLocale(recipient.locale) ? recipient.locale : 'en'
    emails.push(notificationEmail(config, locale, recipient, category, input))
  }
  await enqueueEmails(trx, config, emails)
}

/**
 * The values a notification's text is filled with. Data is stored once for every language, so a value that is itself
 * words ("approved", "no reason given") is stored as a catalog key under `<name>_key` and said in the reader's language.
 */
export function textVars(locale: Locale, data: Record<string, unknown>, count: number): Vars {
  const vars: Vars = { count }
  for (const [name, value] of Object.entries(data)) {
    if (name.endsWith('_key')) {
      if (typeof value === 'string' && hasKey(value)) vars[name.slice(0, -4)] = translate(locale, value)
    } else if (typeof value === 'string' || typeof value === 'number') vars[name] ??= value
  }
  vars.count = count
  return vars
}

/** The signed link that stops one category of email for one member, without logging in. */
export function unsubscribeUrl(config: NotifyConfig, userId: number, category: EmailCategory): string {
  return `${config.publicUrl}/unsubscribe/${signLink(config.sessionSecret, 'unsubscribe', `user:${userId}:${category}`)}`
}

/**
 * The signed link that stops one digest (daily or weekly) entirely: the digest itself and every category gathered in it
 * at that frequency, since each of them alone would keep that digest coming.
 */
export function digestUnsubscribeUrl(config: NotifyConfig, userId: number, frequency: 'daily' | 'weekly'): string {
  return `${config.publicUrl}/unsubscribe/${signLink(config.sessionSecret, 'unsubscribe', `user:${userId}:digest:${frequency}`)}`
}

/** The signed link to a member's email preferences, without logging in. */
export function preferencesUrl(config: NotifyConfig, userId: number): string {
  return `${config.publicUrl}/settings/notifications/${signLink(config.sessionSecret, 'preferences', `user:${userId}`)}`
}

function notificationEmail(
  config: NotifyConfig,
  locale: Locale,
  recipient: { id: number; email: string },
  category: EmailCategory,
  input: NotificationInput,
): OutgoingEmail {
  const vars = textVars(locale, input.data, 1)
  const unsubscribe = unsubscribeUrl(config, recipient.id, category)
  const excerpt = typeof input.data.excerpt === 'string' ? input.data.excerpt : null
  const body = renderEmail(locale, {
    heading: translate(locale, `notification.${input.kind}`, vars),
    paragraphs: excerpt ? [excerpt] : [],
    action: { label: translate(locale, 'notification.email.open'), url: `${config.publicUrl}${input.url}` },
    reason: translate(locale, `notification.email.reason.${category}`),
    unsubscribeUrl: unsubscribe,
    preferencesUrl: preferencesUrl(config, recipient.id),
  })
  return {
    to: recipient.email,
    userId: recipient.id,
    kind: `notification.${input.kind}`,
    locale,
    subject: translate(locale, `notification.${input.kind}`, vars),
    conversation: input.conversation,
    unsubscribeUrl: unsubscribe,
    ...(input.subject ? { about: input.subject } : {}),
    ...body,
  }
}
