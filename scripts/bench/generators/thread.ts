// Benchmark data: one public community, its members, and one long thread whose replies nest like a real discussion.
// Everything goes through the app's own commands, so paths, depths and counters are exactly what Kring writes.
import { sql } from 'kysely'
import { registerUser } from '../../../src/accounts/commands.js'
import { addMember, createCommunity } from '../../../src/communities/commands.js'
import type { Db } from '../../../src/db/connect.js'
import { replyToThread, startThread } from '../../../src/discussions/commands.js'
import { repliesPerPage } from '../../../src/discussions/queries.js'
import { createTheme } from '../../../src/themes/commands.js'

export interface ThreadData {
  threadId: number
  communityId: number
  /** An ordinary active member (not a moderator) who wrote some of the replies: the logged-in viewer. */
  member: { id: number; email: string; password: string }
  users: number
  replies: number
  topLevelReplies: number
  repliesByDepth: Record<string, number>
  longestChain: number
  /** The reply halfway down the thread in depth-first order: `?after=` it is a page as deep as any. */
  middleReplyId: number
  middleReplyPosition: number
  pageSize: number
  openingPostBytes: number
  averageReplyHtmlBytes: number
}

/** mulberry32: the same thread on every run, so figures from different days compare. */
function random(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const firstNames = [
  'Anouk',
  'Bram',
  'Chiara',
  'Daan',
  'Eva',
  'Farid',
  'Greta',
  'Hugo',
  'Ines',
  'Jonas',
  'Katja',
  'Lars',
  'Mila',
  'Noor',
  'Olaf',
  'Priya',
  'Quinten',
  'Rosa',
  'Sem',
  'Tess',
  'Umar',
  'Vera',
  'Wout',
  'Xenia',
  'Yusuf',
  'Zoë',
  'Amira',
  'Bas',
  'Cato',
  'Dirk',
]
const lastNames = [
  'de Vries',
  'Jansen',
  'Bakker',
  'Visser',
  'Smit',
  'Meijer',
  'Mulder',
  'de Boer',
  'Bos',
  'Vos',
  'Peters',
  'Hendriks',
]
const organisations = [
  'Gemeente Utrecht',
  'Provincie Gelderland',
  'Rijkswaterstaat',
  'VNG',
  null,
  null,
  'Wijkteam Noord',
  'Stichting Buurtkracht',
]

const subjects = [
  'Our neighbourhood panel',
  'The participation budget',
  'A citizens’ assembly',
  'The youth council',
  'Our pilot in the east district',
  'The open data portal',
  'The consultation round',
  'Every working group',
  'The facilitation team',
  'A short survey',
]
const verbs = [
  'worked best when',
  'struggled until',
  'changed course after',
  'only took off once',
  'became much fairer when',
  'lost momentum because',
  'got real traction after',
  'was easier to explain once',
]
const objects = [
  'we shared the agenda a week ahead',
  'residents could propose their own topics',
  'we paid for childcare during sessions',
  'the alderman stayed for the whole evening',
  'we published every decision with its reasons',
  'the minutes were written in plain language',
  'people could join online as well',
  'we met in the library instead of the town hall',
  'we reported back within a month',
  'translators were available at the door',
]
const asides = [
  'In hindsight that seems obvious.',
  'I would not do it differently.',
  'We are still measuring the effect.',
  'Happy to share the templates.',
  'Curious whether others saw the same.',
  'The numbers are in our evaluation report.',
  'It took three tries to get it right.',
  'Not everyone agreed, to be fair.',
]

function sentence(next: () => number): string {
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]
  return `${pick(subjects)} ${pick(verbs)} ${pick(objects)}. ${pick(asides)}`
}

function paragraph(next: () => number): string {
  const count = 1 + Math.floor(next() * 3)
  return Array.from({ length: count }, () => sentence(next)).join(' ')
}

/** A reply of one to four paragraphs; now and then a list, a link, a quote, some emphasis or code, as people write. */
function replyBody(next: () => number): string {
  const parts: string[] = []
  const paragraphs = 1 + Math.floor(next() * next() * 4)
  for (let i = 0; i < paragraphs; i++) parts.push(paragraph(next))
  const extra = next()
  if (extra < 0.12)
    parts.push(
      'What helped us:\n\n- a clear **mandate** from the council\n- a budget the panel could spend itself\n- feedback within *four weeks*',
    )
  else if (extra < 0.22)
    parts.push(`See the [evaluation](https://example.org/reports/${Math.floor(next() * 1000)}) for the details.`)
  else if (extra < 0.3) parts.push('> We tried that in 2023 and the turnout doubled.\n\nSo I would start there.')
  else if (extra < 0.35)
    parts.push('We export the sign-ups with `participants.csv` and merge them by hand, which is not ideal.')
  return parts.join('\n\n')
}

const openingBody = [
  'We have run neighbourhood panels in four districts this year and the results are mixed. Some panels are lively, others fall silent after the second meeting.',
  'I would like to collect what works: **how do you keep residents involved** after the first enthusiasm, and how do you show them that their advice changed something?',
  'Some things we tried:\n\n1. publishing the advice and the council’s answer side by side\n2. a yearly evening where the panel reports to the whole neighbourhood\n3. rotating the chair',
  'Please share your experience, including what did not work. Links to evaluations are very welcome.',
].join('\n\n')

