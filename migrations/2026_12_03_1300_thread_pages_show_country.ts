// Posts now show their author's country beside the name and organisation: a change of country must bump every thread
// page's version too (see the 1600 migration), or visitors would be served pages kept from before it.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop trigger users_page_version on users`.execute(db)
  await sql`
    create constraint trigger users_page_version after update on users deferrable initially deferred for each row
    when (old.display_name is distinct from new.display_name or old.organisation is distinct from new.organisation
      or old.country is distinct from new.country)
    execute function thread_page_changed('all')`.execute(db)
}
