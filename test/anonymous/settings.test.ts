// The community setting: its moderators and admins turn posting without a name on, choose the label, turn it off
// (what was posted so stays so); others are refused; bad labels are refused with the text kept; the log records it.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { createCommunityWith, createUser } from '../helpers/factories.js'
import { loggedIn, logRows } from '../helpers/moderation.js'

t.test('moderators set the label; turning it off keeps earlier posts without a name', async (t) => {
  const { app, db } = await buildTestApp(t)
  const moderator = await createUser(db, { displayName: 'Moira Moderator' })
  const parent = await createUser(db, { displayName: 'Parveen Quorrish' })
  const community = await createCommunityWith(db, { moderators: [moderator], members: [parent] })
  const asModerator = await loggedIn(app, moderator)

  const front = await asModerator.get(`/c/${community.slug}`)
  t.match(front.body, `href="/c/${community.slug}/anonymous"`, 'linked from the community page for moderators')
  const form = await asModerator.get(`/c/${community.slug}/anonymous`)
  t.equal(form.status, 200)
  t.match(form.body, 'placeholder="a member of this community"', 'the default label')

  // The default label, in each reader's language.
  t.equal((await asModerator.post(`/c/${community.slug}/anonymous`, { allow: '1', label: '' })).status, 303)
  let row = await db
    .selectFrom('communities')
    .select('anonymous_label')
    .where('id', '=', community.id)
    .executeTakeFirst()
  t.equal(row?.anonymous_label, '')
  const asParent = await loggedIn(app, parent)
  t.match((await asParent.get(`/c/${community.slug}/new`)).body, 'Post as “a member of this community”')
  await db.updateTable('users').set({ locale: 'de' }).where('id', '=', parent.id).execute()
  const german = await loggedIn(app, parent)
  t.match((await german.get(`/c/${community.slug}/new`)).body, 'Veröffentlichen als „ein Mitglied dieser Community“')

  t.equal(
    (await asModerator.post(`/c/${community.slug}/anonymous`, { allow: '1', label: 'a parent in this community' }))
      .status,
    303,
  )
  const started = await german.post(`/c/${community.slug}/new`, { title: 'Hilfe', body: 'Text', anonymous: '1' })
  t.equal(started.status, 303)
  const threadId = Number(/\/t\/(\d+)/.exec(started.location!)![1])

  // Off: no more checkbox, the earlier thread still without a name.
  t.equal((await asModerator.post(`/c/${community.slug}/anonymous`, {})).status, 303)
  row = await db.selectFrom('communities').select('anonymous_label').where('id', '=', community.id).executeTakeFirst()
  t.equal(row?.anonymous_label, null)
  t.notMatch((await german.get(`/c/${community.slug}/new`)).body, 'name="anonymous"')
  const member = await createUser(db)
  await db
    .insertInto('community_members')
    .values({ community_id: community.id, user_id: member.id, role: 'member', status: 'active' })
    .execute()
  const page = await (await loggedIn(app, member)).get(`/t/${threadId}`)
  t.notMatch(page.body, 'Parveen Quorrish')
  t.match(page.body, 'a member of this community', 'the default label stands in once the option is off')

  const logged = await logRows(db, { actorId: moderator.id, action: 'anonymous_label' })
  t.same(
    logged.map((r) => r.reason),
    [null, 'a parent in this community', null],
    'each change is in the moderation log',
  )
  // Saving what is already set changes nothing and logs nothing.
  t.equal((await asModerator.post(`/c/${community.slug}/anonymous`, {})).status, 303)
  t.equal((await logRows(db, { action: 'anonymous_label' })).length, 3)
})

t.test('members are refused, bad labels are refused with the text kept', async (t) => {
  const { app, db } = await buildTestApp(t)
  const moderator = await createUser(db)
  const member = await createUser(db)
  const community = await createCommunityWith(db, { moderators: [moderator], members: [member] })
  const asMember = await loggedIn(app, member)
  t.equal((await asMember.get(`/c/${community.slug}/anonymous`)).status, 403)
  const refused = await asMember.post(`/c/${community.slug}/anonymous`, { allow: '1' })
  t.equal(refused.status, 403)
  t.match(refused.body, 'moderators can change this.')

  const asModerator = await loggedIn(app, moderator)
  const long = await asModerator.post(`/c/${community.slug}/anonymous`, { allow: '1', label: 'x'.repeat(81) })
  t.equal(long.status, 422)
  t.match(long.body, 'x'.repeat(81), 'the text is kept')
  const bidi = await asModerator.post(`/c/${community.slug}/anonymous`, { allow: '1', label: 'a \u202Eparent' })
  t.equal(bidi.status, 422)
  t.match(bidi.body, 'aria-invalid="true"')
  const row = await db
    .selectFrom('communities')
    .select('anonymous_label')
    .where('id', '=', community.id)
    .executeTakeFirst()
  t.equal(row?.anonymous_label, null, 'nothing was saved')
  t.equal((await asModerator.post(`/c/${community.slug}/anonymous`, { allow: '1' }, { csrf: false })).status, 403)

  // An admin may set it too, from the community's edit page.
  const admin = await createUser(db, { siteRole: 'admin' })
  const asAdmin = await loggedIn(app, admin)
  t.match((await asAdmin.get(`/c/${community.slug}/edit`)).body, `href="/c/${community.slug}/anonymous"`)
  t.equal((await asAdmin.post(`/c/${community.slug}/anonymous`, { allow: '1', label: 'een ouder' })).status, 303)
})