export async function generateThread(
  db: Db,
  options: { users?: number; replies?: number; seed?: number } = {},
): Promise<ThreadData> {
  const userCount = options.users ?? 30
  const replyCount = options.replies ?? 1000
  const next = random(options.seed ?? 20261125)

  const users: { id: number; email: string; password: string }[] = []
  // scrypt runs on the thread pool: a few at a time is quicker than one by one.
  for (let start = 0; start < userCount; start += 4) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(4, userCount - start) }, async (_, k) => {
        const i = start + k
        const email = `bench-${i}@example.org`
        const password = `bench password ${i}`
        const result = await registerUser(db, {
          email,
          displayName: `${firstNames[i % firstNames.length]} ${lastNames[i % lastNames.length]}`,
          password,
          locale: null,
        })
        if (!result.ok) throw new Error(`could not register ${email}: ${result.reason}`)
        return { id: result.userId, email, password }
      }),
    )
    users.push(...batch)
  }
  for (const [i, user] of users.entries()) {
    const organisation = organisations[i % organisations.length]
    if (organisation) await db.updateTable('users').set({ organisation }).where('id', '=', user.id).execute()
  }

  const themeIds: number[] = []
  for (const [slug, en, nl] of [
    ['participation', 'Participation', 'Participatie'],
    ['neighbourhoods', 'Neighbourhoods', 'Wijken'],
  ] as const) {
    const theme = await createTheme(db, { slug, labels: { en, nl } })
    if (!theme.ok) throw new Error(`could not create theme ${slug}`)
    themeIds.push(theme.id)
  }

  const community = await createCommunity(
    db,
    {
      slug: 'participation-practice',
      name: 'Participation in practice',
      description_md: 'Civil servants and residents who organise participation, comparing notes.',
      visibility: 'public',
      join_policy: 'open',
    },
    { creatorId: users[0].id },
  )
  if (!community.ok) throw new Error('could not create the community')
  // An established community whose members' posts no longer wait for a moderator (pre-moderation is about newcomers).
  await db.updateTable('communities').set({ premoderation_count: 0 }).where('id', '=', community.id).execute()
  for (const user of users.slice(1)) await addMember(db, community.id, user.id)

  const start = Date.now() - 60 * 24 * 60 * 60 * 1000
  const thread = await startThread(db, {
    communityId: community.id,
    authorId: users[1].id,
    title: 'How do you keep a neighbourhood panel going after the first year?',
    bodyMd: openingBody,
    themeIds,
    submissionKey: null,
    createdAt: new Date(start),
  })
  if (!thread.ok || !thread.threadId) throw new Error('could not start the thread')
  const threadId = thread.threadId

  // ~40% answer the opening post; the rest answer an earlier reply, often the latest one, which makes long chains
  // (deeper than the nesting cap, so some are flattened), otherwise one nearby in time.
  const replyIds: number[] = []
  let topLevel = 0
  for (let i = 0; i < replyCount; i++) {
    let parentId: number | null = null
    if (i > 0 && next() >= 0.4) {
      parentId =
        next() < 0.35
          ? replyIds[replyIds.length - 1]
          : replyIds[replyIds.length - 1 - Math.floor(replyIds.length * next() ** 3)]
    }
    if (parentId === null) topLevel++
    const author = users[Math.floor(next() * users.length)]
    const result = await replyToThread(db, {
      threadId,
      parentId,
      authorId: author.id,
      bodyMd: replyBody(next),
      submissionKey: null,
      createdAt: new Date(start + (i + 1) * 60 * 60 * 1000),
    })
    if (!result.ok || !result.postId) throw new Error(`reply ${i} failed: ${result.ok ? 'no id' : result.reason}`)
    replyIds.push(result.postId)
  }

  const counted = await db
    .selectFrom('threads')
    .select('reply_count')
    .where('id', '=', threadId)
    .executeTakeFirstOrThrow()
  if (counted.reply_count !== replyCount)
    throw new Error(`threads.reply_count is ${counted.reply_count}, expected ${replyCount}`)
  // The page's order: byte order of the path, as listReplies sorts it.
  const ordered = await db
    .selectFrom('posts')
    .select(['id', 'depth', 'body_html'])
    .where('thread_id', '=', threadId)
    .orderBy(sql`path collate "C"`)
    .execute()
  const middleReplyPosition = Math.floor(ordered.length / 2)
  const depths: Record<string, number> = {}
  for (const row of ordered) depths[row.depth] = (depths[row.depth] ?? 0) + 1

  let longestChain = 0
  const chainOf = new Map<number, number>()
  const parents = await db
    .selectFrom('posts')
    .select(['id', 'parent_id'])
    .where('thread_id', '=', threadId)
    .orderBy('id')
    .execute()
  for (const row of parents) {
    const length = (row.parent_id === null ? 0 : (chainOf.get(row.parent_id) ?? 0)) + 1
    chainOf.set(row.id, length)
    longestChain = Math.max(longestChain, length)
  }

  // As after any bulk load: without statistics the planner takes 1,000 posts for a few dozen and sorts them all,
  // where autovacuum would soon have analyzed the tables in a live database.
  await sql`vacuum analyze`.execute(db)

  const member = users[2]
  const opening = await db
    .selectFrom('threads')
    .select('body_html')
    .where('id', '=', threadId)
    .executeTakeFirstOrThrow()
  return {
    threadId,
    communityId: community.id,
    member,
    users: users.length,
    replies: replyCount,
    topLevelReplies: topLevel,
    repliesByDepth: depths,
    longestChain,
    middleReplyId: ordered[middleReplyPosition - 1].id,
    middleReplyPosition,
    pageSize: repliesPerPage,
    openingPostBytes: Buffer.byteLength(opening.body_html),
    averageReplyHtmlBytes: Math.round(
      ordered.reduce((sum, row) => sum + Buffer.byteLength(row.body_html), 0) / ordered.length,
    ),
  }
}
