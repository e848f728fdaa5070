// Writes the demo (src/demo/content.ts, src/demo/library-content.ts) through the app's own commands. Never runs in production (config.seedDemo).
import { sql } from 'kysely'
import { registerUser } from '../accounts/commands.js'
import { addMember, createCommunity, joinCommunity } from '../communities/commands.js'
import type { Db } from '../db/connect.js'
import { replyToThread, startThread } from '../discussions/commands.js'
import { flagContent } from '../moderation/commands.js'
import {
  addComment,
  createDraft,
  transitionArticle,
  updateArticle,
  type ArticleData,
  type Transition,
} from '../library/commands.js'
import { enqueueMany } from '../search/outbox.js'
import { createTheme } from '../themes/commands.js'
import { seedMeetings } from '../meetings/demo.js'
import type { NotifyConfig } from '../notifications/notify.js'
import { seedReachDemo } from './reach.js'
import { demoCommunities, demoPeople, demoThemes } from './content.js'
import type { DemoReply } from './content-types.js'
import { demoArticles, type DemoArticle, type DemoArticleEdit, type DemoPractice } from './library-content.js'
import { seedProfiles } from './profiles.js'
import { renderMarkdown } from '../markdown/render.js'

interface Logger {
  info(obj: object, msg: string): void
}

export const demoAdmin = { email: 'admin@kring.example', password: 'kring-demo-admin' }
export const demoMemberPassword = 'kring-demo-member'

const hourMs = 3_600_000
const dayMs = 24 * hourMs

/** With `reach` (the app's config), the demo also writes a few notifications and emails (src/demo/reach.ts). */
export async function seedDemoIfEmpty(db: Db, logger: Logger, reach?: NotifyConfig): Promise<boolean> {
  const { count } = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow()
  if (Number(count) > 0) return false
  await seedDemo(db, reach)
  logger.info({ admin: demoAdmin.email }, 'seeded the demo content (KRING_DEMO=0 turns this off)')
  return true
}

/** Removes earlier demo content (and only that) and writes it anew. */
export async function recreateDemo(db: Db, reach?: NotifyConfig): Promise<void> {
  await db.transaction().execute(async (trx) => {
    // Demo articles first (a real person's translation of one keeps its text and loses only the link to it).
    const articles = await trx.selectFrom('articles').select('id').where('is_demo', '=', true).execute()
    await enqueueMany(
      trx,
      'article',
      articles.map((a) => a.id),
      'delete',
    )
    await trx.deleteFrom('articles').where('is_demo', '=', true).execute()
    await trx.deleteFrom('communities').where('is_demo', '=', true).execute()
    await trx.deleteFrom('tags').where('is_demo', '=', true).execute()
    // Private conversations the demo people started go with them (a real member's own conversations stay).
    await trx
      .deleteFrom('conversations')
      .where('created_by', 'in', trx.selectFrom('users').select('id').where('is_demo', '=', true))
      .execute()
    await trx.deleteFrom('users').where('is_demo', '=', true).execute()
  })
  await seedDemo(db, reach)
}

