// The shape of one section of "Download my data", and the Markdown file a member's text is written to; kept apart from
// the list of sections (export-sections.ts) so that the domains that add sections import it without a cycle.
import type { Kysely } from 'kysely'
import type { Database } from '../db/database.js'

export interface SectionContent {
  /** Written as `<name>.json`. */
  json: unknown
  /** Markdown files beside it, e.g. `threads/12.md`: the member's own texts as they wrote them. */
  markdown?: { path: string; text: string }[]
  /** Files stored as they were uploaded, e.g. `profile-page/picture.webp`. */
  files?: { path: string; bytes: Uint8Array }[]
}

export interface ExportSection {
  name: string
  collect(db: Kysely<Database>, userId: number): Promise<SectionContent>
}

/** A text as Markdown: its title, a list of facts about it, then the text itself. */
export const markdownFile = (title: string, meta: Record<string, unknown>, body: string) =>
  `# ${title}\n\n${Object.entries(meta)
    .map(([key, value]) => `- ${key}: ${value instanceof Date ? value.toISOString() : String(value ?? '')}`)
    .join('\n')}\n\n${body}\n`
