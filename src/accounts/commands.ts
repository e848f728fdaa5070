// Account writes, each in one transaction; they know nothing of HTTP.
import type { Transaction } from 'kysely'
import type { Db } from '../db/connect.js'
import type { Database } from '../db/database.js'
import { lockActiveActor } from '../moderation/actor-guard.js'
import { renderMarkdown } from '../markdown/render.js'
import { looksLikeStaff } from './names.js'
import { hashPassword, verifyAgainstDecoy, verifyPassword } from './password.js'
import type { ProfileInput } from './validation.js'

export type RegisterResult = { ok: true; userId: number } | { ok: false; reason: 'email_taken' | 'name_like_staff' }

export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === '23505'
}

export async function registerUser(
  db: Db,
  input: {
    email: string
    displayName: string
    password: string
    locale?: string | null
    siteRole?: 'member' | 'admin'
    isDemo?: boolean
    /** Refuse a name that looks like an admin's or a moderator's (the web form; scripts and seeds choose their own). */
    refuseStaffLookalike?: boolean
    /** The web form: the address is unconfirmed until the emailed link is opened (scripts' accounts count as confirmed). */
    unverified?: boolean
    /** Runs in the registration's transaction once the row exists: the verification email commits with the account. */
    onCreated?: (trx: Transaction<Database>, userId: number) => Promise<void>
  },
): Promise<RegisterResult> {
  const passwordHash = await hashPassword(input.password)
  try {
    return await db.transaction().execute(async (trx) => {
      if (input.refuseStaffLookalike && (await looksLikeStaff(trx, input.displayName, null)))
        return { ok: false, reason: 'name_like_staff' } as const
      const row = await trx
        .insertInto('users')
        .values({
          email: input.email,
          display_name: input.displayName,
          password_hash: passwordHash,
          locale: input.locale ?? null,
          site_role: input.siteRole ?? 'member',
          is_demo: input.isDemo ?? false,
          ...(input.unverified ? { email_verified_at: null } : {}),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      await input.onCreated?.(trx, row.id)
      return { ok: true, userId: row.id } as const
    })
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, reason: 'email_taken' }
    throw error
  }
}

/** Returns the user id for a correct email (normalised: see normaliseEmail) and password, else null, taking as long either way. */
export async function authenticate(db: Db, email: string, password: string): Promise<number | null> {
  const user = await db
    .selectFrom('users')
    .select(['id', 'password_hash'])
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
    .executeTakeFirst()
  if (!user) return verifyAgainstDecoy(password).then(() => null)
  return (await verifyPassword(password, user.password_hash)) ? user.id : null
}

/** A suspended member's name and bio are what others see of them: refused (403) until the suspension ends. */
export type UpdateProfileResult = { ok: true } | { ok: false; reason: 'name_like_staff' }

export async function updateProfile(db: Db, userId: number, input: ProfileInput): Promise<UpdateProfileResult> {
  // The profile page prints the stored HTML (src/people): rendered here too, outside the transaction.
  const bioHtml = input.bio ? renderMarkdown(input.bio).html : ''
  return db.transaction().execute(async (trx) => {
    await lockActiveActor(trx, userId, { updatesUser: true })
    const current = await trx.selectFrom('users').select('display_name').where('id', '=', userId).executeTakeFirst()
    // Only a new name is compared: keeping one's own name never fails because someone else became staff meanwhile.
    if (
      current &&
      current.display_name !== input.display_name &&
      (await looksLikeStaff(trx, input.display_name, userId))
    ) {
      return { ok: false, reason: 'name_like_staff' } as const
    }
    await trx
      .updateTable('users')
      .set({
        display_name: input.display_name,
        organisation: input.organisation || null,
        country: input.country || null,
        bio: input.bio || null,
        bio_html: bioHtml,
        locale: input.locale || null,
        time_zone: input.time_zone || null,
        updated_at: new Date(),
      })
      .where('id', '=', userId)
      .execute()
    return { ok: true } as const
  })
}

export type ChangePasswordResult = { ok: true } | { ok: false; reason: 'wrong_current' }

/** Changes the password and signs the user out everywhere but the session that asked. */
export async function changePassword(
  db: Db,
  input: { userId: number; currentPassword: string; newPassword: string; keepSessionId: string },
): Promise<ChangePasswordResult> {
  const newHash = await hashPassword(input.newPassword)
  return db.transaction().execute(async (trx) => {
    const user = await trx
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', input.userId)
      .forUpdate()
      .executeTakeFirstOrThrow()
    if (!(await verifyPassword(input.currentPassword, user.password_hash)))
      return { ok: false, reason: 'wrong_current' } as const
    await trx
      .updateTable('users')
      .set({ password_hash: newHash, updated_at: new Date() })
      .where('id', '=', input.userId)
      .execute()
    await trx
      .deleteFrom('sessions')
      .where('user_id', '=', input.userId)
      .where('sid', '!=', input.keepSessionId)
      .execute()
    return { ok: true } as const
  })
}