export async function seedDemo(db: Db, reach?: NotifyConfig): Promise<void> {
  const userIds = new Map<string, number>()
  for (const person of demoPeople) {
    const password = person.siteRole === 'admin' ? demoAdmin.password : demoMemberPassword
    const result = await registerUser(db, {
      email: person.email,
      displayName: person.displayName,
      password,
      locale: person.locale,
      siteRole: person.siteRole,
      isDemo: true,
    })
    if (!result.ok) continue
    userIds.set(person.key, result.userId)
    await db
      .updateTable('users')
      .set({
        organisation: person.organisation,
        country: person.country,
        bio: person.bio,
        bio_html: person.bio ? renderMarkdown(person.bio).html : '',
        time_zone: person.timeZone,
        created_at: sql`now() - interval '120 days'`,
      })
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
  await seedProfiles(db, userIds, themeIds)

  const communityIds = new Map<string, number>()
  for (const community of demoCommunities) {
    const created = await createCommunity(
      db,
      {
        slug: community.slug,
        name: community.name,
        description_md: community.description,
        visibility: community.visibility,
        join_policy: community.joinPolicy,
      },
      { isDemo: true },
    )
    if (!created.ok) continue
    communityIds.set(community.slug, created.id)
    for (const key of community.moderators) await addMember(db, created.id, user(key), 'moderator')
    for (const key of community.members) await addMember(db, created.id, user(key), 'member')
    // Demo members are established: their posts need no approval (the moderation demo below makes one that does).
    await db
      .updateTable('community_members')
      .set({ approved_posts: 10 })
      .where('community_id', '=', created.id)
      .execute()
    for (const request of community.pendingRequests ?? [])
      await joinCommunity(db, { id: created.id, join_policy: 'request' }, user(request.person), request.note)

    for (const thread of community.threads) {
      const startedAt = new Date(Date.now() - thread.daysAgo * 24 * hourMs)
      const themes = thread.themes.map((slug) => themeIds.get(slug)).filter((id): id is number => id !== undefined)
      const started = await startThread(db, {
        communityId: created.id,
        authorId: user(thread.author),
        title: thread.title,
        bodyMd: thread.body,
        themeIds: themes,
        submissionKey: null,
        createdAt: startedAt,
      })
      const threadId = started.threadId!
      if (thread.pinned) await db.updateTable('threads').set({ pinned: true }).where('id', '=', threadId).execute()
      const writeReplies = async (replies: DemoReply[], parentId: number | null) => {
        for (const reply of replies) {
          // Never in the future: a demo reply "in 3 hours" on a thread of today lands now.
          const at = new Date(Math.min(startedAt.getTime() + reply.hoursAfterThread * hourMs, Date.now()))
          const written = await replyToThread(db, {
            threadId,
            parentId,
            authorId: user(reply.author),
            bodyMd: reply.body,
            submissionKey: null,
            createdAt: at,
          })
          if (reply.replies?.length) await writeReplies(reply.replies, written.postId!)
        }
      }
      await writeReplies(thread.replies, null)
    }
  }

  await seedLibrary(db, userIds, themeIds, communityIds)
  await seedModeration(db, userIds, communityIds)
  await seedMeetings(db, userIds, themeIds, communityIds)
  if (reach) await seedReachDemo(db, reach, user)
}

// --- The library ---------------------------------------------------------------------------------------------

const statusPath: Record<DemoArticle['status'], Transition[]> = {
  draft: [],
  in_review: ['submit'],
  published: ['submit', 'publish'],
  archived: ['submit', 'publish', 'archive'],
}

const practiceColumns = (practice: DemoPractice | undefined): ArticleData['practice'] => ({
  practice_context: practice?.context ?? null,
  practice_target_group: practice?.targetGroup ?? null,
  practice_country: practice?.country ?? null,
  practice_what_worked: practice?.whatWorked ?? null,
  practice_what_did_not: practice?.whatDidNot ?? null,
  practice_contact: practice?.contact ?? null,
})

/**
 * Writes the demo articles (./library-content.ts) through the library's commands in the order they happened, so a
 * translation records the revision of its source it was made from, and a later edit of the source shows the
 * translation as possibly out of date. Each step is then dated directly (demo data only): an article is written
 * `daysAgo` days ago and published a day later; its edits and comments follow. An article whose slug a real article
 * already has is left out, with what depends on it.
 */
export async function seedLibrary(
  db: Db,
  userIds: Map<string, number>,
  themeIds: Map<string, number>,
  communityIds: Map<string, number>,
): Promise<void> {
  const now = Date.now()
  const daysAgo = (days: number) => new Date(now - days * dayMs)
  const notAfterNow = (ms: number) => new Date(Math.min(ms, now))
  const user = (key: string) => {
    const id = userIds.get(key)
    if (id === undefined) throw new Error(`demo library names an unknown person "${key}"`)
    return id
  }
  /** By slug: the demo articles written so far, with what they currently say. */
  const written = new Map<string, { id: number; data: ArticleData }>()

  const write = async (article: DemoArticle) => {
    const writtenAt = daysAgo(article.daysAgo)
    let translatedFrom: { id: number; revision: number; groupId: number } | undefined
    if (article.translationOf) {
      const source = written.get(article.translationOf)
      if (!source) return
      const row = await db
        .selectFrom('articles')
        .select(['revision', 'translation_group_id'])
        .where('id', '=', source.id)
        .executeTakeFirstOrThrow()
      translatedFrom = { id: source.id, revision: row.revision, groupId: row.translation_group_id ?? source.id }
    }
    const data: ArticleData = {
      title: article.title,
      slug: article.slug,
      summary: article.summary,
      kind: article.kind,
      language: article.language,
      body_md: article.body,
      community_id: (article.community && communityIds.get(article.community)) || null,
      themeIds: article.themes.map((slug) => themeIds.get(slug)).filter((id): id is number => id !== undefined),
      practice: practiceColumns(article.practice),
    }
    const created = await createDraft(db, { ...data, authorId: user(article.author), translatedFrom, isDemo: true })
    if (!created.ok) return
    const id = created.id
    written.set(article.slug, { id, data })
    for (const transition of statusPath[article.status]) {
      if (!(await transitionArticle(db, id, transition, null)))
        throw new Error(`demo article "${article.slug}" could not ${transition}`)
    }
    const publishedAt =
      article.status === 'published' || article.status === 'archived' ? notAfterNow(writtenAt.getTime() + dayMs) : null
    const updatedAt =
      article.status === 'archived' && article.archivedDaysAgo !== undefined
        ? daysAgo(article.archivedDaysAgo)
        : (publishedAt ?? writtenAt)
    await db
      .updateTable('articles')
      .set({ created_at: writtenAt, updated_at: updatedAt, published_at: publishedAt })
      .where('id', '=', id)
      .execute()
    await db.updateTable('article_revisions').set({ created_at: writtenAt }).where('article_id', '=', id).execute()

    const commentedFrom = (publishedAt ?? writtenAt).getTime()
    const dateComment = (commentId: number, hours: number) =>
      db
        .updateTable('comments')
        .set({ created_at: notAfterNow(commentedFrom + hours * hourMs) })
        .where('id', '=', commentId)
        .execute()
    for (const comment of article.comments ?? []) {
      const added = await addComment(db, {
        articleId: id,
        authorId: user(comment.author),
        parentId: null,
        bodyMd: comment.body,
      })
      if (!added.ok) continue
      await dateComment(added.id, comment.hoursAfterPublished)
      for (const reply of comment.replies ?? []) {
        const answered = await addComment(db, {
          articleId: id,
          authorId: user(reply.author),
          parentId: added.id,
          bodyMd: reply.body,
        })
        if (answered.ok) await dateComment(answered.id, reply.hoursAfterPublished)
      }
    }
  }

  const edit = async (article: DemoArticle, change: DemoArticleEdit) => {
    const current = written.get(article.slug)
    if (!current) return
    let body = current.data.body_md
    for (const { find, replace } of change.changes) {
      if (!body.includes(find))
        throw new Error(`an edit of demo article "${article.slug}" looks for text it does not have: "${find}"`)
      body = body.replace(find, () => replace)
    }
    current.data = { ...current.data, body_md: body, summary: change.summary ?? current.data.summary }
    const before = await db
      .selectFrom('articles')
      .select('revision')
      .where('id', '=', current.id)
      .executeTakeFirstOrThrow()
    await updateArticle(db, current.id, {
      ...current.data,
      editorId: user(change.editor ?? article.author),
      markTranslationCurrent: false,
      version: before.revision,
    })
    const at = daysAgo(change.daysAgo)
    const { revision } = await db
      .selectFrom('articles')
      .select('revision')
      .where('id', '=', current.id)
      .executeTakeFirstOrThrow()
    await db
      .updateTable('article_revisions')
      .set({ created_at: at })
      .where('article_id', '=', current.id)
      .where('revision', '=', revision)
      .execute()
    await db.updateTable('articles').set({ updated_at: at }).where('id', '=', current.id).execute()
  }

  // Oldest first; on the same day an article is written before it is edited (the sort is stable).
  const steps = [
    ...demoArticles.map((article) => ({ daysAgo: article.daysAgo, run: () => write(article) })),
    ...demoArticles.flatMap((article) =>
      (article.edits ?? []).map((change) => ({ daysAgo: change.daysAgo, run: () => edit(article, change) })),
    ),
  ].sort((a, b) => b.daysAgo - a.daysAgo)
  for (const step of steps) await step.run()

  // The commands enqueued them already, but a sync may have read them before they were dated.
  await enqueueMany(
    db,
    'article',
    [...written.values()].map((a) => a.id),
  )
}

/** So the review queue is not empty on a fresh start: a reply flagged twice, and a new member's reply waiting for approval. */
export async function seedModeration(
  db: Db,
  userIds: Map<string, number>,
  communityIds: Map<string, number>,
): Promise<void> {
  const communityId = communityIds.get('homeshare-network')
  const claire = userIds.get('claire')
  if (!communityId || !claire) return
  const thread = await db
    .selectFrom('threads')
    .select('id')
    .where('community_id', '=', communityId)
    .where('pinned', '=', false)
    .orderBy('id')
    .executeTakeFirst()
  if (!thread) return
  const flagged = await replyToThread(db, {
    threadId: thread.id,
    parentId: null,
    authorId: claire,
    submissionKey: null,
    bodyMd: 'Need a homeshare in Lyon? Call my cousin, best prices, 06 12 34 56 78!!!',
  })
  for (const reporter of ['thomas', 'aoife']) {
    const reporterId = userIds.get(reporter)
    if (reporterId && flagged.postId)
      await flagContent(db, {
        type: 'post',
        id: flagged.postId,
        reporterId,
        reason: reporter === 'thomas' ? 'spam' : 'privacy',
        note: reporter === 'aoife' ? 'A private phone number in a public thread.' : null,
      })
  }
  const newcomer = userIds.get('aoife')
  if (newcomer) {
    await replyToThread(db, {
      threadId: thread.id,
      parentId: null,
      authorId: newcomer,
      submissionKey: null,
      forceReview: true,
      bodyMd:
        'First post here: in Galway we pair the intake with a home visit by a volunteer. Happy to share our checklist.',
    })
  }
}
