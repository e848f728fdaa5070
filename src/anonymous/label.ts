// Posting without a name: the label readers see instead of the author, and who may still see who wrote it.
import type { Locale } from '../web/i18n.js'
import { translate } from '../web/i18n.js'

export const defaultLabelKey = 'anonymous.label.default'
export const maxLabelLength = 80

/**
 * The label of a community's anonymous posts in this language: its own label, or the default one. Also when the
 * community has since turned the option off (stored null): what was posted without a name stays so.
 */
export function anonymousLabel(locale: Locale, stored: string | null | undefined): string {
  return stored ? stored : translate(locale, defaultLabelKey)
}

/** Whether the community lets its members post without a name now. */
export const allowsAnonymous = (community: { anonymous_label: string | null }) => community.anonymous_label !== null

/**
 * The actor of a notification or email about an anonymous post: the community's label (translated per recipient when
 * it is the default one), never the name. `anonymous` tells the list not to put the member's current name back.
 */
export function actorData(anonymous: boolean, name: string, stored: string | null): Record<string, string | number> {
  if (!anonymous) return { actor: name }
  return stored ? { actor: stored, anonymous: 1 } : { actor_key: defaultLabelKey, anonymous: 1 }
}

/** The author's name in a search document or feed entry: the label for anonymous posts (in the community's words). */
export function publicAuthorName(anonymous: boolean, name: string, stored: string | null, locale: Locale = 'en') {
  return anonymous ? anonymousLabel(locale, stored) : name
}
