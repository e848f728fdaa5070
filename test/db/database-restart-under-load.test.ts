// A database restart is routine: the real server process (production settings) under steady load survives a
// PostgreSQL restart and two rounds of terminated backends. Only 503s while the database is away, none 10 s after,
// the same process answering afterwards, and every acknowledged write in PostgreSQL with counters and links intact.
// Runs on a PostgreSQL cluster of its own, whatever DATABASE_URL says.
import { randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import t from 'tap'
import { createCommunityWith, createThreadIn, createUser, replyIn } from '../helpers/factories.js'
import { startOwnPostgres } from '../helpers/own-postgres.js'
import { startServer } from '../helpers/server-process.js'
import { startSteadyLoad, type Sample } from '../helpers/steady-load.js'

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
/** After a fault ends, how long errors may go on (the issue's bound). */
const recoveryMs = 10_000

t.test('a PostgreSQL restart and terminated backends under load: 503s only, then none, nothing lost', async (t) => {
  const pg = await startOwnPostgres(t)
  const db = pg.db
  const members = await Promise.all([1, 2, 3].map((i) => createUser(db, { displayName: `Load Member ${i}` })))
  // Established accounts: the new-account posting limit (3 a minute) is not what this test is about.
  await db
    .updateTable('users')
    .set({ created_at: new Date(Date.now() - 30 * 86_400_000) })
    .execute()
  const community = await createCommunityWith(db, { members })
  const threadId = await createThreadIn(db, community.id, members[0], { title: 'Keeping a panel going' })
  await replyIn(db, threadId, members[1], null, 'A first reply.')

  const server = await startServer(t, {
    NODE_ENV: 'production',
    DATABASE_URL: pg.url,
    DATABASE_CONNECT_TIMEOUT_MS: '2000',
    DATABASE_POOL_MAX: '6',
    SESSION_SECRET: randomBytes(32).toString('hex'),
    KRING_PUBLIC_URL: 'https://kring.example',
    KRING_TRUSTED_PROXIES: 'loopback',
    // Production needs SMTP; nothing listens there, so mail would wait in the outbox (this test sends none).
    SMTP_URL: 'smtp://127.0.0.1:9',
    MAIL_FROM: 'Kring <kring@example.test>',
  })
  const pid = server.child.pid
  let exitedWith: number | null | undefined
  void server.exited.then((code) => (exitedWith = code))

  // As the TLS proxy in front of a production Kring would say: the browser used https (so secure cookies are sent).
  const headers = { 'x-forwarded-proto': 'https' }
  const load = await startSteadyLoad({
    port: server.port,
    threadId,
    members,
    visitors: 2,
    pauseMs: 40,
    writerPauseMs: 1500,
    headers,
  })
  const readyz = async () => {
    try {
      const response = await fetch(`http://127.0.0.1:${server.port}/readyz`, { signal: AbortSignal.timeout(5000) })
      return response.status
    } catch {
      return 0
    }
  }
  const waitReady = async () => {
    const deadline = Date.now() + recoveryMs
    while (Date.now() < deadline) {
      if ((await readyz()) === 200) return true
      await pause(200)
    }
    return false
  }

  /** Each fault: from when it began to when the database answered again. */
  const faults: { name: string; from: number; back: number }[] = []
  try {
    await pause(3000)
    const restartFrom = Date.now()
    await pg.restart()
    faults.push({ name: 'restart', from: restartFrom, back: Date.now() })
    t.ok(await waitReady(), '/readyz is up again within 10 s of the restart')
    await pause(recoveryMs + 2000)

    for (const round of [1, 2]) {
      const from = Date.now()
      const ended = await pg.terminateBackends()
      faults.push({ name: `terminate ${round}`, from, back: Date.now() })
      t.ok(ended > 0, `round ${round}: backends were terminated (${ended}) while requests were in flight`)
      await pause(recoveryMs + 2000)
    }
    // The load goes on until a reply went through after the last recovery window (writers pause between writes and
    // alternate with edits, so on a busy machine the fixed pause above may hold none); the assertion below says so.
    const settledAfter = faults[faults.length - 1].back + recoveryMs
    const deadline = Date.now() + 30_000
    while (Date.now() < deadline && !load.samples.some((s) => s.kind === 'reply' && s.sentAt > settledAfter))
      await pause(200)
  } finally {
    await load.stop()
  }

  const samples = load.samples
  t.ok(samples.length > 200, `the load ran (${samples.length} responses)`)
  const byStatus = new Map<number, number>()
  for (const sample of samples) byStatus.set(sample.status, (byStatus.get(sample.status) ?? 0) + 1)
  t.comment(`statuses: ${JSON.stringify(Object.fromEntries(byStatus))}`)
  const describe = (list: Sample[]) =>
    list
      .slice(0, 5)
      .map((s) => `${s.client} ${s.kind} ${s.status} at +${s.sentAt - samples[0].sentAt} ms`)
      .join('; ')

  t.comment(
    `faults: ${faults.map((f) => `${f.name} +${f.from - samples[0].sentAt}..+${f.back - samples[0].sentAt} ms`).join(', ')}`,
  )
  const broken = samples.filter((s) => ![200, 303, 503].includes(s.status))
  t.same(describe(broken), '', 'never a 500, another error or a dropped connection: the outage answers 503')
  t.ok(
    samples.some((s) => s.status === 503),
    'the faults were felt (some requests met them)',
  )
  // Settled: answered before a fault began, or sent more than 10 s after the database was back.
  const settled = samples.filter((s) => faults.every((f) => s.answeredAt < f.from || s.sentAt > f.back + recoveryMs))
  const lateErrors = settled.filter((s) => s.status >= 400)
  t.same(describe(lateErrors), '', 'no error at all outside the faults and the 10 s after each')
  t.ok(
    samples.some(
      (s) => s.kind === 'reply' && s.status === 303 && s.sentAt > faults[faults.length - 1].back + recoveryMs,
    ),
    'replies go through after the last fault',
  )

  t.equal(exitedWith, undefined, 'the server process never exited')
  t.equal(server.child.pid, pid)
  const health = await fetch(`http://127.0.0.1:${server.port}/healthz`)
  t.equal(health.status, 200, 'the same process answers afterwards')
  t.equal(await readyz(), 200, 'and is ready')
  const logLines = server.logLines()
  if (process.env.OUTAGE_DEBUG)
    for (const line of logLines.filter((l) => Number(l.level) >= 40))
      t.comment(`${String(line.time)} ${String(line.msg)} ${String(line.reason ?? '')} ${String(line.url ?? '')}`)
  t.notOk(
    logLines.some((line) => Number(line.level) >= 60 || /uncaught|unhandled/i.test(String(line.msg))),
    'nothing uncaught was logged',
  )
  t.notOk(
    logLines.some((line) => line.msg === 'request failed'),
    'no request was logged as failed (an unreachable database is a warning)',
  )

  // Every acknowledged write is in PostgreSQL: a reply with its text, or with a text its author sent later.
  const posts = await db.selectFrom('posts').select(['id', 'body_md', 'status', 'thread_id']).execute()
  const byId = new Map(posts.map((post) => [post.id, post]))
  const lastWrite = new Map<number, string>()
  for (const write of load.writes) lastWrite.set(write.postId, write.body)
  const unacknowledged = new Set(load.unacknowledged)
  const lost = [...lastWrite].filter(([postId, body]) => {
    const stored = byId.get(postId)
    return !stored || (stored.body_md !== body && !unacknowledged.has(stored.body_md))
  })
  t.same(lost, [], `every acknowledged write is stored (${load.writes.length} writes)`)
  t.ok(
    load.writes.some((w) => w.kind === 'edit'),
    'edits were among them',
  )

  // Counters match recounts.
  const replyCounts = await sql<{ id: number; reply_count: number; recount: number }>`
    select t.id, t.reply_count, (select count(*) from posts p where p.thread_id = t.id and p.status = 'visible')::int as recount
    from threads t`.execute(db)
  t.same(
    replyCounts.rows.filter((row) => row.reply_count !== row.recount),
    [],
    'reply counts match the replies',
  )
  const communityCounts = await sql<{
    id: number
    thread_count: number
    threads: number
    member_count: number
    members: number
  }>`
    select c.id, c.thread_count, c.member_count,
      (select count(*) from threads t where t.community_id = c.id and t.status = 'visible')::int as threads,
      (select count(*) from community_members m where m.community_id = c.id and m.status = 'active')::int as members
    from communities c`.execute(db)
  t.same(
    communityCounts.rows.filter((row) => row.thread_count !== row.threads || row.member_count !== row.members),
    [],
    'thread and member counts match',
  )

  // No orphans: a reply's parent and thread exist, every reply got its place, every revision has its post.
  const orphans = await sql<{ kind: string; id: number }>`
    select 'reply without parent' as kind, p.id from posts p
      where p.parent_id is not null and not exists (select 1 from posts q where q.id = p.parent_id)
    union all select 'reply without thread', p.id from posts p
      where not exists (select 1 from threads t where t.id = p.thread_id)
    union all select 'reply never placed', p.id from posts p where p.path like '~pending%'
    union all select 'revision without post', r.id from post_revisions r
      where r.post_id is not null and not exists (select 1 from posts p where p.id = r.post_id)`.execute(db)
  t.same(orphans.rows, [], 'no orphans')
  const replyRows = posts.filter((post) => post.thread_id === threadId)
  t.ok(replyRows.length > 1 + load.writes.filter((w) => w.kind === 'reply').length - 1, 'the thread holds the replies')
})
