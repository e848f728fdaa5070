import t from 'tap'
import { sql } from 'kysely'
import { precompiled } from '../../src/db/precompiled.js'
import { createTestDatabase } from '../helpers/database.js'
import { createUser } from '../helpers/factories.js'

t.test("a precompiled query runs with each call's values, and keeps its constants", async (t) => {
  const { db, queries } = await createTestDatabase(t)
  const noor = await createUser(db, { displayName: 'Noor' })
  const bram = await createUser(db, { displayName: 'Bram' })
  let builds = 0
  const people = precompiled((db, v: { ids: number; prefix: string }) => {
    builds++
    return db
      .selectFrom('users')
      .select(['id', 'display_name', sql<string>`${v.prefix} || display_name`.as('greeting')])
      .where('id', 'in', [v.ids, -1])
      .where('status', '=', 'active')
      .orderBy('id')
  })
  queries.reset()
  t.same(await people(db, { ids: noor.id, prefix: 'Hello ' }), [
    { id: noor.id, display_name: 'Noor', greeting: 'Hello Noor' },
  ])
  t.same(await people(db, { ids: bram.id, prefix: 'Dag ' }), [
    { id: bram.id, display_name: 'Bram', greeting: 'Dag Bram' },
  ])
  t.equal(builds, 1, 'built once')
  t.equal(queries.sql[0], queries.sql[1], 'the same statement')

  // Inside a transaction, on the transaction's connection.
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ display_name: 'Noor J.' }).where('id', '=', noor.id).execute()
    t.same(
      (await people(trx, { ids: noor.id, prefix: '' }))[0].display_name,
      'Noor J.',
      "sees the transaction's own change",
    )
  })
})
