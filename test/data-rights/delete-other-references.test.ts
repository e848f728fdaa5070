// The columns since conversations that point at a deleted person: a guest's invitation (their address) leaves the
// moderator's guest list, an invitation a deleted moderator sent stays without them, and a redaction decision stays
// without its reviewer.
import t from 'tap'
import { addMember } from '../../src/communities/commands.js'
import { anonymiseAccount } from '../../src/data-rights/deletion.js'
import { createDraft } from '../../src/library/commands.js'
import { buildTestApp } from '../helpers/app.js'
import { createUser } from '../helpers/factories.js'
import { loggedIn } from '../helpers/moderation.js'
import { acceptAsGuest, circle, invite } from '../guests/helpers.js'

t.test('guest invitations and redaction decisions after a deletion', async (t) => {
  const { app, db } = await buildTestApp(t)
  const { mod, community, threadId } = await circle(app, db)
  const guestsPage = `/t/${threadId}/guests`
  const link = await invite(db, mod, guestsPage, 'gita-guest@example.net')
  await acceptAsGuest(app, link, 'Gita Guest')
  const gita = await db
    .selectFrom('users')
    .select('id')
    .where('email', '=', 'gita-guest@example.net')
    .executeTakeFirstOrThrow()

  const otto = await createUser(db, { displayName: 'Otto Second' })
  await addMember(db, community.id, otto.id, 'moderator')
  await invite(db, await loggedIn(app, otto), guestsPage, 'invited-by-otto@example.net')

  const before = await mod.get(guestsPage)
  t.match(before.body, 'gita-guest@example.net')
  t.match(before.body, 'Gita Guest')
  t.match(before.body, 'invited-by-otto@example.net')

  const article = await createDraft(db, {
    title: 'Pairs at intake',
    slug: 'pairs-at-intake',
    summary: 'Two in the room.',
    kind: 'guide',
    language: 'en',
    body_md: 'Call 0612345678.',
    community_id: community.id,
    themeIds: [],
    authorId: otto.id,
    practice: {
      practice_context: null,
      practice_target_group: null,
      practice_country: null,
      practice_what_worked: null,
      practice_what_did_not: null,
      practice_contact: null,
    },
  })
  if (!article.ok) throw new Error('no draft')
  const finding = await db
    .insertInto('redaction_findings')
    .values({
      article_id: article.id,
      field: 'body',
      kind: 'phone',
      text: '0612345678',
      start_offset: 5,
      end_offset: 15,
      context: 'Call 0612345678.',
      status: 'confirmed',
      decided_by: otto.id,
      decided_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow()

  t.same(await anonymiseAccount(db, { userId: gita.id, mode: 'keep', actorId: null }), { ok: true })
  t.same(await anonymiseAccount(db, { userId: otto.id, mode: 'keep', actorId: null }), { ok: true })

  const after = await mod.get(guestsPage)
  t.equal(after.status, 200)
  t.notMatch(after.body, 'gita-guest@example.net', "the deleted guest's address leaves the list")
  t.notMatch(after.body, 'Gita Guest')
  t.match(after.body, 'invited-by-otto@example.net', 'the invitation a deleted moderator sent stays')
  const sent = await db
    .selectFrom('guest_invitations')
    .select('invited_by')
    .where('email', '=', 'invited-by-otto@example.net')
    .executeTakeFirstOrThrow()
  t.equal(sent.invited_by, null, 'without its inviter')

  const decided = await db
    .selectFrom('redaction_findings')
    .select(['status', 'decided_by', 'decided_at'])
    .where('id', '=', finding.id)
    .executeTakeFirstOrThrow()
  t.equal(decided.status, 'confirmed', 'the decision stays: publishing depends on it')
  t.ok(decided.decided_at)
  t.equal(decided.decided_by, null, 'without the reviewer')
})
