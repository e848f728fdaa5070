// Benchmark data for the library: 10,000 published articles written in bulk SQL (rows as publishing leaves them:
// revision 1 with its article_revisions row, published_at set), plus one article built through the app's own
// commands with comments and a translation, the article page under load.
import { sql } from 'kysely'
import { registerUser } from '../../../src/accounts/commands.js'
import { addMember, createCommunity } from '../../../src/communities/commands.js'
import type { Db } from '../../../src/db/connect.js'
import type { ArticleKind } from '../../../src/db/database.js'
import { addComment, createDraft, transitionArticle } from '../../../src/library/commands.js'
import { articlesPerPage } from '../../../src/library/queries.js'
import { renderMarkdown } from '../../../src/markdown/render.js'
import { createTheme } from '../../../src/themes/commands.js'
import { slugify } from '../../../src/web/params.js'

export interface LibraryData {
  articles: number
  articlesByKind: Record<string, number>
  articleTags: number
  users: number
  communities: number
  themes: number
  pageSize: number
  averageBodyHtmlBytes: number
  /** `?after=` this article is the page that starts halfway down the newest-first index. */
  deepAfterId: number
  deepPosition: number
  /** The filtered index: practices on one theme. */
  filter: { kind: ArticleKind; theme: string; matching: number }
  /** The article page under load: a practice with comments (some answers) and a published translation. */
  article: {
    id: number
    slug: string
    title: string
    comments: number
    topLevelComments: number
    translationSlug: string
  }
  seconds: number
}

/** mulberry32: the same library on every run, so figures from different days compare. */
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

const themes = [
  ['home-sharing', 'Home sharing', 'Woningdelen'],
  ['intake', 'Intake', 'Intake'],
  ['participation', 'Participation', 'Participatie'],
  ['family-centres', 'Family centres', 'Huizen van het Kind'],
  ['volunteering', 'Volunteering', 'Vrijwilligerswerk'],
  ['loneliness', 'Loneliness', 'Eenzaamheid'],
  ['youth-work', 'Youth work', 'Jeugdwerk'],
  ['housing', 'Housing', 'Wonen'],
  ['evaluation', 'Evaluation', 'Evaluatie'],
  ['training', 'Training', 'Vorming'],
  ['funding', 'Funding', 'Financiering'],
  ['digital-inclusion', 'Digital inclusion', 'Digitale inclusie'],
] as const
const communities = [
  ['homeshare-network', 'Homeshare Network'],
  ['family-centre-coordinators', 'Family-centre coordinators'],
  ['participation-practice', 'Participation in practice'],
  ['parents-and-professionals', 'Parents and professionals'],
] as const
const kinds: [ArticleKind, number][] = [
  ['practice', 0.45],
  ['guide', 0.25],
  ['theme', 0.15],
  ['session_summary', 0.15],
]
const languages: [string, number][] = [
  ['en', 0.45],
  ['nl', 0.25],
  ['fr', 0.1],
  ['de', 0.1],
  ['pt', 0.05],
  ['es', 0.05],
]
const countries = ['NL', 'BE', 'DE', 'FR', 'PT', 'ES', 'IT', 'GB', 'IE', 'AT']

