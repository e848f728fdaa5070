// The sections of "Download my data" that profiles add (listed in src/data-rights/export-sections.ts): the profile as
// the member set it, with the picture they uploaded, and their expertise with the endorsements they gave. Endorsements
// they received are counted, never named: who endorsed them is the endorsers' own data.
import { sql, type Kysely } from 'kysely'
import type { ExportSection } from '../data-rights/section.js'
import type { Database } from '../db/database.js'
import { labelExpression } from '../themes/queries.js'
import { defaultLocale, isLocale, type Locale } from '../web/i18n.js'

const pictureExtensions: Record<string, string> = {
  'image/webp': 'webp',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
}

/** Theme labels in the member's own language, as their pages showed them. */
async function localeOf(db: Kysely<Database>, userId: number): Promise<Locale> {
  const row = await db.selectFrom('users').select('locale').where('id', '=', userId).executeTakeFirst()
  return isLocale(row?.locale) ? row.locale : defaultLocale
}

export const profileExportSections: ExportSection[] = [
  {
    name: 'profile-page',
    async collect(db, userId) {
      const [user, picture] = await Promise.all([
        db
          .selectFrom('users')
          .select([
            'display_name',
            'organisation',
            'country',
            'languages',
            'bio',
            'profile_visibility',
            'show_organisation',
            'show_country',
          ])
          .where('id', '=', userId)
          .executeTakeFirstOrThrow(),
        db
          .selectFrom('profile_pictures')
          .select(['bytes', 'content_type', 'updated_at'])
          .where('user_id', '=', userId)
          .executeTakeFirst(),
      ])
      const picturePath = picture ? `profile-page/picture.${pictureExtensions[picture.content_type] ?? 'bin'}` : null
      return {
        json: {
          display_name: user.display_name,
          organisation: user.organisation,
          country: user.country,
          languages: user.languages,
          bio_md: user.bio,
          visibility: user.profile_visibility,
          show_organisation: user.show_organisation,
          show_country: user.show_country,
          picture: picture
            ? { file: picturePath, content_type: picture.content_type, updated_at: picture.updated_at }
            : null,
        },
        markdown: user.bio ? [{ path: 'profile-page/bio.md', text: `${user.bio}\n` }] : [],
        files: picture && picturePath ? [{ path: picturePath, bytes: new Uint8Array(picture.bytes) }] : [],
      }
    },
  },
  {
    name: 'expertise',
    async collect(db, userId) {
      const locale = await localeOf(db, userId)
      const [themes, given] = await Promise.all([
        db
          .selectFrom('user_expertise as x')
          .innerJoin('tags as t', 't.id', 'x.tag_id')
          .select([
            't.slug as theme',
            labelExpression(locale).as('label'),
            'x.created_at as declared_at',
            sql<number>`(select count(*)::int from expertise_endorsements e
              where e.user_id = x.user_id and e.tag_id = x.tag_id)`.as('endorsements_received'),
          ])
          .where('x.user_id', '=', userId)
          .orderBy('t.slug')
          .execute(),
        db
          .selectFrom('expertise_endorsements as e')
          .innerJoin('tags as t', 't.id', 'e.tag_id')
          .innerJoin('users as u', 'u.id', 'e.user_id')
          .select([
            't.slug as theme',
            labelExpression(locale).as('label'),
            'u.id as member_id',
            'u.display_name as member_name',
            'e.created_at',
          ])
          .where('e.endorser_id', '=', userId)
          .orderBy('e.created_at')
          .orderBy('u.id')
          .execute(),
      ])
      return { json: { themes, endorsements_given: given } }
    },
  },
]
