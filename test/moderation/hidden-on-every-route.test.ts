// Hidden means hidden on every page: every GET route that takes the id of a thread, reply, comment, article, meeting or
// community is walked with hidden, pending, rejected and deleted items (and members-only ones) by a visitor, a member,
// a member who asked to join the members-only community, a moderator of another community, the author, the community's
// moderator and an admin. Text a role may not read never appears on any page it opens; the author and the right
// moderators still read it where the thread page would show it.
// The search index is synced before the moderators act and not after, so search answers from a stale index.
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import type { Db } from '../../src/db/connect.js'
import { deletePost, deleteThread, replyToThread, startThread } from '../../src/discussions/commands.js'
import { joinCommunity } from '../../src/communities/commands.js'
import { addComment, createDraft, deleteComment, transitionArticle } from '../../src/library/commands.js'
import { addActionItem, addRoom, createMeeting, updateRoomNotes } from '../../src/meetings/commands.js'
import { flagContent, resolveReviewItem, setVisibility } from '../../src/moderation/commands.js'
import { findTarget } from '../../src/moderation/targets.js'
import type { FlagTarget } from '../../src/db/database.js'
import { Client, type Response } from '../helpers/client.js'
import { createCommunityWith, createThemeWith, createUser, type TestUser } from '../helpers/factories.js'
import { loggedIn, openItemOf } from '../helpers/moderation.js'
import { buildSearchApp, q } from '../search/helpers.js'

const roles = ['visitor', 'member', 'applicant', 'otherModerator', 'author', 'moderator', 'admin'] as const
type Role = (typeof roles)[number]
/** Who reads pending and hidden content in the community "circle": its author, its moderator, an admin. */
const staffAndAuthor: Role[] = ['author', 'moderator', 'admin']

interface Item {
  name: string
  /** A word that is in this item's text and nowhere else. */
  secret: string
  seenBy: readonly Role[]
  id: number
  threadId?: number
  slug?: string
  room?: number
  actionItem?: number
  /** A thread that is visible itself (so its reply page opens). */
  open?: boolean
}

interface Fixture {
  thread: Item[]
  reply: Item[]
  comment: Item[]
  article: Item[]
  meeting: Item[]
  community: Item[]
  theme: Item[]
  /** The published article the comments are on, and every item whose text must stay where it belongs. */
  commentedSlug: string
  all: Item[]
}

type Kind = Exclude<keyof Fixture, 'commentedSlug' | 'all'>

interface RouteCase {
  /** The route as registered (the guard below compares these with the app's routes). */
  route: string
  kind: Kind
  url: (item: Item, f: Fixture) => string
  /** Where the item's own text must appear for those who may read it; elsewhere only its absence is checked. */
  reads?: (role: Role, item: Item) => boolean
}

const everySeer = () => true
const planners = (role: Role) => role === 'moderator' || role === 'admin'
// An archived article is changed by its reviewers only; its author still reads it.
const articleEditors = (role: Role, item: Item) => planners(role) || (role === 'author' && item.name !== 'archived article')

