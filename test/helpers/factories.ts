// Builds the rows a test needs through the same commands the app uses.
import { randomBytes } from 'node:crypto'
import { registerUser } from '../../src/accounts/commands.js'
import type { Db } from '../../src/db/connect.js'

export interface TestUser {
  id: number
  email: string
  password: string
  displayName: string
}

export async function createUser(db: Db, overrides: { email?: string; displayName?: string; password?: string; siteRole?: 'member' | 'admin'; locale?: string } = {}): Promise<TestUser> {
  const suffix = randomBytes(4).toString('hex')
  const email = overrides.email ?? `member-${suffix}@example.org`
  const password = overrides.password ?? `correct horse ${suffix}`
  const displayName = overrides.displayName ?? `Member ${suffix}`
  const result = await registerUser(db, { email, displayName, password, siteRole: overrides.siteRole, locale: overrides.locale ?? null })
  if (!result.ok) throw new Error(`could not create user ${email}: ${result.reason}`)
  return { id: result.userId, email, password, displayName }
}
