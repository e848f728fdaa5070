// Meeting reads: lists per community, one meeting with its questions, rooms, attendance and action items.
import { sql } from 'kysely'
import type { Db } from '../db/connect.js'
import type { Locale } from '../web/i18n.js'
import { labelExpression, type ThemeView } from '../themes/queries.js'

export async function findMeeting(db: Db, id: number) {
  return db
    .selectFrom('meetings as m')
    .innerJoin('communities as c', 'c.id', 'm.community_id')
    .leftJoin('users as u', 'u.id', 'm.organiser_id')
    .leftJoin('articles as a', 'a.id', 'm.summary_article_id')
    .selectAll('m')
    .select([
      'c.slug as community_slug',
      'c.name as community_name',
      'u.display_name as organiser_name',
      'a.slug as summary_slug',
      'a.status as summary_status',
      'a.hidden_at as summary_hidden_at',
    ])
    .where('m.id', '=', id)
    .executeTakeFirst()
}

export type MeetingRow = NonNullable<Awaited<ReturnType<typeof findMeeting>>>

export async function listMeetings(db: Db, communityId: number) {
  return db
    .selectFrom('meetings')
    .select([
      'id',
      'title',
      'topic',
      'starts_at',
      'ends_at',
      'time_zone',
      'online_url',
      'agenda_md',
      'updated_at',
      'sequence',
      'cancelled_at',
    ])
    .where('community_id', '=', communityId)
    .orderBy('starts_at', 'asc')
    .orderBy('id', 'asc')
    .execute()
}

export async function themesOfMeeting(db: Db, meetingId: number, locale: Locale): Promise<ThemeView[]> {
  return db
    .selectFrom('meeting_themes as mt')
    .innerJoin('tags as t', 't.id', 'mt.tag_id')
    .select(['t.id', 't.slug', labelExpression(locale).as('label')])
    .where('mt.meeting_id', '=', meetingId)
    .orderBy('t.slug')
    .execute()
}

export async function activeMembers(db: Db, communityId: number) {
  return db
    .selectFrom('community_members as cm')
    .innerJoin('users as u', 'u.id', 'cm.user_id')
    .select(['u.id', 'u.display_name'])
    .where('cm.community_id', '=', communityId)
    .where('cm.status', '=', 'active')
    .orderBy('u.display_name')
    .execute()
}

export async function listAttendance(db: Db, meetingId: number) {
  return (
    db
      .selectFrom('meeting_attendance as ma')
      .innerJoin('users as u', 'u.id', 'ma.user_id')
      .leftJoin('users as d', 'd.id', 'ma.delegate_id')
      .select(['ma.user_id', 'ma.attending', 'ma.delegate_id', 'u.display_name', 'd.display_name as delegate_name'])
      // Guests are marked beside their name (src/guests).
      .select(['u.guest as user_guest', 'd.guest as delegate_guest'])
      .where('ma.meeting_id', '=', meetingId)
      .orderBy('u.display_name')
      .execute()
  )
}

/** Questions ranked by votes, then by age; with whether the viewer has voted. */
export async function listQuestions(db: Db, meetingId: number, viewerId: number | null) {
  return db
    .selectFrom('meeting_questions as q')
    .leftJoin('users as u', 'u.id', 'q.author_id')
    .select([
      'q.id',
      'q.body',
      'q.discussed',
      'q.author_id',
      'q.created_at',
      'u.display_name as author_name',
      'u.guest as author_is_guest',
      sql<number>`(select count(*)::int from meeting_question_votes v where v.question_id = q.id)`.as('votes'),
      sql<boolean>`exists (select 1 from meeting_question_votes v where v.question_id = q.id and v.user_id = ${viewerId ?? 0})`.as(
        'voted',
      ),
    ])
    .where('q.meeting_id', '=', meetingId)
    .orderBy('votes', 'desc')
    .orderBy('q.id', 'asc')
    .execute()
}

export async function listRooms(db: Db, meetingId: number) {
  return db
    .selectFrom('meeting_rooms as r')
    .leftJoin('users as f', 'f.id', 'r.facilitator_id')
    .leftJoin('users as n', 'n.id', 'r.note_taker_id')
    .selectAll('r')
    .select(['f.display_name as facilitator_name', 'n.display_name as note_taker_name'])
    .where('r.meeting_id', '=', meetingId)
    .orderBy('r.id')
    .execute()
}

export async function findRoom(db: Db, meetingId: number, roomId: number) {
  return db
    .selectFrom('meeting_rooms')
    .selectAll()
    .where('id', '=', roomId)
    .where('meeting_id', '=', meetingId)
    .executeTakeFirst()
}

