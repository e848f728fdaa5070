// Hidden means hidden on every page: every GET route that takes the id of a thread, reply, comment, article, meeting or
// community is walked with hidden, pending, rejected and deleted items (and members-only ones) by a visitor, a member,
// a member who asked to join the members-only community, a moderator of another community, the author, the community's
// moderator and an admin. Text a role may not read never appears on any page it opens; the author and the right
// moderators still read it where the thread page would show it.
// The search index is synced before the moderators act and not after, so search answers from a stale index.
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { joinCommunity } from '../../src/communities/commands.js'
import type { Db } from '../../src/db/connect.js'
import type { FlagTarget } from '../../src/db/database.js'
import { deletePost, deleteThread, replyToThread, startThread } from '../../src/discussions/commands.js'
import { addComment, createDraft, deleteComment, transitionArticle } from '../../src/library/commands.js'
import { addActionItem, addRoom, createMeeting, updateRoomNotes } from '../../src/meetings/commands.js'
import { flagContent, resolveReviewItem, setVisibility } from '../../src/moderation/commands.js'
import { findTarget } from '../../src/moderation/targets.js'
import { notify, type NotificationInput } from '../../src/notifications/notify.js'
import { Client, type Response } from '../helpers/client.js'
import { createCommunityWith, createThemeWith, createUser, type TestUser } from '../helpers/factories.js'
import { loggedIn, openItemOf } from '../helpers/moderation.js'
import { buildSearchApp, q } from '../search/helpers.js'

const roles = ['visitor', 'member', 'applicant', 'otherModerator', 'author', 'moderator', 'admin'] as const
type Role = (typeof roles)[number]
/** Who reads pending and hidden content (and the members-only community): its author, its moderator, an admin. */
const staffAndAuthor: Role[] = ['author', 'moderator', 'admin']

interface Item {
  name: string
  /** A word that is in this item's text and nowhere else. */
  secret: string
  seenBy: readonly Role[]
  /** Values for the route's parameters (`:id`, `:slug`, `:room`, `:item`). */
  params: Record<string, string | number>
  /** The thread a reply is in. */
  threadId?: number
  /** Whether the thread is itself visible, so its reply form opens. */
  open?: boolean
}

const kinds = ['thread', 'reply', 'comment', 'article', 'meeting', 'community', 'theme'] as const
type Kind = (typeof kinds)[number]
type Fixture = Record<Kind, Item[]>

interface RouteCase {
  /** The route as registered; the guard below compares these with the app's own routes. */
  route: string
  kind: Kind
  /** The URL when it is not the route with the item's parameters filled in. */
  url?: (item: Item) => string
  /** Where the item's own text must appear for those who may read it; elsewhere only its absence is checked. */
  reads?: (role: Role, item: Item) => boolean
}

const everySeer = () => true
const planners = (role: Role) => role === 'moderator' || role === 'admin'
// An archived article is changed by its reviewers only; its author still reads it.
const articleEditors = (role: Role, item: Item) =>
  planners(role) || (role === 'author' && item.name !== 'archived article')
const openThread = (_role: Role, item: Item) => item.open === true
const translatable = (role: Role, item: Item) =>
  item.name === 'hidden article' || (item.name === 'published article' && role !== 'visitor')
const commented = '/library/commented-article'