// One line per way a page can reach an item's text. A new GET route with an id-like parameter goes here.
const routeCases: RouteCase[] = [
  { route: '/t/:id', kind: 'thread', url: (i) => `/t/${i.id}`, reads: everySeer },
  { route: '/t/:id/:slug', kind: 'thread', url: (i) => `/t/${i.id}/some-slug`, reads: everySeer },
  { route: '/t/:id/history', kind: 'thread', url: (i) => `/t/${i.id}/history`, reads: everySeer },
  { route: '/t/:id/edit', kind: 'thread', url: (i) => `/t/${i.id}/edit`, reads: everySeer },
  { route: '/t/:id/reply', kind: 'thread', url: (i) => `/t/${i.id}/reply`, reads: (_role, i) => i.open === true },
  { route: '/t/:id/to-library', kind: 'thread', url: (i) => `/t/${i.id}/to-library`, reads: planners },

  { route: '/t/:id', kind: 'reply', url: (i) => `/t/${i.threadId}`, reads: everySeer },
  { route: '/t/:id', kind: 'reply', url: (i) => `/t/${i.threadId}?at=${i.id}`, reads: everySeer },
  { route: '/posts/:id', kind: 'reply', url: (i) => `/posts/${i.id}`, reads: everySeer },
  { route: '/posts/:id/history', kind: 'reply', url: (i) => `/posts/${i.id}/history`, reads: everySeer },
  { route: '/posts/:id/edit', kind: 'reply', url: (i) => `/posts/${i.id}/edit`, reads: everySeer },
  { route: '/t/:id/reply', kind: 'reply', url: (i) => `/t/${i.threadId}/reply?to=${i.id}`, reads: (_role, i) => i.open === true },
  { route: '/t/:id/history', kind: 'reply', url: (i) => `/t/${i.threadId}/history` },
  { route: '/t/:id/to-library', kind: 'reply', url: (i) => `/t/${i.threadId}/to-library` },

  { route: '/library/:slug', kind: 'comment', url: (_i, f) => `/library/${f.commentedSlug}`, reads: everySeer },
  { route: '/library/:slug/print', kind: 'comment', url: (_i, f) => `/library/${f.commentedSlug}/print` },
  { route: '/library/comments/:id/edit', kind: 'comment', url: (i) => `/library/comments/${i.id}/edit`, reads: everySeer },

  { route: '/library/:slug', kind: 'article', url: (i) => `/library/${i.slug}`, reads: everySeer },
  { route: '/library/:slug/print', kind: 'article', url: (i) => `/library/${i.slug}/print`, reads: everySeer },
  { route: '/library/:slug/edit', kind: 'article', url: (i) => `/library/${i.slug}/edit`, reads: articleEditors },
  { route: '/library/:slug/history', kind: 'article', url: (i) => `/library/${i.slug}/history`, reads: articleEditors },
  { route: '/library/:slug/diff', kind: 'article', url: (i) => `/library/${i.slug}/diff?from=1&to=1`, reads: articleEditors },
  { route: '/library/:slug/translate', kind: 'article', url: (i) => `/library/${i.slug}/translate?language=nl`, reads: (role, i) => i.name === 'hidden article' || (i.name === 'published article' && role !== 'visitor') },

  { route: '/meetings/:id', kind: 'meeting', url: (i) => `/meetings/${i.id}`, reads: everySeer },
  { route: '/meetings/:id', kind: 'meeting', url: (i) => `/meetings/${i.id}.ics`, reads: everySeer },
  { route: '/meetings/:id/edit', kind: 'meeting', url: (i) => `/meetings/${i.id}/edit`, reads: planners },
  { route: '/meetings/:id/rooms/:room/notes', kind: 'meeting', url: (i) => `/meetings/${i.id}/rooms/${i.room}/notes`, reads: planners },
  { route: '/meetings/:id/rooms/:room/edit', kind: 'meeting', url: (i) => `/meetings/${i.id}/rooms/${i.room}/edit`, reads: planners },
  { route: '/meetings/:id/items/:item/edit', kind: 'meeting', url: (i) => `/meetings/${i.id}/items/${i.actionItem}/edit`, reads: planners },

  { route: '/c/:slug', kind: 'community', url: (i) => `/c/${i.slug}`, reads: everySeer },
  { route: '/c/:slug/members', kind: 'community', url: (i) => `/c/${i.slug}/members` },
  { route: '/c/:slug/new', kind: 'community', url: (i) => `/c/${i.slug}/new` },
  { route: '/c/:slug/invites', kind: 'community', url: (i) => `/c/${i.slug}/invites` },
  { route: '/c/:slug/edit', kind: 'community', url: (i) => `/c/${i.slug}/edit` },
  { route: '/c/:slug/meetings', kind: 'community', url: (i) => `/c/${i.slug}/meetings` },
  { route: '/c/:slug/meetings.ics', kind: 'community', url: (i) => `/c/${i.slug}/meetings.ics` },
  { route: '/c/:slug/meetings/new', kind: 'community', url: (i) => `/c/${i.slug}/meetings/new` },
  { route: '/feeds/c/:slug.atom', kind: 'community', url: (i) => `/feeds/c/${i.slug}.atom` },

  { route: '/themes/:slug', kind: 'theme', url: (i) => `/themes/${i.slug}` },
  { route: '/feeds/themes/:slug.atom', kind: 'theme', url: (i) => `/feeds/themes/${i.slug}.atom` },
]