const openings = [
  'How we',
  'Why our team',
  'What happened when we',
  'Ten months after we',
  'Lessons from the year we',
  'A checklist for when you',
]
const actions = [
  'matched students with older hosts',
  'ran intake interviews in pairs',
  'opened the family centre on Saturdays',
  'paid volunteers’ travel costs',
  'let residents set the agenda',
  'trained coordinators in conflict mediation',
  'moved the meeting to the library',
  'published every decision with its reasons',
  'offered translators at the door',
  'reported back within a month',
  'started a buddy scheme for new members',
  'measured loneliness before and after',
]
const settings = [
  'in a mid-sized city',
  'in three rural villages',
  'across two districts',
  'with a small budget',
  'without extra staff',
  'during the winter months',
  'with the local library',
  'in a pilot of six months',
]
const sentences = [
  'The first weeks were slow, and we nearly stopped.',
  'What made the difference was a clear agreement written down on one page.',
  'Hosts told us they wanted to meet the student twice before deciding.',
  'We kept a short log of every contact, which later became our evaluation.',
  'Not every match worked: two ended within a month, both for reasons we could have seen coming.',
  'Volunteers asked for a fixed contact person, and got one.',
  'The municipality joined the steering group after the first report.',
  'We now plan a review after three months, with both parties in the room.',
  'Most of the cost is time: roughly four hours per match, spread over six weeks.',
  'Families said the evening sessions suited them far better than the mornings.',
  'A simple shared calendar replaced most of the phone calls.',
  'The hardest part was saying no to matches that looked good on paper.',
]

function pickWeighted<T>(next: () => number, table: [T, number][]): T {
  let roll = next()
  for (const [value, weight] of table) {
    roll -= weight
    if (roll < 0) return value
  }
  return table[table.length - 1][0]
}

function bodyOf(next: () => number): string {
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]
  const paragraph = () => Array.from({ length: 2 + Math.floor(next() * 4) }, () => pick(sentences)).join(' ')
  const parts = [
    paragraph(),
    '## What we did',
    paragraph(),
    `- ${pick(actions)}\n- ${pick(actions)}\n- a review after **three months**`,
    '## What we learned',
    paragraph(),
  ]
  if (next() < 0.5) parts.push(paragraph())
  if (next() < 0.3)
    parts.push(`See the [evaluation report](https://example.org/reports/${Math.floor(next() * 1000)}) for the figures.`)
  if (next() < 0.2) parts.push('> We would do it again, but with the review planned from day one.')
  return parts.join('\n\n')
}