// Each way a page can reach an item's text. A new GET route with an id-like parameter gets a line here.
const routeCases: RouteCase[] = [
  { route: '/t/:id', kind: 'thread', reads: everySeer },
  { route: '/t/:id/:slug', kind: 'thread', url: (i) => `/t/${i.params.id}/some-slug`, reads: everySeer },
  { route: '/t/:id/history', kind: 'thread', reads: everySeer },
  { route: '/t/:id/edit', kind: 'thread', reads: everySeer },
  { route: '/t/:id/reply', kind: 'thread', reads: openThread },
  { route: '/t/:id/to-library', kind: 'thread', reads: planners },

  { route: '/t/:id', kind: 'reply', url: (i) => `/t/${i.threadId}`, reads: everySeer },
  { route: '/t/:id', kind: 'reply', url: (i) => `/t/${i.threadId}?at=${i.params.id}`, reads: everySeer },
  { route: '/posts/:id', kind: 'reply', reads: everySeer },
  { route: '/posts/:id/history', kind: 'reply', reads: everySeer },
  { route: '/posts/:id/edit', kind: 'reply', reads: everySeer },
  { route: '/t/:id/reply', kind: 'reply', url: (i) => `/t/${i.threadId}/reply?to=${i.params.id}`, reads: openThread },
  { route: '/t/:id/history', kind: 'reply', url: (i) => `/t/${i.threadId}/history` },
  { route: '/t/:id/to-library', kind: 'reply', url: (i) => `/t/${i.threadId}/to-library` },

  { route: '/library/:slug', kind: 'comment', url: () => commented, reads: everySeer },
  { route: '/library/:slug/print', kind: 'comment', url: () => `${commented}/print` },
  { route: '/library/comments/:id/edit', kind: 'comment', reads: everySeer },

  { route: '/library/:slug', kind: 'article', reads: everySeer },
  { route: '/library/:slug/print', kind: 'article', reads: everySeer },
  { route: '/library/:slug/edit', kind: 'article', reads: articleEditors },
  { route: '/library/:slug/history', kind: 'article', reads: articleEditors },
  {
    route: '/library/:slug/diff',
    kind: 'article',
    url: (i) => `/library/${i.params.slug}/diff?from=1&to=1`,
    reads: articleEditors,
  },
  {
    route: '/library/:slug/translate',
    kind: 'article',
    url: (i) => `/library/${i.params.slug}/translate?language=nl`,
    reads: translatable,
  },

  { route: '/meetings/:id', kind: 'meeting', reads: everySeer },
  { route: '/meetings/:id', kind: 'meeting', url: (i) => `/meetings/${i.params.id}.ics`, reads: everySeer },
  { route: '/meetings/:id/edit', kind: 'meeting', reads: planners },
  { route: '/meetings/:id/plan', kind: 'meeting', reads: planners },
  { route: '/meetings/:id/rooms/:room/notes', kind: 'meeting', reads: planners },
  { route: '/meetings/:id/rooms/:room/edit', kind: 'meeting', reads: planners },
  { route: '/meetings/:id/items/:item/edit', kind: 'meeting', reads: planners },

  { route: '/c/:slug', kind: 'community', reads: everySeer },
  { route: '/c/:slug/members', kind: 'community' },
  { route: '/c/:slug/new', kind: 'community' },
  { route: '/c/:slug/invites', kind: 'community' },
  { route: '/c/:slug/edit', kind: 'community' },
  { route: '/c/:slug/meetings', kind: 'community' },
  { route: '/c/:slug/meetings.ics', kind: 'community' },
  { route: '/c/:slug/meetings/new', kind: 'community' },
  { route: '/feeds/c/:slug.atom', kind: 'community' },
  { route: '/feeds/c/:slug/threads.atom', kind: 'community' },
  {
    route: '/c/:slug/mention-suggestions',
    kind: 'community',
    url: (i) => `/c/${i.params.slug}/mention-suggestions?q=a`,
  },

  { route: '/c/:slug/anonymous', kind: 'community' },
  { route: '/c/:slug/similar', kind: 'community', url: (i) => `/c/${i.params.slug}/similar?title=thread` },
  { route: '/t/:id/guests', kind: 'thread' },
  { route: '/meetings/:id/guests', kind: 'meeting' },
  { route: '/library/:slug/pending', kind: 'article' },
  { route: '/library/:slug/redaction', kind: 'article' },

  { route: '/themes/:slug', kind: 'theme' },
  { route: '/feeds/themes/:slug.atom', kind: 'theme' },
]

/** GET routes with a parameter that hold no content of their own, and why. */
const exempt: Record<string, string> = {
  '/invite/:token': 'an invitation names its community to whoever holds the link, and shows no thread or article',
  '/settings/notifications/:token': "a member's email choices from the signed link in an email; shows no content",
  '/unsubscribe/:token': 'asks to stop one category of email, from the signed link in an email; shows no content',
  '/*': 'the files in static/ (the wildcard route of @fastify/static)',
  '/u/:id': "a member's profile: walked below with the author's id, for its recent threads, replies and articles",
  '/u/:id/picture': "a member's uploaded picture: an image, no text",
  '/dev/mail/:id': 'development only, for requests from this machine: the mail Kring would have sent (no SMTP_URL)',
  '/dev/mail/:id/html': 'development only: the HTML part of a kept message',
  '/dev/mail/:id/raw': 'development only: a kept message as it would have been sent',
  '/verify/:token': 'the confirm button of a verification link: no content, only the account mail form',
  '/password/reset/:token': 'the new-password form of a reset link: no content',
  '/settings/email/confirm/:token':
    'the confirm button of an email change link: shows only the new address, to its owner',
  '/subscriptions/:token': "an email subscriber's own subscriptions (names of public themes and communities only)",
  '/subscriptions/:token/confirm': 'a button that confirms an email subscription; shows no content',
  '/subscriptions/:token/unsubscribe': 'a button that stops an email subscription; shows no content',
  '/settings/data/export/:id': "a member's own data export, a zip for its owner only (404 for anyone else)",
  '/messages/:id':
    'a private conversation, for its participants only, moderators included (test/conversations/conversations.test.ts)',
  '/guest/:token': 'the accept form of a guest invitation: names its thread or meeting to whoever holds the link',
}

