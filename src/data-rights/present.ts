// How a deleted account appears wherever an author shows: "Former member" in the reader's language, no avatar, and no
// id, so that nothing links to the person (profile links are drawn only for a non-null id).
import { translate, type Locale } from '../web/i18n.js'

export function formerMember(locale: string) {
  return {
    id: null as number | null,
    name: translate(locale as Locale, 'data_rights.former_member'),
    avatar: null,
    organisation: null as string | null,
    country: null as string | null,
  }
}

/** An author's name as a page shows it. */
export const authorName = (name: string, deletedAt: Date | null | undefined, locale: string) =>
  deletedAt ? formerMember(locale).name : name
