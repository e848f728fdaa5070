// Meetings by email: the reminder jobs look, on every tick, for meetings of every community that start within the next
// day or week. The existing index leads with community_id; this one serves "upcoming, not cancelled" across them all.
// The iCalendar SEQUENCE the invitations carry is already stored on the meeting (2026_11_25_2000_meeting_edits).
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('meetings_upcoming_idx')
    .on('meetings')
    .column('starts_at')
    .where(sql.ref('cancelled_at'), 'is', null)
    .execute()
}