/** Pages without an id that list or index content. */
const listPages = [
  '/',
  '/communities',
  '/themes',
  '/library',
  '/library?community=inner',
  '/library/mine',
  '/library/review',
  '/meetings',
  '/feeds/library.atom',
  '/sitemap.xml',
  '/mod',
  '/mod/log',
  '/notifications',
]

/** The route with the item's values in place of its parameters. */
function urlOf(routeCase: RouteCase, item: Item): string {
  if (routeCase.url) return routeCase.url(item)
  return routeCase.route.replace(/:([a-z]+)/g, (_, name: string) => {
    if (!(name in item.params)) throw new Error(`${item.name} has no value for :${name} of ${routeCase.route}`)
    return String(item.params[name])
  })
}

/** The GET routes Fastify knows, rebuilt from printRoutes' tree (each level indents by four characters). */
function getRoutes(app: FastifyInstance): string[] {
  const stack: string[] = []
  const routes: string[] = []
  for (const line of app.printRoutes({ method: 'GET', commonPrefix: false }).split('\n')) {
    const match = /^((?:[│ ] {3})*)[├└]── (\S+)(?: \(([^)]*)\))?/.exec(line)
    if (!match) continue
    stack.length = match[1].length / 4
    stack.push(match[2])
    if (match[3]?.split(', ').includes('GET')) routes.push(stack.join(''))
  }
  return routes
}

const secret = (name: string) => `zq${name.replace(/[^a-z]/g, '')}zq`
const noPractice = {
  practice_context: null,
  practice_target_group: null,
  practice_country: null,
  practice_what_worked: null,
  practice_what_did_not: null,
  practice_contact: null,
}

type Users = Record<Exclude<Role, 'visitor'>, TestUser>

