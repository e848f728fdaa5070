import type { Db } from '../db/connect.js'

export async function findProfile(db: Db, userId: number) {
  return db
    .selectFrom('users')
    .select(['id', 'email', 'display_name', 'organisation', 'country', 'bio', 'locale', 'time_zone', 'created_at'])
    .where('id', '=', userId)
    .executeTakeFirst()
}
