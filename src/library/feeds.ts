// The wider circle: Atom feeds of the published library (all of it, per theme, per community), of a public community's
// new threads, sitemap.xml and robots.txt.
import { createHash } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { findCommunityBySlug } from '../communities/queries.js'
import type { Db } from '../db/connect.js'
import { HeavyReadRefused, renderHeavyReadRefusal } from '../db/heavy-reads.js'
import { labelExpression } from '../themes/queries.js'
import { notFound } from '../web/errors.js'
import { slugPattern } from '../web/params.js'
import { publicOrigin } from '../web/view.js'
import { listPublished, themesOfArticles } from './queries.js'
import { sql } from 'kysely'
import { defaultLabelKey } from '../anonymous/label.js'
import { translate, type Locale } from '../web/i18n.js'

export const feedSize = 50
/** The sitemap protocol's limit for one file; past it a sitemap index would be needed. */
export const sitemapLimit = 50_000

// Feed readers poll; a few minutes of staleness is fine and spares the database.
const feedCacheControl = 'public, max-age=300'
const sitemapCacheControl = 'public, max-age=900'
// Fixed, so that entry and feed ids never change when a slug, a title or the year does (RFC 4151 tag URIs).
const tagDate = '2026'

/** Characters XML 1.0 does not allow at all (C0 controls but tab/newline/return, lone surrogates, U+FFFE/U+FFFF): dropped, not escaped. */
const invalidXmlChars = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu

