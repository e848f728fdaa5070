// Account changes that go through the member's mailbox: registration with a verification link, password reset, email
// change. Each is one transaction, the email commits with it; none of them tells a stranger whether an address has an
// account (the same answer either way, the password hashed either way).
import type { ExpressionBuilder } from 'kysely'
import type { Config } from '../config.js'
import type { Database } from '../db/database.js'
import type { Db } from '../db/connect.js'
import { isLocale, type Locale } from '../web/i18n.js'
import { sendAccountMail } from './account-mail.js'
import { isUniqueViolation, registerUser } from './commands.js'
import { hashPassword, verifyPassword } from './password.js'
import { findUsableToken, issueToken, tokensSentSince, useTokens } from './tokens.js'

type MailConfig = Pick<Config, 'publicUrl'>

/** Per member and hour: links they can ask for before Kring stops sending more (the answer stays the same). */
export const mailsPerHour = { verify: 3, reset: 3, email_change: 5, already_registered: 3 }
const hourAgo = () => new Date(Date.now() - 3600_000)

const localeOf = (stored: string | null, fallback: Locale): Locale => (isLocale(stored) ? stored : fallback)

const byEmail = (email: string) => (eb: ExpressionBuilder<Database, 'users'>) =>
  eb(eb.fn('lower', ['email']), '=', email.toLowerCase())

export type RegisterByEmailResult = { ok: true; userId: number | null } | { ok: false; reason: 'name_like_staff' }

/**
 * A new account waits for its address to be confirmed; for an address that already has one, its owner gets a note
 * instead. Both take the same work (a password hash, one email), so neither the page nor its timing tells which.
 * `next` is where the verification link leads afterwards.
 */
export async function registerByEmail(
  db: Db,
  config: MailConfig,
  input: { email: string; displayName: string; password: string; locale: Locale; next: string },
): Promise<RegisterByEmailResult> {
  const result = await registerUser(db, {
    email: input.email,
    displayName: input.displayName,
    password: input.password,
    locale: input.locale,
    refuseStaffLookalike: true,
    unverified: true,
    onCreated: async (trx, userId) => {
      const token = await issueToken(trx, 'verify', userId)
      await sendAccountMail(trx, config, {
        to: input.email,
        userId,
        locale: input.locale,
        kind: 'verify',
        name: input.displayName,
        path: verifyPath(token, input.next),
      })
    },
  })
  if (result.ok) return { ok: true, userId: result.userId }
  if (result.reason === 'name_like_staff') return { ok: false, reason: 'name_like_staff' }
  await db.transaction().execute(async (trx) => {
    const owner = await trx
      .selectFrom('users')
      .select(['id', 'email', 'display_name', 'locale', 'status'])
      .where(byEmail(input.email))
      .executeTakeFirst()
    if (!owner) return
    // Registering with someone's address over and over must not flood their inbox: a few notes an hour at most.
    const recent = await trx
      .selectFrom('email_outbox')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('user_id', '=', owner.id)
      .where('kind', '=', 'account.already_registered')
      .where('created_at', '>', hourAgo())
      .executeTakeFirstOrThrow()
    if (Number(recent.n) >= mailsPerHour.already_registered) return
    await sendAccountMail(trx, config, {
      to: owner.email,
      userId: owner.id,
      locale: localeOf(owner.locale, input.locale),
      kind: 'already_registered',
      name: owner.display_name,
      path: '/password/forgot',
    })
  })
  return { ok: true, userId: null }
}

export function verifyPath(token: string, next = ''): string {
  return `/verify/${token}` + (next && next !== '/' ? `?next=${encodeURIComponent(next)}` : '')
}

export type ResendResult = 'sent' | 'already_verified' | 'limited'

export async function resendVerification(db: Db, config: MailConfig, userId: number): Promise<ResendResult> {
  return db.transaction().execute(async (trx) => {
    const user = await trx
      .selectFrom('users')
      .select(['email', 'display_name', 'locale', 'email_verified_at'])
      .where('id', '=', userId)
      .forUpdate()
      .executeTakeFirstOrThrow()
    if (user.email_verified_at !== null) return 'already_verified'
    if ((await tokensSentSince(trx, 'verify', userId, hourAgo())) >= mailsPerHour.verify) return 'limited'
    const token = await issueToken(trx, 'verify', userId)
    await sendAccountMail(trx, config, {
      to: user.email,
      userId,
      locale: localeOf(user.locale, 'en'),
      kind: 'verify',
      name: user.display_name,
      path: verifyPath(token),
    })
    return 'sent'
  })
}

/** Confirms the address: the member's id, or null for a tampered, expired or used link (nothing changes then). */
export async function verifyEmail(db: Db, token: unknown): Promise<number | null> {
  return db.transaction().execute(async (trx) => {
    const found = await findUsableToken(trx, 'verify', token, { lock: true })
    if (!found) return null
    await trx
      .updateTable('users')
      .set({ email_verified_at: new Date(), updated_at: new Date() })
      .where('id', '=', found.userId)
      .where('email_verified_at', 'is', null)
      .execute()
    await useTokens(trx, 'verify', found.userId)
    return found.userId
  })
}

/** Sends a reset link to the address if it has an account and has not had three this hour; silent otherwise. */
export async function requestPasswordReset(db: Db, config: MailConfig, email: string, locale: Locale): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const user = await trx
      .selectFrom('users')
      .select(['id', 'email', 'display_name', 'locale'])
      .where(byEmail(email))
      .forUpdate()
      .executeTakeFirst()
    if (!user) return
    if ((await tokensSentSince(trx, 'reset', user.id, hourAgo())) >= mailsPerHour.reset) return
    const token = await issueToken(trx, 'reset', user.id)
    await sendAccountMail(trx, config, {
      to: user.email,
      userId: user.id,
      locale: localeOf(user.locale, locale),
      kind: 'reset',
      name: user.display_name,
      path: `/password/reset/${token}`,
    })
  })
}

