// In-app notifications (and their email) of meeting work: being named a delegate, with a briefing to prepare; an
// action item assigned; a topic vote opened or closed. Each is called in the transaction of the change, after its
// permission checks, and tells only active members of the community, who may read everything it points at.
import type { Kysely } from 'kysely'
import type { Database } from '../db/database.js'
import { enqueueEmail } from '../mail/compose.js'
import type { EmailSection } from '../mail/layout.js'
import { notify } from '../notifications/notify.js'
import { translate } from '../web/i18n.js'
import { formatCalendarDate, formatDateTime } from '../web/time.js'
import {
  communityRecipients,
  localeOf,
  meetingEmail,
  meetingForMail,
  wantsMeetingMail,
  type MailMeeting,
  type MeetingMailConfig,
  type MeetingRecipient,
} from './mail.js'

type Trx = Kysely<Database>

const excerpt = (text: string, max = 280) => {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length > max ? `${line.slice(0, max - 1).trimEnd()}…` : line
}

/** What a delegate reads before going: the community's last published session summary, its open action items and the
 * questions submitted so far for this meeting. Hidden or unpublished summaries and cancelled meetings' items are left
 * out; the delegate is an active member, so the rest is theirs to read. */
export async function briefingSections(
  trx: Trx,
  config: MeetingMailConfig,
  meeting: MailMeeting,
  recipient: MeetingRecipient,
): Promise<EmailSection[]> {
  const locale = localeOf(recipient)
  const t = (key: string, vars?: Record<string, string | number>) =>
    translate(locale, `meeting-mail.briefing.${key}`, vars)
  const [summary, items, questions] = await Promise.all([
    trx
      .selectFrom('articles')
      .select(['slug', 'title', 'summary', 'published_at'])
      .where('community_id', '=', meeting.community_id)
      .where('kind', '=', 'session_summary')
      .where('status', '=', 'published')
      .where('hidden_at', 'is', null)
      .orderBy('published_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst(),
    trx
      .selectFrom('meeting_action_items as i')
      .innerJoin('meetings as m', 'm.id', 'i.meeting_id')
      .leftJoin('users as u', 'u.id', 'i.owner_id')
      .select(['i.id', 'i.text', 'i.meeting_id', 'u.display_name as owner_name', 'm.title as meeting_title'])
      .select((eb) => eb.fn<string | null>('to_char', ['i.due_on', eb.val('YYYY-MM-DD')]).as('due_on'))
      .where('m.community_id', '=', meeting.community_id)
      .where('m.cancelled_at', 'is', null)
      .where('i.status', '=', 'open')
      .orderBy('i.id')
      .limit(50)
      .execute(),
    trx
      .selectFrom('meeting_questions as q')
      .leftJoin('users as u', 'u.id', 'q.author_id')
      .select(['q.id', 'q.body', 'u.display_name as author_name'])
      .where('q.meeting_id', '=', meeting.id)
      .orderBy('q.id')
      .limit(50)
      .execute(),
  ])
  const none = [{ title: t('none'), url: `${config.publicUrl}/meetings/${meeting.id}` }]
  return [
    {
      heading: t('summary'),
      items: summary
        ? [
            {
              title: summary.title,
              url: `${config.publicUrl}/library/${summary.slug}`,
              meta: summary.published_at
                ? formatDateTime(summary.published_at, locale, recipient.time_zone ?? meeting.time_zone, 'date')
                : undefined,
              excerpt: summary.summary ? excerpt(summary.summary) : undefined,
            },
          ]
        : none,
    },
    {
      heading: t('items'),
      items: items.length
        ? items.map((item) => ({
            title: excerpt(item.text, 200),
            url: `${config.publicUrl}/meetings/${item.meeting_id}#item-${item.id}`,
            meta: [
              item.owner_name ? t('owner', { name: item.owner_name }) : t('no_owner'),
              item.due_on ? t('due', { date: formatCalendarDate(item.due_on, locale) }) : null,
              item.meeting_title,
            ]
              .filter(Boolean)
              .join(' · '),
          }))
        : none,
    },
    {
      heading: t('questions'),
      items: questions.length
        ? questions.map((question) => ({
            title: excerpt(question.body),
            url: `${config.publicUrl}/meetings/${meeting.id}#question-${question.id}`,
            meta: question.author_name ?? undefined,
          }))
        : none,
    },
  ]
}

/**
 * `memberId` has named `delegateId` to go in their place: the delegate is notified and, if they take meeting mail at
 * once, gets the briefing instead of a bare notice.
 */
export async function notifyDelegate(
  trx: Trx,
  config: MeetingMailConfig,
  input: { meetingId: number; memberId: number; delegateId: number },
) {
  const meeting = await meetingForMail(trx, input.meetingId)
  if (!meeting || meeting.cancelled_at !== null) return
  const [member, delegate] = await Promise.all([
    trx.selectFrom('users').select('display_name').where('id', '=', input.memberId).executeTakeFirst(),
    communityRecipients(trx, meeting.community_id).then((all) => all.find((r) => r.id === input.delegateId)),
  ])
  if (!member || !delegate) return
  await notify(trx, config, {
    userId: delegate.id,
    kind: 'delegate',
    groupKey: `delegate:meeting:${meeting.id}:${input.memberId}`,
    url: `/meetings/${meeting.id}`,
    actorId: input.memberId,
    subject: { type: 'meeting', id: meeting.id },
    data: { actor: member.display_name, title: meeting.title, community: meeting.community_name },
    conversation: `meeting-${meeting.id}`,
  })
  if (!wantsMeetingMail(delegate)) return
  const sections = await briefingSections(trx, config, meeting, delegate)
  await enqueueEmail(
    trx,
    config,
    meetingEmail(
      config,
      meeting,
      delegate,
      { key: 'briefing', method: null, kind: 'meeting.briefing', vars: { actor: member.display_name } },
      { sections },
    ),
  )
}

/** The owner of an action item is told it is theirs (not when they assigned it to themselves). */
export async function notifyActionAssigned(
  trx: Trx,
  config: MeetingMailConfig,
  input: { itemId: number; ownerId: number; actorId: number | null },
) {
  const item = await trx
    .selectFrom('meeting_action_items as i')
    .innerJoin('meetings as m', 'm.id', 'i.meeting_id')
    .innerJoin('communities as c', 'c.id', 'm.community_id')
    .select(['i.id', 'i.text', 'i.meeting_id', 'm.title as meeting_title', 'c.name as community_name', 'c.id as cid'])
    .where('i.id', '=', input.itemId)
    .executeTakeFirst()
  if (!item) return
  const owner = (await communityRecipients(trx, item.cid)).some((r) => r.id === input.ownerId)
  if (!owner) return
  await notify(trx, config, {
    userId: input.ownerId,
    kind: 'action_assigned',
    groupKey: `action_assigned:item:${item.id}`,
    url: `/meetings/${item.meeting_id}#item-${item.id}`,
    actorId: input.actorId,
    subject: { type: 'action_item', id: item.id },
    data: { title: excerpt(item.text, 200), meeting: item.meeting_title, community: item.community_name },
    conversation: `meeting-${item.meeting_id}`,
  })
}

/**
 * A topic vote opens when a member proposes a topic (every open topic can be voted on at once) and closes when a
 * moderator closes the vote, which picks the winner. Members are told of both; proposals collapse into one unread
 * notification per community.
 */
export async function notifyTopicVote(
  trx: Trx,
  config: MeetingMailConfig,
  input: { communityId: number; kind: 'topic_vote_opened' | 'topic_vote_closed'; topicId: number; actorId: number },
) {
  const [topic, community] = await Promise.all([
    trx.selectFrom('meeting_topics').select('title').where('id', '=', input.topicId).executeTakeFirst(),
    trx.selectFrom('communities').select(['name', 'slug']).where('id', '=', input.communityId).executeTakeFirst(),
  ])
  if (!topic || !community) return
  const members = await communityRecipients(trx, input.communityId)
  await notify(
    trx,
    config,
    members.map((member) => ({
      userId: member.id,
      kind: input.kind,
      groupKey: `${input.kind}:community:${input.communityId}`,
      url: `/c/${community.slug}/meetings#topics`,
      actorId: input.actorId,
      subject: { type: 'community', id: input.communityId },
      data: { title: topic.title, community: community.name },
      emailOnce: true,
    })),
  )
}
