// Findings as the reviewer sees them: the kind, and the text around it with the finding itself marked.
import { fieldLabelKey } from './fields.js'
import type { FindingRow } from './queries.js'

export interface FindingView {
  id: number
  kind: string
  field: string
  before: string
  text: string
  after: string
  open: boolean
  /** In the edit waiting on the article rather than in its own text. */
  inPendingEdit: boolean
  redacted: boolean
  decidedBy: string | null
  decidedAt: Date | null
}

export function presentFinding(row: FindingRow, t: (key: string) => string): FindingView {
  const flat = row.text.replace(/\s+/g, ' ')
  const at = row.context.indexOf(flat)
  return {
    id: row.id,
    kind: t(`redaction.kind.${row.kind}`),
    field: t(fieldLabelKey(row.field)),
    before: at >= 0 ? row.context.slice(0, at) : row.context,
    text: flat,
    after: at >= 0 ? row.context.slice(at + flat.length) : '',
    open: row.status === 'open',
    inPendingEdit: row.in_pending_edit,
    redacted: row.status === 'redacted',
    decidedBy: row.decided_by_name,
    decidedAt: row.decided_at,
  }
}
