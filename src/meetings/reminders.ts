// Scheduled meeting mail: the reminder a day before a meeting, and the reminder to owners of open action items a week
// before their community's next meeting. Each is a slot of runOnce (src/schedule/run-once.ts) named by the meeting and
// its start, so it is sent once across instances; a tick after downtime still finds a slot whose meeting has not
// started and sends it late, and never one whose meeting is already under way or over. A meeting moved to another
// time is a new slot: its members are reminded of the new time.
import type { Kysely } from 'kysely'
import type { Database } from '../db/database.js'
import { enqueueEmails } from '../mail/compose.js'
import { notify, type NotificationInput } from '../notifications/notify.js'
import type { JobContext, ScheduledJob, Scheduler } from '../schedule/scheduler.js'
import { runOnce, slotsNotRun } from '../schedule/run-once.js'
import { communityRecipients, meetingEmail, meetingForMail, wantsMeetingMail, type MeetingMailConfig } from './mail.js'

const day = 24 * 3600_000

/** Meetings not cancelled that start after `now` and at most `ahead` later, earliest first. */
async function startingWithin(db: Kysely<Database>, now: Date, ahead: number) {
  return db
    .selectFrom('meetings')
    .select(['id', 'community_id', 'starts_at'])
    .where('cancelled_at', 'is', null)
    .where('starts_at', '>', now)
    .where('starts_at', '<=', new Date(now.getTime() + ahead))
    .orderBy('starts_at')
    .orderBy('id')
    .execute()
}

const slotOf = (meeting: { id: number; starts_at: Date }) => `meeting-${meeting.id}@${meeting.starts_at.toISOString()}`

/** Runs `work` once per slot of the given meetings that has not run yet; returns how many ran now. */
async function runSlots(
  context: JobContext,
  job: string,
  meetings: { id: number; starts_at: Date }[],
  work: (trx: Kysely<Database>, meetingId: number, startsAt: Date) => Promise<void>,
) {
  const todo = await slotsNotRun(context.db, job, meetings.map(slotOf))
  let ran = 0
  for (const meeting of meetings) {
    if (!todo.has(slotOf(meeting))) continue
    if (await runOnce(context.db, job, slotOf(meeting), (trx) => work(trx, meeting.id, meeting.starts_at))) ran++
  }
  return ran
}

/**
 * The day-before reminder goes to the members expected there: every active member except those who said they will not
 * come (themselves or by sending a delegate), plus the delegates.
 */
export async function sendReminder(
  trx: Kysely<Database>,
  config: MeetingMailConfig,
  meetingId: number,
  startsAt: Date,
) {
  const meeting = await meetingForMail(trx, meetingId)
  // Cancelled or moved since the slot was found: the moved meeting has a slot of its own.
  if (!meeting || meeting.cancelled_at !== null || meeting.starts_at.getTime() !== startsAt.getTime()) return
  const answers = await trx
    .selectFrom('meeting_attendance')
    .select(['user_id', 'attending', 'delegate_id'])
    .where('meeting_id', '=', meetingId)
    .execute()
  const away = new Set(answers.filter((a) => !a.attending).map((a) => a.user_id))
  const delegates = new Set(answers.flatMap((a) => (a.delegate_id === null ? [] : [a.delegate_id])))
  const recipients = (await communityRecipients(trx, meeting.community_id)).filter(
    (r) => !away.has(r.id) || delegates.has(r.id),
  )
  await enqueueEmails(
    trx,
    config,
    recipients
      .filter(wantsMeetingMail)
      .map((recipient) =>
        meetingEmail(config, meeting, recipient, { key: 'reminder', method: null, kind: 'meeting.reminder' }),
      ),
  )
}

/** Owners of the community's open action items (of meetings that were not cancelled), still active members. */
async function openItemsOfCommunity(trx: Kysely<Database>, communityId: number) {
  return trx
    .selectFrom('meeting_action_items as i')
    .innerJoin('meetings as m', 'm.id', 'i.meeting_id')
    .innerJoin('community_members as cm', (join) =>
      join.onRef('cm.user_id', '=', 'i.owner_id').on('cm.community_id', '=', communityId),
    )
    .innerJoin('users as u', 'u.id', 'i.owner_id')
    .select(['i.id', 'i.text', 'i.owner_id', 'i.meeting_id'])
    .where('m.community_id', '=', communityId)
    .where('m.cancelled_at', 'is', null)
    .where('i.status', '=', 'open')
    .where('cm.status', '=', 'active')
    .where('u.status', '=', 'active')
    .orderBy('i.id')
    .execute()
}

/** A week before the community's next meeting, each open action item's owner is told it is due. */
export async function sendActionsDue(
  trx: Kysely<Database>,
  config: MeetingMailConfig,
  meetingId: number,
  startsAt: Date,
) {
  const meeting = await meetingForMail(trx, meetingId)
  if (!meeting || meeting.cancelled_at !== null || meeting.starts_at.getTime() !== startsAt.getTime()) return
  const items = await openItemsOfCommunity(trx, meeting.community_id)
  const inputs: NotificationInput[] = items.map((item) => ({
    userId: item.owner_id!,
    kind: 'action_due',
    groupKey: `action_due:item:${item.id}`,
    url: `/meetings/${item.meeting_id}#item-${item.id}`,
    subject: { type: 'action_item', id: item.id },
    data: { title: item.text.slice(0, 200), meeting: meeting.title, community: meeting.community_name },
    conversation: `meeting-${meeting.id}`,
  }))
  await notify(trx, config, inputs)
}

export const reminderJob = 'meeting-reminder'
export const actionsDueJob = 'meeting-actions-due'

export function meetingJobs(): ScheduledJob[] {
  return [
    {
      name: reminderJob,
      async run(context) {
        const meetings = await startingWithin(context.db, context.now, day)
        return runSlots(context, reminderJob, meetings, (trx, id, startsAt) =>
          sendReminder(trx, context.config, id, startsAt),
        )
      },
    },
    {
      name: actionsDueJob,
      async run(context) {
        // Only each community's next meeting: the items are due before it, not before the one after.
        const seen = new Set<number>()
        const next = (await startingWithin(context.db, context.now, 7 * day)).filter((m) => {
          if (seen.has(m.community_id)) return false
          seen.add(m.community_id)
          return true
        })
        return runSlots(context, actionsDueJob, next, (trx, id, startsAt) =>
          sendActionsDue(trx, context.config, id, startsAt),
        )
      },
    },
  ]
}

export function addMeetingJobs(scheduler: Scheduler) {
  for (const job of meetingJobs()) scheduler.add(job)
}
