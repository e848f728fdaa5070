// The permission matrix of moderation: every staff action × member, moderator of this community, moderator of
// another community, admin. Refused attempts answer 403 with a clear message, change nothing and are logged.
import t from 'tap'
import { addMember } from '../../src/communities/commands.js'
import { flagContent, setVisibility } from '../../src/moderation/commands.js'
import { findTarget } from '../../src/moderation/targets.js'
import { buildTestApp } from '../helpers/app.js'
import { Client } from '../helpers/client.js'
import { createCommunityWith, createThreadIn, createUser, replyIn, type TestUser } from '../helpers/factories.js'
import { loggedIn, logRows, notAllowed, openItemOf } from '../helpers/moderation.js'

type Role = 'member' | 'moderator' | 'other moderator' | 'admin'
const roles: Role[] = ['member', 'moderator', 'other moderator', 'admin']

interface Attempt {
  url: string
  fields?: Record<string, string>
  /** The state the action changes, read straight from the database. */
  read(): Promise<unknown>
  /** That state once the action was done. */
  done: unknown
}

interface ActionCase {
  name: string
  /** The action the log names, for a refused attempt. */
  logAction: string
  allowed: Role[]
  prepare(): Promise<Attempt>
}

t.test('moderation permission matrix', async (t) => {
  const { app, db } = await buildTestApp(t)
  const people: Record<Role, TestUser> = {
    member: await createUser(db, { displayName: 'Plain Member' }),
    moderator: await createUser(db, { displayName: 'Home Moderator' }),
    'other moderator': await createUser(db, { displayName: 'Elsewhere Moderator' }),
    admin: await createUser(db, { displayName: 'Site Admin', siteRole: 'admin' }),
  }
  const author = await createUser(db, { displayName: 'Content Author' })
  const flagger = await createUser(db, { displayName: 'Flagging Member' })
  const home = await createCommunityWith(db, {
    slug: 'home-community',
    moderators: [people.moderator],
    members: [people.member, author, flagger],
  })
  const other = await createCommunityWith(db, {
    slug: 'other-community',
    moderators: [people['other moderator']],
    members: [author],
  })
  const clients = new Map<Role, Client>()
  for (const role of roles) clients.set(role, await loggedIn(app, people[role]))

  const newThread = () => createThreadIn(db, home.id, author, { title: 'A thread to moderate' })
  const threadState = (id: number) => async () =>
    db
      .selectFrom('threads')
      .select(['locked', 'pinned', 'community_id', 'status'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
  const postStatus = (id: number) => async () =>
    (await db.selectFrom('posts').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status
  let wordCounter = 0

  const cases: ActionCase[] = [
    {
      name: 'resolve a review item',
      logAction: 'resolve',
      allowed: ['moderator', 'admin'],
      async prepare() {
        const postId = await replyIn(db, await newThread(), author, null, 'Flagged once, waiting for a decision')
        await flagContent(db, { type: 'post', id: postId, reporterId: flagger.id, reason: 'spam', note: null })
        const item = (await openItemOf(db, 'post', postId))!
        const read = async () =>
          (await db.selectFrom('review_items').select('status').where('id', '=', item.id).executeTakeFirstOrThrow())
            .status
        return { url: `/mod/items/${item.id}`, fields: { action: 'keep' }, read, done: 'ignored' }
      },
    },
    {
      name: 'hide a reply',
      logAction: 'hide',
      allowed: ['moderator', 'admin'],
      async prepare() {
        const postId = await replyIn(db, await newThread(), author)
        return {
          url: `/mod/content/post/${postId}/hide`,
          fields: { reason: 'Not for this community' },
          read: postStatus(postId),
          done: 'hidden',
        }
      },
    },
    {
      name: 'restore a reply',
      logAction: 'restore',
      allowed: ['moderator', 'admin'],
      async prepare() {
        const postId = await replyIn(db, await newThread(), author)
        await setVisibility(db, {
          target: (await findTarget(db, 'post', postId))!,
          moderatorId: people.admin.id,
          hide: true,
          reason: 'Hidden for the test',
        })
        return { url: `/mod/content/post/${postId}/restore`, read: postStatus(postId), done: 'visible' }
      },
    },
    ...(['lock', 'unlock', 'pin', 'unpin'] as const).map((action): ActionCase => ({
      name: `${action} a thread`,
      logAction: action,
      allowed: ['moderator', 'admin'],
      async prepare() {
        const id = await newThread()
        if (action === 'unlock') await db.updateTable('threads').set({ locked: true }).where('id', '=', id).execute()
        if (action === 'unpin') await db.updateTable('threads').set({ pinned: true }).where('id', '=', id).execute()
        const before = await threadState(id)()
        const done =
          action === 'lock' || action === 'unlock'
            ? { ...before, locked: action === 'lock' }
            : { ...before, pinned: action === 'pin' }
        return { url: `/mod/thread/${id}/${action}`, read: threadState(id), done }
      },
    })),
    {
      // Moving acts in both communities: only someone who moderates both (here the admin) may do it.
      name: 'move a thread to another community',
      logAction: 'move',
      allowed: ['admin'],
      async prepare() {
        const id = await newThread()
        const read = async () => (await threadState(id)()).community_id
        return { url: `/mod/thread/${id}/move`, fields: { community: other.slug }, read, done: other.id }
      },
    },
    {
      name: 'remove a member from the community',
      logAction: 'remove_member',
      allowed: ['moderator', 'admin'],
      async prepare() {
        const victim = await createUser(db)
        await addMember(db, home.id, victim.id)
        const read = async () =>
          (
            await db
              .selectFrom('community_members')
              .select('status')
              .where('community_id', '=', home.id)
              .where('user_id', '=', victim.id)
              .executeTakeFirst()
          )?.status ?? 'none'
        return {
          url: `/c/${home.slug}/members/${victim.id}/remove`,
          fields: { reason: 'Repeated spam' },
          read,
          done: 'none',
        }
      },
    },
    {
      name: 'suspend a member',
      logAction: 'suspend',
      allowed: ['admin'],
      async prepare() {
        const victim = await createUser(db)
        const read = async () =>
          (await db.selectFrom('users').select('status').where('id', '=', victim.id).executeTakeFirstOrThrow()).status
        return {
          url: `/admin/users/${victim.id}/suspend`,
          fields: { reason: 'Harassment', until: '' },
          read,
          done: 'suspended',
        }
      },
    },
    {
      name: 'lift a suspension',
      logAction: 'unsuspend',
      allowed: ['admin'],
      async prepare() {
        const victim = await createUser(db)
        await db
          .updateTable('users')
          .set({ status: 'suspended', suspension_reason: 'Earlier trouble' })
          .where('id', '=', victim.id)
          .execute()
        const read = async () =>
          (await db.selectFrom('users').select('status').where('id', '=', victim.id).executeTakeFirstOrThrow()).status
        return { url: `/admin/users/${victim.id}/unsuspend`, read, done: 'active' }
      },
    },
    {
      name: 'add a watched word',
      logAction: 'watched_word_add',
      allowed: ['admin'],
      async prepare() {
        const phrase = `forbiddenword${++wordCounter}`
        const read = async () =>
          (await db.selectFrom('watched_words').select('action').where('phrase', '=', phrase).executeTakeFirst())
            ?.action ?? 'none'
        return { url: '/admin/watched-words', fields: { phrase, action: 'block' }, read, done: 'block' }
      },
    },
    {
      name: 'remove a watched word',
      logAction: 'watched_word_remove',
      allowed: ['admin'],
      async prepare() {
        const phrase = `listedword${++wordCounter}`
        const row = await db
          .insertInto('watched_words')
          .values({ phrase, action: 'queue', created_by: people.admin.id })
          .returning('id')
          .executeTakeFirstOrThrow()
        const read = async () =>
          (await db.selectFrom('watched_words').select('action').where('id', '=', row.id).executeTakeFirst())?.action ??
          'none'
        return { url: `/admin/watched-words/${row.id}/delete`, read, done: 'none' }
      },
    },
  ]

  for (const action of cases) {
    t.test(action.name, async (t) => {
      for (const role of roles) {
        const attempt = await action.prepare()
        const before = await attempt.read()
        t.notSame(before, attempt.done, `${role}: the state is not already the outcome`)
        const refusedBefore = (await logRows(db, { actorId: people[role].id, action: action.logAction, refused: true }))
          .length
        const response = await clients.get(role)!.post(attempt.url, attempt.fields ?? {})
        const refusedAfter = await logRows(db, { actorId: people[role].id, action: action.logAction, refused: true })
        if (action.allowed.includes(role)) {
          t.equal(response.status, 303, `${role} may ${action.name}`)
          t.same(await attempt.read(), attempt.done, `${role}: done`)
          t.equal(refusedAfter.length, refusedBefore, `${role}: nothing refused`)
        } else {
          t.equal(response.status, 403, `${role} may not ${action.name}`)
          t.match(response.body, notAllowed, `${role}: told why`)
          t.same(await attempt.read(), before, `${role}: nothing changed`)
          t.equal(refusedAfter.length, refusedBefore + 1, `${role}: the refused attempt is in the log`)
        }
      }
    })
  }

  t.test('a moderator of both communities may move a thread between them', async (t) => {
    const both = await createUser(db, { displayName: 'Moderator Of Both' })
    await addMember(db, home.id, both.id, 'moderator')
    await addMember(db, other.id, both.id, 'moderator')
    const id = await newThread()
    const client = await loggedIn(app, both)
    t.equal((await client.post(`/mod/thread/${id}/move`, { community: other.slug })).status, 303)
    t.equal((await threadState(id)()).community_id, other.id)
    const [row] = await logRows(db, { actorId: both.id, action: 'move' })
    t.equal(row.refused, false)
    t.equal(row.community_id, other.id, 'logged in the community it went to')
    t.equal(
      (await client.post(`/mod/thread/${id}/move`, { community: 'no-such-community' })).status,
      400,
      'an unknown target is refused',
    )
  })

  // Community moderators read the log of their own communities (test/moderation/truthful-messages.test.ts says what it holds).
  t.test('the review queue and the log are for staff', async (t) => {
    const expectations: Record<Role, { queue: number; log: number }> = {
      member: { queue: 403, log: 403 },
      moderator: { queue: 200, log: 200 },
      'other moderator': { queue: 200, log: 200 },
      admin: { queue: 200, log: 200 },
    }
    for (const role of roles) {
      const client = clients.get(role)!
      for (const [page, action] of [
        ['queue', 'view_queue'],
        ['log', 'view_log'],
      ] as const) {
        const before = (await logRows(db, { actorId: people[role].id, action, refused: true })).length
        const response = await client.get(page === 'queue' ? '/mod' : '/mod/log')
        const after = (await logRows(db, { actorId: people[role].id, action, refused: true })).length
        t.equal(response.status, expectations[role][page], `${role}: the ${page}`)
        if (response.status === 403) {
          t.match(response.body, notAllowed, `${role}: told why`)
          t.equal(after, before + 1, `${role}: the attempt on the ${page} is logged`)
        } else {
          t.equal(after, before, `${role}: nothing refused`)
        }
      }
      const admin = await client.get('/admin/users')
      t.equal(admin.status, role === 'admin' ? 200 : 403, `${role}: the people page`)
    }
  })

  t.test("a moderator's queue holds only their communities' items; the admin's holds all", async (t) => {
    const homeThread = await newThread()
    const homePost = await replyIn(db, homeThread, author, null, 'Flagged in the home community')
    const elsewhereThread = await createThreadIn(db, other.id, author, { title: 'Elsewhere thread' })
    const elsewherePost = await replyIn(db, elsewhereThread, author, null, 'Flagged in the other community')
    await flagContent(db, { type: 'post', id: homePost, reporterId: flagger.id, reason: 'abuse', note: null })
    await flagContent(db, {
      type: 'post',
      id: elsewherePost,
      reporterId: people.member.id,
      reason: 'abuse',
      note: null,
    })
    const homeItem = (await openItemOf(db, 'post', homePost))!
    const elsewhereItem = (await openItemOf(db, 'post', elsewherePost))!
    const queueOf = async (role: Role) => (await clients.get(role)!.get('/mod')).body
    t.match(await queueOf('moderator'), `id="item-${homeItem.id}"`)
    t.notMatch(await queueOf('moderator'), `id="item-${elsewhereItem.id}"`)
    t.match(await queueOf('other moderator'), `id="item-${elsewhereItem.id}"`)
    t.notMatch(await queueOf('other moderator'), `id="item-${homeItem.id}"`)
    t.match(await queueOf('admin'), `id="item-${homeItem.id}"`)
    t.match(await queueOf('admin'), `id="item-${elsewhereItem.id}"`)
  })

  t.test('a visitor is asked to log in and changes nothing', async (t) => {
    const visitor = new Client(app)
    await visitor.get('/')
    const id = await newThread()
    t.equal((await visitor.post(`/mod/thread/${id}/lock`)).status, 401)
    t.equal((await threadState(id)()).locked, false)
    t.equal((await visitor.get('/mod')).status, 303, 'the queue sends a visitor to the login page')
  })
})
