// The demo a new install starts with, written for Kring in English and Dutch. Never runs in production (config.seedDemo).
import { sql } from 'kysely'
import { registerUser } from '../accounts/commands.js'
import type { Db } from '../db/connect.js'

interface Logger {
  info(obj: object, msg: string): void
}

export const demoAdmin = { email: 'admin@kring.example', password: 'kring-demo-admin' }
export const demoMemberPassword = 'kring-demo-member'

const demoUsers = [
  {
    email: demoAdmin.email, displayName: 'Anouk Vermeulen', siteRole: 'admin' as const, locale: 'nl',
    organisation: 'Kring', country: 'BE', time_zone: 'Europe/Brussels',
    bio: 'Beheert Kring en begeleidt de coördinatoren van de Huizen van het Kind.',
  },
  {
    email: 'marieke@kring.example', displayName: 'Marieke Janssens', siteRole: 'member' as const, locale: 'nl',
    organisation: 'Huis van het Kind Gent', country: 'BE', time_zone: 'Europe/Brussels',
    bio: 'Coördinator in Gent. Bezig met participatie van ouders die we moeilijk bereiken.',
  },
  {
    email: 'sofia@kring.example', displayName: 'Sofia Almeida', siteRole: 'member' as const, locale: 'en',
    organisation: 'Casa Partilhada', country: 'PT', time_zone: 'Europe/Lisbon',
    bio: 'Runs a homeshare programme in Lisbon that matches students with older people living alone.',
  },
  {
    email: 'thomas@kring.example', displayName: 'Thomas Weber', siteRole: 'member' as const, locale: 'en',
    organisation: 'Wohnen für Hilfe Köln', country: 'DE', time_zone: 'Europe/Berlin',
    bio: 'Homeshare coordinator; interested in how other countries screen and match participants.',
  },
  {
    email: 'youssef@kring.example', displayName: 'Youssef El Amrani', siteRole: 'member' as const, locale: 'nl',
    organisation: 'CLB Antwerpen', country: 'BE', time_zone: 'Europe/Brussels',
    bio: 'Werkt met ouders en scholen rond schoolverzuim.',
  },
]

export async function seedDemoIfEmpty(db: Db, logger: Logger): Promise<boolean> {
  const { count } = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow()
  if (Number(count) > 0) return false
  await seedDemo(db)
  logger.info({ admin: demoAdmin.email }, 'seeded the demo content (KRING_DEMO=0 turns this off)')
  return true
}

/** Removes earlier demo content (and only that) and writes it anew. */
export async function recreateDemo(db: Db): Promise<void> {
  await db.deleteFrom('users').where('is_demo', '=', true).execute()
  await seedDemo(db)
}

export async function seedDemo(db: Db): Promise<void> {
  for (const user of demoUsers) {
    const password = user.siteRole === 'admin' ? demoAdmin.password : demoMemberPassword
    const result = await registerUser(db, { email: user.email, displayName: user.displayName, password, locale: user.locale, siteRole: user.siteRole, isDemo: true })
    if (!result.ok) continue
    await db
      .updateTable('users')
      .set({ organisation: user.organisation, country: user.country, bio: user.bio, time_zone: user.time_zone, created_at: sql`now() - interval '90 days'` })
      .where('id', '=', result.userId)
      .execute()
  }
}
