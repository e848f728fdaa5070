// The Database interface Kysely checks every query against; one table a section.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely'

type CreatedAt = ColumnType<Date, Date | string | undefined, Date | string>
type Timestamp = ColumnType<Date, Date | string, Date | string>

export interface UsersTable {
  id: Generated<number>
  email: string
  display_name: string
  password_hash: string
  site_role: ColumnType<'member' | 'admin', 'member' | 'admin' | undefined, 'member' | 'admin'>
  status: ColumnType<'active' | 'suspended', 'active' | 'suspended' | undefined, 'active' | 'suspended'>
  suspended_until: Timestamp | null
  locale: string | null
  time_zone: string | null
  organisation: string | null
  country: string | null
  bio: string | null
  is_demo: ColumnType<boolean, boolean | undefined, boolean>
  created_at: CreatedAt
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>
}

export interface SessionsTable {
  sid: string
  data: ColumnType<unknown, string, string>
  user_id: number | null
  expires_at: Timestamp
}

export interface Database {
  users: UsersTable
  sessions: SessionsTable
}

export type User = Selectable<UsersTable>
export type NewUser = Insertable<UsersTable>
export type UserUpdate = Updateable<UsersTable>