async function buildFixture(db: Db, users: Users, sync: () => Promise<number>): Promise<Fixture> {
  const { author, moderator, member, applicant, otherModerator } = users
  const must = (ok: boolean, what: string) => {
    if (!ok) throw new Error(`could not ${what}`)
  }
  const circle = await createCommunityWith(db, {
    slug: 'circle',
    name: 'Open circle',
    moderators: [moderator],
    members: [author, member, otherModerator, applicant],
  })
  // Members-only communities do not exist for outsiders: even their name is for members only.
  const inner = await createCommunityWith(db, {
    slug: 'inner',
    name: `Inner ${secret('members only community')}`,
    visibility: 'members',
    joinPolicy: 'request',
    moderators: [moderator],
    members: [author],
  })
  const asked = await joinCommunity(db, { id: inner.id, join_policy: 'request' }, applicant.id, 'May I join?')
  must(asked === 'requested', 'ask to join')
  await createCommunityWith(db, {
    slug: 'elsewhere',
    name: 'Elsewhere',
    moderators: [otherModerator],
    members: [member],
  })
  const themeId = await createThemeWith(db, 'care-homes', { en: 'Care homes' })

  const thread = async (communityId: number, name: string, forceReview = false) => {
    const word = secret(name)
    const result = await startThread(db, {
      communityId,
      authorId: author.id,
      title: `Thread ${word}`,
      bodyMd: `Body with ${word}.`,
      themeIds: [themeId],
      submissionKey: null,
      forceReview,
    })
    return result.threadId!
  }
  const reply = async (threadId: number, name: string, forceReview = false) => {
    const result = await replyToThread(db, {
      threadId,
      parentId: null,
      authorId: author.id,
      bodyMd: `Reply with ${secret(name)}.`,
      submissionKey: null,
      forceReview,
    })
    must(result.ok, `reply (${name})`)
    return result.postId!
  }
  const hide = async (type: FlagTarget, id: number, reason: string) => {
    const target = await findTarget(db, type, id)
    const hidden =
      target !== null && (await setVisibility(db, { target, moderatorId: moderator.id, hide: true, reason }))
    must(hidden, `hide ${type} ${id}`)
  }
  const resolve = async (type: FlagTarget, id: number, action: 'reject' | 'delete', reason: string) => {
    const item = await openItemOf(db, type, id)
    const result = item && (await resolveReviewItem(db, { itemId: item.id, moderatorId: moderator.id, action, reason }))
    must(result === 'resolved', `${action} ${type} ${id}`)
  }
  type Step = 'submit' | 'publish' | 'return'
  const article = async (name: string, slug: string, steps: Step[], communityId = circle.id) => {
    const word = secret(name)
    const draft = await createDraft(db, {
      title: `Article ${word}`,
      slug,
      summary: `Summary with ${word}.`,
      kind: 'practice',
      language: 'en',
      body_md: `Body with ${word}.`,
      community_id: communityId,
      themeIds: [themeId],
      practice: noPractice,
      authorId: author.id,
    })
    if (!draft.ok) throw new Error(`could not write ${slug}`)
    for (const step of steps) {
      must(await transitionArticle(db, draft.id, step, step === 'return' ? 'Not yet' : null), `${step} ${slug}`)
    }
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
  const commentedId = await article('commented article', 'commented-article', ['submit', 'publish'])
  const comment = async (name: string) => {
    const bodyMd = `Comment with ${secret(name)}.`
    const result = await addComment(db, { articleId: commentedId, authorId: author.id, parentId: null, bodyMd })
    if (!result.ok) throw new Error('could not comment')
    return result.id
  }
  const comments = {
    hidden: await comment('hidden comment'),
    removed: await comment('removed comment'),
    deleted: await comment('deleted comment'),
  }
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
    communityId: inner.id,
    organiserId: moderator.id,
    themeIds: [themeId],
    data: {
      title: `Meeting ${meetingWord}`,
      topic: `Topic ${meetingWord}`,
      startsAt,
      endsAt: new Date(startsAt.getTime() + 3600_000),
      timeZone: 'Europe/Brussels',
      onlineUrl: null,
      agendaMd: `Agenda ${meetingWord}`,
    },
  })
  const room = await addRoom(db, {
    meetingId: meeting,
    name: `Room ${meetingWord}`,
    language: 'en',
    facilitatorId: null,
    noteTakerId: null,
    actorId: moderator.id,
    communityId: inner.id,
  })
  await updateRoomNotes(db, room, { worked: `Notes ${meetingWord}`, didNotWork: '', callToAction: '' }, 1)
  const text = `Action ${meetingWord}`
  const actionItem = await addActionItem(db, { meetingId: meeting, text, ownerId: null, dueOn: null })
  await sync()

  // The moderators and the author act; the search index is not told.
  await hide('thread', hiddenThread, 'Names a resident')
  await resolve('thread', rejectedThread, 'reject', 'Off topic')
  must(await deleteThread(db, { threadId: deletedThread, deletedBy: author.id }), 'delete a thread')
  await hide('post', replies.hidden, 'Names a resident')
  await resolve('post', replies.rejected, 'reject', 'Off topic')
  must(await deletePost(db, { postId: replies.deleted, deletedBy: author.id }), 'delete a reply')
  await hide('comment', comments.hidden, 'Names a resident')
  const flagged = await flagContent(db, {
    type: 'comment',
    id: comments.removed,
    reporterId: member.id,
    reason: 'spam',
    note: null,
  })
  must(flagged === 'flagged', 'flag a comment')
  await resolve('comment', comments.removed, 'delete', 'Spam')
  must(await deleteComment(db, comments.deleted), 'delete a comment')
  await hide('article', articles.hidden, 'Copied from a paid course')
  must(await transitionArticle(db, articles.archived, 'archive', null), 'archive')

  const item = (name: string, seenBy: readonly Role[], params: Item['params'], extra: Partial<Item> = {}): Item => ({
    name,
    secret: secret(name),
    seenBy,
    params,
    ...extra,
  })
  const inHost = { threadId: host, open: true }
  return {
    thread: [
      item('hidden thread', staffAndAuthor, { id: hiddenThread }),
      item('pending thread', staffAndAuthor, { id: pendingThread }),
      item('rejected thread', [], { id: rejectedThread }),
      item('deleted thread', [], { id: deletedThread }),
      item('members only thread', staffAndAuthor, { id: innerThread }, { open: true }),
    ],
    reply: [
      item('hidden reply', staffAndAuthor, { id: replies.hidden }, inHost),
      item('pending reply', staffAndAuthor, { id: replies.pending }, inHost),
      item('rejected reply', [], { id: replies.rejected }, inHost),
      item('deleted reply', [], { id: replies.deleted }, inHost),
      item('reply in hidden thread', staffAndAuthor, { id: replies.inHidden }, { threadId: hiddenThread }),
      item('reply in deleted thread', [], { id: replies.inDeleted }, { threadId: deletedThread }),
      item('members only reply', staffAndAuthor, { id: replies.inner }, { threadId: innerThread, open: true }),
    ],
    comment: [
      item('hidden comment', staffAndAuthor, { id: comments.hidden }),
      item('removed comment', [], { id: comments.removed }),
      item('deleted comment', [], { id: comments.deleted }),
    ],
    // Drafts are their author's (and an admin's); reviewers see an article once it is submitted.
    article: [
      item('draft article', ['author', 'admin'], { slug: 'draft-article' }),
      item('article in review', staffAndAuthor, { slug: 'article-in-review' }),
      item('returned article', ['author', 'admin'], { slug: 'returned-article' }),
      item('hidden article', staffAndAuthor, { slug: 'hidden-article' }),
      item('archived article', staffAndAuthor, { slug: 'archived-article' }),
      item('published article', roles, { slug: 'published-article' }),
    ],
    meeting: [item('members only meeting', staffAndAuthor, { id: meeting, room, item: actionItem })],
    // A community's own pages name it and its threads: the members-only ones for members, the host thread for all.
    community: [
      item('members only community', staffAndAuthor, { slug: 'inner' }),
      item('members only thread', staffAndAuthor, { slug: 'inner' }),
      item('host thread', roles, { slug: 'circle' }),
    ],
    theme: [item('host thread', roles, { slug: 'care-homes' })],
  }
}

