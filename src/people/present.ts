// Rows → view models for profiles and the directory: what a member chose to hide never reaches a template.
import { countryName } from '../accounts/countries.js'
import { avatarFor, type Avatar } from '../web/avatar.js'
import { displayName } from '../web/display-names.js'

export interface PersonCardView {
  id: number
  name: string
  avatar: Avatar
  pictureUrl: string | null
  organisation: string | null
  country: string | null
}

export function personCard(
  row: {
    id: number
    display_name: string
    organisation: string | null
    country: string | null
    show_organisation: boolean
    show_country: boolean
    picture_etag: string | null
  },
  locale: string,
  isSelf = false,
): PersonCardView {
  return {
    id: row.id,
    name: row.display_name,
    avatar: avatarFor(row.display_name, row.id),
    pictureUrl: row.picture_etag ? pictureUrl(row.id, row.picture_etag) : null,
    organisation: row.show_organisation || isSelf ? row.organisation : null,
    country: row.show_country || isSelf ? countryName(row.country, locale) : null,
  }
}

/** The picture's address carries its version, so a new picture is never an old one from a cache. */
export function pictureUrl(id: number, etag: string): string {
  return `/u/${id}/picture?v=${encodeURIComponent(etag.replace(/"/g, '').slice(0, 12))}`
}

export function languageNames(codes: string[], locale: string): string[] {
  return codes.map((code) => displayName('language', locale, code) ?? code)
}
