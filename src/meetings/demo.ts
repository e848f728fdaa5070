// Demo meetings for the homeshare network: a past one with multilingual rooms, a published summary and open action
// items, and an upcoming one with questions and a vote on the next topic. Written fresh on every seed.
import type { Db } from '../db/connect.js'
import { transitionArticle } from '../library/commands.js'
import { languageName } from '../library/routes.js'
import { translate } from '../web/i18n.js'
import {
  addActionItem,
  addRoom,
  askQuestion,
  createMeeting,
  createSummaryDraft,
  markDiscussed,
  proposeTopic,
  setActionItemStatus,
  setAttendance,
  updateRoomNotes,
  upvoteQuestion,
  voteTopic,
} from './commands.js'
import { listQuestions, listRooms } from './queries.js'

const dayMs = 24 * 3_600_000

/** 14:00–15:30 in Brussels, `days` from today (negative: in the past). */
function sessionAt(days: number) {
  const date = new Date(Date.now() + days * dayMs)
  const start = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate(), 13, 0))
  return { startsAt: start, endsAt: new Date(start.getTime() + 90 * 60_000) }
}

export async function seedMeetings(
  db: Db,
  userIds: Map<string, number>,
  themeIds: Map<string, number>,
  communityIds: Map<string, number>,
): Promise<void> {
  const communityId = communityIds.get('homeshare-network')
  const ids = ['sofia', 'thomas', 'claire', 'aoife', 'anouk'].map((key) => userIds.get(key))
  if (communityId === undefined || ids.some((id) => id === undefined)) return
  const [sofia, thomas, claire, aoife, anouk] = ids as number[]
  const themes = ['matching', 'safeguarding']
    .map((slug) => themeIds.get(slug))
    .filter((id): id is number => id !== undefined)

  // --- The past meeting ------------------------------------------------------------------------------------
  const past = await createMeeting(db, {
    communityId,
    organiserId: sofia,
    themeIds: themes,
    isDemo: true,
    data: {
      title: 'Spring session: the first month of a match',
      topic: 'What makes the first month of a homeshare match work, and what makes it fail?',
      ...sessionAt(-30),
      timeZone: 'Europe/Brussels',
      onlineUrl: 'https://meet.example.org/homeshare-spring',
      agendaMd:
        '1. Welcome and a round of names (10 min)\n2. Three short stories from the field (20 min)\n3. Break-out rooms in English, French and German (40 min)\n4. Back together: calls to action (20 min)',
    },
  })
  for (const [user, attending] of [
    [thomas, true],
    [claire, true],
    [aoife, true],
    [anouk, false],
  ] as const)
    await setAttendance(db, { meetingId: past, userId: user, attending, delegateId: null, allowHeld: true })
  for (const [author, body] of [
    [aoife, 'How often do you check in with a new match during the first month?'],
    [thomas, 'Do you put house rules in writing before the move, or agree them together afterwards?'],
    [claire, 'What do you do when the host and the homesharer keep different hours?'],
  ] as const)
    await askQuestion(db, { meetingId: past, authorId: author, body })
  const pastQuestions = await listQuestions(db, past, null)
  for (const question of pastQuestions.slice(0, 2)) {
    await upvoteQuestion(db, question.id, anouk, { allowHeld: true })
    await markDiscussed(db, { questionId: question.id, discussed: true, actorId: sofia, communityId })
  }
  const rooms = [
    {
      name: 'English room',
      language: 'en',
      facilitator: aoife,
      noteTaker: sofia,
      notes: {
        worked:
          'A **weekly phone call** in the first four weeks, short and always at the same time.\n\nA written list of house rules, signed by both.',
        didNotWork: 'Check-ins only by e-mail: problems came to light too late.',
        callToAction: 'Share our first-month check-in script with the network.',
      },
    },
    {
      name: 'Salle francophone',
      language: 'fr',
      facilitator: claire,
      noteTaker: claire,
      notes: {
        worked: 'Une visite à domicile après deux semaines, avec les deux personnes ensemble.',
        didNotWork: 'Des règles de vie trop vagues (« être discret ») : chacun les comprend autrement.',
        callToAction: 'Rédiger des exemples concrets de règles de vie.',
      },
    },
    {
      name: 'Deutscher Raum',
      language: 'de',
      facilitator: thomas,
      noteTaker: thomas,
      notes: {
        worked: 'Ein gemeinsames Abendessen in der ersten Woche baut Vertrauen auf.',
        didNotWork: 'Unterschiedliche Tagesrhythmen wurden erst nach Wochen angesprochen.',
        callToAction: 'Tagesrhythmus schon im Matching-Gespräch abfragen.',
      },
    },
  ]
  for (const room of rooms) {
    const roomId = await addRoom(db, {
      meetingId: past,
      name: room.name,
      language: room.language,
      facilitatorId: room.facilitator,
      noteTakerId: room.noteTaker,
      actorId: sofia,
      communityId,
    })
    // A room just added is at its first version.
    await updateRoomNotes(
      db,
      roomId,
      { worked: room.notes.worked, didNotWork: room.notes.didNotWork, callToAction: room.notes.callToAction },
      1,
    )
  }
  const pastMeeting = await db.selectFrom('meetings').selectAll().where('id', '=', past).executeTakeFirstOrThrow()
  const summary = await createSummaryDraft(
    db,
    { meeting: pastMeeting, questions: pastQuestions.slice(0, 2), rooms: await listRooms(db, past), themeIds: themes },
    {
      authorId: sofia,
      language: 'en',
      isDemo: true,
      heading: (key, vars) => translate('en', key, vars),
      languageName: (code) => languageName(code, 'en'),
      meetingUrl: `/meetings/${past}`,
    },
  )
  if (summary.ok) {
    const article = await db
      .selectFrom('articles')
      .select('id')
      .where('slug', '=', summary.slug)
      .executeTakeFirstOrThrow()
    await transitionArticle(db, article.id, 'submit', null)
    await transitionArticle(db, article.id, 'publish', null)
  }
  const checklist = await addActionItem(db, {
    meetingId: past,
    text: 'Share the first-month check-in script with the network',
    ownerId: aoife,
    dueOn: null,
  })
  await addActionItem(db, {
    meetingId: past,
    text: 'Collect concrete examples of house rules in three languages',
    ownerId: claire,
    dueOn: new Date(Date.now() + 10 * dayMs).toISOString().slice(0, 10),
  })
  await addActionItem(db, {
    meetingId: past,
    text: 'Add daily rhythm to the matching interview form',
    ownerId: thomas,
    dueOn: null,
  })
  await setActionItemStatus(db, checklist, 'done')

  // --- The upcoming meeting and the vote on the one after ----------------------------------------------------
  const next = await createMeeting(db, {
    communityId,
    organiserId: sofia,
    themeIds: themes.slice(0, 1),
    isDemo: true,
    data: {
      title: 'Autumn session: when a match ends',
      topic: 'Ending a match well, for both the host and the homesharer.',
      ...sessionAt(21),
      timeZone: 'Europe/Brussels',
      onlineUrl: 'https://meet.example.org/homeshare-autumn',
      agendaMd:
        '1. Open action items from the spring session\n2. Two stories of endings, one good and one hard\n3. Break-out rooms\n4. Calls to action',
    },
  })
  await setAttendance(db, { meetingId: next, userId: thomas, attending: true, delegateId: null })
  await setAttendance(db, { meetingId: next, userId: claire, attending: false, delegateId: aoife })
  const upcoming = [
    await askQuestion(db, {
      meetingId: next,
      authorId: claire,
      body: 'Who tells the host when the homesharer wants to leave early?',
    }),
    await askQuestion(db, { meetingId: next, authorId: thomas, body: 'Do you run an exit interview, and with whom?' }),
  ]
  await upvoteQuestion(db, upcoming[0], aoife)
  await upvoteQuestion(db, upcoming[0], thomas)
  await upvoteQuestion(db, upcoming[1], claire)
  const insurance = await proposeTopic(db, {
    communityId,
    proposerId: thomas,
    title: 'Insurance and liability for hosts',
  })
  const volunteers = await proposeTopic(db, { communityId, proposerId: aoife, title: 'Volunteers who visit matches' })
  await voteTopic(db, insurance, claire)
  await voteTopic(db, insurance, aoife)
  await voteTopic(db, volunteers, anouk)
}