export async function listActionItems(db: Db, meetingId: number) {
  return (
    db
      .selectFrom('meeting_action_items as i')
      .leftJoin('users as u', 'u.id', 'i.owner_id')
      .select(['i.id', 'i.text', 'i.owner_id', 'i.status', 'i.version', 'u.display_name as owner_name'])
      // As the calendar day it is: drivers hand a `date` column back as a Date at some midnight, which would print as a timestamp.
      .select(sql<string | null>`to_char(i.due_on, 'YYYY-MM-DD')`.as('due_on'))
      .where('i.meeting_id', '=', meetingId)
      .orderBy('i.id')
      .execute()
  )
}

/** The meeting of the same community that started last before this one. */
export async function previousMeeting(db: Db, meeting: { id: number; community_id: number; starts_at: Date }) {
  return (
    db
      .selectFrom('meetings')
      .select(['id', 'title', 'starts_at'])
      .where('community_id', '=', meeting.community_id)
      // A cancelled meeting made no commitments to follow up.
      .where('cancelled_at', 'is', null)
      .where((eb) =>
        eb.or([
          eb('starts_at', '<', meeting.starts_at),
          eb.and([eb('starts_at', '=', meeting.starts_at), eb('id', '<', meeting.id)]),
        ]),
      )
      .orderBy('starts_at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirst()
  )
}

export async function listTopics(db: Db, communityId: number, viewerId: number | null) {
  return db
    .selectFrom('meeting_topics as t')
    .leftJoin('users as u', 'u.id', 't.proposer_id')
    .select([
      't.id',
      't.title',
      't.status',
      'u.display_name as proposer_name',
      sql<number>`(select count(*)::int from meeting_topic_votes v where v.topic_id = t.id)`.as('votes'),
      sql<boolean>`exists (select 1 from meeting_topic_votes v where v.topic_id = t.id and v.user_id = ${viewerId ?? 0})`.as(
        'voted',
      ),
    ])
    .where('t.community_id', '=', communityId)
    .where('t.status', 'in', ['open', 'won'])
    .orderBy('votes', 'desc')
    .orderBy('t.id', 'asc')
    .execute()
}

export async function findTopic(db: Db, communityId: number, id: number) {
  return db
    .selectFrom('meeting_topics')
    .select(['id', 'title', 'status'])
    .where('id', '=', id)
    .where('community_id', '=', communityId)
    .executeTakeFirst()
}

/** The viewer's active membership of community `c`, for /meetings: their own communities come first there. */
const memberOf = (viewerId: number | null) =>
  sql<boolean>`exists (select 1 from community_members cm where cm.community_id = c.id and cm.user_id = ${viewerId ?? 0} and cm.status = 'active')`

/**
 * Meetings not yet over for /meetings, soonest first, in two bounded reads so neither crowds out the other: those of
 * the viewer's own communities (`mine`), then those of public communities they are not a member of (`others`). A
 * cancelled meeting will not take place, so it is not listed (nor counted against the bound). Each read asks for
 * `limit + 1` rows: the extra one tells there are more.
 */
export async function upcomingMeetingsFor(db: Db, viewerId: number | null, limit: number, now = new Date()) {
  const upcoming = () =>
    db
      .selectFrom('meetings as m')
      .innerJoin('communities as c', 'c.id', 'm.community_id')
      .select([
        'm.id',
        'm.title',
        'm.topic',
        'm.starts_at',
        'm.ends_at',
        'm.time_zone',
        'c.slug as community_slug',
        'c.name as community_name',
      ])
      .where('m.ends_at', '>', now)
      .where('m.cancelled_at', 'is', null)
      .orderBy('m.starts_at', 'asc')
      .orderBy('m.id', 'asc')
      .limit(limit + 1)
  const [mine, others] = await Promise.all([
    viewerId === null ? Promise.resolve([]) : upcoming().where(memberOf(viewerId)).execute(),
    upcoming()
      .where('c.visibility', '=', 'public')
      .where((eb) => eb.not(memberOf(viewerId)))
      .execute(),
  ])
  return { mine, others }
}

/**
 * Communities with meetings that are over, for links to each one's past meetings: the viewer's own first, then public
 * ones, by name; `limit + 1` rows, the extra one telling there are more.
 */
export async function communitiesWithPastMeetings(db: Db, viewerId: number | null, limit: number, now = new Date()) {
  return db
    .selectFrom('communities as c')
    .select(['c.slug', 'c.name', memberOf(viewerId).as('mine')])
    .where((eb) => eb.or([eb('c.visibility', '=', 'public'), memberOf(viewerId)]))
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('meetings as m')
          .select(sql`1`.as('one'))
          .whereRef('m.community_id', '=', 'c.id')
          .where('m.ends_at', '<=', now)
          .where('m.cancelled_at', 'is', null),
      ),
    )
    .orderBy('mine', 'desc')
    .orderBy('c.name')
    .orderBy('c.id')
    .limit(limit + 1)
    .execute()
}