/**
 * A notification about each item for each member, as if each had been told of it before it was hidden, so that
 * /notifications (and its bell) must leave out what each may no longer read.
 */
async function notifyEveryoneOfEverything(app: FastifyInstance, db: Db, users: Users, fixture: Fixture) {
  const subjects = { thread: 'thread', reply: 'post', comment: 'comment', article: 'article' } as const
  const inputs: NotificationInput[] = []
  for (const [kind, type] of Object.entries(subjects) as [
    keyof typeof subjects,
    (typeof subjects)[keyof typeof subjects],
  ][]) {
    for (const item of fixture[kind]) {
      const id =
        type === 'article'
          ? (
              await db
                .selectFrom('articles')
                .select('id')
                .where('slug', '=', String(item.params.slug))
                .executeTakeFirstOrThrow()
            ).id
          : Number(item.params.id)
      for (const user of Object.values(users))
        inputs.push({
          userId: user.id,
          kind: 'watched_post',
          groupKey: `walk:${type}:${id}`,
          url: '/',
          subject: { type, id },
          data: { actor: 'Someone', title: item.secret },
        })
    }
  }
  await db.transaction().execute((trx) => notify(trx, app.config, inputs))
}

/** GET with the client's cookies, following local redirects (not to the login page) as a browser does; all hops kept. */
async function open(client: Client, url: string): Promise<Response[]> {
  const hops = [await client.get(url)]
  const followed = (r: Response) =>
    r.status >= 300 && r.status < 400 && r.location?.startsWith('/') && !r.location.startsWith('/login')
  while (followed(hops[hops.length - 1]) && hops.length < 4)
    hops.push(await client.get(hops[hops.length - 1].location!))
  return hops
}

/** The search results alone: the page also repeats the words searched for. */
const hitsOf = (body: string) => /<ol class="search-hits[^"]*"[^>]*>([\s\S]*?)<\/ol>/.exec(body)?.[1] ?? ''

