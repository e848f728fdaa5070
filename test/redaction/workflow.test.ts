// The redaction check end to end over HTTP: a members-only thread becomes a draft whose personal data is listed, and
// publishing is refused until each finding is kept or redacted; meeting summaries too; public threads need no check.
import t from 'tap'
import { transitionArticle } from '../../src/library/commands.js'
import { addRoom, updateRoomNotes } from '../../src/meetings/commands.js'
import { buildTestApp } from '../helpers/app.js'
import { createCommunityWith, createMeetingIn, createThreadIn, createUser } from '../helpers/factories.js'
import { logRows, loggedIn } from '../helpers/moderation.js'

const caseText =
  'Our host Annelies Verstraete (84) lives at Kerkstraat 12, 9000 Gent. Her daughter mails ' +
  'an.claeys@example.be or calls 0470 12 34 56. <b>Not</b> bold.'

t.test('a members-only thread: findings listed, publishing refused until every one is decided', async (t) => {
  const { app, db } = await buildTestApp(t)
  const moderatorUser = await createUser(db, { displayName: 'Mod Erator' })
  const member = await createUser(db, { displayName: 'Annelies Verstraete' })
  const community = await createCommunityWith(db, {
    visibility: 'members',
    moderators: [moderatorUser],
    members: [member],
  })
  const threadId = await createThreadIn(db, community.id, member, { title: 'A host in Gent', body: caseText })
  const moderator = await loggedIn(app, moderatorUser)
  await moderator.get(`/t/${threadId}/to-library`)
  const drafted = await moderator.post(`/t/${threadId}/to-library`, {})
  t.equal(drafted.status, 303)
  const article = await db.selectFrom('articles').selectAll().executeTakeFirstOrThrow()
  t.equal(article.redaction_required, true, 'the source was members-only')
  const findings = await db
    .selectFrom('redaction_findings')
    .selectAll()
    .where('article_id', '=', article.id)
    .orderBy('start_offset')
    .execute()
  const kinds = findings.map((f) => `${f.kind}:${f.text}`)
  for (const expected of [
    'member_name:Annelies Verstraete',
    'age:(84)',
    'address:Kerkstraat 12, 9000 Gent',
    'email:an.claeys@example.be',
    'phone:0470 12 34 56',
  ])
    t.ok(kinds.includes(expected), `found ${expected}`)

  const page = await moderator.get(`/library/${article.slug}/redaction`)
  t.equal(page.status, 200)
  t.match(page.body, '<mark>an.claeys@example.be</mark>', 'each finding shown in its context')
  t.match(page.body, '&lt;b&gt;Not&lt;/b&gt;', 'the text around it escaped')
  t.match(page.body, 'Keep (not personal / consented)')
  const articlePage = await moderator.get(`/library/${article.slug}`)
  t.match(articlePage.body, 'findings still need a decision', 'the review box lists them too')

  // Publishing is refused while findings are open, with the findings on the page.
  const refused = await moderator.post(`/library/${article.slug}/publish`, {})
  t.equal(refused.status, 409)
  t.match(refused.body, /cannot be published yet: \d+ findings of possible personal data need a decision first/)
  t.match(refused.body, `action="/library/${article.slug}/redaction/`)
  t.equal((await db.selectFrom('articles').select('status').executeTakeFirstOrThrow()).status, 'draft')
  t.equal((await logRows(db, { action: 'redaction.publish_refused', refused: true })).length, 1)

  // A member cannot decide.
  const email = findings.find((f) => f.kind === 'email')!
  const outsider = await loggedIn(app, member)
  const byMember = await outsider.post(`/library/${article.slug}/redaction/${email.id}/redact`, {})
  t.ok(byMember.status === 403 || byMember.status === 404, `a member is refused (${byMember.status})`)
  t.equal(
    (await db.selectFrom('redaction_findings').select('status').where('id', '=', email.id).executeTakeFirstOrThrow())
      .status,
    'open',
  )

  // Redact: the occurrence becomes its placeholder in a new revision, rendered again; the log keeps no personal text.
  await moderator.get(`/library/${article.slug}/redaction`)
  const redacted = await moderator.post(`/library/${article.slug}/redaction/${email.id}/redact`, {})
  t.equal(redacted.status, 303)
  t.equal(redacted.location, `/library/${article.slug}/redaction`)
  const after = await db.selectFrom('articles').selectAll().executeTakeFirstOrThrow()
  t.notMatch(after.body_md, 'an.claeys@example.be')
  t.match(after.body_md, 'mails [email] or calls 0470 12 34 56')
  t.match(after.body_html, 'mails [email] or calls')
  t.equal(after.revision, article.revision + 1, 'a new revision')
  const log = await logRows(db, { action: 'redaction.redact' })
  t.equal(log.length, 1)
  t.equal(log[0]!.reason, 'email', 'the kind is logged')
  t.notMatch(JSON.stringify(await db.selectFrom('moderation_log').selectAll().execute()), 'claeys')

  // The phone number after the email moved with the text: redacting it still hits the right place.
  const phone = findings.find((f) => f.kind === 'phone')!
  await moderator.get(`/library/${article.slug}/redaction`)
  t.equal((await moderator.post(`/library/${article.slug}/redaction/${phone.id}/redact`, {})).status, 303)
  t.match(
    (await db.selectFrom('articles').select('body_md').executeTakeFirstOrThrow()).body_md,
    'mails [email] or calls [phone].',
  )

  // A decided finding is no longer open: a clear 404.
  await moderator.get(`/library/${article.slug}/redaction`)
  const again = await moderator.post(`/library/${article.slug}/redaction/${email.id}/keep`, {})
  t.equal(again.status, 404)
  t.match(again.body, 'This finding does not exist or has already been decided.')
  t.equal((await moderator.post(`/library/${article.slug}/redaction/99999/keep`, {})).status, 404)

  // Stale: an edit moved the text under a finding; 409, scanned again, the new findings to decide on.
  await db
    .updateTable('articles')
    .set((eb) => ({ body_md: `Intro line.\n\n${after.body_md}`, revision: eb('revision', '+', 1) }))
    .execute()
  const address = findings.find((f) => f.kind === 'address')!
  await moderator.get(`/library/${article.slug}/redaction`)
  const stale = await moderator.post(`/library/${article.slug}/redaction/${address.id}/redact`, {})
  t.equal(stale.status, 409)
  t.match(stale.body, 'The text has changed since this finding was made, so it was checked again.')
  const open = await db
    .selectFrom('redaction_findings')
    .selectAll()
    .where('article_id', '=', article.id)
    .where('status', '=', 'open')
    .execute()
  const current = (await db.selectFrom('articles').select('body_md').executeTakeFirstOrThrow()).body_md
  t.ok(open.length >= 3, 'the open findings were found again')
  for (const f of open) t.equal(current.slice(f.start_offset, f.end_offset), f.text, `${f.kind} is at its new place`)

  // Keep the rest, then publishing goes ahead.
  for (const f of open) {
    await moderator.get(`/library/${article.slug}/redaction`)
    t.equal((await moderator.post(`/library/${article.slug}/redaction/${f.id}/keep`, {})).status, 303)
  }
  t.match((await moderator.get(`/library/${article.slug}/redaction`)).body, 'Every finding has been decided')

  // An edit since adds a new email: publishing scans again and refuses.
  await db
    .updateTable('articles')
    .set((eb) => ({ body_md: `${current}\n\nAlso: new.person@example.org`, revision: eb('revision', '+', 1) }))
    .execute()
  await moderator.get(`/library/${article.slug}`)
  const second = await moderator.post(`/library/${article.slug}/publish`, {})
  t.equal(second.status, 409, 'a new finding since the last decision')
  t.match(second.body, 'cannot be published yet: 1 finding of possible personal data needs a decision first')
  const fresh = await db
    .selectFrom('redaction_findings')
    .selectAll()
    .where('status', '=', 'open')
    .executeTakeFirstOrThrow()
  t.equal(fresh.text, 'new.person@example.org', 'kept texts stay kept; only the new one is open')
  await moderator.get(`/library/${article.slug}/redaction`)
  t.equal((await moderator.post(`/library/${article.slug}/redaction/${fresh.id}/redact`, {})).status, 303)
  await moderator.get(`/library/${article.slug}`)
  const published = await moderator.post(`/library/${article.slug}/publish`, {})
  t.equal(published.status, 303)
  t.equal((await db.selectFrom('articles').select('status').executeTakeFirstOrThrow()).status, 'published')
  const keeps = await logRows(db, { action: 'redaction.keep' })
  t.equal(keeps.length, open.length, 'each decision logged')
})

