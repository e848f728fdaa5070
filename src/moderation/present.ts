// How moderation pages name what was acted on and its state, in the viewer's language: "reply in “Title”", never
// an internal key or "post #133".
import { hasKey } from '../web/i18n.js'

type T = (key: string, vars?: Record<string, string | number>) => string

/** A translated label for a target: its type and title ("thread “…”", "reply in “…”"), or its type when gone. */
export function targetLabel(t: T, type: string | null, title: string | null): string | null {
  if (!type) return null
  if (title && hasKey(`mod_truth.target.${type}`)) return t(`mod_truth.target.${type}`, { title })
  if (hasKey(`mod_truth.type.${type}`)) return t('mod_truth.target.gone', { type: t(`mod_truth.type.${type}`) })
  return null
}

/** A content state (visible, hidden, pending, published…) as readers of this language say it. */
export function stateLabel(t: T, status: string): string {
  return hasKey(`mod_truth.state.${status}`) ? t(`mod_truth.state.${status}`) : t('mod_truth.state.unknown')
}