/** GET routes with a parameter that hold no content of their own, and why. */
const exempt: Record<string, string> = {
  '/invite/:token': 'an invitation names its community to whoever holds the link, and shows no thread or article',
  '/*': 'the files in static/ (the wildcard route of @fastify/static)',
}

/** Pages without an id that list or index content. */
const listPages = [
  '/', '/communities', '/themes', '/library', '/library?community=inner', '/library/mine', '/library/review', '/feeds/library.atom', '/sitemap.xml',
  '/mod', '/mod/log',
]

/** The GET routes Fastify knows, rebuilt from printRoutes' tree (each level indents by four characters). */
function getRoutes(app: FastifyInstance): string[] {
  const stack: string[] = []
  const routes: string[] = []
  for (const line of app.printRoutes({ method: 'GET', commonPrefix: false }).split('\n')) {
    const match = /^((?:[│ ] {3})*)[├└]── (\S+)(?: \(([^)]*)\))?/.exec(line)
    if (!match) continue
    const depth = match[1].length / 4
    stack.length = depth
    stack.push(match[2])
    if (match[3]?.split(', ').includes('GET')) routes.push(stack.join(''))
  }
  return routes
}

const noPractice = { practice_context: null, practice_target_group: null, practice_country: null, practice_what_worked: null, practice_what_did_not: null, practice_contact: null }

const secret = (name: string) => `zq${name.replace(/[^a-z]/g, '')}zq`