t.test('a public community thread needs no check', async (t) => {
  const { app, db } = await buildTestApp(t)
  const moderatorUser = await createUser(db, { displayName: 'Mod Erator' })
  const member = await createUser(db, { displayName: 'Annelies Verstraete' })
  const community = await createCommunityWith(db, { moderators: [moderatorUser], members: [member] })
  const threadId = await createThreadIn(db, community.id, member, { title: 'A host in Gent', body: caseText })
  const moderator = await loggedIn(app, moderatorUser)
  await moderator.get(`/t/${threadId}/to-library`)
  t.equal((await moderator.post(`/t/${threadId}/to-library`, {})).status, 303)
  const article = await db.selectFrom('articles').selectAll().executeTakeFirstOrThrow()
  t.equal(article.redaction_required, false)
  t.equal((await db.selectFrom('redaction_findings').select('id').execute()).length, 0)
  t.equal((await moderator.get(`/library/${article.slug}/redaction`)).status, 404)
  await moderator.get(`/library/${article.slug}`)
  t.equal((await moderator.post(`/library/${article.slug}/publish`, {})).status, 303)
})

t.test('a members-only meeting summary is checked before it is published', async (t) => {
  const { app, db } = await buildTestApp(t)
  const moderatorUser = await createUser(db, { displayName: 'Mod Erator' })
  const community = await createCommunityWith(db, { visibility: 'members', moderators: [moderatorUser] })
  const meeting = await createMeetingIn(db, community.id, moderatorUser)
  const meetingId = typeof meeting === 'number' ? meeting : (meeting as { id: number }).id
  const roomId = await addRoom(db, {
    meetingId,
    name: 'Room A',
    language: 'nl',
    facilitatorId: moderatorUser.id,
    noteTakerId: null,
    actorId: moderatorUser.id,
    communityId: community.id,
  })
  const { version } = await db
    .selectFrom('meeting_rooms')
    .select('version')
    .where('id', '=', roomId)
    .executeTakeFirstOrThrow()
  await updateRoomNotes(
    db,
    roomId,
    { worked: 'Mevr. Claeys belde ons op 0470 12 34 56.', didNotWork: '', callToAction: '' },
    version,
    moderatorUser.id,
  )
  const moderator = await loggedIn(app, moderatorUser)
  await moderator.get(`/meetings/${meetingId}`)
  t.equal((await moderator.post(`/meetings/${meetingId}/summary`, {})).status, 303)
  const article = await db
    .selectFrom('articles')
    .selectAll()
    .where('kind', '=', 'session_summary')
    .executeTakeFirstOrThrow()
  t.equal(article.redaction_required, true)
  const found = await db.selectFrom('redaction_findings').select(['kind', 'text']).execute()
  t.ok(
    found.some((f) => f.kind === 'phone' && f.text === '0470 12 34 56'),
    'the phone number in the notes',
  )
  t.ok(
    found.some((f) => f.kind === 'person_name' && f.text === 'Claeys'),
    'the person named in the notes',
  )
  await moderator.get(`/library/${article.slug}`)
  t.equal((await moderator.post(`/library/${article.slug}/publish`, {})).status, 409)
  // However it is called, the publishing transaction itself refuses while findings are open.
  const refusal = await transitionArticle(db, article.id, 'publish', null).catch((error: unknown) => error)
  t.match(refusal, { statusCode: 409, messageKey: 'redaction.error.open_findings' })
  t.equal((await db.selectFrom('articles').select('status').executeTakeFirstOrThrow()).status, 'draft')
})