export async function generateLibrary(
  db: Db,
  options: { articles?: number; seed?: number } = {},
): Promise<LibraryData> {
  const started = Date.now()
  const articleCount = options.articles ?? 10_000
  const next = random(options.seed ?? 20261126)
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]

  // Authors: a few real accounts (scrypt runs on the thread pool: four at a time).
  const userIds: number[] = []
  for (let start = 0; start < 24; start += 4) {
    const batch = await Promise.all(
      Array.from({ length: 4 }, async (_, k) => {
        const i = start + k
        const result = await registerUser(db, {
          email: `library-bench-${i}@example.org`,
          displayName: `${pick(['Anouk', 'Bram', 'Chiara', 'Daan', 'Eva', 'Farid', 'Greta', 'Hugo'])} ${pick(['de Vries', 'Jansen', 'Peeters', 'Claes', 'Dubois', 'Müller'])} ${i}`,
          password: `bench password ${i}`,
          locale: null,
        })
        if (!result.ok) throw new Error(`could not register author ${i}: ${result.reason}`)
        return result.userId
      }),
    )
    userIds.push(...batch)
  }
  const communityIds: number[] = []
  for (const [slug, name] of communities) {
    const community = await createCommunity(
      db,
      { slug, name, description_md: `${name}: comparing notes.`, visibility: 'public', join_policy: 'open' },
      { creatorId: userIds[communityIds.length] },
    )
    if (!community.ok) throw new Error(`could not create community ${slug}`)
    communityIds.push(community.id)
  }
  for (const userId of userIds.slice(communities.length))
    await addMember(db, communityIds[userId % communityIds.length], userId)
  const themeIds: number[] = []
  for (const [slug, en, nl] of themes) {
    const theme = await createTheme(db, { slug, labels: { en, nl } })
    if (!theme.ok) throw new Error(`could not create theme ${slug}`)
    themeIds.push(theme.id)
  }

  // A few hundred bodies, rendered once through the app's Markdown module, shared among the articles.
  const bodies = Array.from({ length: 400 }, () => {
    const md = bodyOf(next)
    const rendered = renderMarkdown(md)
    return { md, html: rendered.html, text: rendered.text }
  })

  const now = Date.now()
  const span = 3 * 365 * 24 * 60 * 60 * 1000
  const byKind: Record<string, number> = {}
  const tagRows: { article_id: number; tag_id: number }[] = []
  const batchSize = 500
  for (let start = 0; start < articleCount; start += batchSize) {
    const rows = Array.from({ length: Math.min(batchSize, articleCount - start) }, (_, k) => {
      const i = start + k
      const kind = pickWeighted(next, kinds)
      byKind[kind] = (byKind[kind] ?? 0) + 1
      const title = `${pick(openings)} ${pick(actions)} ${pick(settings)}`
      const body = pick(bodies)
      const publishedAt = new Date(now - span + Math.floor(next() * span))
      const createdAt = new Date(publishedAt.getTime() - Math.floor(next() * 14 * 24 * 60 * 60 * 1000))
      const isPractice = kind === 'practice'
      return {
        slug: `${slugify(title, 70)}-${i + 1}`,
        title,
        summary: next() < 0.85 ? `${pick(sentences)} ${pick(sentences)}` : '',
        kind,
        language: pickWeighted(next, languages),
        body_md: body.md,
        body_html: body.html,
        body_text: body.text,
        practice_context: isPractice
          ? `A ${pick(['small', 'regional', 'city-wide'])} programme ${pick(settings)}`
          : null,
        practice_target_group: isPractice
          ? pick([
              'Older hosts and students',
              'Parents of young children',
              'Volunteers',
              'Newcomers',
              'Young people aged 12–18',
            ])
          : null,
        practice_country: isPractice ? pick(countries) : null,
        practice_what_worked: isPractice ? pick(sentences) : null,
        practice_what_did_not: isPractice ? pick(sentences) : null,
        practice_contact: isPractice ? `contact-${i}@example.org` : null,
        status: 'published' as const,
        community_id: next() < 0.15 ? null : pick(communityIds),
        author_id: pick(userIds),
        revision: 1,
        created_at: createdAt,
        updated_at: publishedAt,
        published_at: publishedAt,
      }
    })
    const inserted = await db.insertInto('articles').values(rows).returning('id').execute()
    for (const { id } of inserted) {
      const count = 1 + Math.floor(next() * next() * 3)
      const chosen = new Set<number>()
      while (chosen.size < count) chosen.add(pick(themeIds))
      for (const tag_id of chosen) tagRows.push({ article_id: id, tag_id })
    }
  }
  for (let start = 0; start < tagRows.length; start += 5000)
    await db
      .insertInto('article_tags')
      .values(tagRows.slice(start, start + 5000))
      .execute()
  // Revision 1 of each, as createDraft writes it: the content at the time, its practice fields as JSON.
  await sql`
    insert into article_revisions (article_id, revision, editor_id, title, summary, body_md, body_html, practice, created_at)
    select id, 1, author_id, title, summary, body_md, body_html,
      jsonb_build_object('practice_context', practice_context, 'practice_target_group', practice_target_group, 'practice_country', practice_country,
        'practice_what_worked', practice_what_worked, 'practice_what_did_not', practice_what_did_not, 'practice_contact', practice_contact),
      created_at
    from articles`.execute(db)

  // The article page under load goes through the commands: draft, publish, a translation, comments and answers.
  const authorId = userIds[5]
  const communityId = communityIds[0]
  await addMember(db, communityId, authorId)
  const articleBody = bodyOf(next)
  const practice = {
    practice_context: 'Homeshare programme in a mid-sized city',
    practice_target_group: 'Older hosts and student homesharers',
    practice_country: 'BE',
    practice_what_worked: 'Fewer broken matches in the first month',
    practice_what_did_not: 'Scheduling two coordinators is hard',
    practice_contact: 'intake@example.org',
  }
  const created = await createDraft(db, {
    title: 'Intake interviews with two coordinators',
    slug: 'intake-interviews-with-two-coordinators',
    summary: 'Why every homeshare intake now has two coordinators in the room.',
    kind: 'practice',
    language: 'en',
    body_md: articleBody,
    community_id: communityId,
    themeIds: [themeIds[0], themeIds[1]],
    authorId,
    practice,
  })
  if (!created.ok || !(await transitionArticle(db, created.id, 'publish', null)))
    throw new Error('could not publish the benchmark article')
  const translation = await createDraft(db, {
    title: 'Intakegesprekken met twee coördinatoren',
    slug: 'intakegesprekken-met-twee-coordinatoren',
    summary: 'Waarom elk intakegesprek nu met twee coördinatoren gebeurt.',
    kind: 'practice',
    language: 'nl',
    body_md: articleBody,
    community_id: communityId,
    themeIds: [themeIds[0], themeIds[1]],
    authorId: userIds[6],
    practice,
    translatedFrom: { id: created.id, revision: 1, groupId: created.id },
  })
  if (!translation.ok || !(await transitionArticle(db, translation.id, 'publish', null)))
    throw new Error('could not publish the translation')
  const commentIds: number[] = []
  let topLevelComments = 0
  for (let i = 0; i < 30; i++) {
    const parentId = i > 2 && next() < 0.4 ? pick(commentIds) : null
    if (parentId === null) topLevelComments++
    const result = await addComment(db, {
      articleId: created.id,
      authorId: pick(userIds),
      parentId,
      bodyMd: `${pick(sentences)} ${next() < 0.3 ? `**${pick(sentences)}**` : pick(sentences)}`,
    })
    if (!result.ok) throw new Error(`comment ${i} failed: ${result.reason}`)
    commentIds.push(result.id)
  }

  // As after any bulk load: statistics, so the planner sees 10,000 articles and not an empty table.
  await sql`vacuum analyze`.execute(db)

  const total = Number(
    (
      await db
        .selectFrom('articles')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('status', '=', 'published')
        .executeTakeFirstOrThrow()
    ).n,
  )
  const deepPosition = Math.floor(total / 2)
  const deep = await db
    .selectFrom('articles')
    .select('id')
    .where('status', '=', 'published')
    .orderBy('published_at', 'desc')
    .orderBy('id', 'desc')
    .offset(deepPosition - 1)
    .limit(1)
    .executeTakeFirstOrThrow()
  // The filter: practices on the theme they carry least often, the keyset scan's hardest case that still fills pages.
  const filterRow = await db
    .selectFrom('article_tags as at')
    .innerJoin('articles as a', 'a.id', 'at.article_id')
    .innerJoin('tags as t', 't.id', 'at.tag_id')
    .select((eb) => ['t.slug', eb.fn.countAll().as('n')])
    .where('a.status', '=', 'published')
    .where('a.kind', '=', 'practice')
    .where('t.slug', '!=', themes[0][0])
    .groupBy('t.slug')
    .orderBy('n', 'asc')
    .limit(1)
    .executeTakeFirstOrThrow()
  const sizes = await db
    .selectFrom('articles')
    .select((eb) => eb.fn.avg<number>(sql`octet_length(body_html)`).as('bytes'))
    .executeTakeFirstOrThrow()
  return {
    articles: total,
    articlesByKind: byKind,
    articleTags: tagRows.length + 4,
    users: userIds.length,
    communities: communityIds.length,
    themes: themeIds.length,
    pageSize: articlesPerPage,
    averageBodyHtmlBytes: Math.round(Number(sizes.bytes)),
    deepAfterId: deep.id,
    deepPosition,
    filter: { kind: 'practice', theme: filterRow.slug, matching: Number(filterRow.n) },
    article: {
      id: created.id,
      slug: created.slug,
      title: 'Intake interviews with two coordinators',
      comments: commentIds.length,
      topLevelComments,
      translationSlug: translation.slug,
    },
    seconds: Math.round((Date.now() - started) / 100) / 10,
  }
}