export async function isResetTokenUsable(db: Db, token: unknown): Promise<boolean> {
  return db.transaction().execute(async (trx) => (await findUsableToken(trx, 'reset', token)) !== null)
}

/**
 * Sets the new password, ends every session of the member (whoever held one, the person who forgot the password
 * logs in afresh) and tells them by email. Null for a tampered, expired or used link: nothing changes.
 */
export async function resetPassword(
  db: Db,
  config: MailConfig,
  input: { token: unknown; password: string; locale: Locale },
): Promise<number | null> {
  const hash = await hashPassword(input.password)
  return db.transaction().execute(async (trx) => {
    const found = await findUsableToken(trx, 'reset', input.token, { lock: true })
    if (!found) return null
    const user = await trx
      .updateTable('users')
      // The link arrived in this mailbox: that confirms the address too.
      .set((eb) => ({
        password_hash: hash,
        updated_at: new Date(),
        email_verified_at: eb.fn.coalesce('email_verified_at', eb.val(new Date())),
      }))
      .where('id', '=', found.userId)
      .returning(['id', 'email', 'display_name', 'locale'])
      .executeTakeFirstOrThrow()
    await useTokens(trx, 'reset', user.id)
    await trx.deleteFrom('sessions').where('user_id', '=', user.id).execute()
    // A stranger's failed guesses no longer count against the new password.
    await trx.deleteFrom('login_throttles').where('email_key', '=', user.email.toLowerCase()).execute()
    await sendAccountMail(trx, config, {
      to: user.email,
      userId: user.id,
      locale: localeOf(user.locale, input.locale),
      kind: 'password_changed',
      name: user.display_name,
      path: '/password/forgot',
    })
    return user.id
  })
}

export type EmailChangeResult = { ok: true } | { ok: false; reason: 'wrong_password' | 'same_address' }

/**
 * Sends a confirmation link to the new address; the account keeps the old one until it is opened. For an address
 * another account has, nothing is sent and the answer is the same, so the form does not reveal who is a member.
 */
export async function requestEmailChange(
  db: Db,
  config: MailConfig,
  input: { userId: number; password: string; newEmail: string },
): Promise<EmailChangeResult> {
  const current = await db
    .selectFrom('users')
    .select(['email', 'password_hash'])
    .where('id', '=', input.userId)
    .executeTakeFirstOrThrow()
  if (!(await verifyPassword(input.password, current.password_hash))) return { ok: false, reason: 'wrong_password' }
  if (current.email.toLowerCase() === input.newEmail.toLowerCase()) return { ok: false, reason: 'same_address' }
  await db.transaction().execute(async (trx) => {
    const user = await trx
      .selectFrom('users')
      .select(['id', 'display_name', 'locale'])
      .where('id', '=', input.userId)
      .forUpdate()
      .executeTakeFirstOrThrow()
    const taken = await trx.selectFrom('users').select('id').where(byEmail(input.newEmail)).executeTakeFirst()
    if (taken) return
    if ((await tokensSentSince(trx, 'email_change', user.id, hourAgo())) >= mailsPerHour.email_change) return
    const token = await issueToken(trx, 'email_change', user.id, { newEmail: input.newEmail })
    await sendAccountMail(trx, config, {
      to: input.newEmail,
      userId: user.id,
      locale: localeOf(user.locale, 'en'),
      kind: 'email_change',
      name: user.display_name,
      path: `/settings/email/confirm/${token}`,
      vars: { email: input.newEmail },
    })
  })
  return { ok: true }
}

export type ConfirmEmailChangeResult = { ok: true; userId: number } | { ok: false; reason: 'invalid' | 'taken' }

/** Moves the account to the new address and tells the old one; a tampered, expired or used link changes nothing. */
export async function confirmEmailChange(
  db: Db,
  config: MailConfig,
  token: unknown,
): Promise<ConfirmEmailChangeResult> {
  try {
    return await db.transaction().execute(async (trx) => {
      const found = await findUsableToken(trx, 'email_change', token, { lock: true })
      if (!found || !found.newEmail) return { ok: false, reason: 'invalid' } as const
      const before = await trx
        .selectFrom('users')
        .select(['email', 'display_name', 'locale'])
        .where('id', '=', found.userId)
        .forUpdate()
        .executeTakeFirstOrThrow()
      const taken = await trx
        .selectFrom('users')
        .select('id')
        .where(byEmail(found.newEmail))
        .where('id', '!=', found.userId)
        .executeTakeFirst()
      if (taken) return { ok: false, reason: 'taken' } as const
      await trx
        .updateTable('users')
        .set({ email: found.newEmail, email_verified_at: new Date(), updated_at: new Date() })
        .where('id', '=', found.userId)
        .execute()
      await useTokens(trx, 'email_change', found.userId)
      // Reset links were sent to the old address: they must not open the account any more.
      await useTokens(trx, 'reset', found.userId)
      await sendAccountMail(trx, config, {
        to: before.email,
        userId: found.userId,
        locale: localeOf(before.locale, 'en'),
        kind: 'email_changed',
        name: before.display_name,
        path: '/password/forgot',
        vars: { email: found.newEmail },
      })
      return { ok: true, userId: found.userId } as const
    })
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, reason: 'taken' }
    throw error
  }
}