async function buildFixture(db: Db, users: Record<Exclude<Role, 'visitor'>, TestUser>, sync: () => Promise<number>): Promise<Fixture> {
  const { author, moderator, member, applicant, otherModerator } = users
  const circle = await createCommunityWith(db, { slug: 'circle', name: 'Open circle', moderators: [moderator], members: [author, member, otherModerator, applicant] })
  // Members-only communities do not exist for outsiders: even their name is theirs.
  const innerName = `Inner ${secret('members only community')}`
  const inner = await createCommunityWith(db, { slug: 'inner', name: innerName, visibility: 'members', joinPolicy: 'request', moderators: [moderator], members: [author] })
  if ((await joinCommunity(db, { id: inner.id, join_policy: 'request' }, applicant.id, 'May I join?')) !== 'requested') throw new Error('join request')
  await createCommunityWith(db, { slug: 'elsewhere', name: 'Elsewhere', moderators: [otherModerator], members: [member] })
  const themeId = await createThemeWith(db, 'care-homes', { en: 'Care homes' })

  const thread = async (communityId: number, name: string, forceReview = false) => {
    const word = secret(name)
    const result = await startThread(db, { communityId, authorId: author.id, title: `Thread ${word}`, bodyMd: `Body with ${word}.`, themeIds: [themeId], submissionKey: null, forceReview })
    return result.threadId!
  }
  const reply = async (threadId: number, name: string, forceReview = false) => {
    const result = await replyToThread(db, { threadId, parentId: null, authorId: author.id, bodyMd: `Reply with ${secret(name)}.`, submissionKey: null, mayReplyWhenLocked: true, forceReview })
    if (!result.ok) throw new Error(`could not reply: ${result.reason}`)
    return result.postId!
  }
  const hide = async (type: FlagTarget, id: number, reason: string) => {
    const target = await findTarget(db, type, id)
    if (!target || !(await setVisibility(db, { target, moderatorId: moderator.id, hide: true, reason }))) throw new Error(`could not hide ${type} ${id}`)
  }
  const resolve = async (type: FlagTarget, id: number, action: 'reject' | 'delete', reason: string) => {
    const item = await openItemOf(db, type, id)
    if (!item || (await resolveReviewItem(db, { itemId: item.id, moderatorId: moderator.id, action, reason })) !== 'resolved') throw new Error(`could not ${action} ${type} ${id}`)
  }
  const article = async (name: string, slug: string, steps: ('submit' | 'publish' | 'return' | 'archive')[], communityId = circle.id) => {
    const word = secret(name)
    const draft = await createDraft(db, {
      title: `Article ${word}`, slug, summary: `Summary with ${word}.`, kind: 'practice', language: 'en', body_md: `Body with ${word}.`,
      community_id: communityId, themeIds: [themeId], practice: noPractice, authorId: author.id,
    })
    if (!draft.ok) throw new Error(`could not write ${slug}`)
    for (const step of steps) if (!(await transitionArticle(db, draft.id, step, step === 'return' ? 'Not yet' : null))) throw new Error(`${step} ${slug}`)
    return draft.id
  }

  // Everything as it stands before the moderators act; the search index gets this state.
  const host = await thread(circle.id, 'host thread')
  const hiddenThread = await thread(circle.id, 'hidden thread')
  const pendingThread = await thread(circle.id, 'pending thread', true)
  const rejectedThread = await thread(circle.id, 'rejected thread', true)
  const deletedThread = await thread(circle.id, 'deleted thread')
  const innerThread = await thread(inner.id, 'members only thread')
  const replies = {
    hidden: await reply(host, 'hidden reply'),
    pending: await reply(host, 'pending reply', true),
    rejected: await reply(host, 'rejected reply', true),
    deleted: await reply(host, 'deleted reply'),
    inHidden: await reply(hiddenThread, 'reply in hidden thread'),
    inDeleted: await reply(deletedThread, 'reply in deleted thread'),
    inner: await reply(innerThread, 'members only reply'),
  }
  const commented = await article('commented article', 'commented-article', ['submit', 'publish'])
  const comment = async (name: string) => {
    const result = await addComment(db, { articleId: commented, authorId: author.id, parentId: null, bodyMd: `Comment with ${secret(name)}.` })
    if (!result.ok) throw new Error('could not comment')
    return result.id
  }
  const comments = { hidden: await comment('hidden comment'), removed: await comment('removed comment'), deleted: await comment('deleted comment') }
  const articles = {
    draft: await article('draft article', 'draft-article', []),
    inReview: await article('article in review', 'article-in-review', ['submit']),
    returned: await article('returned article', 'returned-article', ['submit', 'return']),
    hidden: await article('hidden article', 'hidden-article', ['submit', 'publish']),
    archived: await article('archived article', 'archived-article', ['submit', 'publish']),
    // Published articles are public, whichever community wrote them; a members-only one stays unnamed.
    published: await article('published article', 'published-article', ['submit', 'publish'], inner.id),
  }
  const meetingWord = secret('members only meeting')
  const startsAt = new Date(Date.now() + 7 * 24 * 3600_000)
  const meeting = await createMeeting(db, {
    communityId: inner.id, organiserId: moderator.id, themeIds: [themeId],
    data: { title: `Meeting ${meetingWord}`, topic: `Topic ${meetingWord}`, startsAt, endsAt: new Date(startsAt.getTime() + 3600_000), timeZone: 'Europe/Brussels', onlineUrl: null, agendaMd: `Agenda ${meetingWord}` },
  })
  const room = await addRoom(db, { meetingId: meeting, name: `Room ${meetingWord}`, language: 'en', facilitatorId: null, noteTakerId: null, actorId: moderator.id, communityId: inner.id })
  await updateRoomNotes(db, room, { worked: `Notes ${meetingWord}`, didNotWork: '', callToAction: '' })
  const actionItem = await addActionItem(db, { meetingId: meeting, text: `Action ${meetingWord}`, ownerId: null, dueOn: null })
  await sync()

  // The moderators and the author act; the search index is not told.
  await hide('thread', hiddenThread, 'Names a resident')
  await resolve('thread', rejectedThread, 'reject', 'Off topic')
  await deleteThread(db, { threadId: deletedThread, deletedBy: author.id })
  await hide('post', replies.hidden, 'Names a resident')
  await resolve('post', replies.rejected, 'reject', 'Off topic')
  await deletePost(db, { postId: replies.deleted, deletedBy: author.id })
  await hide('comment', comments.hidden, 'Names a resident')
  if ((await flagContent(db, { type: 'comment', id: comments.removed, reporterId: member.id, reason: 'spam', note: null })) !== 'flagged') throw new Error('flag')
  await resolve('comment', comments.removed, 'delete', 'Spam')
  if (!(await deleteComment(db, comments.deleted))) throw new Error('delete comment')
  await hide('article', articles.hidden, 'Copied from a paid course')
  if (!(await transitionArticle(db, articles.archived, 'archive', null))) throw new Error('archive')

  const item = (name: string, id: number, seenBy: readonly Role[], extra: Partial<Item> = {}): Item => ({ name, secret: secret(name), seenBy, id, ...extra })
  const fixture: Fixture = {
    thread: [
      item('hidden thread', hiddenThread, staffAndAuthor),
      item('pending thread', pendingThread, staffAndAuthor),
      item('rejected thread', rejectedThread, []),
      item('deleted thread', deletedThread, []),
      item('members only thread', innerThread, staffAndAuthor, { open: true }),
    ],
    reply: [
      item('hidden reply', replies.hidden, staffAndAuthor, { threadId: host, open: true }),
      item('pending reply', replies.pending, staffAndAuthor, { threadId: host, open: true }),
      item('rejected reply', replies.rejected, [], { threadId: host, open: true }),
      item('deleted reply', replies.deleted, [], { threadId: host, open: true }),
      item('reply in hidden thread', replies.inHidden, staffAndAuthor, { threadId: hiddenThread }),
      item('reply in deleted thread', replies.inDeleted, [], { threadId: deletedThread }),
      item('members only reply', replies.inner, staffAndAuthor, { threadId: innerThread, open: true }),
    ],
    comment: [
      item('hidden comment', comments.hidden, staffAndAuthor),
      item('removed comment', comments.removed, []),
      item('deleted comment', comments.deleted, []),
    ],
    // Drafts are their author's (and an admin's); reviewers see an article once it is submitted.
    article: [
      item('draft article', articles.draft, ['author', 'admin'], { slug: 'draft-article' }),
      item('article in review', articles.inReview, staffAndAuthor, { slug: 'article-in-review' }),
      item('returned article', articles.returned, ['author', 'admin'], { slug: 'returned-article' }),
      item('hidden article', articles.hidden, staffAndAuthor, { slug: 'hidden-article' }),
      item('archived article', articles.archived, staffAndAuthor, { slug: 'archived-article' }),
      item('published article', articles.published, roles, { slug: 'published-article' }),
    ],
    meeting: [item('members only meeting', meeting, staffAndAuthor, { room, actionItem })],
    // A community's own pages name its threads: the members-only thread for members, the host thread for everyone.
    community: [
      { ...item('members only thread', inner.id, staffAndAuthor), slug: 'inner' },
      { ...item('members only community', inner.id, staffAndAuthor), slug: 'inner' },
      { ...item('host thread', circle.id, roles), slug: 'circle' },
    ],
    theme: [{ ...item('host thread', themeId, roles), slug: 'care-homes' }],
    commentedSlug: 'commented-article',
    all: [],
  }
  fixture.all = [...fixture.thread, ...fixture.reply, ...fixture.comment, ...fixture.article, ...fixture.meeting, ...fixture.community]
  return fixture
}

