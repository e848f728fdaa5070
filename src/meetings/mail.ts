// Meetings by email: the invitation when a meeting is planned, the update when its time or place changes and the
// cancellation, each with an .ics (iTIP METHOD:REQUEST or CANCEL, one UID per meeting, the stored SEQUENCE) so calendar
// apps add, move and remove the event; plus the in-app notification. Written in the transaction of the change.
//
// Recipients are the community's active members (so a members-only meeting reaches members only), never suspended
// accounts and never the organiser who made the change. The notifications of a big community go in a few multi-row
// inserts rather than one per member, so planning stays fast.
import { sql, type Kysely } from 'kysely'
import type { Config } from '../config.js'
import type { Database } from '../db/database.js'
import { enqueueEmails, type OutgoingEmail } from '../mail/compose.js'
import { isSendableAddress } from '../mail/header-text.js'
import { renderEmail, type EmailBody } from '../mail/layout.js'
import { deliveryFor, type MailRecipient } from '../mail/preferences.js'
import { preferencesUrl, unsubscribeUrl } from '../notifications/notify.js'
import { isLocale, translate, type Locale } from '../web/i18n.js'
import { formatDateTime, isTimeZone } from '../web/time.js'
import { calendar, type IcsEvent, type IcsMethod } from './ics.js'

export type MeetingMailConfig = Pick<Config, 'publicUrl' | 'sessionSecret' | 'mail'>

type Trx = Kysely<Database>

export interface MeetingRecipient extends MailRecipient {
  id: number
  locale: string | null
  time_zone: string | null
}

/** Active members of the community whose account is active: the people a meeting of it is for. */
export async function communityRecipients(trx: Trx, communityId: number): Promise<MeetingRecipient[]> {
  return trx
    .selectFrom('community_members as cm')
    .innerJoin('users as u', 'u.id', 'cm.user_id')
    .select([
      'u.id',
      'u.email',
      'u.locale',
      'u.time_zone',
      'u.email_verified_at',
      'u.mail_paused',
      'u.email_preferences',
    ])
    .where('cm.community_id', '=', communityId)
    .where('cm.status', '=', 'active')
    .where('u.status', '=', 'active')
    .orderBy('u.id')
    .execute()
}

/** The meeting as an email describes it, read inside the transaction that changed it. */
export async function meetingForMail(trx: Trx, meetingId: number) {
  return trx
    .selectFrom('meetings as m')
    .innerJoin('communities as c', 'c.id', 'm.community_id')
    .leftJoin('users as o', 'o.id', 'm.organiser_id')
    .select([
      'm.id',
      'm.community_id',
      'm.title',
      'm.topic',
      'm.starts_at',
      'm.ends_at',
      'm.time_zone',
      'm.online_url',
      'm.agenda_md',
      'm.agenda_html',
      'm.sequence',
      'm.updated_at',
      'm.cancelled_at',
      'm.cancel_reason',
      'c.name as community_name',
      'c.slug as community_slug',
      'o.display_name as organiser_name',
    ])
    .where('m.id', '=', meetingId)
    .executeTakeFirst()
}
export type MailMeeting = NonNullable<Awaited<ReturnType<typeof meetingForMail>>>

export const localeOf = (recipient: { locale: string | null }): Locale =>
  isLocale(recipient.locale) ? recipient.locale : 'en'

/** The recipient's own zone when they chose one, otherwise the zone the meeting was planned in. */
export const zoneOf = (recipient: { time_zone: string | null }, meeting: { time_zone: string }) =>
  recipient.time_zone && isTimeZone(recipient.time_zone) ? recipient.time_zone : meeting.time_zone

const timeFormats = new Map<string, Intl.DateTimeFormat>()
/** Only the time of day; kept per language and zone, since an invitation to a big community formats it per member. */
function timeOnly(locale: Locale, zone: string, date: Date): string {
  const key = `${locale}|${zone}`
  let format = timeFormats.get(key)
  if (!format) {
    format = new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : locale, { timeStyle: 'short', timeZone: zone })
    timeFormats.set(key, format)
  }
  return format.format(date)
}