export function xmlText(value: string): string {
  return value
    .replace(invalidXmlChars, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
}

const rfc3339 = (value: Date | string) => new Date(value).toISOString()

// From KRING_PUBLIC_URL, not the request's Host: a forged Host must not reach a feed or sitemap that caches keep.
function originOf(request: FastifyRequest) {
  return publicOrigin(request)
}

function tagId(request: FastifyRequest, specific: string) {
  // A tag URI's authority is a DNS name: the host without its port.
  const hostname = new URL(publicOrigin(request)).hostname
  return `tag:${hostname.replace(/[^A-Za-z0-9.-]/g, '') || 'localhost'},${tagDate}:${specific}`
}

/**
 * Sends an XML document with a strong ETag of its bytes; a matching If-None-Match gets a 304.
 * If-Modified-Since is not honoured: an archived article leaves a feed without making anything in it newer.
 */
function sendXml(
  request: FastifyRequest,
  reply: FastifyReply,
  body: string,
  options: { contentType: string; cacheControl: string; lastModified?: Date; vary?: string },
) {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`
  reply.header('cache-control', options.cacheControl).header('etag', etag)
  if (options.vary) reply.header('vary', options.vary)
  if (options.lastModified) reply.header('last-modified', options.lastModified.toUTCString())
  const ifNoneMatch = request.headers['if-none-match']
  if (
    ifNoneMatch &&
    ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag || tag.trim() === '*')
  ) {
    return reply.code(304).send()
  }
  return reply.type(options.contentType).send(body)
}

// --- Reads -------------------------------------------------------------------------------------------
// Only what the feeds and the sitemap need; the article list itself comes from the library's listPublished.

async function bodiesOf(db: Db, articleIds: number[]) {
  if (articleIds.length === 0) return new Map<number, string>()
  const rows = await db.selectFrom('articles').select(['id', 'body_html']).where('id', 'in', articleIds).execute()
  return new Map(rows.map((row) => [row.id, row.body_html]))
}

async function findTheme(db: Db, slug: string, locale: FastifyRequest['locale']) {
  return db
    .selectFrom('tags as t')
    .select(['t.id', 't.slug', 't.merged_into_id', labelExpression(locale).as('label')])
    .where('t.slug', '=', slug)
    .where('t.kind', '=', 'theme')
    .executeTakeFirst()
}

/** Public pages for search engines, most valuable first, never more than `limit` in all. */
async function publicPages(db: Db, limit: number) {
  const themes = await db
    .selectFrom('tags')
    .select('slug')
    .where('kind', '=', 'theme')
    .where('merged_into_id', 'is', null)
    .orderBy('slug')
    .limit(limit)
    .execute()
  const communities = await db
    .selectFrom('communities')
    .select(['slug', 'last_activity_at'])
    .where('visibility', '=', 'public')
    .orderBy('slug')
    .limit(limit - themes.length)
    .execute()
  let left = limit - themes.length - communities.length
  const articles =
    left > 0
      ? await db
          .selectFrom('articles')
          .select(['slug', 'updated_at'])
          .where('status', '=', 'published')
          .where('hidden_at', 'is', null)
          .orderBy('updated_at', 'desc')
          .orderBy('id', 'desc')
          .limit(left)
          .execute()
      : []
  left -= articles.length
  const threads =
    left > 0
      ? await db
          .selectFrom('threads as t')
          .innerJoin('communities as c', 'c.id', 't.community_id')
          .select(['t.id', 't.last_post_at'])
          .where('t.status', '=', 'visible')
          .where('c.visibility', '=', 'public')
          .orderBy('t.last_post_at', 'desc')
          .orderBy('t.id', 'desc')
          .limit(left)
          .execute()
      : []
  return { themes, communities, articles, threads }
}

// --- Atom ----------------------------------------------------------------------------------------------

interface FeedScope {
  id: string
  title: string
  subtitle: string
  selfPath: string
  alternatePath: string
  themeId: number | null
  communityId: number | null
}

async function sendFeed(db: Db, request: FastifyRequest, reply: FastifyReply, scope: FeedScope) {
  const origin = originOf(request)
  const { articles } = await listPublished(
    db,
    { kind: null, language: null, themeId: scope.themeId, communityId: scope.communityId, sort: 'newest', after: null },
    feedSize,
  )
  const ids = articles.map((a) => a.id)
  // Categories carry the English label: one vocabulary for every reader, whatever language the feed was asked in.
  const [themes, bodies] = await Promise.all([themesOfArticles(db, ids, 'en'), bodiesOf(db, ids)])
  const newest = articles.reduce<Date | null>(
    (max, a) => (max === null || new Date(a.updated_at) > max ? new Date(a.updated_at) : max),
    null,
  )
  const updated = newest ?? new Date()

  const entries = articles.map((a) => {
    const url = `${origin}/library/${a.slug}`
    const categories = (themes.get(a.id) ?? [])
      .sort((x, y) => x.slug.localeCompare(y.slug))
      .map(
        (th) =>
          `    <category term="${xmlText(th.slug)}" label="${xmlText(th.label)}" scheme="${xmlText(`${origin}/themes/`)}"/>\n`,
      )
      .join('')
    return [
      `  <entry xml:lang="${xmlText(a.language)}">\n`,
      `    <id>${xmlText(tagId(request, `article-${a.id}`))}</id>\n`,
      `    <title type="text">${xmlText(a.title)}</title>\n`,
      `    <link rel="alternate" type="text/html" href="${xmlText(url)}"/>\n`,
      `    <published>${rfc3339(a.published_at ?? a.updated_at)}</published>\n`,
      `    <updated>${rfc3339(a.updated_at)}</updated>\n`,
      `    <author><name>${xmlText(a.author_name)}</name></author>\n`,
      categories,
      a.summary ? `    <summary type="text">${xmlText(a.summary)}</summary>\n` : '',
      `    <content type="html">${xmlText(bodies.get(a.id) ?? '')}</content>\n`,
      '  </entry>\n',
    ].join('')
  })

  const xml = [
    '<?xml version="1.0" encoding="utf-8"?>\n',
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${request.locale}" xml:base="${xmlText(`${origin}/`)}">\n`,
    `  <id>${xmlText(scope.id)}</id>\n`,
    `  <title type="text">${xmlText(scope.title)}</title>\n`,
    `  <subtitle type="text">${xmlText(scope.subtitle)}</subtitle>\n`,
    `  <updated>${rfc3339(updated)}</updated>\n`,
    `  <link rel="self" type="application/atom+xml" href="${xmlText(origin + scope.selfPath)}"/>\n`,
    `  <link rel="alternate" type="text/html" href="${xmlText(origin + scope.alternatePath)}"/>\n`,
    '  <generator>Kring</generator>\n',
    ...entries,
    '</feed>\n',
  ].join('')
  return sendXml(request, reply, xml, {
    contentType: 'application/atom+xml; charset=utf-8',
    cacheControl: feedCacheControl,
    lastModified: newest ?? undefined,
    vary: 'Accept-Language, Cookie',
  })
}

