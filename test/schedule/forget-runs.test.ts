// The scheduler forgets scheduled_runs older than 60 days (their slots are never asked for again), so the table does
// not grow forever; recent runs stay, or their slots would run twice.
import t from 'tap'
import { sql } from 'kysely'
import { buildTestApp } from '../helpers/app.js'

t.test('a tick of the scheduler deletes runs older than 60 days and keeps recent ones', async (t) => {
  const { app, db } = await buildTestApp(t)
  await db
    .insertInto('scheduled_runs')
    .values([
      { job: 'test-job', slot: 'old', ran_at: sql<Date>`now() - interval '61 days'` },
      { job: 'test-job', slot: 'recent', ran_at: sql<Date>`now() - interval '59 days'` },
    ])
    .execute()
  await app.scheduler.runDue()
  const slots = await db.selectFrom('scheduled_runs').select('slot').where('job', '=', 'test-job').execute()
  t.same(
    slots.map((row) => row.slot),
    ['recent'],
  )
})
