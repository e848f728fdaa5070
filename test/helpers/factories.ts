// Builds the rows a test needs through the same commands the app uses.
import { randomBytes } from 'node:crypto'
import { registerUser } from '../../src/accounts/commands.js'
import type { Db } from '../../src/db/connect.js'
import { addMember, createCommunity } from '../../src/communities/commands.js'
import { replyToThread, startThread } from '../../src/discussions/commands.js'
import { createMeeting } from '../../src/meetings/commands.js'
import { createTheme } from '../../src/themes/commands.js'

export interface TestUser {
  id: number
  email: string
  password: string
  displayName: string
}

export async function createUser(
  db: Db,
  overrides: {
    email?: string
    displayName?: string
    password?: string
    siteRole?: 'member' | 'admin'
    locale?: string
  } = {},
): Promise<TestUser> {
  const suffix = randomBytes(4).toString('hex')
  const email = overrides.email ?? `member-${suffix}@example.org`
  const password = overrides.password ?? `correct horse ${suffix}`
  const displayName = overrides.displayName ?? `Member ${suffix}`
  const result = await registerUser(db, {
    email,
    displayName,
    password,
    siteRole: overrides.siteRole,
    locale: overrides.locale ?? null,
  })
  if (!result.ok) throw new Error(`could not create user ${email}: ${result.reason}`)
  return { id: result.userId, email, password, displayName }
}

export async function createCommunityWith(
  db: Db,
  options: {
    slug?: string
    name?: string
    visibility?: 'public' | 'members'
    joinPolicy?: 'open' | 'request' | 'invite'
    moderators?: TestUser[]
    members?: TestUser[]
    premoderation?: number
  } = {},
) {
  const slug = options.slug ?? `community-${randomBytes(3).toString('hex')}`
  const result = await createCommunity(db, {
    slug,
    name: options.name ?? `Community ${slug}`,
    description_md: 'A community for **testing**.',
    visibility: options.visibility ?? 'public',
    join_policy: options.joinPolicy ?? 'open',
  })
  if (!result.ok) throw new Error(`could not create community ${slug}`)
  // Tests of discussions act as established members; tests of pre-moderation ask for it explicitly.
  await db
    .updateTable('communities')
    .set({ premoderation_count: options.premoderation ?? 0 })
    .where('id', '=', result.id)
    .execute()
  for (const user of options.moderators ?? []) await addMember(db, result.id, user.id, 'moderator')
  for (const user of options.members ?? []) await addMember(db, result.id, user.id, 'member')
  return { id: result.id, slug }
}

export async function createThreadIn(
  db: Db,
  communityId: number,
  author: TestUser,
  options: { title?: string; body?: string; themeIds?: number[] } = {},
) {
  const result = await startThread(db, {
    communityId,
    authorId: author.id,
    title: options.title ?? 'A question about intake interviews',
    bodyMd: options.body ?? 'How do you **prepare** them?',
    themeIds: options.themeIds ?? [],
    submissionKey: null,
  })
  return result.threadId!
}

export async function replyIn(
  db: Db,
  threadId: number,
  author: TestUser,
  parentId: number | null = null,
  body = 'A reply with *care*.',
) {
  const result = await replyToThread(db, { threadId, parentId, authorId: author.id, bodyMd: body, submissionKey: null })
  if (!result.ok) throw new Error(`could not reply: ${result.reason}`)
  return result.postId!
}

export async function createThemeWith(db: Db, slug: string, labels: { en: string; nl?: string }) {
  const result = await createTheme(db, { slug, labels: { en: labels.en, nl: labels.nl ?? labels.en } })
  if (!result.ok) throw new Error(`could not create theme ${slug}`)
  return result.id
}

/** A meeting a week from now, an hour long, planned by a moderator of the community. */
export async function createMeetingIn(db: Db, communityId: number, organiser: TestUser, timeZone = 'UTC') {
  const startsAt = new Date(Date.now() + 7 * 24 * 3600_000)
  return createMeeting(db, {
    communityId,
    organiserId: organiser.id,
    themeIds: [],
    data: {
      title: 'Intake circle',
      topic: 'Intake',
      startsAt,
      endsAt: new Date(startsAt.getTime() + 3600_000),
      timeZone,
      onlineUrl: null,
      agendaMd: '',
    },
  })
}