/** GET with the client's cookies, following local redirects (not the login page) as a browser would; every hop kept. */
async function open(client: Client, url: string): Promise<Response[]> {
  const hops = [await client.get(url)]
  for (let last = hops[0]; last.status >= 300 && last.status < 400 && last.location?.startsWith('/') && !last.location.startsWith('/login') && hops.length < 4;) {
    last = await client.get(last.location)
    hops.push(last)
  }
  return hops
}

/** The search results alone: the page also repeats the words searched for. */
const hitsOf = (body: string) => /<ol class="search-hits[^"]*"[^>]*>([\s\S]*?)<\/ol>/.exec(body)?.[1] ?? ''

t.test('no page shows hidden, pending, rejected, deleted or members-only text to those who may not read it', async (t) => {
  const { app, db, sync } = await buildSearchApp(t)
  const users = {
    member: await createUser(db, { displayName: 'Rik Reader' }),
    applicant: await createUser(db, { displayName: 'Anna Applicant' }),
    otherModerator: await createUser(db, { displayName: 'Otto Elsewhere' }),
    author: await createUser(db, { displayName: 'Arno Author' }),
    moderator: await createUser(db, { displayName: 'Mona Moderator' }),
    admin: await createUser(db, { displayName: 'Ada Admin', siteRole: 'admin' }),
  }
  const fixture = await buildFixture(db, users, sync)
  const clients: Record<Role, Client> = { visitor: new Client(app) } as Record<Role, Client>
  for (const role of roles) if (role !== 'visitor') clients[role] = await loggedIn(app, users[role])

  t.test('the walk covers every GET route that takes an id, slug or token', async (t) => {
    const known = getRoutes(app)
    t.ok(known.includes('/posts/:id/history') && known.includes('/t/:id/:slug'), 'the route list is read from the app')
    const walked = new Set(routeCases.map((c) => c.route))
    const missing = known.filter((route) => /[:*]/.test(route) && !walked.has(route) && !(route in exempt))
    t.same(missing, [], 'each GET route with a parameter is in routeCases (or exempt, with the reason)')
    t.same([...walked, ...Object.keys(exempt)].filter((route) => !known.includes(route)), [], 'each walked route exists')
  })

  for (const role of roles) {
    t.test(`as ${role}`, async (t) => {
      const client = clients[role]
      const forbiddenWords = [...new Set(fixture.all.filter((i) => !i.seenBy.includes(role)).map((i) => i.secret))]
      const pages = new Map<string, Response[]>()
      const leaks: string[] = []
      const errors: string[] = []
      const visit = async (url: string) => {
        let hops = pages.get(url)
        if (!hops) {
          hops = await open(client, url)
          pages.set(url, hops)
          for (const hop of hops) if (hop.status >= 500) errors.push(`${url}: ${hop.status}`)
          for (const word of forbiddenWords) if (hops.some((hop) => hop.body.includes(word))) leaks.push(`${url} shows ${word}`)
        }
        return hops
      }

      const unread: string[] = []
      for (const routeCase of routeCases) {
        for (const item of fixture[routeCase.kind]) {
          const url = routeCase.url(item, fixture)
          const hops = await visit(url)
          if (item.seenBy.includes(role) && routeCase.reads?.(role, item)) {
            const last = hops[hops.length - 1]
            if (last.status !== 200 || !last.body.includes(item.secret)) unread.push(`${url} (${routeCase.route}): ${last.status}, without the ${item.name}`)
          }
        }
      }
      for (const url of listPages) await visit(url)

      // Search, from an index that still holds what was hidden, rejected, deleted and archived since.
      const found: string[] = []
      for (const item of fixture.all) {
        const page = await client.get(q(item.secret))
        if (page.status >= 500) errors.push(`search ${item.secret}: ${page.status}`)
        const hits = hitsOf(page.body)
        for (const word of forbiddenWords) if (hits.includes(word)) leaks.push(`search for ${item.secret} shows ${word}`)
        if (hits.includes(item.secret)) found.push(item.name)
      }

      t.same(errors, [], 'no page fails')
      t.same(leaks, [], 'no page shows text this role may not read')
      t.same(unread, [], 'this role reads what is theirs to read')
      // Found from Meilisearch: what stayed visible, and for members what their members-only community holds.
      const expected = ['host thread', 'published article', ...(staffAndAuthor.includes(role) ? ['members only thread', 'members only reply'] : [])]
      t.same(expected.filter((name) => !found.includes(name)), [], 'search finds what stayed visible to this role')
    })
  }

  t.test('the author is told why where they read their hidden text', async (t) => {
    const author = clients.author
    const [hiddenReply] = fixture.reply
    const [hiddenThread, pendingThread] = fixture.thread
    t.match((await author.get(`/posts/${hiddenReply.id}/history`)).body, 'This reply is hidden from others by a moderator. Reason: Names a resident')
    t.match((await author.get(`/t/${hiddenThread.id}/history`)).body, 'This thread is hidden from others by a moderator. Reason: Names a resident')
    t.match((await author.get(`/t/${pendingThread.id}/history`)).body, 'Only you and the moderators see this thread until a moderator approves it.')
    t.match((await author.get('/library/hidden-article')).body, 'This article is hidden from readers by a moderator. Reason: Copied from a paid course')
  })
})
