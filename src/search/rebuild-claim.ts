// Who may rebuild the content index right now: a lease row in the database, so two instances (or an instance and
// `npm run search:reindex`) never rebuild at once. The lease is renewed while the rebuild runs and lapses if its
// holder dies, so a crashed instance never blocks rebuilding for longer than one lease.
import { randomBytes } from 'node:crypto'
import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/database.js'

type Db = Kysely<Database>

export const defaultLeaseSeconds = 120

/** This process's name in the claim: the pid for an operator reading the row, random bytes so it is never reused. */
export const processOwner = `${process.pid}-${randomBytes(4).toString('hex')}`

/** Takes the lease if it is free or has lapsed; false if someone else holds it. */
export async function claimRebuild(
  db: Db,
  indexUid: string,
  owner: string,
  leaseSeconds = defaultLeaseSeconds,
): Promise<boolean> {
  const result = await sql<{ owner: string }>`
    insert into search_rebuild_claims (index_uid, owner, claimed_until, started_at)
    values (${indexUid}, ${owner}, now() + make_interval(secs => ${leaseSeconds}), now())
    on conflict (index_uid) do update
      set owner = excluded.owner, claimed_until = excluded.claimed_until, started_at = excluded.started_at
      where search_rebuild_claims.claimed_until < now() or search_rebuild_claims.owner = excluded.owner
    returning owner`.execute(db)
  return result.rows.length === 1
}

export async function renewRebuild(db: Db, indexUid: string, owner: string, leaseSeconds = defaultLeaseSeconds) {
  await sql`
    update search_rebuild_claims set claimed_until = now() + make_interval(secs => ${leaseSeconds})
    where index_uid = ${indexUid} and owner = ${owner}`.execute(db)
}

export async function releaseRebuild(db: Db, indexUid: string, owner: string) {
  await sql`delete from search_rebuild_claims where index_uid = ${indexUid} and owner = ${owner}`.execute(db)
}

/** The holder of a live lease, if any: a rebuild is running somewhere. */
export async function rebuildHolder(db: Db, indexUid: string): Promise<{ owner: string; startedAt: Date } | null> {
  const result = await sql<{ owner: string; started_at: Date }>`
    select owner, started_at from search_rebuild_claims where index_uid = ${indexUid} and claimed_until >= now()`.execute(
    db,
  )
  const row = result.rows[0]
  return row ? { owner: row.owner, startedAt: new Date(row.started_at) } : null
}

/** Runs `work` holding the lease, renewing it meanwhile; null (and `work` not run) if another holder has it. */
export async function withRebuildClaim<T>(
  db: Db,
  indexUid: string,
  owner: string,
  work: () => Promise<T>,
  leaseSeconds = defaultLeaseSeconds,
): Promise<{ value: T } | null> {
  if (!(await claimRebuild(db, indexUid, owner, leaseSeconds))) return null
  const renew = setInterval(
    () => {
      renewRebuild(db, indexUid, owner, leaseSeconds).catch(() => {
        // The next renewal tries again; a lease that lapses only lets another instance start a rebuild of its own.
      })
    },
    (leaseSeconds * 1000) / 3,
  )
  renew.unref()
  try {
    return { value: await work() }
  } finally {
    clearInterval(renew)
    await releaseRebuild(db, indexUid, owner).catch(() => {})
  }
}
