import { sql, type Kysely } from 'kysely'

// The PostgreSQL search fallback ranks every match: with the vectors computed from the text on each read, a common
// word meant parsing thousands of bodies per search. Stored generated columns are computed once per write, and the
// indexes move onto them. The expressions are those of the 1500 migration, so results stay the same.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table threads add column search_vector tsvector generated always as (setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', body_md), 'B')) stored`.execute(
    db,
  )
  await sql`alter table posts add column search_vector tsvector generated always as (to_tsvector('simple', body_md)) stored`.execute(
    db,
  )
  await sql`alter table articles add column search_vector tsvector generated always as (setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', summary), 'B') || setweight(to_tsvector('simple', body_text), 'C')) stored`.execute(
    db,
  )

  await sql`drop index threads_search_idx`.execute(db)
  await sql`drop index posts_search_idx`.execute(db)
  await sql`drop index articles_search_idx`.execute(db)
  await sql`create index threads_search_idx on threads using gin (search_vector) where status = 'visible'`.execute(db)
  await sql`create index posts_search_idx on posts using gin (search_vector) where status = 'visible'`.execute(db)
  await sql`create index articles_search_idx on articles using gin (search_vector) where status = 'published'`.execute(
    db,
  )
}