/** "18 Jun 2027, 14:00 – 15:30 (Europe/Amsterdam)" in the recipient's language and zone. */
export function whenText(locale: Locale, zone: string, meeting: { starts_at: Date; ends_at: Date }): string {
  const start = formatDateTime(meeting.starts_at, locale, zone)
  const sameDay =
    formatDateTime(meeting.starts_at, locale, zone, 'date') === formatDateTime(meeting.ends_at, locale, zone, 'date')
  const end = sameDay ? timeOnly(locale, zone, meeting.ends_at) : formatDateTime(meeting.ends_at, locale, zone)
  return `${start} – ${end} (${zone})`
}

export const meetingUrl = (config: Pick<Config, 'publicUrl'>, meetingId: number) =>
  `${config.publicUrl}/meetings/${meetingId}`

/** The address part of MAIL_FROM ("Kring <kring@example.org>"): the ORGANIZER calendar apps reply to. */
function fromAddress(config: MeetingMailConfig): string {
  const match = /<([^<>]+)>\s*$/.exec(config.mail.from)
  const address = (match ? match[1] : config.mail.from).trim()
  return isSendableAddress(address) ? address : `kring@${new URL(config.publicUrl).hostname}`
}

/** The calendar event of one invitation: the same UID as the meeting's .ics feed, so both describe one event. */
export function invitationCalendar(
  config: MeetingMailConfig,
  meeting: MailMeeting,
  method: IcsMethod,
  attendee: string,
): string {
  const event: IcsEvent = {
    uid: `meeting-${meeting.id}@${new URL(config.publicUrl).hostname}`,
    start: meeting.starts_at,
    end: meeting.ends_at,
    stamp: meeting.updated_at,
    summary: meeting.title,
    description: [meeting.topic, meeting.agenda_md].filter((s) => s.trim() !== '').join('\n\n'),
    url: meetingUrl(config, meeting.id),
    // Recipients are members, who may see the online link.
    location: meeting.online_url,
    sequence: meeting.sequence,
    cancelled: method === 'CANCEL',
    organizer: { name: meeting.organiser_name ?? meeting.community_name, email: fromAddress(config) },
    attendee,
  }
  return calendar(meeting.community_name, [event], method)
}