/** A public community's newest visible threads, newest first: never pending, hidden or deleted ones. */
async function newThreadsOf(db: Db, communityId: number, locale: Locale) {
  // A thread posted without a name carries its community's label as its author (src/anonymous).
  const label = sql<string>`coalesce(nullif(c.anonymous_label, ''), ${translate(locale, defaultLabelKey)})`
  return db
    .selectFrom('threads as t')
    .innerJoin('users as a', 'a.id', 't.author_id')
    .innerJoin('communities as c', 'c.id', 't.community_id')
    .select(['t.id', 't.title', 't.body_html', 't.created_at', 't.edited_at'])
    .select(sql<string>`case when t.anonymous then ${label} else a.display_name end`.as('author_name'))
    .where('t.community_id', '=', communityId)
    .where('t.status', '=', 'visible')
    .orderBy('t.created_at', 'desc')
    .orderBy('t.id', 'desc')
    .limit(feedSize)
    .execute()
}

async function sendThreadFeed(
  db: Db,
  request: FastifyRequest,
  reply: FastifyReply,
  community: { id: number; slug: string; name: string },
) {
  const origin = originOf(request)
  const threads = await newThreadsOf(db, community.id, request.locale)
  const changed = (th: (typeof threads)[number]) => new Date(th.edited_at ?? th.created_at)
  const newest = threads.reduce<Date | null>((max, th) => (max === null || changed(th) > max ? changed(th) : max), null)
  const selfPath = `/feeds/c/${community.slug}/threads.atom`
  const entries = threads.map((th) =>
    [
      '  <entry>\n',
      `    <id>${xmlText(tagId(request, `thread-${th.id}`))}</id>\n`,
      `    <title type="text">${xmlText(th.title)}</title>\n`,
      `    <link rel="alternate" type="text/html" href="${xmlText(`${origin}/t/${th.id}`)}"/>\n`,
      `    <published>${rfc3339(th.created_at)}</published>\n`,
      `    <updated>${rfc3339(changed(th))}</updated>\n`,
      `    <author><name>${xmlText(th.author_name)}</name></author>\n`,
      `    <content type="html">${xmlText(th.body_html)}</content>\n`,
      '  </entry>\n',
    ].join(''),
  )
  const title = request.t('topics.feed.title', { community: community.name })
  const xml = [
    '<?xml version="1.0" encoding="utf-8"?>\n',
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${request.locale}" xml:base="${xmlText(`${origin}/`)}">\n`,
    `  <id>${xmlText(tagId(request, `feed:community-threads-${community.id}`))}</id>\n`,
    `  <title type="text">${xmlText(title)}</title>\n`,
    `  <subtitle type="text">${xmlText(request.t('topics.feed.subtitle', { community: community.name }))}</subtitle>\n`,
    `  <updated>${rfc3339(newest ?? new Date())}</updated>\n`,
    `  <link rel="self" type="application/atom+xml" href="${xmlText(origin + selfPath)}"/>\n`,
    `  <link rel="alternate" type="text/html" href="${xmlText(`${origin}/c/${community.slug}`)}"/>\n`,
    '  <generator>Kring</generator>\n',
    ...entries,
    '</feed>\n',
  ].join('')
  return sendXml(request, reply, xml, {
    contentType: 'application/atom+xml; charset=utf-8',
    cacheControl: feedCacheControl,
    lastModified: newest ?? undefined,
    vary: 'Accept-Language, Cookie',
  })
}

