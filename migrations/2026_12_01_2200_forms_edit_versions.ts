// Every editable text carries a version number, raised by each edit, so a save made from an older copy of the form is
// refused (409) instead of silently overwriting a newer text. An integer rather than edited_at: timestamptz keeps
// microseconds but JavaScript dates only milliseconds, so a timestamp sent through a form does not round-trip exactly,
// and two edits in one millisecond would share one. Articles need none: their `revision` already rises on every edit
// and restore; meetings neither: their `sequence` rises on every edit and cancellation.
import type { Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  for (const table of ['threads', 'posts', 'comments', 'meeting_rooms', 'meeting_action_items']) {
    await db.schema
      .alterTable(table)
      .addColumn('version', 'integer', (col) => col.notNull().defaultTo(1))
      .execute()
  }
}
