import { sql, type Kysely } from 'kysely'

// PostgreSQL's text-search parser is quadratic on some texts a form accepts: one 64 KB "word" of `a_a_a…` took 35 s
// to parse, 64 KB of `<!--` 8 s (it looks for the end of a tag or an entity from every opener). The vectors are
// computed in the write, with the thread locked, so one such reply held up every other reply to that thread.
//
// The generated columns now read their text through kring_search_text, which is linear and leaves the parser only
// short words: `<`, `>` and `&` become spaces (Markdown shows raw HTML as text, so nobody searches for a tag), runs
// of 100 or more non-space characters are dropped (no word is that long; a very long URL is the only loss), and the
// text is cut at 64 K characters (the largest body a form accepts). Ordinary words are found exactly as before.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create function kring_search_text(t text) returns text
    language sql immutable strict parallel safe
    return left(regexp_replace(translate(t, '<>&', '   '), '\\S{100,}', ' ', 'g'), 65536)`.execute(db)

  // A generated column's expression cannot be changed before PostgreSQL 17: each is dropped (with its index) and
  // added again, which recomputes it for every row.
  await sql`alter table threads drop column search_vector`.execute(db)
  await sql`alter table threads add column search_vector tsvector generated always as (setweight(to_tsvector('simple', kring_search_text(title)), 'A') || setweight(to_tsvector('simple', kring_search_text(body_md)), 'B')) stored`.execute(
    db,
  )
  await sql`alter table posts drop column search_vector`.execute(db)
  await sql`alter table posts add column search_vector tsvector generated always as (to_tsvector('simple', kring_search_text(body_md))) stored`.execute(
    db,
  )
  await sql`alter table articles drop column search_vector`.execute(db)
  await sql`alter table articles add column search_vector tsvector generated always as (setweight(to_tsvector('simple', kring_search_text(title)), 'A') || setweight(to_tsvector('simple', kring_search_text(summary)), 'B') || setweight(to_tsvector('simple', kring_search_text(body_text)), 'C')) stored`.execute(
    db,
  )

  await sql`create index threads_search_idx on threads using gin (search_vector) where status = 'visible'`.execute(db)
  await sql`create index posts_search_idx on posts using gin (search_vector) where status = 'visible'`.execute(db)
  await sql`create index articles_search_idx on articles using gin (search_vector) where status = 'published'`.execute(
    db,
  )
}
