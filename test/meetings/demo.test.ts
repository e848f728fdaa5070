import t from 'tap'
import { recreateDemo, seedDemoIfEmpty } from '../../src/demo/seed.js'
import { buildTestApp } from '../helpers/app.js'
import { Client } from '../helpers/client.js'

t.test(
  'the demo has a past meeting with multilingual rooms, a published summary and open items, and an upcoming one with questions and a topic vote',
  async (t) => {
    const { app, db } = await buildTestApp(t)
    await seedDemoIfEmpty(db, { info: () => {} })
    const meetings = await db.selectFrom('meetings').selectAll().orderBy('starts_at').execute()
    t.equal(meetings.length, 2)
    const [past, next] = meetings
    t.ok(past.ends_at.getTime() < Date.now() && next.starts_at.getTime() > Date.now())
    const languages = await db
      .selectFrom('meeting_rooms')
      .select('language')
      .where('meeting_id', '=', past.id)
      .execute()
    t.same(new Set(languages.map((r) => r.language)), new Set(['en', 'fr', 'de']))
    const summary = await db
      .selectFrom('articles')
      .select(['slug', 'status', 'kind', 'is_demo'])
      .where('id', '=', past.summary_article_id!)
      .executeTakeFirstOrThrow()
    t.same(
      { status: summary.status, kind: summary.kind, is_demo: summary.is_demo },
      { status: 'published', kind: 'session_summary', is_demo: true },
    )

    const visitor = new Client(app)
    t.equal((await visitor.get(`/library/${summary.slug}`)).status, 200)
    const nextPage = await visitor.get(`/meetings/${next.id}`)
    t.match(
      nextPage.body,
      'Collect concrete examples of house rules',
      'open items of the spring session at the autumn one',
    )
    t.match(nextPage.body, 'Who tells the host')
    t.match((await visitor.get('/c/homeshare-network/meetings')).body, 'Insurance and liability for hosts')

    await recreateDemo(db)
    t.equal((await db.selectFrom('meetings').select('id').execute()).length, 2, 'written fresh, not twice')
    t.equal(
      (
        await db
          .selectFrom('articles')
          .select('id')
          .where('kind', '=', 'session_summary')
          .where('title', '=', past.title)
          .execute()
      ).length,
      1,
    )
  },
)
