// Who wrote something, in SQL, for the lists that name authors (topic lists, latest threads): one rule with
// presentAuthor (src/discussions/present.ts). A post without a name shows the community's label and has no profile to
// link to; a deleted account shows "Former member" (translated) and has none either.
import { sql, type RawBuilder } from 'kysely'

type Flag = RawBuilder<boolean> | RawBuilder<boolean | null>

/** The profile id to link the author by, or null. `user` is the alias of the joined users row. */
export function authorIdSql(user: string, anonymous: Flag) {
  return sql<
    number | null
  >`case when coalesce(${anonymous}, false) or ${sql.ref(`${user}.deleted_at`)} is not null then null else ${sql.ref(`${user}.id`)} end`
}

/** The name to show: the label for a post without a name, "Former member" for a deleted account, else the name. */
export function authorNameSql(user: string, anonymous: Flag, label: string | RawBuilder<string>, formerMember: string) {
  return sql<string>`case when coalesce(${anonymous}, false) then ${label}
    when ${sql.ref(`${user}.deleted_at`)} is not null then ${formerMember}
    else ${sql.ref(`${user}.display_name`)} end`
}