/** Inserts many notifications at once, collapsing with an unread one of the same group as notify() does. */
export async function insertNotifications(
  trx: Trx,
  rows: {
    userId: number
    kind: string
    groupKey: string
    url: string
    actorId: number | null
    data: Record<string, string | number | null>
    subject: { type: string; id: number }
  }[],
) {
  for (let i = 0; i < rows.length; i += 500) {
    await trx
      .insertInto('notifications')
      .values(
        rows.slice(i, i + 500).map((row) => ({
          user_id: row.userId,
          kind: row.kind,
          group_key: row.groupKey,
          url: row.url,
          actor_id: row.actorId,
          data: JSON.stringify(row.data),
          subject_type: row.subject.type,
          subject_id: row.subject.id,
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
      .execute()
  }
}

export type Announcement = 'meeting_planned' | 'meeting_changed' | 'meeting_cancelled'

const texts: Record<Announcement, { key: string; method: IcsMethod }> = {
  meeting_planned: { key: 'invitation', method: 'REQUEST' },
  meeting_changed: { key: 'update', method: 'REQUEST' },
  meeting_cancelled: { key: 'cancellation', method: 'CANCEL' },
}

/** The member's email about a meeting, in their language and zone, with the agenda (sanitized) and the .ics. */
export function meetingEmail(
  config: MeetingMailConfig,
  meeting: MailMeeting,
  recipient: MeetingRecipient,
  what: { key: string; method: IcsMethod | null; kind: string; vars?: Record<string, string> },
  extra: Partial<EmailBody> = {},
): OutgoingEmail {
  const locale = localeOf(recipient)
  const when = whenText(locale, zoneOf(recipient, meeting), meeting)
  const vars = { title: meeting.title, community: meeting.community_name, when, ...what.vars }
  const t = (key: string) => translate(locale, `meeting-mail.${what.key}.${key}`, vars)
  const paragraphs = [translate(locale, 'meeting-mail.when', { when })]
  if (meeting.online_url) paragraphs.push(translate(locale, 'meeting-mail.where', { url: meeting.online_url }))
  if (meeting.topic.trim()) paragraphs.push(meeting.topic)
  if (what.method === 'CANCEL' && meeting.cancel_reason)
    paragraphs.push(translate(locale, 'meeting-mail.cancellation.reason', { reason: meeting.cancel_reason }))
  const unsubscribe = unsubscribeUrl(config, recipient.id, 'meetings')
  const showAgenda = what.method !== 'CANCEL' && meeting.agenda_md.trim() !== ''
  const body = renderEmail(locale, {
    heading: t('heading'),
    paragraphs,
    ...(showAgenda ? { quote: { html: meeting.agenda_html, text: meeting.agenda_md.trim() } } : {}),
    action: { label: translate(locale, 'meeting-mail.open'), url: meetingUrl(config, meeting.id) },
    reason: translate(locale, 'meeting-mail.reason', { community: meeting.community_name }),
    unsubscribeUrl: unsubscribe,
    preferencesUrl: preferencesUrl(config, recipient.id),
    ...extra,
  })
  return {
    to: recipient.email,
    userId: recipient.id,
    kind: what.kind,
    locale,
    subject: t('subject'),
    conversation: `meeting-${meeting.id}`,
    unsubscribeUrl: unsubscribe,
    attachments: what.method
      ? [
          {
            filename: what.method === 'CANCEL' ? 'cancel.ics' : 'invite.ics',
            contentType: 'text/calendar; charset=utf-8',
            content: invitationCalendar(config, meeting, what.method, recipient.email),
            method: what.method,
          },
        ]
      : [],
    ...body,
  }
}

/** Whom the meeting's mail goes to at once: the 'meetings' preference, a sendable address. */
export const wantsMeetingMail = (recipient: MeetingRecipient) =>
  deliveryFor(recipient, 'meetings') === 'immediately' && isSendableAddress(recipient.email)

/**
 * Tells the community's members about a planned, changed or cancelled meeting: a notification for each and, for those
 * who want meeting mail at once, the email with its calendar file. A meeting that is already over is a record being
 * corrected, not news: nobody is told.
 */
export async function announceMeeting(
  trx: Trx,
  config: MeetingMailConfig,
  input: { meetingId: number; kind: Announcement; actorId: number; now?: Date },
): Promise<void> {
  const meeting = await meetingForMail(trx, input.meetingId)
  if (!meeting || meeting.ends_at.getTime() <= (input.now ?? new Date()).getTime()) return
  const recipients = (await communityRecipients(trx, meeting.community_id)).filter((r) => r.id !== input.actorId)
  if (recipients.length === 0) return
  await insertNotifications(
    trx,
    recipients.map((recipient) => ({
      userId: recipient.id,
      kind: input.kind,
      groupKey: `${input.kind}:meeting:${meeting.id}`,
      url: `/meetings/${meeting.id}`,
      actorId: input.actorId,
      data: { title: meeting.title, community: meeting.community_name },
      subject: { type: 'meeting', id: meeting.id },
    })),
  )
  const { key, method } = texts[input.kind]
  await enqueueEmails(
    trx,
    config,
    recipients
      .filter(wantsMeetingMail)
      .map((recipient) => meetingEmail(config, meeting, recipient, { key, method, kind: `meeting.${key}` })),
  )
}