t.test(
  'no page shows hidden, pending, rejected, deleted or members-only text to those who may not read it',
  async (t) => {
    const { app, db, sync } = await buildSearchApp(t)
    const users: Users = {
      member: await createUser(db, { displayName: 'Rik Reader' }),
      applicant: await createUser(db, { displayName: 'Anna Applicant' }),
      otherModerator: await createUser(db, { displayName: 'Otto Elsewhere' }),
      author: await createUser(db, { displayName: 'Arno Author' }),
      moderator: await createUser(db, { displayName: 'Mona Moderator' }),
      admin: await createUser(db, { displayName: 'Ada Admin', siteRole: 'admin' }),
    }
    const fixture = await buildFixture(db, users, sync)
    await notifyEveryoneOfEverything(app, db, users, fixture)
    const everything = kinds.flatMap((kind) => fixture[kind])
    const clients = { visitor: new Client(app) } as Record<Role, Client>
    for (const role of roles) if (role !== 'visitor') clients[role] = await loggedIn(app, users[role])

    t.test('the walk covers every GET route that takes an id, slug or token', async (t) => {
      const known = getRoutes(app)
      t.ok(
        known.includes('/posts/:id/history') && known.includes('/t/:id/:slug'),
        'the route list is read from the app',
      )
      const walked = new Set(routeCases.map((c) => c.route))
      const missing = known.filter((route) => /[:*]/.test(route) && !walked.has(route) && !(route in exempt))
      t.same(missing, [], 'each GET route with a parameter is in routeCases (or exempt, with the reason)')
      t.same(
        [...walked, ...Object.keys(exempt)].filter((route) => !known.includes(route)),
        [],
        'each walked route exists',
      )
    })

    for (const role of roles) {
      t.test(`as ${role}`, async (t) => {
        const client = clients[role]
        const unreadable = [...new Set(everything.filter((i) => !i.seenBy.includes(role)).map((i) => i.secret))]
        const pages = new Map<string, Response[]>()
        const leaks: string[] = []
        const errors: string[] = []
        const visit = async (url: string) => {
          const kept = pages.get(url)
          if (kept) return kept
          const hops = await open(client, url)
          pages.set(url, hops)
          for (const hop of hops) if (hop.status >= 500) errors.push(`${url}: ${hop.status}`)
          // The log names what the moderators acted on by its title, for the moderators (issue 13): staff may read it.
          const staffLog = url === '/mod/log' && planners(role)
          for (const word of unreadable)
            if (!staffLog && hops.some((hop) => hop.body.includes(word))) leaks.push(`${url} shows ${word}`)
          return hops
        }

        const unread: string[] = []
        for (const routeCase of routeCases) {
          for (const item of fixture[routeCase.kind]) {
            const url = urlOf(routeCase, item)
            const hops = await visit(url)
            if (!item.seenBy.includes(role) || !routeCase.reads?.(role, item)) continue
            const last = hops[hops.length - 1]
            if (last.status !== 200 || !last.body.includes(item.secret)) {
              unread.push(`${url} (${routeCase.route}): ${last.status}, no ${item.name}`)
            }
          }
        }
        for (const url of listPages) await visit(url)
        // The author's profile lists their recent threads, replies and articles, and the directory lists members.
        for (const url of [`/u/${users.author.id}`, '/members']) await visit(url)

        // Search, from an index that still holds what was hidden, rejected, deleted and archived since.
        const found = new Set<string>()
        for (const item of everything) {
          const page = await client.get(q(item.secret))
          if (page.status >= 500) errors.push(`search for ${item.secret}: ${page.status}`)
          const hits = hitsOf(page.body)
          for (const word of unreadable) if (hits.includes(word)) leaks.push(`search for ${item.secret} shows ${word}`)
          if (hits.includes(item.secret)) found.add(item.name)
        }

        t.same(errors, [], 'no page fails')
        t.same(leaks, [], 'no page shows text this role may not read')
        t.same(unread, [], 'this role reads what is theirs to read')
        // Found from Meilisearch: what stayed visible, and for its members what the members-only community holds.
        const members = staffAndAuthor.includes(role) ? ['members only thread', 'members only reply'] : []
        const expected = ['host thread', 'published article', ...members]
        t.same(
          expected.filter((name) => !found.has(name)),
          [],
          'search finds what stayed visible to this role',
        )
      })
    }

    t.test('the author is told why where they read their hidden text', async (t) => {
      const author = clients.author
      const [hiddenReply] = fixture.reply
      const [hiddenThread, pendingThread] = fixture.thread
      const hiddenBecause = 'hidden from others by a moderator. Reason: Names a resident'
      t.match((await author.get(`/posts/${hiddenReply.params.id}/history`)).body, `This reply is ${hiddenBecause}`)
      t.match((await author.get(`/t/${hiddenThread.params.id}/history`)).body, `This thread is ${hiddenBecause}`)
      const pending = 'Only you and the moderators see this thread until'
      t.match((await author.get(`/t/${pendingThread.params.id}/history`)).body, pending)
      const article = await author.get('/library/hidden-article')
      t.match(article.body, 'hidden from readers by a moderator. Reason: Copied from a paid course')
    })
  },
)