export async function feedRoutes(app: FastifyInstance, { db }: { db: Db }) {
  app.get('/feeds/library.atom', async (request, reply) =>
    sendFeed(db, request, reply, {
      id: tagId(request, 'feed:library'),
      title: request.t('feeds.library.title'),
      subtitle: request.t('feeds.library.subtitle'),
      selfPath: '/feeds/library.atom',
      alternatePath: '/library',
      themeId: null,
      communityId: null,
    }),
  )

  app.get('/feeds/themes/:slug.atom', async (request, reply) => {
    const { slug } = request.params as { slug: string }
    if (!slugPattern.test(slug)) throw notFound()
    const theme = await findTheme(db, slug, request.locale)
    if (!theme) throw notFound()
    if (theme.merged_into_id) {
      const target = await db
        .selectFrom('tags')
        .select('slug')
        .where('id', '=', theme.merged_into_id)
        .executeTakeFirstOrThrow()
      return reply.redirect(`/feeds/themes/${target.slug}.atom`, 301)
    }
    return sendFeed(db, request, reply, {
      id: tagId(request, `feed:theme-${theme.id}`),
      title: request.t('feeds.theme.title', { theme: theme.label }),
      subtitle: request.t('feeds.theme.subtitle', { theme: theme.label }),
      selfPath: `/feeds/themes/${theme.slug}.atom`,
      alternatePath: `/themes/${theme.slug}`,
      themeId: theme.id,
      communityId: null,
    })
  })

  app.get('/feeds/c/:slug.atom', async (request, reply) => {
    const { slug } = request.params as { slug: string }
    if (!slugPattern.test(slug)) throw notFound()
    const community = await findCommunityBySlug(db, slug)
    // Feeds are read anonymously: a members-only community's feed does not exist, even for its members.
    if (!community || community.visibility !== 'public') throw notFound()
    return sendFeed(db, request, reply, {
      id: tagId(request, `feed:community-${community.id}`),
      title: request.t('feeds.community.title', { community: community.name }),
      subtitle: request.t('feeds.community.subtitle', { community: community.name }),
      selfPath: `/feeds/c/${community.slug}.atom`,
      alternatePath: `/library?community=${encodeURIComponent(community.slug)}`,
      themeId: null,
      communityId: community.id,
    })
  })

  // New threads of a public community, for feed readers of the wider circle.
  app.get('/feeds/c/:slug/threads.atom', async (request, reply) => {
    const { slug } = request.params as { slug: string }
    if (!slugPattern.test(slug)) throw notFound()
    const community = await findCommunityBySlug(db, slug)
    // Read anonymously: a members-only community (listed or not) has no thread feed.
    if (!community || community.visibility !== 'public') throw notFound()
    return sendThreadFeed(db, request, reply, community)
  })

  // --- Sitemap and robots.txt ------------------------------------------------------------------------
  app.get('/sitemap.xml', async (request, reply) => {
    const origin = originOf(request)
    const fixed = ['/', '/library', '/communities', '/themes']
    // Up to 50,000 rows for anyone who asks: a heavy read, so a crawler's burst cannot take the pages' connections.
    let pages: Awaited<ReturnType<typeof publicPages>>
    try {
      pages = await app.heavyReads.run((heavyDb) => publicPages(heavyDb, sitemapLimit - fixed.length))
    } catch (err) {
      if (err instanceof HeavyReadRefused) return renderHeavyReadRefusal(request, reply, err)
      throw err
    }
    const url = (path: string, lastmod?: Date | string | null) =>
      `  <url><loc>${xmlText(origin + path)}</loc>${lastmod ? `<lastmod>${rfc3339(lastmod)}</lastmod>` : ''}</url>\n`
    const xml = [
      '<?xml version="1.0" encoding="utf-8"?>\n',
      '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n',
      ...fixed.map((path) => url(path)),
      ...pages.themes.map((th) => url(`/themes/${th.slug}`)),
      ...pages.communities.map((c) => url(`/c/${c.slug}`, c.last_activity_at)),
      ...pages.articles.map((a) => url(`/library/${a.slug}`, a.updated_at)),
      ...pages.threads.map((th) => url(`/t/${th.id}`, th.last_post_at)),
      '</urlset>\n',
    ].join('')
    return sendXml(request, reply, xml, {
      contentType: 'application/xml; charset=utf-8',
      cacheControl: sitemapCacheControl,
    })
  })

  app.get('/robots.txt', async (request, reply) => {
    const body = `User-agent: *\nAllow: /\n\nSitemap: ${originOf(request)}/sitemap.xml\n`
    return reply.header('cache-control', 'public, max-age=86400').type('text/plain; charset=utf-8').send(body)
  })
}
