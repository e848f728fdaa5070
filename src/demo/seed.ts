// Writes the demo (src/demo/content.ts) through the app's own commands. Never runs in production (config.seedDemo).
import { sql } from 'kysely'
import { registerUser } from '../accounts/commands.js'
import { addMember, createCommunity, joinCommunity } from '../communities/commands.js'
import type { Db } from '../db/connect.js'
import { replyToThread, startThread } from '../discussions/commands.js'
import { createTheme } from '../themes/commands.js'
import { demoCommunities, demoPeople, demoThemes } from './content.js'
import type { DemoReply } from './content-types.js'

interface Logger {
  info(obj: object, msg: string): void
}

export const demoAdmin = { email: 'admin@kring.example', password: 'kring-demo-admin' }
export const demoMemberPassword = 'kring-demo-member'

const hourMs = 3_600_000

export async function seedDemoIfEmpty(db: Db, logger: Logger): Promise<boolean> {
  const { count } = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow()
  if (Number(count) > 0) return false
  await seedDemo(db)
  logger.info({ admin: demoAdmin.email }, 'seeded the demo content (KRING_DEMO=0 turns this off)')
  return true
}

/** Removes earlier demo content (and only that) and writes it anew. */
export async function recreateDemo(db: Db): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('communities').where('is_demo', '=', true).execute()
    await trx.deleteFrom('tags').where('is_demo', '=', true).execute()
    await trx.deleteFrom('users').where('is_demo', '=', true).execute()
  })
  await seedDemo(db)
}

export async function seedDemo(db: Db): Promise<void> {
  const userIds = new Map<string, number>()
  for (const person of demoPeople) {
    const password = person.siteRole === 'admin' ? demoAdmin.password : demoMemberPassword
    const result = await registerUser(db, { email: person.email, displayName: person.displayName, password, locale: person.locale, siteRole: person.siteRole, isDemo: true })
    if (!result.ok) continue
    userIds.set(person.key, result.userId)
    await db
      .updateTable('users')
      .set({ organisation: person.organisation, country: person.country, bio: person.bio, time_zone: person.timeZone, created_at: sql`now() - interval '120 days'` })
      .where('id', '=', result.userId)
      .execute()
  }
  const user = (key: string) => {
    const id = userIds.get(key)
    if (id === undefined) throw new Error(`demo content names an unknown person "${key}"`)
    return id
  }

  const themeIds = new Map<string, number>()
  for (const theme of demoThemes) {
    const labels: Record<string, string> = { en: theme.labels.en, nl: theme.labels.nl }
    if (theme.labels.de) labels.de = theme.labels.de
    if (theme.labels.fr) labels.fr = theme.labels.fr
    const result = await createTheme(db, { slug: theme.slug, labels, isDemo: true })
    if (result.ok) themeIds.set(theme.slug, result.id)
  }

  for (const community of demoCommunities) {
    const created = await createCommunity(db, { slug: community.slug, name: community.name, description_md: community.description, visibility: community.visibility, join_policy: community.joinPolicy }, { isDemo: true })
    if (!created.ok) continue
    for (const key of community.moderators) await addMember(db, created.id, user(key), 'moderator')
    for (const key of community.members) await addMember(db, created.id, user(key), 'member')
    for (const request of community.pendingRequests ?? []) await joinCommunity(db, { id: created.id, join_policy: 'request' }, user(request.person), request.note)

    for (const thread of community.threads) {
      const startedAt = new Date(Date.now() - thread.daysAgo * 24 * hourMs)
      const themes = thread.themes.map((slug) => themeIds.get(slug)).filter((id): id is number => id !== undefined)
      const started = await startThread(db, { communityId: created.id, authorId: user(thread.author), title: thread.title, bodyMd: thread.body, themeIds: themes, submissionKey: null, createdAt: startedAt })
      const threadId = started.threadId!
      if (thread.pinned) await db.updateTable('threads').set({ pinned: true }).where('id', '=', threadId).execute()
      const writeReplies = async (replies: DemoReply[], parentId: number | null) => {
        for (const reply of replies) {
          // Never in the future: a demo reply "in 3 hours" on a thread of today lands now.
          const at = new Date(Math.min(startedAt.getTime() + reply.hoursAfterThread * hourMs, Date.now()))
          const written = await replyToThread(db, { threadId, parentId, authorId: user(reply.author), bodyMd: reply.body, submissionKey: null, mayReplyWhenLocked: true, createdAt: at })
          if (reply.replies?.length) await writeReplies(reply.replies, written.postId!)
        }
      }
      await writeReplies(thread.replies, null)
    }
  }
}
